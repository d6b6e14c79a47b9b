"""``--public`` on login, repo and image: the real CLI and botocore against ECR
Public's JSON API served on loopback (moto has no ecr-public)."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

import pytest

from ecrctl.login.mappings import RegistryMapping, load_config
from tests.conftest import DockerBackends, Runner
from tests.login_support import BIN, ECRCTL
from tests.public_support import (  # noqa: F401 - the fake fixture
    PUBLIC_PASSWORD,
    FakeEcrPublic,
    access_denied,
    fake_fixture,
    public_repository,
    serving,
)
from tests.support.docker import push_pull, run

ACCOUNT = "123456789012"
DIGEST = "sha256:" + "a" * 64


def test_login_public_stores_ecr_publics_token_for_public_ecr_aws(
    cli: Runner, fake: FakeEcrPublic
) -> None:
    result = cli("login", "--public", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json["done"][0]["detail"]["host"] == "public.ecr.aws"
    assert "pulling public images needs no login" in result.stderr
    config = json.loads((Path(os.environ["DOCKER_CONFIG"]) / "config.json").read_text())
    auth = base64.b64decode(config["auths"]["public.ecr.aws"]["auth"]).decode()
    assert auth == f"AWS:{PUBLIC_PASSWORD}"
    assert fake.operations() == ["GetAuthorizationToken"]


def test_login_public_print_password(cli: Runner, fake: FakeEcrPublic) -> None:
    result = cli("login", "--public", "--print-password", "--no-cache")
    assert (result.exit_code, result.stdout) == (0, PUBLIC_PASSWORD + "\n")


def test_login_public_access_denied_names_the_permission(cli: Runner, fake: FakeEcrPublic) -> None:
    fake.answers["GetAuthorizationToken"] = access_denied
    result = cli("login", "--public")
    assert result.exit_code == 1
    assert result.stderr.startswith("ecrctl: error: ECR Public refused a token: ")
    assert "sts:GetServiceBearerToken" in result.stderr
    assert "pulling public images needs no login" in result.stderr
    assert "Traceback" not in result.stderr


def test_login_public_with_a_private_option_is_usage(cli: Runner) -> None:
    result = cli("login", "--public", "--registry-id", ACCOUNT)
    assert result.exit_code == 2
    assert "--registry-id cannot be used for ECR Public" in result.stderr


def test_repo_list_public(cli: Runner, fake: FakeEcrPublic) -> None:
    fake.answers["DescribeRepositories"] = lambda body: (
        200,
        {"repositories": [public_repository("shell"), public_repository("web")]},
    )
    result = cli("repo", "list", "--public", "sh", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert [r["repositoryName"] for r in result.json] == ["shell"]
    table = cli("repo", "list", "--public")
    assert "public.ecr.aws/alias/web" in table.stdout


def test_repo_create_public_sends_catalog_data(cli: Runner, fake: FakeEcrPublic) -> None:
    def create(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return 200, {"repository": public_repository(body["repositoryName"]), "catalogData": {}}

    fake.answers["CreateRepository"] = create
    result = cli(
        "repo",
        "create",
        "shell",
        "--public",
        "--description",
        "tiny",
        "--about",
        "# A",
        "--usage",
        "pull it",
        "--architecture",
        "ARM 64",
        "--os",
        "Linux",
        "--tag",
        "k=v",
    )
    assert (result.exit_code, result.stdout) == (0, "public.ecr.aws/alias/shell\n"), result.stderr
    assert fake.calls[-1] == (
        "CreateRepository",
        {
            "repositoryName": "shell",
            "catalogData": {
                "description": "tiny",
                "aboutText": "# A",
                "usageText": "pull it",
                "architectures": ["ARM 64"],
                "operatingSystems": ["Linux"],
            },
            "tags": [{"Key": "k", "Value": "v"}],
        },
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--public", "--immutable"], "--immutable cannot be used for ECR Public"),
        (["--description", "x"], "--description cannot be used for private repositories"),
        (["--public", "--architecture", "sparc"], "architecture 'sparc' is not one"),
    ],
)
def test_repo_create_refuses_options_of_the_other_kind(
    cli: Runner, args: list[str], message: str
) -> None:
    result = cli("repo", "create", "shell", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2


def test_repo_show_public_has_catalog_and_says_no_lifecycle(
    cli: Runner, fake: FakeEcrPublic
) -> None:
    fake.answers["DescribeRepositories"] = lambda b: (
        200,
        {"repositories": [public_repository("shell")]},
    )
    fake.answers["GetRepositoryCatalogData"] = lambda b: (
        200,
        {"catalogData": {"description": "tiny", "operatingSystems": ["Linux"]}},
    )
    fake.answers["DescribeImages"] = lambda b: (
        200,
        {"imageDetails": [{"imageDigest": DIGEST, "imageSizeInBytes": 2 * 1024 * 1024}]},
    )
    result = cli("repo", "show", "shell", "--public")
    assert result.exit_code == 0, result.stderr
    assert "tiny" in result.stdout and "Linux" in result.stdout
    assert "ECR Public has no lifecycle policies" in result.stderr


def test_repo_delete_public(cli: Runner, fake: FakeEcrPublic) -> None:
    fake.answers["DeleteRepository"] = lambda b: (200, {"repository": public_repository("shell")})
    result = cli("repo", "delete", "shell", "--public", "--force", "--yes")
    assert (result.exit_code, result.stdout) == (0, "deleted shell\n"), result.stderr
    assert fake.calls[-1] == ("DeleteRepository", {"repositoryName": "shell", "force": True})


def test_image_list_and_delete_public(cli: Runner, fake: FakeEcrPublic) -> None:
    detail = {"imageDigest": DIGEST, "imageTags": ["v1"], "imagePushedAt": 1767225600}
    fake.answers["DescribeImages"] = lambda b: (200, {"imageDetails": [detail]})
    fake.answers["BatchDeleteImage"] = lambda b: (200, {"imageIds": b["imageIds"]})
    listed = cli("image", "list", "shell", "--public", "-o", "json")
    assert listed.exit_code == 0, listed.stderr
    assert [i["imageDigest"] for i in listed.json] == [DIGEST]
    deleted = cli("image", "delete", "shell", DIGEST, "--public", "--yes", "-o", "json")
    assert deleted.exit_code == 0, deleted.stderr
    assert deleted.json["deleted"] == [{"imageDigest": DIGEST}]


def test_image_delete_public_by_tag_says_ecr_public_cannot(
    cli: Runner, fake: FakeEcrPublic
) -> None:
    result = cli("image", "delete", "shell", "v1", "--public", "--yes")
    assert result.exit_code == 2
    assert "ECR Public has no tag-only delete" in result.stderr
    assert fake.calls == []


# -- the registry side: a real docker-registry mapped as ECR Public, dockerd, docker CLI ---


def _token_for_the_registry(password: str) -> Any:
    def answer(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        token = base64.b64encode(f"AWS:{password}".encode()).decode()
        return 200, {"authorizationData": {"authorizationToken": token, "expiresAt": 4102444800}}

    return answer


@pytest.mark.services
@pytest.mark.parametrize("helper", [True, False], ids=["helper", "store"])
def test_push_and_pull_with_ecr_publics_token(
    fake: FakeEcrPublic,
    docker_env: DockerBackends,
    monkeypatch: pytest.MonkeyPatch,
    helper: bool,
) -> None:
    """docker-registry stands in for public.ecr.aws through a ``public = true`` mapping."""
    monkeypatch.setenv("PATH", f"{BIN}{os.pathsep}{os.environ['PATH']}")
    fake.answers["GetAuthorizationToken"] = _token_for_the_registry(docker_env.password)
    args = ["login", "--public", "--registry-url", docker_env.registry] + ["--helper"] * helper
    done = run(ECRCTL, *args)
    assert done.returncode == 0, done.stderr
    if helper:
        assert load_config().mapping_for(docker_env.registry) == RegistryMapping(
            docker_env.registry, "", "us-east-1", public=True
        )
        config = json.loads((Path(os.environ["DOCKER_CONFIG"]) / "config.json").read_text())
        assert config["credHelpers"] == {docker_env.registry: "ecrctl"}
    pulled = push_pull(
        docker_env.registry, docker_env.image, "public/helper" if helper else "public/store"
    )
    assert pulled.returncode == 0, pulled.stderr
    assert fake.operations().count("GetAuthorizationToken") == 1  # then the token cache


def test_image_list_public_refuses_private_only_options(cli: Runner) -> None:
    result = cli("image", "list", "shell", "--public", "--untagged", "--limit", "3")
    assert result.exit_code == 2
    assert result.stderr.startswith("ecrctl: error: --tagged/--untagged, --limit cannot be used")
