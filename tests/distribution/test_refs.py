"""Plain values: a REF given apart from its repository (a tag or a digest), and the
repository name as ECR takes it; checked before any call."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ecrctl.distribution.reference import parse_image_ref
from ecrctl.distribution.refs import (
    check_digest,
    check_image_tag,
    check_registry_id,
    check_repository_name,
)
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
def test_parse_image_ref(text: str, tag: str | None, digest: str | None) -> None:
    ref = parse_image_ref(text)
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
        ("", "empty image tag"),
    ],
)
def test_parse_image_ref_rejects(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_image_ref(text)


@pytest.mark.parametrize(
    ("digest", "line"),
    [
        (
            "sha512:" + "a" * 128,
            f"invalid image digest 'sha512:{'a' * 128}': its algorithm is sha512; only sha256 "
            "digests are used by ECR; give a digest sha256:<64 lowercase hex digits>, or a tag",
        ),
        (
            "v1:x",
            "invalid image digest 'v1:x': only sha256 digests are used by ECR; "
            "give a digest sha256:<64 lowercase hex digits>, or a tag",
        ),
    ],
)
def test_another_digest_algorithm_is_named(digest: str, line: str) -> None:
    with pytest.raises(InvalidInput) as info:
        check_digest(digest)
    assert info.value.one_line() == line


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("a", "invalid repository name 'a': it must be 2 to 256 characters long; e.g. team/app"),
        ("team--app", "invalid repository name 'team--app'; use lowercase letters and digits"),
        ("team__app", "invalid repository name 'team__app'; use lowercase letters and digits"),
        ("Team/App", "invalid repository name 'Team/App'; use lowercase: 'team/app'"),
        (
            "arn:aws:ecr:us-east-1:123456789012:repository/Team",
            "invalid repository name 'arn:aws:ecr:us-east-1:123456789012:repository/Team'; "
            "use lowercase: 'team'",
        ),
    ],
)
def test_ecr_repository_names(name: str, line: str) -> None:
    with pytest.raises(InvalidInput) as info:
        check_repository_name(name)
    assert info.value.one_line().startswith(line)


@pytest.mark.parametrize(
    ("check", "value", "message", "hint"),
    [
        (
            check_registry_id,
            "123",
            "invalid registry id '123': it must be a 12-digit AWS account id",
            "e.g. --registry-id 123456789012",
        ),
        (
            check_image_tag,
            ".x",
            "invalid image tag '.x'",
            "a tag is 1-300 characters: ASCII letters, digits, _ . - (not starting with . or -)",
        ),
    ],
)
def test_a_value_its_pattern_refuses_is_named_with_the_fix(
    check: Callable[[str], str], value: str, message: str, hint: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        check(value)
    assert (raised.value.message, raised.value.hint) == (message, hint)
