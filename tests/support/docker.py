"""The docker CLI as a user runs it: a command's outcome, and an image pushed to a registry
and pulled back (what a login has to make work)."""

from __future__ import annotations

import subprocess
from typing import Any


def run(*args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    """``args`` run to the end (3 minutes at most), output captured, never raising."""
    return subprocess.run(
        list(args), input=input, capture_output=True, text=True, timeout=180, check=False
    )


def push_pull(registry: str, image: str, name: str) -> subprocess.CompletedProcess[str]:
    """``image`` tagged ``registry/name:1``, pushed, removed and pulled: the pull's outcome,
    or the push's when the push failed."""
    ref = f"{registry}/{name}:1"
    assert run("docker", "tag", image, ref).returncode == 0
    pushed = run("docker", "push", ref)
    if pushed.returncode != 0:
        return pushed
    assert run("docker", "rmi", ref).returncode == 0
    return run("docker", "pull", ref)


def engine_api(backends: Any) -> Any:
    """docker-py's low-level client of the test's dockerd (``backends.docker_host``)."""
    import docker

    return docker.DockerClient(base_url=backends.docker_host).api
