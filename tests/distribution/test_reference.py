"""The one grammar of an image reference: a table of references, valid and invalid,
each with its parts or the reason it is refused; then the forms built on it."""

from __future__ import annotations

import pytest

from ecrctl.distribution.reference import (
    ImageReference,
    is_host,
    parse_image_ref,
    parse_local_image,
    parse_reference,
    parse_tag_or_reference,
    partial_reference,
)
from ecrctl.distribution.refs import ImageRef
from ecrctl.errors import InvalidInput

D = "sha256:" + "ab" * 32
HEX = "cd" * 32
ECR = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"


def ref(
    host: str | None, repository: str, tag: str | None = None, digest: str | None = None
) -> ImageReference:
    return ImageReference(host, repository, tag, digest)


VALID = [
    ("team/app", ref(None, "team/app")),
    ("team/app:1.0", ref(None, "team/app", "1.0")),
    (f"team/app@{D}", ref(None, "team/app", None, D)),
    ("app", ref(None, "app")),
    ("a", ref(None, "a")),  # docker's grammar; ECR's 2-character minimum is for_ecr()
    ("a/b/c/d/e", ref(None, "a/b/c/d/e")),
    ("team/app_x.y-z", ref(None, "team/app_x.y-z")),
    ("team/a__b", ref(None, "team/a__b")),  # a double underscore separates
    ("team/a---b", ref(None, "team/a---b")),  # so do dashes, any number
    ("team/app:_v", ref(None, "team/app", "_v")),
    ("team/app:V1.0-RC_2", ref(None, "team/app", "V1.0-RC_2")),  # a tag may be uppercase
    ("team/app:" + "t" * 300, ref(None, "team/app", "t" * 300)),  # ECR's longest tag
    ("n" * 255, ref(None, "n" * 255)),  # docker's longest name
    (f"sha256:{HEX}", ref(None, "sha256", HEX)),  # a name and a tag, as docker reads it
    # hosts: a '.' or a ':' or localhost
    ("127.0.0.1:5000/app:v1", ref("127.0.0.1:5000", "app", "v1")),
    ("127.0.0.1:5000/app", ref("127.0.0.1:5000", "app")),
    ("0.0.0.0/x/y", ref("0.0.0.0", "x/y")),
    ("localhost/team/app", ref("localhost", "team/app")),
    ("localhost:5000/team/app:dev", ref("localhost:5000", "team/app", "dev")),
    ("localhost:5000", ref(None, "localhost", "5000")),  # no '/': a name and its tag
    ("localhost", ref(None, "localhost")),
    ("registry:5000/app", ref("registry:5000", "app")),  # one label, with a port
    ("ghcr.io/owner/tool:latest", ref("ghcr.io", "owner/tool", "latest")),
    ("example.com:443/a/b/c:t", ref("example.com:443", "a/b/c", "t")),
    ("Registry.Example.COM/team/app", ref("Registry.Example.COM", "team/app")),  # host: any case
    ("[::1]/app", ref("[::1]", "app")),
    ("[::1]:5000/app:v1", ref("[::1]:5000", "app", "v1")),
    (f"[2001:db8::1]:443/team/app@{D}", ref("[2001:db8::1]:443", "team/app", None, D)),
    (f"{ECR}/team/app:1", ref(ECR, "team/app", "1")),
    ("public.ecr.aws/a1b2/team/app:1", ref("public.ecr.aws", "a1b2/team/app", "1")),
    # Docker Hub's official images
    ("docker.io/alpine:3.20", ref("docker.io", "library/alpine", "3.20")),
    ("index.docker.io/alpine", ref("index.docker.io", "library/alpine")),
    ("registry-1.docker.io/busybox", ref("registry-1.docker.io", "library/busybox")),
    ("docker.io/owner/tool", ref("docker.io", "owner/tool")),
    ("docker.io/library/alpine", ref("docker.io", "library/alpine")),
    ("quay.io/alpine", ref("quay.io", "alpine")),  # only Docker Hub has library/
]

