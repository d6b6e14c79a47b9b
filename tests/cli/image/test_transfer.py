"""``ecrctl image push`` and ``image pull`` through the real main() wrapper: the ECR API on
a moto_server, the real dockerd and docker-registry."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from ecrctl.distribution import manifest as m
from tests.conftest import Runner
from tests.support.cli import one_line_error
from tests.support.docker import engine_api

DIGEST = "sha256:" + "ab" * 32


@pytest.fixture
def registry(docker_env: Any, moto_url: str, monkeypatch: pytest.MonkeyPatch, isolated: Any) -> Any:
    """ECR API on moto_server, the registry address override, an empty docker config."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", moto_url)
    monkeypatch.setenv("ECRCTL_REGISTRY_URL", docker_env.registry)
    config = isolated / ".docker"
    config.mkdir(exist_ok=True)
    (config / "config.json").write_text("{}")
    return docker_env


def _boto(moto_url: str) -> Any:
    import boto3

    return boto3.client("ecr", region_name="us-east-1", endpoint_url=moto_url)


def _unique_image(backends: Any, name: str) -> str:
    """A one-layer image with content of its own, imported offline."""
    import io
    import tarfile

    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w") as tar:
        payload = f"{name}\n".encode() * 2048
        info = tarfile.TarInfo("payload.txt")
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    repository, tag = name.split(":")
    engine_api(backends).import_image_from_data(data.getvalue(), repository=repository, tag=tag)
    return name


def _registry_manifest(backends: Any, repository: str, ref: str) -> tuple[str, bytes]:
    import base64
    import urllib.request

    request = urllib.request.Request(
        f"http://{backends.registry}/v2/{repository}/manifests/{ref}",
        headers={
            "Authorization": "Basic "
            + base64.b64encode(f"AWS:{backends.password}".encode()).decode(),
            "Accept": m.DOCKER_SCHEMA2 + ", " + m.OCI_MANIFEST,
        },
    )
    with urllib.request.urlopen(request) as response:
        return response.headers["Docker-Content-Digest"], response.read()


def test_push_with_empty_docker_config_then_pull_by_digest(
    cli: Runner, registry: Any, moto_url: str, isolated: Any
) -> None:
    _boto(moto_url).create_repository(repositoryName="team/pushed")
    local = _unique_image(registry, "local/pushed:v1")
    pushed = cli("image", "push", local, "team/pushed")
    assert pushed.exit_code == 0, pushed.stderr
    digest = pushed.stdout.strip()
    remote_digest, body = _registry_manifest(registry, "team/pushed", "v1")
    assert digest == remote_digest == "sha256:" + hashlib.sha256(body).hexdigest()
    assert f"pushed {registry.registry}/team/pushed:v1" in pushed.stderr
    assert (isolated / ".docker" / "config.json").read_text() == "{}"  # nothing written

    api = engine_api(registry)
    image_id = api.inspect_image(local)["Id"]
    api.remove_image(image_id, force=True)
    pulled = cli("image", "pull", f"team/pushed@{digest}")
    assert pulled.exit_code == 0, pulled.stderr
    uri = f"{registry.registry}/team/pushed@{digest}"
    assert pulled.stdout.strip() == uri
    assert "Pull complete" in pulled.stderr  # the layer really came from the registry
    assert api.inspect_image(uri)["Id"] == image_id
    assert (isolated / ".docker" / "config.json").read_text() == "{}"


def test_pull_says_what_it_pulled_once(cli: Runner, registry: Any, moto_url: str) -> None:
    """The local name on stdout, docker's layers and digest on stderr: neither docker's
    closing status nor a notice repeats the name, new or up to date."""
    _boto(moto_url).create_repository(repositoryName="team/once")
    local = _unique_image(registry, "local/once:v1")
    digest = cli("image", "push", local, "team/once").stdout.strip()
    uri = f"{registry.registry}/team/once:v1"
    engine_api(registry).remove_image(uri)
    for expected in ("Status: Downloaded newer image\n", "Status: Image is up to date\n"):
        pulled = cli("image", "pull", "team/once:v1")
        assert pulled.exit_code == 0, pulled.stderr
        assert pulled.stdout == uri + "\n"
        said = pulled.stdout + pulled.stderr
        assert (said.count(uri), said.count(digest)) == (1, 1), said
        assert pulled.stderr.endswith(expected), pulled.stderr


