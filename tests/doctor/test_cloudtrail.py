"""doctor's ``aws.cloudtrail`` check where moto cannot go: AccessDenied on
DescribeTrails, and a shadow trail whose selectors depend on a field ecrctl cannot
judge (botocore's Stubber); the moto cases run in tests/events/test_installed.py."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.stub import Stubber

from ecrctl.aws.clients import Aws
from ecrctl.aws.settings import AwsSettings
from ecrctl.doctor.cloudtrail import check_trail
from ecrctl.doctor.facts import DoctorFacts
from ecrctl.doctor.model import OK, WARN, Request
from tests.conftest import REGION

ARN = "arn:aws:cloudtrail:eu-west-1:123456789012:trail/org"
TRAIL = {
    "Name": "org",
    "TrailARN": ARN,
    "HomeRegion": "eu-west-1",
    "IsMultiRegionTrail": True,
    "IsOrganizationTrail": True,
    "S3BucketName": "org-logs",
}


def check(cloudtrail: Any) -> Any:
    facts = DoctorFacts(
        Aws(AwsSettings(region=REGION)), Request(), clients={"cloudtrail": cloudtrail}
    )
    return check_trail(facts)


def stubbed() -> tuple[Any, Stubber]:
    client = boto3.client("cloudtrail", region_name=REGION)
    return client, Stubber(client)


def test_denied_describe_trails_warns_with_the_permissions() -> None:
    client, stub = stubbed()
    stub.add_client_error("describe_trails", "AccessDeniedException", "no", http_status_code=400)
    with stub:
        outcome = check(client)
    assert outcome.status == WARN
    assert outcome.detail == f"cannot read the trails of {REGION} (AccessDeniedException)"
    assert outcome.fix is not None and "cloudtrail:GetEventSelectors" in outcome.fix


def test_a_shadow_trail_selected_by_a_field_ecrctl_cannot_judge_warns() -> None:
    client, stub = stubbed()
    stub.add_response("describe_trails", {"trailList": [TRAIL]}, {"includeShadowTrails": True})
    stub.add_response("get_trail_status", {"IsLogging": True}, {"Name": ARN})
    selectors = [
        {
            "Name": "ci only",
            "FieldSelectors": [
                {"Field": "eventCategory", "Equals": ["Management"]},
                {"Field": "userIdentity.arn", "StartsWith": ["arn:aws:sts::1:assumed-role/ci"]},
            ],
        }
    ]
    stub.add_response(
        "get_event_selectors",
        {"TrailARN": ARN, "AdvancedEventSelectors": selectors},
        {"TrailName": ARN},
    )
    with stub:
        outcome = check(client)
    assert outcome.status == WARN
    assert "trail org may not log ECR's management events" in outcome.detail
    assert outcome.fix == f"aws cloudtrail get-event-selectors --trail-name {ARN}"


def test_the_default_selectors_of_a_logging_trail_pass_and_an_excluded_one_warns() -> None:
    client, stub = stubbed()
    stub.add_response("describe_trails", {"trailList": [TRAIL]})
    stub.add_response("get_trail_status", {"IsLogging": True})
    stub.add_response("get_event_selectors", {"TrailARN": ARN, "EventSelectors": []})
    with stub:
        outcome = check(client)
    assert (outcome.status, outcome.detail) == (
        OK,
        "trail org logs ECR's management events to s3://org-logs/",
    )
    client, stub = stubbed()
    stub.add_response("describe_trails", {"trailList": [TRAIL]})
    stub.add_response("get_trail_status", {"IsLogging": True})
    excluded = {"IncludeManagementEvents": False, "ReadWriteType": "All"}
    stub.add_response("get_event_selectors", {"TrailARN": ARN, "EventSelectors": [excluded]})
    with stub:
        outcome = check(client)
    assert outcome.status == WARN
    assert outcome.detail == (
        f"no trail logs ECR's write management events in {REGION} "
        "(trail org: no event selector includes write management events)"
    )
