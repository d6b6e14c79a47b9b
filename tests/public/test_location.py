"""Where an ECR Public image lives: ``HOST/ALIAS/REPO`` references checked before any
call, the URI and path of an image, and, through ECR Public's API under botocore's
Stubber (moto has no ecr-public), the repository an image goes to, its alias and the
address docker talks to."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.stub import Stubber

from ecrctl.aws.clients import Aws
from ecrctl.distribution.reference import parse_reference
from ecrctl.errors import InvalidInput
from ecrctl.login.mappings import RegistryMapping, save_mapping
from ecrctl.login.registries import Registries
from ecrctl.public.location import (
    PublicImage,
    check_alias,
    existing_public_repository,
    locate_image,
    public_image,
)
from tests.public.conftest import ACCOUNT, public_repository_answer

DIGEST = "sha256:" + "ab" * 32


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("public.ecr.aws/a1b2/app:1", PublicImage("app", "a1b2", "public.ecr.aws", "1")),
        (
            "public.ecr.aws/docker/library/alpine",
            PublicImage("library/alpine", "docker", "public.ecr.aws"),
        ),
        (
            f"ecr-public.aws.com/a1b2/team/app@{DIGEST}",
            PublicImage("team/app", "a1b2", "ecr-public.aws.com", digest=DIGEST),
        ),
        ("app:2", PublicImage("app", tag="2")),  # --public: the caller's registry
        ("team/app", PublicImage("team/app")),
    ],
)
def test_public_image(reference: str, expected: PublicImage) -> None:
    assert public_image(Registries(Aws()), parse_reference(reference)) == expected


def test_uri_and_path() -> None:
    image = PublicImage("team/app", "a1b2", "public.ecr.aws", "1")
    assert (image.path, image.uri()) == ("a1b2/team/app", "public.ecr.aws/a1b2/team/app:1")
    pinned = PublicImage("app", "a1b2", "public.ecr.aws", digest=DIGEST)
    assert pinned.uri() == f"public.ecr.aws/a1b2/app@{DIGEST}"
    uri = parse_reference("public.ecr.aws/a1b2/team/app")
    assert (uri.host, *uri.namespace()) == ("public.ecr.aws", "a1b2", "team/app")


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("public.ecr.aws/app:1", "names no registry alias; write public.ecr.aws/ALIAS/app"),
        ("123456789012.dkr.ecr.us-east-1.amazonaws.com/app", "is not an ECR Public host"),
        ("ghcr.io/owner/app", "ghcr.io in reference 'ghcr.io/owner/app' is not an ECR Public"),
        ("public.ecr.aws/a1b2/App", "invalid repository name"),
        ("public.ecr.aws/a1b2/app:-x", "invalid image tag '-x'"),
    ],
)
def test_bad_public_references_are_refused(reference: str, message: str) -> None:
    with pytest.raises(InvalidInput) as info:
        public_image(Registries(Aws()), parse_reference(reference))
    assert info.value.exit_code == 2 and message in info.value.one_line()


def test_an_existing_repository_is_answered(stubbed: tuple[Any, Stubber]) -> None:
    client, stub = stubbed
    stub.add_response(
        "describe_repositories",
        {"repositories": [public_repository_answer("app")]},
        {"repositoryNames": ["app"], "registryId": ACCOUNT},
    )
    found = existing_public_repository(client, "app", registry_id=ACCOUNT)
    assert found["repositoryUri"] == "public.ecr.aws/alias/app"


@pytest.mark.parametrize(
    ("action", "registry_id", "message"),
    [
        (
            "push",
            None,
            "public repository 'app' does not exist in your ECR Public registry: "
            "ECR Public does not create repositories on push",
        ),
        ("pull", ACCOUNT, f"public repository 'app' does not exist in public registry {ACCOUNT}"),
    ],
)
def test_a_missing_repository_is_bad_input_with_the_fix(
    stubbed: tuple[Any, Stubber], action: str, registry_id: str | None, message: str
) -> None:
    client, stub = stubbed
    stub.add_client_error(
        "describe_repositories",
        "RepositoryNotFoundException",
        "The repository with name 'app' does not exist",
    )
    with pytest.raises(InvalidInput) as info:
        existing_public_repository(client, "app", registry_id=registry_id, action=action)
    assert info.value.exit_code == 2
    assert info.value.one_line() == f"{message}; create it with: ecrctl repo create --public app"


def test_another_refusal_is_not_taken_for_a_missing_repository(
    stubbed: tuple[Any, Stubber],
) -> None:
    from botocore.exceptions import ClientError

    client, stub = stubbed
    stub.add_client_error("describe_repositories", "AccessDeniedException", "not allowed")
    with pytest.raises(ClientError, match="AccessDeniedException"):
        existing_public_repository(client, "app")


def test_a_bare_repository_takes_the_alias_and_host_of_its_uri(
    stubbed: tuple[Any, Stubber],
) -> None:
    client, stub = stubbed
    stub.add_response("describe_repositories", {"repositories": [public_repository_answer("app")]})
    image, repository = locate_image(Registries(Aws()), client, PublicImage("app", tag="1"))
    assert image == PublicImage("app", "alias", "public.ecr.aws", "1")
    assert repository["repositoryName"] == "app"


def test_the_address_is_registry_url_else_the_mapped_public_host(
    stubbed: tuple[Any, Stubber],
) -> None:
    client, stub = stubbed
    answer = {"repositories": [public_repository_answer("app")]}
    stub.add_response("describe_repositories", answer)
    stub.add_response("describe_repositories", answer)
    image, _ = locate_image(
        Registries(Aws()), client, PublicImage("app"), registry_url="https://127.0.0.1:5001/"
    )
    assert image.address == "127.0.0.1:5001"
    save_mapping(RegistryMapping("127.0.0.1:5002", "", "us-east-1", public=True))
    image, _ = locate_image(Registries(Aws()), client, PublicImage("app"))
    assert image.address == "127.0.0.1:5002"


def test_an_alias_of_the_callers_registry_is_kept(stubbed: tuple[Any, Stubber]) -> None:
    client, stub = stubbed
    stub.add_response("describe_repositories", {"repositories": [public_repository_answer("app")]})
    stub.add_response(
        "describe_registries",
        {
            "registries": [
                {
                    "registryId": ACCOUNT,
                    "registryArn": f"arn:aws:ecr-public::{ACCOUNT}:registry/{ACCOUNT}",
                    "registryUri": "public.ecr.aws/alias",
                    "verified": False,
                    "aliases": [
                        {
                            "name": "alias",
                            "status": "ACTIVE",
                            "primaryRegistryAlias": True,
                            "defaultRegistryAlias": True,
                        },
                        {
                            "name": "second",
                            "status": "ACTIVE",
                            "primaryRegistryAlias": False,
                            "defaultRegistryAlias": False,
                        },
                    ],
                }
            ]
        },
    )
    image, _ = locate_image(
        Registries(Aws()), client, PublicImage("app", "second", "public.ecr.aws")
    )
    assert (image.alias, image.address) == ("second", "public.ecr.aws")


def test_an_alias_of_someone_else_is_refused(stubbed: tuple[Any, Stubber]) -> None:
    client, stub = stubbed
    stub.add_response("describe_registries", {"registries": []})
    with pytest.raises(InvalidInput) as info:
        check_alias(client, "theirs", "public.ecr.aws/alias/app")
    assert info.value.one_line() == (
        "alias 'theirs' is not an alias of your public registry (none); "
        "use the repository's URI: public.ecr.aws/alias/app"
    )
