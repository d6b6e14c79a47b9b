"""Reading CloudTrail's ECR records, the time window, and what a trail's event
selectors keep: pure functions over records shaped like the user guide's examples."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest

from ecrctl.errors import InvalidInput
from ecrctl.events import model, trails
from ecrctl.events.lookup import record_of
from ecrctl.events.window import parse_time, window
from tests.conftest import ACCOUNT
from tests.events import records as r

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)

# The user guide's PutImage example, with the record closed as CloudTrail writes it
GUIDE_DIGEST = "sha256:98c8b060c21d9adb6b8c41b916e95e6307102786973ab93a41e8b86d1fc6d3e0"
GUIDE_PUT_IMAGE = {
    "eventVersion": "1.04",
    "userIdentity": {
        "type": "IAMUser",
        "principalId": "AIDACKCEVSQ6C2EXAMPLE:account_name",
        "arn": "arn:aws:sts::123456789012:user/Mary_Major",
        "accountId": "123456789012",
        "accessKeyId": "AKIAIOSFODNN7EXAMPLE",
        "userName": "Mary_Major",
    },
    "eventTime": "2019-04-15T16:45:00Z",
    "eventSource": "ecr.amazonaws.com",
    "eventName": "PutImage",
    "awsRegion": "us-east-2",
    "sourceIPAddress": "203.0.113.12",
    "userAgent": "console.amazonaws.com",
    "requestParameters": {
        "repositoryName": "testrepo",
        "imageTag": "latest",
        "registryId": "123456789012",
        "imageManifest": '{\n  "schemaVersion": 2\n}',
    },
    "responseElements": {
        "image": {
            "repositoryName": "testrepo",
            "registryId": "123456789012",
            "imageId": {"imageDigest": GUIDE_DIGEST, "imageTag": "latest"},
        }
    },
    "requestID": "cf044b7d-5f9d-11e9-9b2a-95983139cc57",
    "eventID": "2bfd4ee2-2178-4a82-a27d-b12939923f0f",
    "resources": [
        {"ARN": "arn:aws:ecr:us-east-2:123456789012:repository/testrepo", "accountId": "1"}
    ],
    "eventType": "AwsApiCall",
    "recipientAccountId": "123456789012",
}


def test_the_guides_put_image_record() -> None:
    event = model.from_record(GUIDE_PUT_IMAGE)
    assert event is not None
    assert event.base_json() == {
        "eventTime": "2019-04-15T16:45:00Z",
        "eventName": "PutImage",
        "eventId": "2bfd4ee2-2178-4a82-a27d-b12939923f0f",
        "awsRegion": "us-east-2",
        "registryId": "123456789012",
        "repositoryName": "testrepo",
        "principal": "arn:aws:sts::123456789012:user/Mary_Major",
        "principalType": "IAMUser",
        "sourceIPAddress": "203.0.113.12",
        "userAgent": "console.amazonaws.com",
        "readOnly": False,
        "errorCode": None,
        "errorMessage": None,
    }
    assert model.put_image_tag(event) == "latest"
    assert model.put_image_digest(event) == GUIDE_DIGEST


def test_without_an_answer_the_digest_is_the_manifests_own() -> None:
    failed = r.put_image("team/app", "prod", 4, r.when(0), error="ImageTagAlreadyExistsException")
    event = model.from_record(failed)
    assert event is not None and event.failed
    expected = "sha256:" + hashlib.sha256(r.manifest(4).encode()).hexdigest()
    assert model.put_image_digest(event) == expected == r.digest(4)


def test_the_guides_create_repository_and_pull_records() -> None:
    created = model.from_record(r.create_repository("testrepo", r.when(0)))
    pulled = model.from_record(r.pull("testrepo", "latest", r.when(1)))
    assert created is not None and pulled is not None
    assert (created.repository, created.read_only) == ("testrepo", False)
    assert (pulled.repository, pulled.read_only, pulled.name) == ("testrepo", True, "BatchGetImage")


@pytest.mark.parametrize(
    ("identity", "expected"),
    [
        (r.DEPLOYER, f"arn:aws:sts::{ACCOUNT}:assumed-role/Deployer/ci"),
        ({"type": "AWSService", "invokedBy": "ecs.amazonaws.com"}, "ecs.amazonaws.com"),
        ({"type": "Root", "principalId": ACCOUNT}, ACCOUNT),
        ({}, "-"),
    ],
)
def test_the_principal(identity: dict[str, str], expected: str) -> None:
    assert model.principal(identity) == expected


def test_other_services_and_broken_records_are_no_ecr_events() -> None:
    assert (
        model.from_record(r.record("PutImage", r.when(0), {}, source="ecr-public.amazonaws.com"))
        is None
    )
    assert model.from_record({"eventSource": "ecr.amazonaws.com", "eventName": "PutImage"}) is None
    assert model.from_record({**GUIDE_PUT_IMAGE, "eventTime": "yesterday"}) is None


def test_a_lookup_event_without_its_json_keeps_its_own_fields() -> None:
    event = {
        "EventId": "e1",
        "EventName": "DeleteRepository",
        "EventTime": 1_700_000_000.0,
        "EventSource": "ecr.amazonaws.com",
        "Username": "Mary_Major",
        "Resources": [{"ResourceType": "AWS::ECR::Repository", "ResourceName": "team/app"}],
        "CloudTrailEvent": "{not json",
    }
    found = model.from_record(record_of(event))
    assert found is not None
    assert (found.name, found.principal, found.event_id) == ("DeleteRepository", "Mary_Major", "e1")
    assert found.time == datetime.fromtimestamp(1_700_000_000, UTC)
    whole = record_of({**event, "CloudTrailEvent": json.dumps(GUIDE_PUT_IMAGE)})
    assert whole == GUIDE_PUT_IMAGE


# -- the window --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d", NOW - timedelta(days=7)),
        ("12h", NOW - timedelta(hours=12)),
        ("30m", NOW - timedelta(minutes=30)),
        ("2w", NOW - timedelta(weeks=2)),
        ("2024-05-01", datetime(2024, 5, 1, tzinfo=UTC)),
        ("2024-05-01T12:30", datetime(2024, 5, 1, 12, 30, tzinfo=UTC)),
        ("2024-05-01T12:30:00Z", datetime(2024, 5, 1, 12, 30, tzinfo=UTC)),
        ("2024-05-01T14:30:00+02:00", datetime(2024, 5, 1, 12, 30, tzinfo=UTC)),
    ],
)
def test_durations_and_dates(text: str, expected: datetime) -> None:
    assert parse_time(text, NOW, option="--since") == expected


@pytest.mark.parametrize("text", ["7 days", "yesterday", "7y", "-3d", "2024-13-01", ""])
def test_bad_times_name_the_value_and_the_forms(text: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_time(text, NOW, option="--since")
    assert f"invalid --since {text!r}" in raised.value.one_line()
    assert "7d" in raised.value.one_line()


def test_the_default_window_is_90_days_and_since_after_until_is_refused() -> None:
    default = window(None, None, NOW)
    assert (default.since, default.until) == (NOW - timedelta(days=90), NOW)
    with pytest.raises(InvalidInput, match="is after --until"):
        window("1d", "2d", NOW)


# -- event selectors ---------------------------------------------------------------


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
