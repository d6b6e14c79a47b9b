"""What image delete refuses, and the preview's option checks for --in-use."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from ecrctl.usage.guard import blocked, in_use_counts, refusal
from ecrctl.usage.model import Gap, RepositoryUsage, Scope, Usage, Use, User
from tests.conftest import Runner

USED = "sha256:" + "1" * 64
FREE = "sha256:" + "2" * 64
SERVICE = User("ecs-service", "prod/web (web:3)", "arn:svc")
FUNCTION = User("lambda-function", "fn:2", "arn:fn:2", ("live",))


@dataclass
class Target:
    image_id: dict[str, str]
    digest: str
    action: str


def _usage(*gaps: Gap) -> RepositoryUsage:
    found = RepositoryUsage("app", "123456789012", Usage(Scope("us-east-1", 5), gaps=list(gaps)))
    found.by_digest[USED] = [Use(SERVICE, "tag v1"), Use(FUNCTION, "running")]
    found.by_tag["v1"] = [Use(SERVICE, "tag v1")]
    return found


@pytest.mark.parametrize(
    ("target", "what"),
    [
        (Target({"imageDigest": USED}, USED, "IMAGE_DELETED"), f"app@{USED}"),
        (Target({"imageTag": "v1"}, USED, "IMAGE_DELETED"), "app:v1"),
        # the image stays, but the service launches by this tag
        (Target({"imageTag": "v1"}, FREE, "TAG_REMOVED"), "app:v1"),
        (Target({"imageTag": "other"}, USED, "TAG_REMOVED"), None),
        (Target({"imageDigest": FREE}, FREE, "IMAGE_DELETED"), None),
    ],
)
def test_what_is_blocked(target: Target, what: str | None) -> None:
    found = blocked(_usage(), [target])
    assert [w for w, _ in found] == ([what] if what else [])


def test_the_refusal_names_every_user_on_one_line() -> None:
    error = refusal(blocked(_usage(), [Target({"imageDigest": USED}, USED, "IMAGE_DELETED")]))
    line = error.one_line()
    assert line == (
        f"refusing to delete 1 image(s) or tag(s) in use: app@{USED} is used by "
        "service prod/web (web:3) [tag v1], function fn:2 (alias live) [running]; "
        "stop using them first, or pass --force to delete anyway"
    )
    assert error.exit_code == 1


def test_counts_say_unknown_only_when_the_scan_missed_something() -> None:
    assert in_use_counts(_usage(), [USED, FREE]) == {"in use": 1, "unknown": 0}
    gap = Gap("lambda:ListFunctions", "denied")
    assert in_use_counts(_usage(gap), [USED, FREE]) == {"in use": 1, "unknown": 1}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["app", "--in-use", "--compare"], "--in-use goes with the local preview or --remote"),
        (["app", "--fail-if-in-use", "--diff", "x.json"], "--in-use goes with the local"),
        (["--policy", "p.json", "--images", "i.json", "--in-use"], "--in-use needs a REPOSITORY"),
    ],
)
def test_preview_options_that_do_not_go_together(
    cli: Runner, args: list[str], message: str
) -> None:
    result = cli("policy", "lifecycle", "preview", *args)
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_usage_revisions_must_be_positive(cli: Runner) -> None:
    result = cli("image", "list", "app", "--in-use", "--usage-revisions", "0")
    assert result.exit_code == 2
    assert "invalid value for '--usage-revisions': 0 is not in the range x>=1" in result.stderr
