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
    Unreadable,
    Usage,
    Use,
    User,
    parse_image_uri,
    read_image_uri,
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
        (f"{HOST}/app@sha256@{D}", None),  # one emulator's garble: see read_image_uri
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


@pytest.mark.parametrize(
    ("uri", "repository"),
    [
        (f"{HOST}/app@sha256@{D}", "app"),
        (f"{HOST}/app@sha256:XYZ", "app"),
        (f"{HOST}/team/app:bad tag", "team/app"),
        (f"{HOST}/App:v1", None),  # not even the name reads: any repository of the registry
        (f"{HOST}/app:v1@", "app"),
    ],
)
def test_text_on_an_ecr_host_that_does_not_read_is_unreadable(
    uri: str, repository: str | None
) -> None:
    found = read_image_uri(uri)
    assert isinstance(found, Unreadable)
    assert (found.registry_id, found.region, found.repository) == (
        "123456789012",
        "us-east-1",
        repository,
    )
    assert found.why
    assert found.covers(("123456789012", "us-east-1", repository or "anything"))
    assert not found.covers(("123456789012", "us-west-2", repository or "app"))
    assert parse_image_uri(uri) is None


@pytest.mark.parametrize(
    "uri", ["nginx:la test", "registry.example.com/App:v1", "not a reference", "", "   "]
)
def test_text_that_names_no_ecr_host_is_nothing_of_ecrs(uri: str) -> None:
    assert read_image_uri(uri) is None


def test_each_unknown_is_listed_with_its_cause_in_json() -> None:
    usage = _usage(False)
    usage.usage.gaps.append(Gap("ecs:DescribeTasks", "Rate exceeded", "throttled"))
    data = usage.to_json()
    assert [u["cause"] for u in data["unknown"]] == ["denied", "throttled"]
    assert data["missingPermissions"] == ["ecs:ListClusters"]
    assert data["notFound"] == []
