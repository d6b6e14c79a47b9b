"""The Docker Engine's client and its errors: a real dockerd answers, a missing one and
docker-py's own exceptions become one-line ecrctl errors, and a registry's refusals during
push or pull say what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecrctl import docker_engine
from ecrctl.docker_engine import registry_error
from ecrctl.errors import AuthError, EcrctlError, NotFound, ServiceError
from tests.conftest import DockerBackends


def test_docker_host_is_docker_host_or_the_default_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    assert docker_engine.docker_host() == "unix:///var/run/docker.sock"
    monkeypatch.setenv("DOCKER_HOST", "tcp://127.0.0.1:2375")
    assert docker_engine.docker_host() == "tcp://127.0.0.1:2375"


@pytest.mark.services
def test_client_talks_to_the_engine_at_docker_host(docker_env: DockerBackends) -> None:
    api = docker_engine.client(timeout=30)
    assert api.version()["ApiVersion"]


@pytest.mark.services
def test_an_image_the_engine_lacks_is_not_found(docker_env: DockerBackends) -> None:
    import docker.errors

    api = docker_engine.client(timeout=30)
    with pytest.raises(docker.errors.ImageNotFound) as info:
        api.images.get("ecrctl-test/never-built:1")
    error = docker_engine.translate_docker_error(info.value)
    assert type(error) is NotFound
    assert error.one_line().startswith("image not found in the Docker Engine: ")
    assert error.one_line().endswith("; check the name with: docker images")


def test_no_engine_at_docker_host_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    host = f"unix://{tmp_path}/nobody.sock"
    monkeypatch.setenv("DOCKER_HOST", host)
    with pytest.raises(Exception) as info:
        docker_engine.client(timeout=5)
    error = docker_engine.translate_docker_error(info.value)
    assert type(error) is ServiceError
    assert error.one_line() == (
        f"cannot reach the Docker Engine at {host}; start dockerd, or set DOCKER_HOST to its socket"
    )


def test_an_ecrctl_error_passes_through_and_anything_else_is_named() -> None:
    import docker.errors

    refused = AuthError("no")
    assert docker_engine.translate_docker_error(refused) is refused
    answer = docker_engine.translate_docker_error(docker.errors.APIError("500 Server Error"))
    assert answer.one_line() == "Docker Engine error: 500 Server Error"
    odd = docker_engine.translate_docker_error(ValueError("odd"))
    assert (type(odd), odd.one_line()) == (ServiceError, "ValueError: odd")


@pytest.mark.parametrize(
    ("message", "action", "kind", "text"),
    [
        ("unauthorized: authentication required", "push", AuthError, "refused the credentials"),
        ("no basic auth credentials", "pull", AuthError, "refused the credentials"),
        (
            "denied: Your authorization token has expired. Reauthenticate and try again.",
            "push",
            AuthError,
            "token has expired",
        ),
        (
            "name unknown: The repository with name 'app' does not exist in the registry with id "
            "'123456789012'",
            "push",
            NotFound,
            "ecrctl repo create app",
        ),
        ("manifest for h/app:v1 not found: manifest unknown", "pull", NotFound, "no image app:v1"),
        ("blob upload invalid", "push", ServiceError, "push of app via h failed"),
    ],
)
def test_registry_error(message: str, action: str, kind: type[EcrctlError], text: str) -> None:
    error = registry_error(message, action=action, host="h", repository="app", ref="v1")
    assert type(error) is kind
    assert text in error.one_line()
    assert "\n" not in error.one_line()


@pytest.mark.parametrize(
    ("message", "action", "hint"),
    [
        ("no basic auth credentials", "push", "to see why: ecrctl doctor team/app"),
        ("name unknown: repository does not exist", "pull", "to see why: ecrctl doctor team/app"),
        ("blob upload invalid", "push", "to see why: ecrctl doctor team/app --push"),
        ("read: connection reset by peer", "pull", "to see why: ecrctl doctor team/app --pull"),
    ],
)
def test_registry_refusals_name_the_doctor(message: str, action: str, hint: str) -> None:
    error = registry_error(message, action=action, host="h", repository="team/app")
    assert error.one_line().endswith(hint)
