"""Pure parts of the registry client: references, challenges, Link headers."""

from __future__ import annotations

import pytest

from ecrctl.distribution.client import parse_challenge
from ecrctl.distribution.content import next_link
from ecrctl.distribution.reference import RemoteRef, parse_remote_ref
from ecrctl.errors import InvalidInput

D = "sha256:" + "ab" * 32


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("team/app", RemoteRef(None, "team/app")),
        ("team/app:1.0", RemoteRef(None, "team/app", "1.0")),
        (f"team/app@{D}", RemoteRef(None, "team/app", None, D)),
        ("127.0.0.1:5000/app:v1", RemoteRef("127.0.0.1:5000", "app", "v1")),
        ("127.0.0.1:5000/app", RemoteRef("127.0.0.1:5000", "app")),
        ("localhost/team/app", RemoteRef("localhost", "team/app")),
        ("ghcr.io/owner/tool:latest", RemoteRef("ghcr.io", "owner/tool", "latest")),
        ("docker.io/alpine:3.20", RemoteRef("docker.io", "library/alpine", "3.20")),
        (
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:1",
            RemoteRef("123456789012.dkr.ecr.eu-west-1.amazonaws.com", "team/app", "1"),
        ),
    ],
)
def test_parse_remote_ref(text: str, expected: RemoteRef) -> None:
    assert parse_remote_ref(text) == expected
    assert parse_remote_ref(str(expected)) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "invalid image reference ''"),
        ("team/App:1", "invalid repository name 'team/App'"),
        ("team/app:-x", "invalid image tag '-x'"),
        ("team/app@sha256:12", "invalid image digest"),
        ("host:5000/", "invalid image reference"),
    ],
)
def test_bad_references(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(")):
        parse_remote_ref(text)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('Basic realm="basic-realm"', ("basic", {"realm": "basic-realm"})),
        (
            'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",'
            'scope="repository:library/alpine:pull"',
            (
                "bearer",
                {
                    "realm": "https://auth.docker.io/token",
                    "service": "registry.docker.io",
                    "scope": "repository:library/alpine:pull",
                },
            ),
        ),
        (
            'Bearer realm="https://ghcr.io/token",scope="repository:a/b:pull,push",error="x"',
            (
                "bearer",
                {
                    "realm": "https://ghcr.io/token",
                    "scope": "repository:a/b:pull,push",
                    "error": "x",
                },
            ),
        ),
        ("", ("", {})),
    ],
)
def test_parse_challenge(header: str, expected: tuple[str, dict[str, str]]) -> None:
    assert parse_challenge(header) == expected


def test_next_link() -> None:
    current = "http://127.0.0.1:5000/v2/_catalog?n=1"
    assert next_link('</v2/_catalog?last=a&n=1>; rel="next"', current) == (
        "http://127.0.0.1:5000/v2/_catalog?last=a&n=1"
    )
    assert next_link("", current) is None
    assert next_link('<https://x.invalid/p>; rel="prev"', current) is None
