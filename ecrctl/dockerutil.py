"""The Docker Engine client factory and the translation of docker-py errors.

docker-py is imported inside the functions only.
"""

from __future__ import annotations

import os
from typing import Any

from ecrctl.errors import EcrctlError, NotFound, ServiceError


def docker_host() -> str:
    return os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"


def client(timeout: int = 120) -> Any:
    """A docker-py client for DOCKER_HOST (or the default socket), checked with a ping."""
    import docker

    try:
        api = docker.from_env(timeout=timeout)
        api.ping()
    except Exception as exc:
        raise translate(exc) from exc
    return api


def translate(exc: BaseException) -> EcrctlError:
    import docker.errors
    import requests.exceptions

    if isinstance(exc, EcrctlError):
        return exc
    if isinstance(exc, requests.exceptions.ConnectionError | docker.errors.DockerException) and (
        not isinstance(exc, docker.errors.APIError)
    ):
        return ServiceError(
            f"cannot reach the Docker Engine at {docker_host()}",
            hint="start dockerd, or set DOCKER_HOST to its socket",
        )
    if isinstance(exc, docker.errors.ImageNotFound):
        return NotFound(
            f"image not found in the Docker Engine: {exc.explanation or exc}",
            hint="check the name with: docker images",
        )
    if isinstance(exc, docker.errors.APIError):
        return ServiceError(f"Docker Engine error: {exc.explanation or exc}")
    return ServiceError(f"{type(exc).__name__}: {exc}")
