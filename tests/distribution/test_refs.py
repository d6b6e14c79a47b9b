"""Image references: tags and digests, checked before any call."""

from __future__ import annotations

import pytest

from ecrctl.distribution.refs import parse_ref
from ecrctl.errors import InvalidInput

DIGEST = "sha256:" + "ab" * 32


@pytest.mark.parametrize(
    ("text", "tag", "digest"),
    [
        ("v1.2.0", "v1.2.0", None),
        ("latest", "latest", None),
        ("a" * 300, "a" * 300, None),
        (DIGEST, None, DIGEST),
        ("@" + DIGEST, None, DIGEST),
    ],
)
def test_parse_ref(text: str, tag: str | None, digest: str | None) -> None:
    ref = parse_ref(text)
    assert (ref.tag, ref.digest) == (tag, digest)
    assert ref.image_id == ({"imageDigest": digest} if digest else {"imageTag": tag})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sha256:abc", "invalid image digest 'sha256:abc'"),
        ("sha256:" + "AB" * 32, "invalid image digest"),
        ("md5:" + "a" * 32, "only sha256 digests"),
        ("sha256", "only sha256 digests"),
        (".hidden", "invalid image tag '.hidden'"),
        ("-x", "invalid image tag"),
        ("a b", "invalid image tag"),
        ("a" * 301, "invalid image tag"),
    ],
)
def test_parse_ref_rejects(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_ref(text)
