"""The credential helper's cache hit and ``ecrctl login`` on a hit, as ratios to
``python3 -c pass``, beside docker-credential-ecr-login and aws ecr get-login-password.

python benchmarks/bench_login.py [--runs N]

The benchmark runs itself inside a private D-Bus session with gnome-keyring unlocked,
and times, interleaved round by round so that the machine's load hits every case
alike:

- ``python3 -c pass`` (this interpreter): the floor every ratio is taken against;
- ``docker-credential-ecrctl get`` answered from each store of the token cache: the
  kernel keyring (no session bus, no PYTHON_KEYRING_BACKEND: a CI runner), the
  Secret Service (gnome-keyring, keyring's own choice: a desktop), and the file on
  disk that ``ECRCTL_TOKEN_CACHE=file`` asks for;
- ``ecrctl login`` on a hit in the kernel keyring (it writes docker's config.json);
- ``docker-credential-ecr-login get`` (Debian's amazon-ecr-credential-helper,
  installed by benchmarks/run) from its warm ``$AWS_ECR_CACHE_DIR/cache.json``;
- with fewer runs, what has no cache: ``aws ecr get-login-password`` (AWS CLI v1) and
  ecrctl's helper with ``ECRCTL_NO_CACHE=1``, both asking moto_server.

Each case's wall time and CPU time (user + system, ``getrusage(RUSAGE_CHILDREN)``) are
medians; the CPU time shows the cost apart from the machine's load.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import aws_cli, base_env, ecrctl_bin, in_secret_service, moto_server

ACCOUNT = "123456789012"
REGION = "us-east-1"
HOST = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com"
TARGETS = {"kernel": 2.5, "secret service": 3.5, "login": 3.0}  # x python3 -c pass

SEED_ECRCTL = """
from datetime import UTC, datetime, timedelta
from ecrctl.aws.settings import AwsSettings, resolve
from ecrctl.login import cache as tokencache
cache = tokencache.open_cache()
assert cache.usable and cache.kind == {kind!r}, (cache.kind, cache.reason)
resolved = resolve(AwsSettings())
arn = "arn:aws:sts::{account}:user/moto"
cache.remember_identity(resolved.credential_source(), tokencache.Identity(arn, "{account}"))
now = datetime.now(UTC)
key = tokencache.CacheKey("aws", "{account}", "{region}", arn, resolved.endpoint_url)
token = tokencache.CachedToken("AWS", "ecrctl-bench-secret", "https://{host}",
                               now + timedelta(hours=12), now, "{host}")
assert cache.put(key, token)
"""

FORGET_KERNEL_KEYS = """
from ecrctl.login import cache as tokencache
tokencache.open_cache().drop_where(lambda entry: False)
"""


def seed_ecr_login(cache_dir: Path, access_key: str) -> None:
    """A fresh entry in amazon-ecr-credential-helper 0.6's cache.json.

    Its key: region, base64 of (access key id + md5 of nothing) as that version
    builds it, and the registry id.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    checksum = base64.b64encode(access_key.encode() + hashlib.md5(b"").digest()).decode()
    now = datetime.now(UTC)
    entry = {
        "AuthorizationToken": base64.b64encode(b"AWS:ecr-login-bench-secret").decode(),
        "RequestedAt": now.isoformat(),
        "ExpiresAt": (now + timedelta(hours=12)).isoformat(),
        "ProxyEndpoint": f"https://{HOST}",
        "Service": "ecr",
    }
    key = f"{REGION}-{checksum}-{ACCOUNT}"
    data = {"Registries": {key: entry}, "Version": "1.0"}
    (cache_dir / "cache.json").write_text(json.dumps(data))


def answer(argv: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(argv, input=HOST.encode(), env=env, capture_output=True, check=True)
    secret: str = json.loads(done.stdout)["Secret"]
    return secret


Case = tuple[str, list[str], dict[str, str], bytes | None]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def interleaved(
    cases: Sequence[Case], runs: int, warmup: int = 2
) -> dict[str, tuple[float, float]]:
    """Median wall time and median CPU time (user + system) of each case, the cases
    run one after another in each round."""
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name, *_ in cases}
    for round_ in range(warmup + runs):
        for name, argv, env, stdin in cases:
            cpu, start = _children_cpu(), time.perf_counter()
            done = subprocess.run(argv, env=env, input=stdin, capture_output=True)
            elapsed, used = time.perf_counter() - start, _children_cpu() - cpu
            if done.returncode != 0:
                sys.exit(f"{name}: {' '.join(argv)} failed: {done.stdout!r} {done.stderr!r}")
            if round_ >= warmup:
                samples[name].append((elapsed, used))
    return {
        name: (statistics.median(s[0] for s in values), statistics.median(s[1] for s in values))
        for name, values in samples.items()
    }