INVALID = [
    ("", "invalid image reference '': it is empty"),
    ("team/App:1", "invalid repository name 'team/App'; use lowercase: 'team/app'"),
    ("Team/app", "invalid repository name 'Team/app'; use lowercase: 'team/app'"),  # no host
    ("TEAM", "invalid repository name 'TEAM'; use lowercase: 'team'"),
    ("team app", "invalid repository name 'team app'"),
    (" team/app", "invalid repository name ' team/app'"),
    ("team/-app", "invalid repository name 'team/-app'"),
    ("team/app.", "invalid repository name 'team/app.'"),
    ("team/.hidden", "invalid repository name 'team/.hidden'"),
    ("team/../app", "invalid repository name 'team/../app'"),
    ("../app", "invalid registry host '..' in image reference '../app'"),
    ("team%2Fapp", "invalid repository name 'team%2Fapp'"),
    ("team/a%2Fb:1", "invalid repository name 'team/a%2Fb'"),
    ("team/app:v1:v2", "invalid repository name 'team/app:v1'"),
    ("team/app:-x", "invalid image tag '-x'"),
    ("team/app:.x", "invalid image tag '.x'"),
    ("team/app:tä", "invalid image tag 'tä'"),
    ("team/app:a/b", "invalid repository name 'team/app:a/b'"),  # a ':' before a '/' is no tag's
    ("team/app:" + "t" * 301, "invalid image tag"),
    ("team/app:", "image reference 'team/app:' has an empty tag after ':' (no tag)"),
    ("team/app@", "image reference 'team/app@' has nothing after '@'"),
    (f"team/app:v1@{D}", "has both a tag and a digest; give one of them"),
    ("team/app@sha256:12", "invalid image digest 'sha256:12'; a digest is sha256: followed by"),
    (f"team/app@sha256:{HEX.upper()}", "invalid image digest"),
    (f"team/app@sha512:{'a' * 128}", "its algorithm is sha512; only sha256 digests are used"),
    (f"team/app@md5:{'a' * 32}", "its algorithm is md5; only sha256 digests are used by ECR"),
    (f"team/app@{HEX}", f"invalid image digest '{HEX}': only sha256 digests are used by ECR"),
    (f"team/app@sha256@{D}", f"invalid image digest 'sha256@{D}'"),
    ("host:5000/", "invalid image reference 'host:5000/': it names no repository"),
    (":v1", "invalid image reference ':v1': it names no repository"),
    (f"@{D}", f"invalid image reference '@{D}': it names no repository"),
    ("team/app/", "invalid image reference 'team/app/': a part of its name is empty"),
    ("/team/app", "invalid image reference '/team/app': a part of its name is empty"),
    ("team//app", "invalid image reference 'team//app': a part of its name is empty"),
    ("localhost//app", "invalid image reference 'localhost//app': a part of its name is empty"),
    ("n" * 256, f"invalid repository name '{'n' * 256}': it has 256 characters"),
    ("docker.io/" + "n" * 250, "it has 258 characters; a name has at most 255"),  # library/
    ("my_host.com/app", "invalid registry host 'my_host.com' in image reference"),
    ("-bad.com/app", "invalid registry host '-bad.com'"),
    ("host:port/app", "invalid registry host 'host:port'"),
    ("[::1/app", "invalid registry host '[::1'"),
    ("[fe80::1%eth0]:5000/app", "invalid registry host '[fe80::1%eth0]:5000'"),
    ("example.com:/app", "invalid registry host 'example.com:'"),
]


def test_the_table_is_large_enough() -> None:
    assert len(VALID) + len(INVALID) >= 60


@pytest.mark.parametrize(("text", "expected"), VALID)
def test_valid_references(text: str, expected: ImageReference) -> None:
    assert parse_reference(text) == expected
    assert parse_reference(str(expected)) == expected  # str() writes it back


