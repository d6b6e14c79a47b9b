"""CloudTrail records of ECR calls, shaped like the user guide's "CloudTrail log
entry examples" (CreateRepository, PutImage, BatchGetImage: ``userIdentity``,
``eventSource`` ecr.amazonaws.com, ``requestParameters``, ``responseElements``,
``resources``, ``recipientAccountId``), and a trail's log files made of them
(gzip JSON ``{"Records": [...]}`` under ``AWSLogs/ACCOUNT/CloudTrail/REGION/Y/M/D/``), and a
bucket in moto's S3 to hold them (the ``s3`` fixture: import ``s3_fixture`` into a test
module with ``# noqa: F401``)."""

from __future__ import annotations

import gzip
import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.conftest import ACCOUNT, REGION

BUCKET = "trail-logs"

MARY = {
    "type": "IAMUser",
    "principalId": "AIDACKCEVSQ6C2EXAMPLE",
    "arn": f"arn:aws:iam::{ACCOUNT}:user/Mary_Major",
    "accountId": ACCOUNT,
    "accessKeyId": "AKIAIOSFODNN7EXAMPLE",
    "userName": "Mary_Major",
    "sessionContext": {"attributes": {"mfaAuthenticated": "false", "creationDate": "x"}},
}
DEPLOYER = {
    "type": "AssumedRole",
    "principalId": "AROACKCEVSQ6C2EXAMPLE:ci",
    "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/Deployer/ci",
    "accountId": ACCOUNT,
    "accessKeyId": "ASIAIOSFODNN7EXAMPLE",
    "sessionContext": {
        "sessionIssuer": {
            "type": "Role",
            "principalId": "AROACKCEVSQ6C2EXAMPLE",
            "arn": f"arn:aws:iam::{ACCOUNT}:role/Deployer",
            "accountId": ACCOUNT,
            "userName": "Deployer",
        },
        "attributes": {"mfaAuthenticated": "false", "creationDate": "x"},
    },
}
DOCKER_UA = "docker/24.0.7 go/go1.20.10 git-commit/311b9ff kernel/6.1 os/linux arch/amd64"
CLI_UA = "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64 command/ecr.put-image"

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


def manifest(n: int) -> str:
    """A schema 2 manifest, distinct per ``n``, as a pushed image's bytes."""
    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "size": 5543,
                "digest": "sha256:" + f"{n:064x}",
            },
            "layers": [],
        },
        indent=3,
    )


def digest(n: int) -> str:
    return "sha256:" + hashlib.sha256(manifest(n).encode()).hexdigest()


def when(minutes: int, *, base: datetime | None = None) -> datetime:
    """``minutes`` after ``base`` (default: 10 days ago, on the minute)."""
    start = base or (datetime.now(UTC) - timedelta(days=10)).replace(second=0, microsecond=0)
    return start + timedelta(minutes=minutes)


def record(
    name: str,
    at: datetime,
    request: dict[str, Any] | None,
    response: dict[str, Any] | None = None,
    *,
    identity: dict[str, Any] | None = None,
    agent: str = "console.amazonaws.com",
    repository: str | None = None,
    error: str | None = None,
    source: str = "ecr.amazonaws.com",
) -> dict[str, Any]:
    """One record as a trail writes it."""
    found: dict[str, Any] = {
        "eventVersion": "1.08",
        "userIdentity": identity or MARY,
        "eventTime": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": source,
        "eventName": name,
        "awsRegion": REGION,
        "sourceIPAddress": "203.0.113.12",
        "userAgent": agent,
        "requestParameters": request,
        "responseElements": response,
        "requestID": str(uuid.uuid4()),
        "eventID": str(uuid.uuid4()),
        "readOnly": name.startswith(("Get", "Describe", "List", "BatchGet", "BatchCheck")),
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
    }
    if repository:
        arn = f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/{repository}"
        found["resources"] = [{"ARN": arn, "accountId": ACCOUNT}]
    if error:
        found["errorCode"] = error
        found["errorMessage"] = f"{error} (a message)"
    return found


def create_repository(repo: str, at: datetime) -> dict[str, Any]:
    arn = f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/{repo}"
    response = {
        "repository": {
            "repositoryArn": arn,
            "repositoryName": repo,
            "repositoryUri": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{repo}",
            "createdAt": "Jul 11, 2018 10:17:44 PM",
            "registryId": ACCOUNT,
        }
    }
    return record("CreateRepository", at, {"repositoryName": repo}, response, repository=repo)


def put_image(
    repo: str, tag: str | None, n: int, at: datetime, *, error: str | None = None, **extra: Any
) -> dict[str, Any]:
    request: dict[str, Any] = {
        "repositoryName": repo,
        "registryId": ACCOUNT,
        "imageManifest": manifest(n),
    }
    image_id: dict[str, Any] = {"imageDigest": digest(n)}
    if tag:
        request["imageTag"] = image_id["imageTag"] = tag
    response = None
    if not error:
        image = {"repositoryName": repo, "imageManifest": manifest(n), "registryId": ACCOUNT}
        response = {"image": {**image, "imageId": image_id}}
    return record("PutImage", at, request, response, repository=repo, error=error, **extra)


