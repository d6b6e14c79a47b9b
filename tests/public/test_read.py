"""Reading ECR Public images without a login: ``image show --public`` (ECR Public
has no BatchGetImage, so the manifest comes through the registry API),
``image inspect`` and ``image copy`` from a public source, all anonymous."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from ecrctl.aws.clients import Aws
from ecrctl.aws.settings import AwsSettings
from ecrctl.login.endpoint import endpoint
from ecrctl.login.registries import Registries
from tests.conftest import DockerBackends, Runner
from tests.distribution.copy_support import (  # noqa: F401 - fixtures
    CopyEnv,
    copy_env_fixture,
    registries_fixture,
)
from tests.public.conftest import ALIAS, PublicRegistry, PublicWorld
from tests.support.names import unique


def _pushed(cli: Runner, world: PublicWorld, docker_env: DockerBackends, name: str) -> str:
    """Push the test image to ECR Public's stand-in as NAME:1; its digest."""
    world.repositories.add(name)
    pushed = cli("image", "push", docker_env.image, f"{name}:1", "--public", "-q")
    assert pushed.exit_code == 0, pushed.stderr
    digest = pushed.stdout.strip()
    world.images[name] = [
        {
            "registryId": world.repository(name)["registryId"],
            "repositoryName": name,
            "imageDigest": digest,
            "imageTags": ["1"],
            "imageSizeInBytes": 1234,
            "imagePushedAt": 1767225600,
        }
    ]
    return digest


@pytest.mark.services
def test_show_public_reads_the_manifest_through_the_registry_api(
    cli: Runner, world: PublicWorld, mapped: PublicRegistry, docker_env: DockerBackends
) -> None:
    name = unique()
    digest = _pushed(cli, world, docker_env, name)
    world.fake.calls.clear()
    anonymous = len(mapped.tokens.anonymous)
    shown = cli("image", "show", name, "1", "--public", "-o", "json")
    assert shown.exit_code == 0, shown.stderr
    assert shown.json["manifestDigest"] == digest
    assert shown.json["imageDetail"]["imageTags"] == ["1"]
    assert shown.json["manifest"]["layers"]
    assert "BatchGetImage" not in world.fake.operations()
    assert "GetAuthorizationToken" not in world.fake.operations()  # no login needed
    assert len(mapped.tokens.anonymous) > anonymous

    raw = cli("image", "show", name, digest, "--public", "--raw")
    assert "sha256:" + hashlib.sha256(raw.stdout.encode()).hexdigest() == digest
    table = cli("image", "show", name, "1", "--public")
    assert shown.json["manifest"]["config"]["digest"] in table.stdout
    missing = cli("image", "show", name, "v9", "--public")
    assert missing.exit_code == 1
    assert missing.stderr.startswith(f"ecrctl: error: no image with tag v9 in repository {name!r}")
    unknown = cli("image", "show", "nope", "1", "--public")
    assert unknown.exit_code == 2
    assert "ecrctl repo create --public nope" in unknown.stderr


@pytest.mark.services
def test_inspect_and_copy_from_ecr_public_need_no_login(
    cli: Runner,
    copy_env: CopyEnv,
    world: PublicWorld,
    mapped: PublicRegistry,
    docker_env: DockerBackends,
) -> None:
    name = unique()
    digest = _pushed(cli, world, docker_env, name)
    world.fake.calls.clear()
    source = f"{mapped.host}/{ALIAS}/{name}:1"
    inspected = cli("image", "inspect", source, "-o", "json")
    assert inspected.exit_code == 0, inspected.stderr
    assert inspected.json["digest"] == digest
    assert inspected.json["config"]["architecture"]

    dest = unique("imported")
    copy_env.create_repo(dest)
    copied = cli("image", "copy", source, f"{copy_env.a.host}/{dest}:1", "-o", "json")
    assert copied.exit_code == 0, copied.stderr
    assert copied.json["digest"] == digest
    body = copy_env.a.manifest(dest, "1").content
    assert "sha256:" + hashlib.sha256(body).hexdigest() == digest
    assert world.fake.calls == []  # neither read asked ECR Public for a token


def test_public_ecr_aws_is_read_anonymously_without_a_docker_login() -> None:
    found: Any = endpoint(Registries(Aws(AwsSettings(region="eu-west-1"))), "public.ecr.aws")
    assert (found.host, found.credential, found.is_ecr) == ("public.ecr.aws", None, False)


@pytest.mark.services
def test_copy_into_ecr_public_uses_the_ecr_public_token(
    cli: Runner, copy_env: CopyEnv, world: PublicWorld, mapped: PublicRegistry
) -> None:
    # written to, ECR Public takes the caller's ECR Public token (the registry's
    # token endpoint gives push only to its holder); a second tag of the same image
    # is a copy within it, as ECR Public has no PutImage to retag with
    src = unique("private")
    pushed = copy_env.a.push_image(src, "1")
    name = world.new_repository()
    public = f"{mapped.host}/{ALIAS}/{name}"
    copied = cli("image", "copy", f"{copy_env.a.host}/{src}:1", f"{public}:1", "-o", "json")
    assert copied.exit_code == 0, copied.stderr
    assert copied.json["digest"] == pushed.digest
    assert mapped.manifest(f"{ALIAS}/{name}", "1").content == pushed.body
    assert world.fake.operations().count("GetAuthorizationToken") == 1

    again = cli("image", "copy", f"{public}:1", f"{public}:stable", "-o", "json")
    assert again.exit_code == 0, again.stderr
    assert again.json["blobs"]["copied"] == 0  # every blob is there already
    assert mapped.manifest(f"{ALIAS}/{name}", "stable").content == pushed.body


@pytest.mark.services
def test_copy_into_ecr_public_without_aws_credentials_is_one_line(
    cli: Runner,
    copy_env: CopyEnv,
    world: PublicWorld,
    mapped: PublicRegistry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    src = unique("private")
    copy_env.a.push_image(src, "1")
    world.repositories.add(name := unique())
    world.fake.answers["GetAuthorizationToken"] = lambda body: (
        400,
        {"__type": "AccessDeniedException", "message": "not authorized"},
    )
    result = cli("image", "copy", f"{copy_env.a.host}/{src}:1", f"{mapped.host}/{ALIAS}/{name}:1")
    assert result.exit_code != 0
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "sts:GetServiceBearerToken" in result.stderr
    assert mapped.manifest(f"{ALIAS}/{name}", "1").status_code == 404


def test_retag_public_names_the_copy_that_does_it(cli: Runner) -> None:
    result = cli("image", "retag", "app", "1", "stable", "--public")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "ECR Public has no BatchGetImage or PutImage" in result.stderr
    assert "ecrctl image copy public.ecr.aws/ALIAS/app:1 public.ecr.aws/ALIAS/app:stable" in (
        result.stderr
    )