@pytest.mark.parametrize(("text", "reason"), INVALID)
def test_invalid_references(text: str, reason: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_reference(text)
    assert info.value.exit_code == 2
    line = info.value.one_line()
    assert reason in line and "\n" not in line


def test_what_names_the_argument_in_its_errors() -> None:
    with pytest.raises(InvalidInput) as info:
        parse_reference("team/app:", what="destination")
    assert info.value.one_line().startswith("destination 'team/app:' has an empty tag")
    with pytest.raises(InvalidInput) as info:
        parse_reference("", what="source")
    assert info.value.one_line().startswith("invalid source '': it is empty")


def test_a_digest_is_refused_where_one_is_written_to() -> None:
    with pytest.raises(InvalidInput) as info:
        parse_reference(f"team/app@{D}", what="destination", digest=False)
    assert info.value.one_line() == (
        f"destination 'team/app@{D}' names a digest; a digest cannot be pushed to; "
        "give a tag instead: team/app:TAG"
    )


def test_a_tag_and_a_digest_together_are_refused_unless_asked_for() -> None:
    with pytest.raises(InvalidInput) as info:
        parse_reference(f"team/app:v1@{D}", what="reference")
    assert info.value.one_line() == (
        f"reference 'team/app:v1@{D}' has both a tag and a digest; give one of them"
    )
    both = parse_reference(f"127.0.0.1:5000/team/app:v1@{D}", tag_and_digest=True)
    assert both == ref("127.0.0.1:5000", "team/app", "v1", D)
    assert (both.ref, both.image_id) == (D, {"imageDigest": D})  # the digest names the image
    assert str(both) == f"127.0.0.1:5000/team/app:v1@{D}"


@pytest.mark.parametrize(
    ("part", "host"),
    [
        ("example.com", True),
        ("host:5000", True),
        ("[::1]", True),
        ("localhost", True),
        ("team", False),
        ("Team", False),
        ("localhost5", False),
    ],
)
def test_the_host_rule(part: str, host: bool) -> None:
    assert is_host(part) is host


def test_the_value_and_its_helpers() -> None:
    parsed = parse_reference(f"{ECR}/team/app:v1")
    assert parsed.name == f"{ECR}/team/app"
    assert (parsed.ref, parsed.image, parsed.image_id) == (
        "v1",
        ImageRef(tag="v1"),
        {"imageTag": "v1"},
    )
    assert str(parsed.without_host()) == "team/app:v1"
    assert str(parsed.with_host("127.0.0.1:5000")) == "127.0.0.1:5000/team/app:v1"
    assert parse_reference("team/app").image == ImageRef(tag="latest")
    assert parse_reference(f"team/app@{D}").image_id == {"imageDigest": D}
    assert parse_reference("public.ecr.aws/a1b2/team/app").namespace() == ("a1b2", "team/app")
    assert parse_reference("app").namespace() == (None, "app")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a", "invalid repository name 'a': it must be 2 to 256 characters long"),
        ("team/a__b", "invalid repository name 'team/a__b'"),
        ("docker.io/owner/a---b", "invalid repository name 'owner/a---b'"),
    ],
)
def test_ecr_names_are_a_separate_check(text: str, line: str) -> None:
    parsed = parse_reference(text)  # docker's grammar takes it
    with pytest.raises(InvalidInput) as info:
        parsed.for_ecr()
    assert info.value.one_line().startswith(line)
    assert parse_reference("team/app").for_ecr() == parse_reference("team/app")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("busybox:1", ref(None, "busybox", "1")),
        (f"team/app@{D}", ref(None, "team/app", None, D)),
        (f"sha256:{HEX}", None),  # an image id: no name
        (HEX, None),
    ],
)
def test_local_images(text: str, expected: ImageReference | None) -> None:
    assert parse_local_image(text) == expected


def test_a_local_image_takes_a_tag_or_a_digest() -> None:
    with pytest.raises(InvalidInput, match="local image 'busybox:' has an empty tag"):
        parse_local_image("busybox:")
    with pytest.raises(InvalidInput, match=r"local image 'busybox:1@sha256:\w+' has both a tag"):
        parse_local_image(f"busybox:1@{D}")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("v2", "v2"),
        ("team/app:v2", ref(None, "team/app", "v2")),
        ("team/app", ref(None, "team/app")),
        ("127.0.0.1:5000/team/app:v2", ref("127.0.0.1:5000", "team/app", "v2")),
    ],
)
def test_a_new_tag_or_a_reference(text: str, expected: str | ImageReference) -> None:
    assert parse_tag_or_reference(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("bad tag", "invalid image tag 'bad tag'"),
        ("", "empty image tag"),
        (f"team/app@{D}", "new tag 'team/app@sha256:"),
        ("v1@x", "new tag 'v1@x' names a digest"),
    ],
)
def test_a_new_tag_is_checked(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_tag_or_reference(text)


@pytest.mark.parametrize(
    ("text", "tag", "digest"),
    [("v1", "v1", None), (D, None, D), (f"@{D}", None, D)],
)
def test_a_ref_given_apart(text: str, tag: str | None, digest: str | None) -> None:
    assert parse_image_ref(text) == ImageRef(tag, digest)


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("team/a", ("team/a", "team/a", "", "")),
        ("team/app:", ("team/app", "team/app", ":", "")),
        ("team/app:l", ("team/app", "team/app", ":", "l")),
        ("team/app@sha", ("team/app", "team/app", "@", "sha")),
        ("localhost:5000/team/app:l", ("localhost:5000/team/app", "team/app", ":", "l")),
        ("localhost:5000/team/a", ("localhost:5000/team/a", "team/a", "", "")),
        (f"{ECR}/app@sha256:", (f"{ECR}/app", "app", "@", "sha256:")),
    ],
)
def test_a_reference_being_typed(text: str, parts: tuple[str, str, str, str]) -> None:
    typed = partial_reference(text)
    assert (typed.name, typed.repository, typed.separator, typed.rest) == parts
