"""The repository and limit checks of ``ecrctl doctor``: against moto_server for what
moto does (a missing repository, a denying repository policy, immutable tags,
lifecycle policies), through botocore's Stubber for what it cannot (AccessDenied,
Service Quotas)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from ecrctl.aws.settings import AwsSettings
from ecrctl.doctor.facts import Facts
from ecrctl.doctor.model import FAIL, OK, Check, CheckOutcome, Request
from ecrctl.doctor.runner import Spec, run_checks
from ecrctl.doctor.workflow import diagnose
from tests.conftest import ACCOUNT, REGION
from tests.doctor.conftest import MOTO_ARN
from tests.doctor.test_workflow import boto, put_image

pytestmark = pytest.mark.usefixtures("healthy")


def run(request: Request, clients: dict[str, Any] | None = None) -> dict[str, Check]:
    report = diagnose(AwsSettings(), request, clients=clients)
    return {check.id: check for check in report.checks}


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


# -- through Stubber -------------------------------------------------------------------------


def stubbed(service: str) -> tuple[Any, Any]:
    from botocore.stub import Stubber

    client = boto(service)
    return client, Stubber(client)


def test_get_authorization_token_denied() -> None:
    ecr, stub = stubbed("ecr")
    stub.add_client_error(
        "get_authorization_token",
        "AccessDeniedException",
        f"User: {MOTO_ARN} is not authorized to perform: ecr:GetAuthorizationToken on "
        "resource: * because no identity-based policy allows the ecr:GetAuthorizationToken "
        "action",
        http_status_code=400,
    )
    with stub:
        token = run(Request(), {"ecr": ecr})["aws.auth-token"]
    assert token.status == FAIL
    assert token.detail == f"{MOTO_ARN} is not allowed to perform ecr:GetAuthorizationToken"
    assert token.fix is not None and 'ecr:GetAuthorizationToken on Resource "*"' in token.fix


def quotas_answer(images: int, repositories: int) -> dict[str, Any]:
    def quota(name: str, value: int) -> dict[str, Any]:
        return {"ServiceCode": "ecr", "QuotaName": name, "QuotaCode": "L-X", "Value": value}

    return {
        "Quotas": [
            quota("Images per repository", images),
            quota("Registered repositories", repositories),
        ]
    }


def test_limits_from_service_quotas_warn_from_80_percent() -> None:
    boto().create_repository(repositoryName="team/app")
    for n in range(9):
        put_image("team/app", f"v{n}", n)
    quotas, stub = stubbed("service-quotas")
    stub.add_response("list_aws_default_service_quotas", quotas_answer(1000, 1000))
    stub.add_response("list_service_quotas", quotas_answer(10, 1))
    with stub:
        checks = run(Request("team/app"), {"service-quotas": quotas})
    images = checks["limits.images"]
    assert images.status == "warn"
    assert images.detail == (
        "9 of 10 images in team/app (90%; quota from Service Quotas): 80 % or more used"
    )
    assert images.fix is not None and "request-service-quota-increase" in images.fix
    repositories = checks["limits.repositories"]
    assert repositories.status == FAIL
    assert f"1 of 1 repositories in {REGION}" in repositories.detail


def test_limits_fall_back_to_documented_defaults_when_quotas_are_denied() -> None:
    boto().create_repository(repositoryName="team/app")
    quotas, stub = stubbed("service-quotas")
    stub.add_client_error("list_aws_default_service_quotas", "AccessDeniedException", "no")
    with stub:
        checks = run(Request("team/app"), {"service-quotas": quotas})
    images = checks["limits.images"]
    assert images.status == OK
    assert images.detail == (
        "0 of 100,000 images in team/app (0%; quota from documented default; "
        "Service Quotas not readable: AccessDeniedException)"
    )


# -- the runner --------------------------------------------------------------------------


def test_a_check_that_hangs_is_reported_within_the_timeout() -> None:
    from ecrctl.aws.clients import Aws

    def hang(facts: Facts) -> CheckOutcome:
        time.sleep(5)
        return CheckOutcome(OK, "too late")

    def quick(facts: Facts) -> CheckOutcome:
        return CheckOutcome(OK, "fine")

    specs = [Spec("test.hang", "Hangs", hang), Spec("test.quick", "Quick", quick)]
    started = time.monotonic()
    checks = run_checks(specs, Facts(Aws(), Request()), timeout=0.5)
    assert time.monotonic() - started < 1.5
    assert [(c.id, c.status) for c in checks] == [("test.hang", FAIL), ("test.quick", OK)]
    assert checks[0].detail == "no answer within 0.5 s"


def test_caller_account_is_the_registry_account() -> None:
    assert ACCOUNT in run(Request())["aws.auth-token"].detail
