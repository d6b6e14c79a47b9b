"""Shared pieces of the benchmarks: timing, the tools compared, a moto server.

Every benchmark measures ecrctl and the tool a user would otherwise run in the
same run, on the same loopback backend, and reports medians and ratios.
"""

from __future__ import annotations

import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import backends  # noqa: E402

AWS_VENV = ROOT / "benchmarks" / ".venv-awscli"


def base_env(endpoint: str | None = None) -> dict[str, str]:
    # PYTHONDONTWRITEBYTECODE would make every run compile ecrctl from source, which
    # no installed copy does (pip compiles at install time); see precompile().
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AWS_", "ECRCTL_")) and k != "PYTHONDONTWRITEBYTECODE"
    }
    env.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_PAGER": "",
            "AWS_EC2_METADATA_DISABLED": "true",
        }
    )
    if endpoint:
        env["AWS_ENDPOINT_URL_ECR"] = endpoint
    return env


def median_seconds(
    argv: Sequence[str],
    runs: int = 7,
    env: dict[str, str] | None = None,
    stdin: bytes | None = None,
    warmup: int = 1,
) -> float:
    """Median wall time of running argv ``runs`` times (after ``warmup`` runs)."""
    samples: list[float] = []
    for index in range(warmup + runs):
        start = time.perf_counter()
        proc = subprocess.run(list(argv), env=env, input=stdin, capture_output=True)
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            raise RuntimeError(
                f"{' '.join(argv)} failed ({proc.returncode}): "
                f"{proc.stderr.decode(errors='replace')[-500:]}"
            )
        if index >= warmup:
            samples.append(elapsed)
    return statistics.median(samples)


def precompile() -> None:
    """Byte-compile ecrctl as ``pip install`` does, so no run pays for compiling."""
    import compileall

    compileall.compile_dir(str(ROOT / "ecrctl"), quiet=1)


def ecrctl_bin() -> str:
    precompile()
    candidate = Path(sys.executable).parent / "ecrctl"
    return str(candidate) if candidate.exists() else (shutil.which("ecrctl") or "ecrctl")


def aws_cli() -> str:
    """AWS CLI v1 from PyPI, in its own venv so its botocore pin stays apart."""
    aws = AWS_VENV / "bin" / "aws"
    if not aws.exists():
        subprocess.run([sys.executable, "-m", "venv", str(AWS_VENV)], check=True)
        subprocess.run([str(AWS_VENV / "bin" / "pip"), "install", "-q", "awscli"], check=True)
    return str(aws)


@contextmanager
def moto_server() -> Iterator[str]:
    """A moto_server (with ECR's digest rule) on 127.0.0.1; yields its URL."""
    workdir = Path(tempfile.mkdtemp(prefix="ecrctl-bench-"))
    env = backends.start(workdir, ["moto"])
    try:
        yield env["AWS_ENDPOINT_URL_ECR"]
    finally:
        backends.stop(workdir)
        shutil.rmtree(workdir, ignore_errors=True)


def reset(url: str) -> None:
    import urllib.request

    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST")).close()


def report(
    title: str,
    rows: Sequence[tuple[str, float, float]],
    names: tuple[str, str] = ("ecrctl", "aws-cli"),
) -> None:
    """rows: (case, ecrctl seconds, other seconds); prints medians and other/ecrctl."""
    print(f"\n{title}")
    print(f"| case | {names[0]} median | {names[1]} median | {names[1]}/{names[0]} |")
    print("|---|---:|---:|---:|")
    for case, ours, theirs in rows:
        print(f"| {case} | {ours * 1000:.0f} ms | {theirs * 1000:.0f} ms | {theirs / ours:.2f}x |")
    sys.stdout.flush()


def in_secret_service(argv: list[str]) -> None:
    """Run this benchmark again inside a private D-Bus session with gnome-keyring unlocked."""
    for tool in ("dbus-run-session", "gnome-keyring-daemon"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is needed: apt-get install dbus gnome-keyring")
    home = tempfile.mkdtemp(prefix="ecrctl-bench-keyring-")
    inner = " ".join(shlex.quote(a) for a in [sys.executable, *argv])
    shell = (
        f"export HOME={shlex.quote(home)} ECRCTL_BENCH_SECRET_SERVICE=1; "
        "printf %s bench | gnome-keyring-daemon --unlock --components=secrets >/dev/null; "
        f"exec {inner}"
    )
    code = subprocess.run(["dbus-run-session", "--", "sh", "-c", shell]).returncode
    shutil.rmtree(home, ignore_errors=True)
    sys.exit(code)
