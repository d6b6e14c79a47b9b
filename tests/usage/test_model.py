"""Image URIs as ECS and Lambda write them, and what a scan's result says."""

from __future__ import annotations

import pytest

from ecrctl.usage.model import (
    IN_USE,
    NOT_IN_USE,
    UNKNOWN,
    Gap,
    ImageUri,
    RepositoryUsage,
    Scope,
    Usage,
    Use,
    User,
    parse_image_uri,
    short_text,
)

HOST = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
D = "sha256:" + "a" * 64


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        (f"{HOST}/app:v1", ImageUri("123456789012", "us-east-1", "app", "v1", None)),
        (f"{HOST}/team/app:v1", ImageUri("123456789012", "us-east-1", "team/app", "v1", None)),
        (f"{HOST}/team/app", ImageUri("123456789012", "us-east-1", "team/app", "latest", None)),
        (f"{HOST}/app@{D}", ImageUri("123456789012", "us-east-1", "app", None, D)),
        (f"{HOST}/app:v1@{D}", ImageUri("123456789012", "us-east-1", "app", "v1", D)),
        (f"{HOST}/app@sha256@{D}", ImageUri("123456789012", "us-east-1", "app", None, D)),
        (
            "111122223333.dkr.ecr.eu-west-1.amazonaws.com/x/y:1",
            ImageUri("111122223333", "eu-west-1", "x/y", "1", None),
        ),
        ("public.ecr.aws/nginx/nginx:1", None),
        ("nginx:latest", None),
        ("registry.example.com:5000/app:v1", None),
        (HOST, None),
        ("", None),
    ],
)
def test_parse_image_uri(uri: str, expected: ImageUri | None) -> None:
    assert parse_image_uri(uri) == expected


def _usage(complete: bool) -> RepositoryUsage:
    usage = Usage(Scope("us-east-1", 5))
    if not complete:
        usage.gaps.append(Gap("ecs:ListClusters", "denied"))
    found = RepositoryUsage("app", "123456789012", usage)
    service = User("ecs-service", "prod/web (web:3)", "arn:svc")
    found.by_digest[D] = [Use(service, "tag v1")]
    return found


@pytest.mark.parametrize(
    ("complete", "digest", "status", "cell", "json"),
    [
        (True, D, IN_USE, "service prod/web", True),
        (True, "sha256:other", NOT_IN_USE, "-", False),
        (False, D, IN_USE, "service prod/web", True),
        (False, "sha256:other", UNKNOWN, "unknown", None),
    ],
)
def test_status_is_unknown_rather_than_unused_when_the_scan_missed_something(
    complete: bool, digest: str, status: str, cell: str, json: bool | None
) -> None:
    usage = _usage(complete)
    assert usage.status(digest) == status
    assert usage.users_text(digest) == cell
    assert usage.in_use_json(digest) is json


def test_scope_and_gaps_in_json() -> None:
    data = _usage(False).to_json()
    assert data["complete"] is False
    assert data["missingPermissions"] == ["ecs:ListClusters"]
    assert data["scope"]["ecs"]["revisionsPerFamily"] == 5
    assert data["scope"]["region"] == "us-east-1"


def test_lambda_user_names_its_aliases() -> None:
    user = User("lambda-function", "fn:3", "arn:fn:3", ("live", "prod"))
    assert user.text() == "function fn:3 (alias live, prod)"
    assert user.to_json()["aliases"] == ["live", "prod"]


def test_the_short_form_counts_tasks_and_caps_names() -> None:
    users = [User("ecs-task", f"prod/t{n}", f"arn:t{n}") for n in range(3)]
    users += [User("ecs-task-definition", f"web:{n}", f"arn:web:{n}") for n in range(1, 5)]
    users.append(User("lambda-function", "fn:1", "arn:fn:1", ("live",)))
    assert short_text(users) == "task def web:1, task def web:2, task def web:3, 3 task(s), 2 more"
    assert short_text(users[-1:]) == "function fn:1 (live)"
