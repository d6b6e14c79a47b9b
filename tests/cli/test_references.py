"""Every command that takes an image reference reads it with the one parser
(:mod:`ecrctl.distribution.reference`): the same bad reference gives the same error
line, exit 2, from each of them, before any call. The usage scan and completion
read references with it too."""

from __future__ import annotations

import pytest
from click.shell_completion import CompletionItem

from ecrctl.aws.settings import AwsSettings
from ecrctl.cli import main as root
from ecrctl.cli import shells
from ecrctl.cli.app import App
from ecrctl.completion import cache as cc
from ecrctl.completion.cache import CacheScope, ImageId
from ecrctl.distribution.reference import parse_reference
from ecrctl.usage.model import ImageUri, Unreadable, parse_image_uri, read_image_uri
from tests.conftest import Runner
from tests.distribution.test_reference import INVALID, VALID

SHA512 = "sha512:" + "a" * 128
TAGGED = "sha256:" + "a" * 64

BAD_NAME = "ecrctl: error: invalid repository name 'team/App'; use lowercase: 'team/app'"
BAD_DIGEST = (
    f"ecrctl: error: invalid image digest '{SHA512}': its algorithm is sha512; only sha256 "
    "digests are used by ECR; give a digest sha256:<64 lowercase hex digits>, or a tag"
)
BAD_TAG = (
    "ecrctl: error: invalid image tag 'tä'; a tag is 1-300 characters: ASCII letters, "
    "digits, _ . - (not starting with . or -)"
)

# each command, with the bad part in the place of its reference
NAME_CASES = [
    ("image", "push", "busybox:1", "team/App:v1"),
    ("image", "push", "team/App:v1", "team/app:v1"),
    ("image", "push", "team/App:v1"),
    ("image", "pull", "team/App:v1"),
    ("image", "pull", "team/App:v1", "--public"),
    ("image", "copy", "team/App:v1", "team/app:v1"),
    ("image", "copy", "team/app:v1", "team/App:v1"),
    ("image", "inspect", "team/App:v1"),
    ("image", "scan", "team/App:v1", "--wait"),
    ("image", "findings", "team/App:v1"),
    ("repo", "copy", "team/App", "team/app"),
    ("repo", "copy", "team/app", "127.0.0.1:5000/team/App"),
    ("image", "retag", "team/app", "v1", "team/App:v2"),
    ("image", "show", "team/App", "v1"),
    ("image", "show", "team/App", "v1", "--public"),
    ("image", "delete", "team/App", "v1", "--yes"),
    ("image", "delete", "team/App", "v1", "--yes", "--public"),
    ("image", "list", "team/App"),
    ("image", "list", "team/App", "--public"),
]
DIGEST_CASES = [
    ("image", "push", f"team/app@{SHA512}", "team/app:v1"),
    ("image", "pull", f"team/app@{SHA512}"),
    ("image", "pull", f"public.ecr.aws/a1b2/app@{SHA512}"),
    ("image", "copy", f"team/app@{SHA512}", "team/app:v2"),
    ("image", "inspect", f"team/app@{SHA512}"),
    ("image", "scan", f"team/app@{SHA512}"),
    ("image", "findings", f"team/app@{SHA512}"),
    ("repo", "copy", f"team/app@{SHA512}", "team/other"),
    ("image", "retag", "team/app", SHA512, "v2"),
    ("image", "show", "team/app", SHA512),
    ("image", "show", "team/app", f"@{SHA512}", "--public"),
    ("image", "delete", "team/app", SHA512, "--yes"),
    ("image", "delete", "team/app", SHA512, "--yes", "--public"),
]
TAG_CASES = [
    ("image", "push", "busybox:1", "team/app:tä"),
    ("image", "push", "busybox:tä", "team/app:v1"),
    ("image", "pull", "team/app:tä"),
    ("image", "pull", "public.ecr.aws/a1b2/app:tä"),
    ("image", "copy", "team/app:tä", "team/app:v2"),
    ("image", "copy", "team/app:v1", "127.0.0.1:5000/team/app:tä"),
    ("image", "inspect", "ghcr.io/owner/app:tä"),
    ("image", "scan", "team/app:tä"),
    ("image", "findings", "team/app:tä"),
    ("image", "retag", "team/app", "v1", "tä"),
    ("image", "retag", "team/app", "v1", "team/app:tä"),
    ("image", "show", "team/app", "tä"),
    ("image", "show", "team/app", "tä", "--public"),
    ("image", "delete", "team/app", "tä", "--yes"),
]


def _same_line(result: object, line: str) -> None:
    code, err = getattr(result, "exit_code", None), str(getattr(result, "stderr", ""))
    assert (code, err) == (2, line + "\n")


@pytest.mark.parametrize("args", NAME_CASES, ids=" ".join)
def test_a_bad_name_is_one_error_everywhere(cli: Runner, args: tuple[str, ...]) -> None:
    _same_line(cli(*args), BAD_NAME)


