"""``image push`` and ``image pull`` to and from ECR Public: the real dockerd, a real
docker-registry standing for public.ecr.aws (anonymous pulls, pushes with ECR
Public's token), and ECR Public's API on loopback; where a push goes (pure)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from ecrctl.aws.clients import Aws
from ecrctl.image.transfer import push_target
from ecrctl.login.registries import Registries
from ecrctl.public.location import PublicImage
from ecrctl.public.transfer import push_destination
from tests.conftest import DockerBackends, Runner
from tests.public.conftest import ALIAS, PublicRegistry, PublicWorld
from tests.public_support import access_denied
from tests.support.docker import engine_api
from tests.support.names import unique


def _docker_config() -> Path:
    path = Path(os.environ["DOCKER_CONFIG"]) / "config.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{}")
    return path


@pytest.mark.services
def test_push_with_ecr_publics_token_then_pull_anonymously(
    cli: Runner,
    world: PublicWorld,
    mapped: PublicRegistry,
    docker_env: DockerBackends,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name = world.new_repository()
    config = _docker_config()
    destination = f"{mapped.host}/{ALIAS}/{name}:1"
    pushed = cli("image", "push", docker_env.image, destination, "-o", "json")
    assert pushed.exit_code == 0, pushed.stderr
    stored = mapped.manifest(f"{ALIAS}/{name}", "1")
    assert stored.status_code == 200
    digest = "sha256:" + hashlib.sha256(stored.content).hexdigest()
    assert pushed.json["imageDigest"] == digest
    assert pushed.json["imageUri"] == destination
    assert (pushed.json["repositoryName"], pushed.json["registryAlias"]) == (name, ALIAS)
    assert pushed.json["repositoryUri"] == f"public.ecr.aws/{ALIAS}/{name}"
    assert world.fake.operations() == ["DescribeRepositories", "GetAuthorizationToken"]
    granted = [s for scopes in mapped.tokens.issued for s in scopes]
    assert any(s.startswith(f"repository:{ALIAS}/{name}:") and "push" in s for s in granted)
    assert config.read_text() == "{}"  # nothing written for docker

    api = engine_api(docker_env)
    world.fake.answers["GetAuthorizationToken"] = access_denied  # no token to be had
    monkeypatch.setenv("ECRCTL_NO_CACHE", "1")  # (the push's token is in the cache)
    before = len(mapped.tokens.anonymous)
    reference = f"{mapped.host}/{ALIAS}/{name}@{digest}"
    pulled = cli("--debug", "image", "pull", reference, "-o", "json")
    assert pulled.exit_code == 0, pulled.stderr
    assert pulled.json["anonymous"] is True and pulled.json["imageDigest"] == digest
    assert f"pulling from {mapped.host} anonymously" in pulled.stderr
    assert "ECR Public refused a token" in pulled.stderr  # why, in the --debug log
    assert len(mapped.tokens.anonymous) > before  # the engine fetched an anonymous token
    assert api.inspect_image(reference)["RepoDigests"]


@pytest.mark.services
def test_public_flag_pushes_to_the_repository_uri_and_pulls_with_the_token(
    cli: Runner, world: PublicWorld, mapped: PublicRegistry, docker_env: DockerBackends
) -> None:
    name = world.new_repository()
    _docker_config()
    pushed = cli("image", "push", docker_env.image, f"{name}:2", "--public")
    assert pushed.exit_code == 0, pushed.stderr
    assert f"pushed {mapped.host}/{ALIAS}/{name}:2" in pushed.stderr
    assert mapped.manifest(f"{ALIAS}/{name}", "2").status_code == 200

    pulled = cli("--debug", "image", "pull", f"{name}:2", "--public", "-o", "json")
    assert pulled.exit_code == 0, pulled.stderr
    assert pulled.json["anonymous"] is False
    assert pulled.json["imageUri"] == f"{mapped.host}/{ALIAS}/{name}:2"
    assert "with ECR Public's token" in pulled.stderr


@pytest.mark.services
def test_a_missing_public_repository_is_bad_input_and_nothing_is_pushed(
    cli: Runner, world: PublicWorld, mapped: PublicRegistry, docker_env: DockerBackends
) -> None:
    name = unique()
    result = cli("image", "push", docker_env.image, f"{mapped.host}/{ALIAS}/{name}:1")
    assert result.exit_code == 2, result.stderr
    assert result.stderr == (
        f"ecrctl: error: public repository {name!r} does not exist in your ECR Public "
        "registry: ECR Public does not create repositories on push; create it with: "
        f"ecrctl repo create --public {name}\n"
    )
    assert "GetAuthorizationToken" not in world.fake.operations()
    assert mapped.manifest(f"{ALIAS}/{name}", "1").status_code == 404


@pytest.mark.services
def test_an_alias_of_someone_else_is_refused_before_the_push(
    cli: Runner, world: PublicWorld, mapped: PublicRegistry, docker_env: DockerBackends
) -> None:
    name = world.new_repository()
    result = cli("image", "push", docker_env.image, f"{mapped.host}/other/{name}:1")
    assert result.exit_code == 2, result.stderr
    assert (
        f"alias 'other' is not an alias of your public registry ({ALIAS}, a1b2c3d4)"
        in result.stderr
    )
    assert "GetAuthorizationToken" not in world.fake.operations()
    # the registry's default alias is one of its own: accepted (the registry answers)
    world.fake.answers["GetAuthorizationToken"] = access_denied
    default = cli("image", "push", docker_env.image, f"{mapped.host}/a1b2c3d4/{name}:1")
    assert "ECR Public refused a token" in default.stderr


@pytest.mark.services
def test_a_local_image_named_for_ecr_public_is_pushed_there(
    cli: Runner, world: PublicWorld, mapped: PublicRegistry, docker_env: DockerBackends
) -> None:
    name = world.new_repository()
    local = f"{mapped.host}/{ALIAS}/{name}:3"
    engine_api(docker_env).tag(docker_env.image, f"{mapped.host}/{ALIAS}/{name}", "3")
    result = cli("image", "push", local, "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json["imageUri"] == local
    assert mapped.manifest(f"{ALIAS}/{name}", "3").status_code == 200


@pytest.mark.services
def test_create_with_ecr_public_is_refused_before_any_call(
    cli: Runner, world: PublicWorld, docker_env: DockerBackends
) -> None:
    result = cli("image", "push", docker_env.image, "public.ecr.aws/x/app:1", "--create")
    assert result.exit_code == 2
    assert result.stderr.startswith("ecrctl: error: --create cannot be used for ECR Public")
    assert world.fake.calls == []


@pytest.mark.services
def test_pull_json_has_the_private_fields_and_the_public_ones(
    cli: Runner, world: PublicWorld, mapped: PublicRegistry, docker_env: DockerBackends
) -> None:
    name = world.new_repository()
    assert cli("image", "push", docker_env.image, f"{name}:1", "--public").exit_code == 0
    pulled = cli("image", "pull", f"{mapped.host}/{ALIAS}/{name}:1", "-o", "json")
    assert pulled.exit_code == 0, pulled.stderr
    assert pulled.json == {
        "repositoryName": name,
        "imageTag": "1",
        "imageDigest": pulled.json["imageDigest"],
        "imageUri": f"{mapped.host}/{ALIAS}/{name}:1",
        "registry": mapped.host,
        "registryAlias": ALIAS,
        "anonymous": False,
    }
    assert pulled.json["imageDigest"].startswith("sha256:")


@pytest.mark.parametrize(
    ("local", "destination", "expected"),
    [
        ("app:1", "public.ecr.aws/a1b2/app", PublicImage("app", "a1b2", "public.ecr.aws", "1")),
        ("app", "public.ecr.aws/a1b2/web:2", PublicImage("web", "a1b2", "public.ecr.aws", "2")),
        ("app", "public.ecr.aws/a1b2/web", PublicImage("web", "a1b2", "public.ecr.aws", "latest")),
        ("app:1", None, PublicImage("app", tag="1")),
        ("app:1", "web", PublicImage("web", tag="1")),
        # no destination: a private host in the local name is not ECR Public's, and
        # --public names a repository of the caller's public registry
        ("localhost:5000/app:1", None, PublicImage("app", tag="1")),
        (
            "public.ecr.aws/a1b2/app:3",
            None,
            PublicImage("app", "a1b2", "public.ecr.aws", "3"),
        ),
    ],
)
def test_push_destination(local: str, destination: str | None, expected: PublicImage) -> None:
    target = push_target(local, destination)
    given = destination is not None
    assert push_destination(Registries(Aws()), target, destination_given=given) == expected