def test_push_json_create_and_quiet(cli: Runner, registry: Any, moto_url: str) -> None:
    local = _unique_image(registry, "local/created:v7")
    result = cli("image", "push", local, "team/created", "--create", "-q", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""  # -q: no progress, no notices
    data = result.json
    assert data["repositoryName"] == "team/created" and data["imageTag"] == "v7"
    assert data["repositoryCreated"] is True
    assert data["imageUri"] == f"{registry.registry}/team/created:v7"
    assert _registry_manifest(registry, "team/created", "v7")[0] == data["imageDigest"]
    repos = _boto(moto_url).describe_repositories(repositoryNames=["team/created"])
    assert repos["repositories"][0]["repositoryName"] == "team/created"


def test_push_progress_lines_without_a_terminal(cli: Runner, registry: Any, moto_url: str) -> None:
    _boto(moto_url).create_repository(repositoryName="ecrctl-test/busybox")
    result = cli("image", "push", registry.image)  # name and tag from the local image
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    # a layer another test pushed to this registry already is mounted, not pushed again
    finished = ("Pushed", "Layer already exists")
    assert any(line.endswith(finished) or "Mounted from" in line for line in lines), lines
    assert len([ln for ln in lines if "Pushing" in ln]) <= 1  # no per-chunk flood
    assert "\x1b[" not in result.stderr  # no colour or cursor codes


def test_push_to_a_missing_repository_gives_the_404_advice(
    cli: Runner, registry: Any, moto_url: str
) -> None:
    result = cli("image", "push", registry.image, "team/missing:v1")
    one_line_error(result, 1, "repository 'team/missing' does not exist")
    assert "ecrctl repo create team/missing" in result.stderr
    assert "--create" in result.stderr


def test_push_unknown_local_image(cli: Runner, registry: Any, moto_url: str) -> None:
    _boto(moto_url).create_repository(repositoryName="team/app")
    one_line_error(cli("image", "push", "no/such:image", "team/app"), 1, "no local image")


def test_push_unknown_local_image_with_create_creates_nothing(
    cli: Runner, registry: Any, moto_url: str
) -> None:
    result = cli("image", "push", "no/such:image", "team/fresh", "--create")
    one_line_error(result, 1, "no local image 'no/such:image'")
    assert _boto(moto_url).describe_repositories()["repositories"] == []


def test_no_docker_daemon_is_reported_before_aws_is_asked(
    cli: Runner, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    socket = f"unix://{tmp_path}/none.sock"
    monkeypatch.setenv("DOCKER_HOST", socket)
    monkeypatch.delenv("AWS_DEFAULT_REGION")  # an AWS call would fail on the region first
    for command in (["push", "img:1", "team/app"], ["pull", "team/app:1"]):
        one_line_error(cli("image", *command), 1, f"cannot reach the Docker Engine at {socket}")


def test_push_without_destination_refuses_a_foreign_host_in_the_local_name(
    cli: Runner, registry: Any, moto_url: str
) -> None:
    # the host is never dropped for the caller's registry: nothing is pushed
    _boto(moto_url).create_repository(repositoryName="team/foreign")
    local = _unique_image(registry, "example.com/team/foreign:v1")
    result = cli("image", "push", local)
    one_line_error(result, 2, "example.com is not an ECR registry host")
    assert f"give the destination: ecrctl image push {local} REPO[:TAG]" in result.stderr
    found = _boto(moto_url).describe_images(repositoryName="team/foreign")["imageDetails"]
    assert found == []


def test_push_without_destination_goes_to_the_ecr_host_in_the_local_name(
    cli: Runner, registry: Any, moto_url: str
) -> None:
    # another account's ECR host in the local name: that account is asked (moto has
    # no such repository there, while the caller's account has one of that name)
    _boto(moto_url).create_repository(repositoryName="team/elsewhere")
    host = "210987654321.dkr.ecr.eu-west-1.amazonaws.com"
    local = _unique_image(registry, f"{host}/team/elsewhere:v1")
    result = cli("image", "push", local)
    one_line_error(result, 1, "repository 'team/elsewhere' does not exist")
    assert "210987654321" in result.stderr
    assert _boto(moto_url).describe_images(repositoryName="team/elsewhere")["imageDetails"] == []


def test_pull_unknown_tag(cli: Runner, registry: Any) -> None:
    result = cli("image", "pull", "team/never:v1")
    one_line_error(result, 1, "no image team/never:v1")


def test_pull_with_another_accounts_token_is_refused(cli: Runner, registry: Any) -> None:
    # moto's token for account 111111111111 is not a password the registry knows
    result = cli("image", "pull", "team/app:v1", "--registry-id", "111111111111")
    one_line_error(result, 1, f"the registry {registry.registry} refused the credentials")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["push", "img:1", "Bad/Name"], "invalid repository name 'Bad/Name'"),
        (["push", "img:1", "app:bad tag"], "invalid image tag"),
        (["pull", "app@sha256:12"], "invalid image digest"),
    ],
)
def test_transfer_bad_input(cli: Runner, args: list[str], message: str) -> None:
    one_line_error(cli("image", *args), 2, message)


@pytest.mark.parametrize("command", [["push", "img:1", "team/app"], ["pull", "team/app:1"]])
def test_no_docker_daemon_is_named(
    cli: Runner, repo: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Any, command: list[str]
) -> None:
    socket = f"unix://{tmp_path}/none.sock"
    monkeypatch.setenv("DOCKER_HOST", socket)
    one_line_error(cli("image", *command), 1, f"cannot reach the Docker Engine at {socket}")
