"""The repository checks of ``ecrctl doctor`` against moto_server: a missing repository,
a denying repository policy, immutable tags, lifecycle policies."""

from __future__ import annotations

import json
import time

import pytest

from ecrctl.doctor.model import FAIL, OK, Request
from tests.doctor.checks import boto, put_image, run
from tests.doctor.conftest import MOTO_ARN

pytestmark = pytest.mark.usefixtures("healthy")


def test_repository_that_does_not_exist_suggests_the_near_name() -> None:
    boto().create_repository(repositoryName="team/app")
    exists = run(Request("team/ap"))["repo.exists"]
    assert exists.status == FAIL
    assert "'team/ap' does not exist in account 123456789012, region us-east-1" in exists.detail
    assert "did you mean 'team/app'?" in exists.detail
    assert exists.fix == "ecrctl doctor team/app (or create it: ecrctl repo create team/ap)"


def test_repository_that_does_not_exist_anywhere_near() -> None:
    checks = run(Request("nothing/here"))
    assert checks["repo.exists"].fix == (
        "ecrctl repo create nothing/here (or check --region and --registry-id)"
    )
    assert checks["repo.pull"].status == "skip"
    assert checks["limits.images"].status == "skip"


DENY_PULL = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "NoPull",
            "Effect": "Deny",
            "Principal": {"AWS": MOTO_ARN},
            "Action": "ecr:BatchGetImage",
        }
    ],
}


def test_repository_policy_that_denies_the_caller() -> None:
    boto().create_repository(repositoryName="team/app")
    boto().set_repository_policy(repositoryName="team/app", policyText=json.dumps(DENY_PULL))
    checks = run(Request("team/app"))
    pull = checks["repo.pull"]
    assert pull.status == FAIL
    assert f"denies pull to {MOTO_ARN}" in pull.detail
    assert pull.fix == f"ecrctl policy repo explain team/app --principal {MOTO_ARN}"
    assert checks["repo.push"].status == OK  # the statement denies pull actions only


def test_immutable_tag_that_exists_refuses_a_push() -> None:
    boto().create_repository(repositoryName="team/app", imageTagMutability="IMMUTABLE")
    put_image("team/app", "v1")
    mutability = run(Request("team/app", "v1", push=True))["repo.mutability"]
    assert mutability.status == FAIL
    assert "ImageTagAlreadyExistsException" in mutability.detail
    assert mutability.fix == "push under a new tag (e.g. the commit hash)"
    assert run(Request("team/app", "v2", push=True))["repo.mutability"].status == OK
    assert run(Request("team/app", "v1", pull=True))["repo.mutability"].status == OK


EXPIRE_UNTAGGED_AND_KEEP_ONE = {
    "rules": [
        {
            "rulePriority": 1,
            "description": "keep one image",
            "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1},
            "action": {"type": "expire"},
        }
    ]
}


def test_lifecycle_policy_that_expires_the_tag() -> None:
    boto().create_repository(repositoryName="team/app")
    put_image("team/app", "old", 1)
    time.sleep(1.1)  # moto's push times have 1 s resolution
    put_image("team/app", "new", 2)
    boto().put_lifecycle_policy(
        repositoryName="team/app", lifecyclePolicyText=json.dumps(EXPIRE_UNTAGGED_AND_KEEP_ONE)
    )
    lifecycle = run(Request("team/app", "old"))["repo.lifecycle"]
    assert lifecycle.status == "warn"
    assert "expires team/app:old at the next evaluation" in lifecycle.detail
    assert lifecycle.fix == "ecrctl policy lifecycle preview team/app"
    kept = run(Request("team/app", "new"))["repo.lifecycle"]
    assert kept.status == OK and "keeps new" in kept.detail
