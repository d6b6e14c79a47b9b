"""Pure parts of the registry client: WWW-Authenticate challenges and Link headers."""

from __future__ import annotations

import pytest

from ecrctl.distribution.client import parse_challenge
from ecrctl.distribution.content import next_link


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