def delete_tag(repo: str, tag: str, n: int, at: datetime) -> dict[str, Any]:
    request = {"repositoryName": repo, "registryId": ACCOUNT, "imageIds": [{"imageTag": tag}]}
    response = {"imageIds": [{"imageDigest": digest(n), "imageTag": tag}], "failures": []}
    return record("BatchDeleteImage", at, request, response, repository=repo)


def delete_digest(repo: str, n: int, at: datetime) -> dict[str, Any]:
    request = {
        "repositoryName": repo,
        "registryId": ACCOUNT,
        "imageIds": [{"imageDigest": digest(n)}],
    }
    response = {"imageIds": [{"imageDigest": digest(n)}], "failures": []}
    return record("BatchDeleteImage", at, request, response, repository=repo)


def pull(repo: str, tag: str, at: datetime) -> dict[str, Any]:
    request = {
        "imageIds": [{"imageTag": tag}],
        "acceptedMediaTypes": ["application/vnd.docker.distribution.manifest.v2+json"],
        "repositoryName": repo,
        "registryId": ACCOUNT,
    }
    return record("BatchGetImage", at, request, None, repository=repo, agent=DOCKER_UA)


def set_policy(repo: str, at: datetime) -> dict[str, Any]:
    text = '{"Version": "2012-10-17", "Statement": []}'
    request = {"repositoryName": repo, "policyText": text, "force": False}
    response = {"registryId": ACCOUNT, "repositoryName": repo, "policyText": text}
    return record("SetRepositoryPolicy", at, request, response, repository=repo)


def put_lifecycle(repo: str, at: datetime) -> dict[str, Any]:
    request = {"repositoryName": repo, "lifecyclePolicyText": '{"rules": []}'}
    return record("PutLifecyclePolicy", at, request, {"repositoryName": repo}, repository=repo)


def prod_story(base: datetime | None = None) -> list[dict[str, Any]]:
    """``team/app``: prod pushed at digest 1, moved to 2, v1 pushed at 3, prod retagged
    to 3, an identical re-put refused, prod deleted, prod retagged to 1 again; with a
    pull, a policy, a lifecycle policy and another repository's prod around it."""
    t = [when(m, base=base) for m in range(0, 200, 10)]
    return [
        create_repository("team/app", t[0]),
        put_image("team/app", "prod", 1, t[1], agent=DOCKER_UA),
        put_image("team/app", "prod", 2, t[2], agent=DOCKER_UA, identity=DEPLOYER),
        put_image("team/other", "prod", 9, t[3], agent=DOCKER_UA),
        put_image("team/app", "v1", 3, t[4], agent=DOCKER_UA),
        pull("team/app", "prod", t[5]),
        put_image("team/app", "prod", 3, t[6], agent=CLI_UA, identity=DEPLOYER),
        put_image("team/app", "prod", 3, t[7], error="ImageAlreadyExistsException"),
        set_policy("team/app", t[8]),
        delete_tag("team/app", "prod", 3, t[9]),
        put_lifecycle("team/app", t[10]),
        put_image("team/app", "prod", 1, t[11], agent=CLI_UA),
        record("GetAuthorizationToken", t[12], {}, None),
    ]


def log_file(records: list[dict[str, Any]]) -> bytes:
    """A trail's log file: gzip of ``{"Records": [...]}`` on one line."""
    return gzip.compress(json.dumps({"Records": records}, separators=(",", ":")).encode())


def log_key(at: datetime, *, prefix: str = "", account: str = ACCOUNT, n: int = 0) -> str:
    """Where a trail puts a file delivered at ``at`` (``prefix`` without its slash)."""
    stamp = at.strftime("%Y%m%dT%H%MZ")
    folder = f"AWSLogs/{account}/CloudTrail/{REGION}/{at:%Y/%m/%d}/"
    name = f"{account}_CloudTrail_{REGION}_{stamp}_{n:04d}EXAMPLE.json.gz"
    return f"{prefix}/{folder}{name}" if prefix else f"{folder}{name}"


def upload(s3: Any, bucket: str, records: list[dict[str, Any]], *, prefix: str = "") -> list[str]:
    """``records`` as log files in ``bucket``: two per day, the records of each day split
    between them out of order, with another service's record in each (as real files mix
    services)."""
    by_day: dict[str, list[dict[str, Any]]] = {}
    for item in records:
        by_day.setdefault(item["eventTime"][:10], []).append(item)
    keys = []
    for day, items in sorted(by_day.items()):
        at = datetime.fromisoformat(day).replace(tzinfo=UTC) + timedelta(hours=23)
        other = record("DescribeInstances", at, {}, None, source="ec2.amazonaws.com")
        for n, part in enumerate((items[1::2], items[0::2])):
            key = log_key(at, prefix=prefix, n=n)
            s3.put_object(Bucket=bucket, Key=key, Body=log_file([*reversed(part), other]))
            keys.append(key)
    return keys


@pytest.fixture(name="s3")
def s3_fixture(moto: None) -> Any:
    """moto's S3 (in-process) with an empty bucket ``BUCKET`` for a trail's log files."""
    import boto3

    client = boto3.client("s3", region_name=REGION)
    client.create_bucket(Bucket=BUCKET)
    return client
