"""The limit checks: Service Quotas' values (through Stubber: moto has none for ECR)
with a warning from 80 %, and the documented defaults when quotas cannot be read."""

from __future__ import annotations

from typing import Any

import pytest

from ecrctl.doctor.limits import Quota, headroom
from ecrctl.doctor.model import FAIL, OK, Request
from tests.conftest import REGION
from tests.doctor.checks import boto, put_image, run, stubbed


def quotas_answer(images: int, repositories: int) -> dict[str, Any]:
    def quota(name: str, value: int) -> dict[str, Any]:
        return {"ServiceCode": "ecr", "QuotaName": name, "QuotaCode": "L-X", "Value": value}

    return {
        "Quotas": [
            quota("Images per repository", images),
            quota("Registered repositories", repositories),
        ]
    }


@pytest.mark.usefixtures("healthy")
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


@pytest.mark.usefixtures("healthy")
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


@pytest.mark.parametrize(
    ("used", "limit", "status", "detail"),
    [
        (0, 10, "ok", "0 of 10 images (0%; quota from Service Quotas)"),
        (7, 10, "ok", "7 of 10 images (70%; quota from Service Quotas)"),
        (8, 10, "warn", "8 of 10 images (80%; quota from Service Quotas): 80 % or more used"),
        (10, 10, "fail", "10 of 10 images (100%; quota from Service Quotas): at the limit"),
        (12, 10, "fail", "12 of 10 images (120%; quota from Service Quotas): at the limit"),
        (0, 0, "fail", "0 of 0 images (100%; quota from Service Quotas): at the limit"),
        (
            1_234,
            100_000,
            "ok",
            "1,234 of 100,000 images (1%; quota from Service Quotas)",
        ),
    ],
)
def test_headroom(used: int, limit: int, status: str, detail: str) -> None:
    outcome = headroom(used, "images", Quota(limit, "Service Quotas"), "raise it")
    assert (outcome.status, outcome.detail) == (status, detail)
    assert outcome.fix == (None if status == "ok" else "raise it")
