"""``ecrctl image push`` and ``image pull`` through the real main() wrapper: the ECR API on
a moto_server, the real dockerd and docker-registry."""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
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


def _unique_image(backends: Any, name: str, random: int = 0) -> str:
    """A one-layer image with content of its own (``random`` bytes of it that do not
    compress), imported offline."""
    import io
    import tarfile

    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w") as tar:
        payload = f"{name}\n".encode() * 2048 + os.urandom(random)
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


class SlowLink:
    """A TCP relay on loopback whose uploads go at ``rate`` bytes a second: a slow link
    between dockerd and the registry, so that a real push lasts seconds."""

    def __init__(self, upstream: str, rate: int) -> None:
        import socket

        self.upstream, self.rate = upstream, rate
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self.listener.getsockname()[1]}"
        self.open: list[Any] = []

    def __enter__(self) -> SlowLink:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.listener.close()
        for connection in self.open:
            connection.close()

    def _accept(self) -> None:
        import socket

        host, port = self.upstream.split(":")
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection((host, int(port)))
            self.open += [client, server]
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, source: Any, sink: Any, slow: bool) -> None:
        try:
            while chunk := source.recv(16384):
                sink.sendall(chunk)
                if slow:
                    time.sleep(len(chunk) / self.rate)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sink.shutdown(2)


def test_a_long_push_without_a_terminal_says_its_bytes_at_intervals(
    registry: Any, moto_url: str
) -> None:
    """Piped, a push says each layer's states once and, between them, the bytes so far
    at most once every ECRCTL_PROGRESS_INTERVAL seconds (10 unless set), on stderr."""
    _boto(moto_url).create_repository(repositoryName="team/slow")
    local = _unique_image(registry, "local/slow:v1", random=12_000_000)
    with SlowLink(registry.registry, rate=2_000_000) as link:
        env = {**os.environ, "ECRCTL_REGISTRY_URL": link.address, "ECRCTL_PROGRESS_INTERVAL": "0.5"}
        argv = [str(Path(sys.executable).parent / "ecrctl"), "image", "push", local, "team/slow"]
        process = subprocess.Popen(
            argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert process.stderr is not None
        lines = [(time.monotonic(), line.rstrip("\n")) for line in process.stderr]
        assert process.wait(timeout=120) == 0, lines
    said = [(when, line) for when, line in lines if line.startswith("push: ")]
    assert len(said) >= 2, lines
    assert all(b - a >= 0.45 for (a, _), (b, _) in itertools.pairwise(said)), said
    shape = r"push: [\d.]+ of [\d.]+ MB, \d of \d layers done"
    assert all(re.fullmatch(shape, text) for _, text in said), said
    texts = [line for _, line in lines]
    assert len([t for t in texts if t.endswith(": Pushed")]) == 1, texts  # one layer, once
    assert texts[-1] == f"pushed {link.address}/team/slow:v1"


@pytest.mark.parametrize("value", ["0", "-1", "soon", "nan"])
def test_a_progress_interval_that_is_not_seconds_is_refused(
    cli: Runner, registry: Any, moto_url: str, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("ECRCTL_PROGRESS_INTERVAL", value)
    _boto(moto_url).create_repository(repositoryName="team/app")
    result = cli("image", "push", registry.image, "team/app:v1")
    one_line_error(result, 2, f"ECRCTL_PROGRESS_INTERVAL={value!r} is not a number of seconds")


def test_push_to_a_repository_of_another_region_names_it(
    cli: Runner, registry: Any, moto_url: str, isolated: Path
) -> None:
    """A repository the AWS config's other region has: that region and --region."""
    import boto3

    boto3.client("ecr", region_name="eu-west-1", endpoint_url=moto_url).create_repository(
        repositoryName="team/far"
    )
    config = Path(os.environ["AWS_CONFIG_FILE"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[profile eu]\nregion = eu-west-1\n")
    result = cli("image", "push", registry.image, "team/far:v1")
    one_line_error(result, 1, "repository 'team/far' does not exist")
    assert "it exists in eu-west-1: use --region eu-west-1" in result.stderr
    assert "repo create" not in result.stderr


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
