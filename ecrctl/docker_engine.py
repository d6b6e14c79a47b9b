"""The Docker Engine: the client factory, and docker-py's errors and registry
refusals as ecrctl errors (called from :mod:`ecrctl.translate` and from push/pull).

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

    api = docker.from_env(timeout=timeout)
    api.ping()  # fails now, through the one error path, when the engine is not there
    return api


def translate_docker_error(exc: BaseException) -> EcrctlError:
    """A docker-py (or requests) exception as an ecrctl error."""
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


_AUTH_WORDS = (
    "unauthorized",
    "authentication required",
    "no basic auth credentials",
    "authorization token has expired",
    "denied",
)
_REPO_MISSING_WORDS = ("does not exist", "name unknown", "repository not found")
_IMAGE_MISSING_WORDS = ("manifest unknown", "not found")


def registry_error(
    message: str,
    *,
    action: str,
    host: str,
    repository: str,
    ref: str | None = None,
) -> EcrctlError:
    """A registry's answer during push or pull (a stream ``error`` event or an
    APIError) as a one-line ecrctl error with the fix."""
    from ecrctl.errors import AuthError

    text = " ".join(message.split())
    lowered = text.lower()
    if any(word in lowered for word in _AUTH_WORDS):
        return AuthError(
            f"the registry {host} refused the credentials for {action} of {repository}: {text}",
            hint="check that --region/--registry-id match the registry, and the caller's "
            f"ecr:* permissions (tokens last 12 hours); to see why: ecrctl doctor {repository}",
        )
    if any(word in lowered for word in _REPO_MISSING_WORDS):
        return NotFound(
            f"repository {repository!r} does not exist at {host}: {text}",
            hint=f"create it with: ecrctl repo create {repository} (or push with --create); "
            f"to see why: ecrctl doctor {repository}",
        )
    if action == "pull" and any(word in lowered for word in _IMAGE_MISSING_WORDS):
        return NotFound(
            f"no image {repository}{'@' if ref and ref.startswith('sha256:') else ':'}{ref} "
            f"at {host}: {text}",
            hint=f"list the images with: ecrctl image list {repository}",
        )
    return ServiceError(
        f"{action} of {repository} via {host} failed: {text}",
        hint=f"to see why: ecrctl doctor {repository} --{action}",
    )
