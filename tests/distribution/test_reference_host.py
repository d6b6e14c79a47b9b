"""The registry host in front of an image reference (who serves it:
tests/login/test_registries.py)."""

from __future__ import annotations

import pytest

from ecrctl.distribution.reference import parse_reference


@pytest.mark.parametrize(
    ("reference", "host"),
    [
        ("app:1", None),
        ("team/app:1", None),
        (
            "999999999999.dkr.ecr.eu-west-1.amazonaws.com/app:1",
            "999999999999.dkr.ecr.eu-west-1.amazonaws.com",
        ),
        ("127.0.0.1:5000/app@sha256:" + "a" * 64, "127.0.0.1:5000"),
        ("localhost/app", "localhost"),
    ],
)
def test_the_reference_names_the_host(reference: str, host: str | None) -> None:
    assert parse_reference(reference).host == host
