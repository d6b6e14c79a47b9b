"""ECR Public references and push destinations: pure, checked before any call."""

from __future__ import annotations

import pytest

from ecrctl.aws.clients import Aws
from ecrctl.distribution.reference import parse_reference
from ecrctl.errors import InvalidInput
from ecrctl.image.transfer import push_target
from ecrctl.login.registries import Registries
from ecrctl.public.location import PublicImage, public_image
from ecrctl.public.transfer import push_destination

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
