"""Fixtures for the fault tests: a fault-injecting proxy in front of moto_server,
the installed ``ecrctl`` run as a real subprocess through it, and a boto3
client that reads moto's real state behind the proxy's back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests import image_samples as s
from tests.conftest import REGION, Result
from tests.faults.proxy import Fault, Proxy, proxy_fixture  # noqa: F401 - the proxy fixture

ECRCTL = str(Path(sys.executable).parent / "ecrctl")


@pytest.fixture
def state(moto_url: str) -> Any:
    """boto3 straight at moto_server: the service's real state."""
    import boto3

    return boto3.client("ecr", region_name=REGION, endpoint_url=moto_url)


def env_for(proxy: Proxy, attempts: int = 3) -> dict[str, str]:
    env = dict(os.environ)
    env["AWS_ENDPOINT_URL_ECR"] = proxy.url
    env["ECRCTL_MAX_ATTEMPTS"] = str(attempts)
    return env


def ecrctl(proxy: Proxy, *args: str, attempts: int = 3) -> Result:
    done = subprocess.run(
        [ECRCTL, *args],
        env=env_for(proxy, attempts),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def signal_midway(proxy: Proxy, operation: str, after: int, signum: int, *args: str) -> Result:
    """Run ecrctl, send ``signum`` once the proxy has seen ``after`` calls of ``operation``."""
    child = subprocess.Popen(
        [ECRCTL, *args],
        env=env_for(proxy),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while proxy.counts[operation] < after and time.monotonic() < deadline:
        if child.poll() is not None:
            break
        time.sleep(0.01)
    if child.poll() is None:
        os.kill(child.pid, signum)
    out, err = child.communicate(timeout=120)
    return Result(child.returncode, out, err)


def fill(state: Any, repo: str, count: int, *, immutable: bool = False) -> list[str]:
    """``count`` images tagged t0 ... t{count-1} (one image per tag)."""
    state.create_repository(
        repositoryName=repo, imageTagMutability="IMMUTABLE" if immutable else "MUTABLE"
    )
    tags = [f"t{n}" for n in range(count)]
    for tag in tags:
        text = s.schema2(tag)
        state.put_image(
            repositoryName=repo, imageManifest=text, imageTag=tag, imageDigest=s.sha(text)
        )
    return tags


def tags_now(state: Any, repo: str) -> dict[str, str]:
    """Every tag of the repository -> its digest, read from moto directly."""
    found: dict[str, str] = {}
    for image in state.list_images(repositoryName=repo)["imageIds"]:
        if image.get("imageTag"):
            found[image["imageTag"]] = image["imageDigest"]
    return found


__all__ = ["SIGINT", "SIGTERM", "Fault", "Result", "ecrctl", "fill", "signal_midway", "tags_now"]
SIGINT, SIGTERM = signal.SIGINT, signal.SIGTERM
