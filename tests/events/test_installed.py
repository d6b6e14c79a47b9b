"""The installed ``ecrctl`` against a moto_server process: a trail made with moto's
CloudTrail (CreateTrail, StartLogging, PutEventSelectors), its log files in moto's S3,
``events --trail``, ``image history --trail`` and doctor's ``aws.cloudtrail`` check,
each service at its own endpoint variable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.conftest import REGION
from tests.events import records as r

BIN = Path(sys.executable).parent
BUCKET = "org-trail-logs"


def ecrctl(url: str, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL_CLOUDTRAIL": url,
        "AWS_ENDPOINT_URL_S3": url,
        "AWS_ENDPOINT_URL_STS": url,
        **extra,
    }
    return subprocess.run(
        [str(BIN / "ecrctl"), *args], env=env, capture_output=True, text=True, timeout=120
    )


def client(url: str, service: str) -> Any:
    return boto3.client(service, region_name=REGION, endpoint_url=url)


@pytest.fixture
def trail(moto_url: str) -> str:
    """A logging trail ``ecr-history`` writing to ``s3://org-trail-logs/audit/``,
    with the prod story in its log files."""
    s3 = client(moto_url, "s3")
    s3.create_bucket(Bucket=BUCKET)
    r.upload(s3, BUCKET, r.prod_story(), prefix="audit")
    cloudtrail = client(moto_url, "cloudtrail")
    cloudtrail.create_trail(
        Name="ecr-history", S3BucketName=BUCKET, S3KeyPrefix="audit", IsMultiRegionTrail=True
    )
    cloudtrail.start_logging(Name="ecr-history")
    return "ecr-history"


def test_events_and_history_from_the_trails_files(moto_url: str, trail: str) -> None:
    events = ecrctl(moto_url, "events", "team/app:prod", "--trail", trail, "-o", "json")
    assert events.returncode == 0, events.stderr
    data = json.loads(events.stdout)
    assert (data["source"]["bucket"], data["source"]["prefix"]) == (BUCKET, "audit")
    actions = [[c["action"] for c in e["changes"]] for e in data["events"]]
    assert actions == [
        ["tag-set"],
        ["tag-deleted"],
        [],  # refused re-put
        ["tag-moved"],
        ["tag-moved"],
        ["tag-set"],
        ["repository-created"],
    ]
    history = ecrctl(moto_url, "image", "history", "team/app:prod", "--trail", trail, "-o", "json")
    assert history.returncode == 0, history.stderr
    found = json.loads(history.stdout)["history"]
    assert [(h["imageDigest"], h["how"], h["endedBy"]) for h in found] == [
        (r.digest(1), "retag", None),
        (r.digest(3), "retag", "tag-deleted"),
        (r.digest(2), "push", "moved"),
        (r.digest(1), "push", "moved"),
    ]


def doctor_row(url: str, tmp_path: Path) -> dict[str, Any]:
    """doctor's aws.cloudtrail row; everything else on loopback (ECR and STS at moto,
    a registry address nobody listens on, no Docker Engine)."""
    result = ecrctl(
        url,
        "doctor",
        "--query",
        "checks[?id=='aws.cloudtrail'] | [0]",
        AWS_ENDPOINT_URL=url,
        ECRCTL_REGISTRY_URL="127.0.0.1:9",
        DOCKER_HOST=f"unix://{tmp_path}/no-docker.sock",
    )
    row: dict[str, Any] = json.loads(result.stdout)
    return row


def test_doctor_passes_a_logging_trail(moto_url: str, trail: str, tmp_path: Path) -> None:
    row = doctor_row(moto_url, tmp_path)
    assert row["status"] == "ok", row
    assert row["detail"] == f"trail {trail} logs ECR's management events to s3://{BUCKET}/audit/"


def test_doctor_warns_without_a_trail_and_names_the_fix(moto_url: str, tmp_path: Path) -> None:
    row = doctor_row(moto_url, tmp_path)
    assert row["status"] == "warn"
    assert row["detail"].startswith(f"no trail logs {REGION}: ECR's events are kept 90 days only")
    assert row["fix"].startswith("aws cloudtrail create-trail --name ecr-history")


def test_doctor_warns_of_a_stopped_trail(moto_url: str, trail: str, tmp_path: Path) -> None:
    client(moto_url, "cloudtrail").stop_logging(Name=trail)
    row = doctor_row(moto_url, tmp_path)
    assert row["status"] == "warn"
    assert row["detail"] == f"trail {trail} is not logging: no ECR event after it stopped is kept"
    arn = f"arn:aws:cloudtrail:{REGION}:123456789012:trail/{trail}"
    assert row["fix"] == f"aws cloudtrail start-logging --name {arn}"


def test_doctor_warns_of_a_trail_that_keeps_only_reads(
    moto_url: str, trail: str, tmp_path: Path
) -> None:
    selectors = [{"ReadWriteType": "ReadOnly", "IncludeManagementEvents": True}]
    client(moto_url, "cloudtrail").put_event_selectors(TrailName=trail, EventSelectors=selectors)
    row = doctor_row(moto_url, tmp_path)
    assert row["status"] == "warn"
    assert "no event selector includes write management events" in row["detail"]
    assert row["fix"].startswith("aws cloudtrail put-event-selectors --trail-name arn:aws:")
    advanced = [
        {
            "Name": "ECR writes",
            "FieldSelectors": [
                {"Field": "eventCategory", "Equals": ["Management"]},
                {"Field": "readOnly", "Equals": ["false"]},
            ],
        }
    ]
    client(moto_url, "cloudtrail").put_event_selectors(
        TrailName=trail, AdvancedEventSelectors=advanced
    )
    assert doctor_row(moto_url, tmp_path)["status"] == "ok"
