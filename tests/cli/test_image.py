"""``ecrctl image`` through the real main() wrapper: list/show/retag/delete on
moto's ECR, push/pull on the real dockerd and docker-registry."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from ecrctl.distribution import manifest as m
from tests import image_samples as s
from tests.conftest import Runner

DIGEST = "sha256:" + "ab" * 32


@pytest.fixture
def repo(ecr: Any) -> str:
    ecr.create_repository(repositoryName="team/app")
    return "team/app"


def _one_line_error(result: Any, code: int, message: str) -> None:
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stderr.startswith("ecrctl: error: ")
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


# -- list ------------------------------------------------------------------------------


def test_list_table_and_json(cli: Runner, ecr: Any, repo: str) -> None:
    tagged = s.put(ecr, repo, s.schema2("t", (3 * 1024 * 1024,)), m.DOCKER_SCHEMA2, tag="v1")
    loose = s.put(ecr, repo, s.schema2("u", (1024,)), m.DOCKER_SCHEMA2)
    result = cli("image", "list", repo)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["TAGS", "DIGEST", "SIZE", "(MiB)", "PUSHED"]
    rows = {line.split()[0]: line for line in lines[1:] if line.strip()}
    assert tagged[:19] in rows["v1"] and tagged[19:] not in rows["v1"]
    assert loose[:19] in rows["<untagged>"]
    body = "\n".join(lines[1:])
    assert "3.00" in body  # 3 MiB layer + 1470 bytes of config, compressed size
    assert "ago)" in body

    data = cli("image", "list", repo, "-o", "json").json
    assert {d["imageDigest"] for d in data} == {tagged, loose}
    assert all(d["imagePushedAt"].endswith("+00:00") or "T" in d["imagePushedAt"] for d in data)
    for detail in data:
        raw = cli("image", "show", repo, detail["imageDigest"], "--raw").stdout
        assert detail["imageDigest"] == "sha256:" + hashlib.sha256(raw.encode()).hexdigest()

    untagged = cli("image", "list", repo, "--untagged", "-o", "json").json
    assert [d["imageDigest"] for d in untagged] == [loose]
    limited = cli("image", "list", repo, "--sort", "size", "--limit", "1", "-o", "json").json
    assert [d["imageDigest"] for d in limited] == [tagged]


def test_list_errors(cli: Runner, ecr: Any) -> None:
    _one_line_error(cli("image", "list", "nope"), 1, "nope")
    _one_line_error(cli("image", "list", "Bad"), 2, "invalid repository name 'Bad'")
    assert cli("image", "list", "x1", "--limit", "0").exit_code == 2


# -- show ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["schema2", "oci", "list", "index"])
def test_show_table_json_and_raw(cli: Runner, ecr: Any, repo: str, kind: str) -> None:
    tag, digest, text = s.put_every_type(ecr, repo)[kind]
    raw = cli("image", "show", repo, tag, "--raw")
    assert raw.exit_code == 0 and raw.stdout == text  # byte for byte, no newline added
    assert digest == s.sha(raw.stdout)

    data = cli("image", "show", repo, digest, "-o", "json").json
    assert data["imageDetail"]["imageDigest"] == digest
    assert data["manifestDigest"] == digest
    assert "imageManifest" not in data

    table = cli("image", "show", repo, tag).stdout
    assert data["manifest"]["mediaType"] in table
    if kind in {"list", "index"}:
        assert "linux/amd64" in table and "linux/arm64/v8" in table
    else:
        assert data["manifest"]["config"]["digest"] in table
        for layer in data["manifest"]["layers"]:
            assert layer["digest"] in table


@pytest.mark.parametrize(
    ("ref", "code", "message"),
    [
        ("v9", 1, "no image with tag v9 in repository 'team/app'"),
        (DIGEST, 1, f"no image with digest {DIGEST}"),
        ("sha256:123", 2, "invalid image digest 'sha256:123'"),
        ("bad/tag", 2, "invalid image tag 'bad/tag'"),
    ],
)
def test_show_bad_refs(cli: Runner, repo: str, ref: str, code: int, message: str) -> None:
    _one_line_error(cli("image", "show", repo, ref), code, message)


def test_show_unknown_repository(cli: Runner, ecr: Any) -> None:
    _one_line_error(cli("image", "show", "nope", "v1"), 1, "nope")


# -- retag -----------------------------------------------------------------------------


def test_retag_reports_each_tag(cli: Runner, ecr: Any, repo: str) -> None:
    _, digest, text = s.put_every_type(ecr, repo)["index"]
    result = cli("image", "retag", repo, "index", "v2", "index", f"{repo}:v3")
    assert result.exit_code == 0, result.stderr
    assert "v2" in result.stdout and "created" in result.stdout
    assert "unchanged" in result.stdout
    assert f"{repo}@{digest}: 3 of 3 tagged" in result.stderr
    for tag in ("v2", "v3"):
        stored = ecr.batch_get_image(repositoryName=repo, imageIds=[{"imageTag": tag}])
        assert stored["images"][0]["imageManifest"] == text
        assert stored["images"][0]["imageId"]["imageDigest"] == digest == s.sha(text)


def test_retag_immutable_conflict_exit_1_others_done(cli: Runner, ecr: Any) -> None:
    ecr.create_repository(repositoryName="locked", imageTagMutability="IMMUTABLE")
    s.put(ecr, "locked", s.schema2("one"), m.DOCKER_SCHEMA2, tag="v1")
    s.put(ecr, "locked", s.schema2("two"), m.DOCKER_SCHEMA2, tag="prod")
    result = cli("image", "retag", "locked", "v1", "prod", "next", "-o", "json")
    assert result.exit_code == 1
    statuses = {t["imageTag"]: t["status"] for t in result.json["tags"]}
    assert statuses == {"prod": "failed", "next": "created"}
    assert "1 of 2 tagged, 1 failed" in result.stderr
    assert "tag 'prod' already points at sha256:" in result.stderr
    assert "repository 'locked' is IMMUTABLE" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["v1", "other/app:v2"], "cannot retag into another repository ('other/app'"),
        (["v1", "bad tag"], "invalid image tag 'bad tag'"),
        (["sha256:12", "v2"], "invalid image digest"),
    ],
)
def test_retag_bad_input_changes_nothing(
    cli: Runner, ecr: Any, repo: str, args: list[str], message: str
) -> None:
    s.put(ecr, repo, s.schema2(), m.DOCKER_SCHEMA2, tag="v1")
    _one_line_error(cli("image", "retag", repo, *args), 2, message)
    assert len(ecr.list_images(repositoryName=repo)["imageIds"]) == 1


def test_retag_dry_run(cli: Runner, ecr: Any, repo: str) -> None:
    s.put(ecr, repo, s.schema2(), m.DOCKER_SCHEMA2, tag="v1")
    result = cli("image", "retag", repo, "v1", "v2", "--dry-run")
    assert result.exit_code == 0
    assert "would be created" in result.stdout
    assert len(ecr.list_images(repositoryName=repo)["imageIds"]) == 1


def test_retag_unknown_source(cli: Runner, repo: str) -> None:
    _one_line_error(cli("image", "retag", repo, "v1", "v2"), 1, "no image with tag v1")


# -- delete ----------------------------------------------------------------------------


def test_delete_by_tag_says_what_happened(cli: Runner, ecr: Any, repo: str) -> None:
    s.put(ecr, repo, s.schema2("a"), m.DOCKER_SCHEMA2, tag="v1")
    ecr.put_image(
        repositoryName=repo,
        imageManifest=s.schema2("a"),
        imageTag="latest",
        imageManifestMediaType=m.DOCKER_SCHEMA2,
    )
    s.put(ecr, repo, s.schema2("b"), m.DOCKER_SCHEMA2, tag="old")
    result = cli("image", "delete", repo, "v1", "old")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any("v1" in ln and "tag removed" in ln for ln in lines)
    assert any("old" in ln and "image deleted" in ln for ln in lines)
    assert len(ecr.describe_images(repositoryName=repo)["imageDetails"]) == 1


def test_delete_by_digest_needs_confirmation(cli: Runner, ecr: Any, repo: str) -> None:
    digest = s.put(ecr, repo, s.schema2(), m.DOCKER_SCHEMA2, tag="v1")
    refused = cli("image", "delete", repo, digest)
    _one_line_error(refused, 2, "pass --yes")
    assert len(ecr.describe_images(repositoryName=repo)["imageDetails"]) == 1
    done = cli("image", "delete", repo, digest, "--yes", "-o", "json")
    assert done.exit_code == 0, done.stderr
    item = done.json["results"][0]
    assert item["action"] == "IMAGE_DELETED" and item["tagsRemoved"] == ["v1"]
    assert item["imageId"]["imageDigest"] == digest == s.sha(s.schema2())
    assert ecr.describe_images(repositoryName=repo)["imageDetails"] == []


def test_delete_untagged_and_dry_run(cli: Runner, ecr: Any, repo: str) -> None:
    s.put(ecr, repo, s.schema2("keep"), m.DOCKER_SCHEMA2, tag="keep")
    for n in range(150):
        s.put(ecr, repo, s.schema2(f"u{n}"), m.DOCKER_SCHEMA2)
    dry = cli("image", "delete", repo, "--untagged", "--dry-run", "-o", "json")
    assert dry.exit_code == 0 and len(dry.json["results"]) == 150
    assert dry.json["batchDeleteImageCalls"] == 0
    assert len(ecr.describe_images(repositoryName=repo)["imageDetails"]) == 151
    done = cli("image", "delete", repo, "--untagged", "--yes", "-o", "json")
    assert done.exit_code == 0, done.stderr
    assert done.json["batchDeleteImageCalls"] == 2  # more than 100 ids: two batches
    left = ecr.describe_images(repositoryName=repo)["imageDetails"]
    assert [d["imageTags"] for d in left] == [["keep"]]


@pytest.mark.parametrize(
    ("refs", "code", "message"),
    [
        (["v1", "nope"], 1, "no image with tag nope"),
        (["v1", DIGEST, "--yes"], 1, f"no image with digest {DIGEST}"),
        (["v1", "sha256:zz"], 2, "invalid image digest"),
        (["v1:x"], 2, "only sha256 digests"),
        ([], 2, "nothing to delete"),
    ],
)
def test_delete_bad_input_deletes_nothing(
    cli: Runner, ecr: Any, repo: str, refs: list[str], code: int, message: str
) -> None:
    s.put(ecr, repo, s.schema2(), m.DOCKER_SCHEMA2, tag="v1")
    _one_line_error(cli("image", "delete", repo, *refs), code, message)
    assert len(ecr.describe_images(repositoryName=repo)["imageDetails"]) == 1


def test_delete_unknown_repository(cli: Runner, ecr: Any) -> None:
    _one_line_error(cli("image", "delete", "nope", "v1"), 1, "nope")


def test_help_has_examples(cli: Runner) -> None:
    for command in ("list", "show", "retag", "delete", "push", "pull"):
        result = cli("image", command, "--help")
        assert result.exit_code == 0
        assert f"ecrctl image {command}" in result.stdout.split("Examples")[-1]


def test_raw_manifest_is_not_reencoded_json(cli: Runner, ecr: Any, repo: str) -> None:
    text = s.oci_manifest()
    s.put(ecr, repo, text, m.OCI_MANIFEST, tag="v1")
    raw = cli("image", "show", repo, "v1", "--raw").stdout
    assert raw != json.dumps(json.loads(text))
    assert raw == text


# -- push / pull (real dockerd + docker-registry; ECR API on a moto_server) -----------


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


def _docker(backends: Any) -> Any:
    import docker

    return docker.DockerClient(base_url=backends.docker_host).api


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
    _docker(backends).import_image_from_data(data.getvalue(), repository=repository, tag=tag)
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

    api = _docker(registry)
    image_id = api.inspect_image(local)["Id"]
    api.remove_image(image_id, force=True)
    pulled = cli("image", "pull", f"team/pushed@{digest}")
    assert pulled.exit_code == 0, pulled.stderr
    uri = f"{registry.registry}/team/pushed@{digest}"
    assert pulled.stdout.strip() == uri
    assert "Pull complete" in pulled.stderr  # the layer really came from the registry
    assert api.inspect_image(uri)["Id"] == image_id
    assert (isolated / ".docker" / "config.json").read_text() == "{}"


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
    _one_line_error(result, 1, "repository 'team/missing' does not exist")
    assert "ecrctl repo create team/missing" in result.stderr
    assert "--create" in result.stderr


def test_push_unknown_local_image(cli: Runner, registry: Any, moto_url: str) -> None:
    _boto(moto_url).create_repository(repositoryName="team/app")
    _one_line_error(cli("image", "push", "no/such:image", "team/app"), 1, "no local image")


def test_push_unknown_local_image_with_create_creates_nothing(
    cli: Runner, registry: Any, moto_url: str
) -> None:
    result = cli("image", "push", "no/such:image", "team/fresh", "--create")
    _one_line_error(result, 1, "no local image 'no/such:image'")
    assert _boto(moto_url).describe_repositories()["repositories"] == []


def test_no_docker_daemon_is_reported_before_aws_is_asked(
    cli: Runner, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    socket = f"unix://{tmp_path}/none.sock"
    monkeypatch.setenv("DOCKER_HOST", socket)
    monkeypatch.delenv("AWS_DEFAULT_REGION")  # an AWS call would fail on the region first
    for command in (["push", "img:1", "team/app"], ["pull", "team/app:1"]):
        _one_line_error(cli("image", *command), 1, f"cannot reach the Docker Engine at {socket}")


def test_push_without_destination_refuses_a_foreign_host_in_the_local_name(
    cli: Runner, registry: Any, moto_url: str
) -> None:
    # the host is never dropped for the caller's registry: nothing is pushed
    _boto(moto_url).create_repository(repositoryName="team/foreign")
    local = _unique_image(registry, "example.com/team/foreign:v1")
    result = cli("image", "push", local)
    _one_line_error(result, 2, "example.com is not an ECR registry host")
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
    _one_line_error(result, 1, "repository 'team/elsewhere' does not exist")
    assert "210987654321" in result.stderr
    assert _boto(moto_url).describe_images(repositoryName="team/elsewhere")["imageDetails"] == []


def test_pull_unknown_tag(cli: Runner, registry: Any) -> None:
    result = cli("image", "pull", "team/never:v1")
    _one_line_error(result, 1, "no image team/never:v1")


def test_pull_with_another_accounts_token_is_refused(cli: Runner, registry: Any) -> None:
    # moto's token for account 111111111111 is not a password the registry knows
    result = cli("image", "pull", "team/app:v1", "--registry-id", "111111111111")
    _one_line_error(result, 1, f"the registry {registry.registry} refused the credentials")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["push", "img:1", "Bad/Name"], "invalid repository name 'Bad/Name'"),
        (["push", "img:1", "app:bad tag"], "invalid image tag"),
        (["pull", "app@sha256:12"], "invalid image digest"),
    ],
)
def test_transfer_bad_input(cli: Runner, args: list[str], message: str) -> None:
    _one_line_error(cli("image", *args), 2, message)


@pytest.mark.parametrize("command", [["push", "img:1", "team/app"], ["pull", "team/app:1"]])
def test_no_docker_daemon_is_named(
    cli: Runner, repo: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Any, command: list[str]
) -> None:
    socket = f"unix://{tmp_path}/none.sock"
    monkeypatch.setenv("DOCKER_HOST", socket)
    _one_line_error(cli("image", *command), 1, f"cannot reach the Docker Engine at {socket}")


def test_a_long_list_to_a_pipe_looks_as_rich_draws_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Above 500 rows the plain table is laid out without rich, in rich's layout."""
    import io
    import sys
    import time
    from datetime import UTC, datetime

    from ecrctl.cli import render
    from ecrctl.cli.app import App
    from ecrctl.cli.image.query import _list_table

    details = [
        {
            "imageDigest": "sha256:" + f"{n:064x}",
            "imageTags": [f"t{n}"] if n % 3 else [],
            "imageSizeInBytes": 1024 * n,
            "imagePushedAt": datetime(2024, 1, 1, tzinfo=UTC),
        }
        for n in range(600)
    ]
    table = _list_table(details)

    def drawn(threshold: int) -> str:
        monkeypatch.setattr(render, "FAST_PLAIN_ROWS", threshold)
        out = io.StringIO()
        monkeypatch.setattr(sys, "stdout", out)
        render.print_table(App(), table)
        return out.getvalue()

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    fast, by_rich = drawn(500), drawn(10_000)
    assert fast == by_rich
    lines = [line.rstrip() for line in fast.splitlines()]
    assert len(lines) == 602  # header, rule, 600 rows
    assert lines[0] == "TAGS         DIGEST                SIZE (MiB)   PUSHED"
    assert set(lines[1]) == {"\u2500"}
    assert lines[2].startswith("<untagged>   sha256:000000000000         0.00   2024-01-01 00:00 (")
    assert lines[3].startswith("t1           sha256:000000000000         0.00   2024-01-01 00:00 (")
    assert lines[-1].startswith(
        "t599         sha256:000000000000         0.58   2024-01-01 00:00 ("
    )
    assert all(line.endswith("d ago)") for line in lines[2:])
