"""Reading CloudTrail's ECR records: pure functions over records shaped like the user
guide's examples."""

from __future__ import annotations

import hashlib

import pytest

from ecrctl.events import model
from tests.conftest import ACCOUNT
from tests.events import records as r
from tests.events.records import GUIDE_DIGEST, GUIDE_PUT_IMAGE


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