def environments(work: Path, url: str) -> dict[str, dict[str, str]]:
    env = base_env(url)
    env.update(
        {
            "HOME": str(work),
            "XDG_CACHE_HOME": str(work / "cache"),
            "XDG_DATA_HOME": str(work / "data"),
            "XDG_CONFIG_HOME": str(work / "config"),
            "XDG_STATE_HOME": str(work / "state"),
            "DOCKER_CONFIG": str(work / "docker"),
            "AWS_ECR_CACHE_DIR": str(work / "ecr-login"),
            "AWS_REGION": REGION,
        }
    )
    env.pop("PYTHON_KEYRING_BACKEND", None)
    kernel = {k: v for k, v in env.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    return {
        "secret service": env,
        "kernel": kernel,
        "file": {**kernel, "ECRCTL_TOKEN_CACHE": "file"},
        "uncached": {**kernel, "ECRCTL_NO_CACHE": "1"},
    }


def run(runs: int) -> None:
    ecrctl = ecrctl_bin()
    helper = str(Path(ecrctl).parent / "docker-credential-ecrctl")
    ecr_login = shutil.which("docker-credential-ecr-login")
    work = Path(tempfile.mkdtemp(prefix="ecrctl-bench-login-"))
    stdin = HOST.encode()
    try:
        with moto_server() as url:
            envs = environments(work, url)
            for kind in ("kernel", "secret service", "file"):
                wanted = {"secret service": "keyring"}.get(kind, kind)
                seed = SEED_ECRCTL.format(kind=wanted, account=ACCOUNT, region=REGION, host=HOST)
                subprocess.run([sys.executable, "-c", seed], env=envs[kind], check=True)
                assert answer([helper, "get"], envs[kind]) == "ecrctl-bench-secret", kind
            cases: list[Case] = [
                ("python3 -c pass", [sys.executable, "-c", "pass"], envs["kernel"], None),
                ("get, kernel keyring", [helper, "get"], envs["kernel"], stdin),
                ("get, Secret Service", [helper, "get"], envs["secret service"], stdin),
                ("get, file on disk", [helper, "get"], envs["file"], stdin),
                ("ecrctl login, kernel keyring", [ecrctl, "login"], envs["kernel"], None),
            ]
            if ecr_login:
                seed_ecr_login(work / "ecr-login", envs["kernel"]["AWS_ACCESS_KEY_ID"])
                assert answer([ecr_login, "get"], envs["kernel"]) == "ecr-login-bench-secret"
                theirs = [ecr_login, "get"]
                cases.append(("docker-credential-ecr-login get", theirs, envs["kernel"], stdin))
            hits = interleaved(cases, runs)
            assert answer([helper, "get"], envs["uncached"]) == f"{ACCOUNT}-auth-token"
            uncached: list[Case] = [
                ("python3 -c pass", [sys.executable, "-c", "pass"], envs["kernel"], None),
                ("get, no cache (GetAuthorizationToken)", [helper, "get"],
                 envs["uncached"], stdin),
                ("aws ecr get-login-password", [aws_cli(), "ecr", "get-login-password"],
                 envs["kernel"], None),
            ]  # fmt: skip
            slow = interleaved(uncached, max(5, runs // 3), warmup=1)
            subprocess.run([sys.executable, "-c", FORGET_KERNEL_KEYS], env=envs["kernel"])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(hits, slow, bool(ecr_login))


def report(
    hits: dict[str, tuple[float, float]], slow: dict[str, tuple[float, float]], ecr_login: bool
) -> None:
    for title, table in (
        (f"Cache hits, {os.cpu_count()} CPUs, ratios to python3 -c pass of the same rounds", hits),
        ("Without a cache (asking moto_server)", slow),
    ):
        wall_floor, cpu_floor = table["python3 -c pass"]
        print(f"\n{title}")
        print("| case | wall (median) | x python3 -c pass | CPU (median) | x python3 -c pass |")
        print("|---|---:|---:|---:|---:|")
        for name, (wall, cpu) in table.items():
            print(
                f"| {name} | {wall * 1000:.1f} ms | {wall / wall_floor:.2f}x "
                f"| {cpu * 1000:.1f} ms | {cpu / cpu_floor:.2f}x |"
            )
    print()
    floor = hits["python3 -c pass"][0]
    for case, target in (
        ("get, kernel keyring", TARGETS["kernel"]),
        ("get, Secret Service", TARGETS["secret service"]),
        ("ecrctl login, kernel keyring", TARGETS["login"]),
    ):
        ratio = hits[case][0] / floor
        verdict = "met" if ratio <= target else "MISSED"
        print(f"{case}: {ratio:.2f}x python3 -c pass (wall), target <= {target}x: {verdict}")
    if ecr_login:
        ours, theirs = hits["get, kernel keyring"][0], hits["docker-credential-ecr-login get"][0]
        print(f"ecr-login's hit / ecrctl's (kernel keyring, wall): {theirs / ours:.2f}x")
    else:
        print("docker-credential-ecr-login is not installed: that comparison is skipped")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    if os.environ.get("ECRCTL_BENCH_SECRET_SERVICE") != "1":
        in_secret_service(sys.argv)  # runs this benchmark again inside one; never returns
    run(args.runs)


if __name__ == "__main__":
    main()