@pytest.mark.parametrize("args", DIGEST_CASES, ids=" ".join)
def test_a_digest_of_another_algorithm_is_one_error_everywhere(
    cli: Runner, args: tuple[str, ...]
) -> None:
    _same_line(cli(*args), BAD_DIGEST)


@pytest.mark.parametrize("args", TAG_CASES, ids=" ".join)
def test_a_bad_tag_is_one_error_everywhere(cli: Runner, args: tuple[str, ...]) -> None:
    _same_line(cli(*args), BAD_TAG)


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ("image", "push", "busybox:1", "team/app:"),
            "destination 'team/app:' has an empty tag after ':' (no tag)",
        ),
        (("image", "pull", "team/app:"), "reference 'team/app:' has an empty tag after ':'"),
        (("image", "copy", "team/app:", "x/y"), "source 'team/app:' has an empty tag after ':'"),
        (("image", "inspect", "team/app:"), "image reference 'team/app:' has an empty tag"),
        (("image", "retag", "team/app", "v1", "team/app:"), "new tag 'team/app:' has an empty"),
        (("image", "pull", "team/app/"), "invalid reference 'team/app/': a part of its name"),
        (("repo", "copy", "x/y", "team//app"), "invalid destination repository 'team//app'"),
        (
            ("image", "push", "busybox:1", f"team/app@{TAGGED}"),
            "a digest cannot be pushed to; give a tag instead: team/app:TAG",
        ),
        (("image", "copy", "x/y:1", f"team/app@{TAGGED}"), "a digest cannot be pushed to"),
        (("image", "retag", "team/app", "v1", f"team/app@{TAGGED}"), "new tag 'team/app@"),
        (("image", "pull", f"team/app:v1@{TAGGED}"), "has both a tag and a digest"),
        (("image", "push", f"busybox:1@{TAGGED}"), "local image 'busybox:1@sha256:"),
        (("image", "copy", f"x/y:1@{TAGGED}", "a/b"), "source 'x/y:1@sha256:"),
        (("image", "inspect", f"x/y:1@{TAGGED}"), "has both a tag and a digest"),
        (("image", "pull", "my_host.com/app"), "invalid registry host 'my_host.com'"),
        (("image", "copy", "[::1/app", "x/y"), "invalid registry host '[::1' in source"),
    ],
)
def test_the_parser_names_the_argument(cli: Runner, args: tuple[str, ...], line: str) -> None:
    result = cli(*args)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("ecrctl: error: ") and line in result.stderr
    assert result.stderr.count("\n") == 1


# -- the usage scan ---------------------------------------------------------------------

HOST = "123456789012.dkr.ecr.us-east-1.amazonaws.com"


@pytest.mark.parametrize(("text", "expected"), VALID, ids=[t[:40] for t, _ in VALID])
def test_the_usage_scan_reads_what_the_parser_reads(text: str, expected: object) -> None:
    """An ECR host in front of any valid reference: the scan's parts are the parser's."""
    path = str(parse_reference(text).without_host().with_host(HOST))
    parsed = parse_reference(path)
    tag = parsed.tag if parsed.tag or parsed.digest else "latest"
    expected_uri = ImageUri("123456789012", "us-east-1", parsed.repository, tag, parsed.digest)
    assert parse_image_uri(path) == expected_uri


# behind an ECR host, a bad host of the table is a name (and may be a good one)
# (and ECS writes a tag and a digest together, which the scan reads)
REFUSED = [t for t, reason in INVALID if "registry host" not in reason and "both" not in reason]


@pytest.mark.parametrize("text", REFUSED, ids=[t[:40] for t in REFUSED])
def test_the_usage_scan_reads_what_the_parser_refuses_as_unreadable(text: str) -> None:
    """Never skipped: on an ECR host, it makes the repository's usage unknown."""
    assert parse_image_uri(f"{HOST}/{text}") is None
    assert isinstance(read_image_uri(f"{HOST}/{text}"), Unreadable)


# -- completion -----------------------------------------------------------------------------


def _values(items: list[CompletionItem]) -> list[str]:
    return [item.value for item in items]


@pytest.mark.parametrize("command", [["image", "pull"], ["image", "inspect"]])
def test_completion_reads_a_reference_with_its_host(command: list[str]) -> None:
    """A port's ':' is no tag's: the repository is team/app, the tag follows the last ':'."""
    scope = CacheScope.of(AwsSettings())
    cc.remember_images(scope, "team/app", [ImageId("latest", TAGGED), ImageId("v1", TAGGED)])
    shell = shells.EcrctlBash(root.cli, {"obj": App()}, "ecrctl", "_ECRCTL_COMPLETE")
    typed = "localhost:5000/team/app:"
    assert _values(shell.get_completions(command, typed)) == [f"{typed}latest", f"{typed}v1"]
    assert _values(shell.get_completions(command, "team/app@sha256:a")) == [f"team/app@{TAGGED}"]
    assert _values(shell.get_completions(["image", "push", "busybox:1"], "team/app:v")) == [
        "team/app:v1"
    ]
