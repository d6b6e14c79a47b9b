"""The trails of a region and whether each keeps ECR's write events: the event
selectors, basic and advanced, as a table (pure), and trails, their status and
selectors read from moto's CloudTrail (in-process)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from ecrctl.errors import NotFound
from ecrctl.events import trails
from tests.conftest import ACCOUNT, REGION


def _advanced(*fields: dict[str, object]) -> dict[str, object]:
    return {"AdvancedEventSelectors": [{"Name": "s", "FieldSelectors": list(fields)}]}


MANAGEMENT = {"Field": "eventCategory", "Equals": ["Management"]}


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ({"EventSelectors": [], "AdvancedEventSelectors": []}, True),
        ({"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": True}]}, True),
        ({"EventSelectors": [{"ReadWriteType": "WriteOnly"}]}, True),
        (
            {"EventSelectors": [{"ReadWriteType": "ReadOnly", "IncludeManagementEvents": True}]},
            False,
        ),
        ({"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": False}]}, False),
        (_advanced(MANAGEMENT), True),
        (_advanced(MANAGEMENT, {"Field": "readOnly", "Equals": ["false"]}), True),
        (_advanced(MANAGEMENT, {"Field": "readOnly", "Equals": ["true"]}), False),
        (_advanced(MANAGEMENT, {"Field": "eventSource", "NotEquals": ["kms.amazonaws.com"]}), True),
        (
            _advanced(MANAGEMENT, {"Field": "eventSource", "NotEquals": ["ecr.amazonaws.com"]}),
            False,
        ),
        (_advanced(MANAGEMENT, {"Field": "eventName", "StartsWith": ["Put"]}), True),
        (_advanced(MANAGEMENT, {"Field": "userIdentity.arn", "Equals": ["x"]}), None),
        (_advanced({"Field": "eventCategory", "Equals": ["Data"]}), False),
        (_advanced({"Field": "resources.type", "Equals": ["AWS::S3::Object"]}), False),
    ],
)
def test_which_selectors_keep_ecr_writes(answer: dict[str, object], expected: bool | None) -> None:
    assert trails.logs_ecr_writes(answer)[0] is expected


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        ({}, "no event selectors: every management event (CloudTrail's default)"),
        ({"EventSelectors": [{}]}, "an event selector includes write management events"),
        (
            {"EventSelectors": [{"ReadWriteType": "ReadOnly"}]},
            "no event selector includes write management events",
        ),
        (_advanced(MANAGEMENT), "an advanced event selector keeps management events"),
        (
            _advanced(MANAGEMENT, {"Field": "userIdentity.arn", "Equals": ["x"]}),
            "advanced event selectors keep ECR's events only for some fields",
        ),
        (
            _advanced({"Field": "eventCategory", "Equals": ["Data"]}),
            "no advanced event selector keeps ECR's write management events",
        ),
    ],
)
def test_why(answer: dict[str, Any], why: str) -> None:
    assert trails.logs_ecr_writes(answer)[1] == why


@pytest.mark.parametrize(
    ("selectors", "expected"),
    [
        # a basic selector that leaves ECR's management events out
        ([{"ExcludeManagementEventSources": ["ecr.amazonaws.com"]}], False),
        ([{"ExcludeManagementEventSources": ["kms.amazonaws.com"]}], True),
        # any one selector that keeps them is enough
        ([{"ReadWriteType": "ReadOnly"}, {"ReadWriteType": "WriteOnly"}], True),
    ],
)
def test_basic_selectors(selectors: list[dict[str, Any]], expected: bool) -> None:
    assert trails.logs_ecr_writes({"EventSelectors": selectors})[0] is expected


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ([MANAGEMENT, {"Field": "eventName", "NotStartsWith": ["Put"]}], False),
        ([MANAGEMENT, {"Field": "eventName", "EndsWith": ["Image"]}], True),
        ([MANAGEMENT, {"Field": "eventName", "NotEndsWith": ["Image"]}], False),
        ([MANAGEMENT, {"Field": "eventSource", "StartsWith": ["ecr", "s3"]}], True),
        ([{"Field": "eventCategory", "NotEquals": ["Data"]}], True),
    ],
)
def test_advanced_operators(fields: list[dict[str, Any]], expected: bool) -> None:
    assert trails.logs_ecr_writes(_advanced(*fields))[0] is expected


def test_a_second_advanced_selector_that_keeps_them_is_enough() -> None:
    data = {"Name": "data", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]}]}
    writes = {"Name": "writes", "FieldSelectors": [MANAGEMENT]}
    assert trails.logs_ecr_writes({"AdvancedEventSelectors": [data, writes]})[0] is True


# -- trails in moto's CloudTrail ---------------------------------------------------


@pytest.fixture
def cloudtrail(moto: None) -> Any:
    """Trails main (``s3://trail-logs/ecr/``) and audit (``s3://audit-logs``)."""
    s3 = boto3.client("s3", region_name=REGION)
    client = boto3.client("cloudtrail", region_name=REGION)
    for name, bucket, prefix in (("main", "trail-logs", "ecr"), ("audit", "audit-logs", None)):
        s3.create_bucket(Bucket=bucket)
        extra = {"S3KeyPrefix": prefix} if prefix else {}
        client.create_trail(Name=name, S3BucketName=bucket, **extra)
    return client


def arn(name: str) -> str:
    return f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/{name}"


def test_a_trail_by_name_or_arn(cloudtrail: Any) -> None:
    assert sorted(t["Name"] for t in trails.describe_trails(cloudtrail)) == ["audit", "main"]
    by_name = trails.find_trail(cloudtrail, "main", REGION)
    assert (by_name["S3BucketName"], by_name["S3KeyPrefix"]) == ("trail-logs", "ecr")
    assert trails.find_trail(cloudtrail, arn("audit"), REGION)["Name"] == "audit"


def test_a_trail_that_is_not_there_lists_those_that_are(cloudtrail: Any) -> None:
    with pytest.raises(NotFound) as raised:
        trails.find_trail(cloudtrail, "nope", REGION)
    assert raised.value.one_line() == (
        f"no trail named 'nope' in {REGION} (trails there: audit, main); "
        "give a trail's name or ARN, or --bucket and --prefix"
    )


def test_no_trails_at_all(moto: None) -> None:
    client = boto3.client("cloudtrail", region_name=REGION)
    assert trails.describe_trails(client) == []
    with pytest.raises(NotFound, match=r"\(trails there: none\)"):
        trails.find_trail(client, "main", REGION)


def test_a_trails_state_as_it_changes(cloudtrail: Any) -> None:
    trail = trails.find_trail(cloudtrail, "main", REGION)
    stopped = trails.trail_state(cloudtrail, trail)
    assert stopped == trails.TrailState(
        name="main",
        arn=arn("main"),
        home_region=REGION,
        bucket="trail-logs",
        prefix="ecr",
        logging=False,
        logs_ecr=True,
        why="no event selectors: every management event (CloudTrail's default)",
    )
    assert stopped.where == "s3://trail-logs/ecr/"
    cloudtrail.start_logging(Name="main")
    reads = [{"ReadWriteType": "ReadOnly", "IncludeManagementEvents": True}]
    cloudtrail.put_event_selectors(TrailName="main", EventSelectors=reads)
    started = trails.trail_state(cloudtrail, trail)
    assert (started.logging, started.logs_ecr) == (True, False)
    assert started.why == "no event selector includes write management events"


def test_a_trail_that_cannot_be_read_is_unknown(cloudtrail: Any) -> None:
    gone = {"Name": "gone", "TrailARN": arn("gone"), "S3BucketName": "old-logs"}
    state = trails.trail_state(cloudtrail, gone)
    assert (state.logging, state.logs_ecr) == (None, None)
    assert state.why == "its event selectors cannot be read here (TrailNotFoundException)"
    assert (state.name, state.arn, state.home_region) == ("gone", arn("gone"), None)


@pytest.mark.parametrize(
    ("bucket", "prefix", "where"),
    [
        ("logs", None, "s3://logs/"),
        ("logs", "/ecr/", "s3://logs/ecr/"),
        ("logs", "a/b", "s3://logs/a/b/"),
        (None, "ecr", "no bucket"),
    ],
)
def test_where_a_trail_writes(bucket: str | None, prefix: str | None, where: str) -> None:
    state = trails.TrailState("t", "arn", None, bucket, prefix, True, True, "")
    assert state.where == where
