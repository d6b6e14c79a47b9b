"""How the doctor tests run the checks and fill moto: one call of the workflow (with
ready-made clients where Stubber answers), clients on the session's moto, images."""

from __future__ import annotations

import json
from typing import Any

from ecrctl.aws.settings import AwsSettings
from ecrctl.doctor.model import Check, Request
from ecrctl.doctor.workflow import diagnose
from tests.conftest import REGION


def run(
    request: Request | None = None, clients: dict[str, Any] | None = None, **settings: Any
) -> dict[str, Check]:
    """Every check that applies to ``request``, by id."""
    report = diagnose(AwsSettings(**settings), request or Request(), clients=clients)
    return {check.id: check for check in report.checks}


def boto(service: str = "ecr") -> Any:
    import boto3

    return boto3.client(service, region_name=REGION)


def stubbed(service: str) -> tuple[Any, Any]:
    """A client of ``service`` and its (not yet active) Stubber."""
    from botocore.stub import Stubber

    client = boto(service)
    return client, Stubber(client)


def put_image(repository: str, tag: str | None, n: int = 0) -> None:
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {"mediaType": "x", "size": 1, "digest": "sha256:" + f"{n:064x}"},
            "layers": [],
        }
    )
    extra = {"imageTag": tag} if tag else {}
    boto().put_image(repositoryName=repository, imageManifest=manifest, **extra)
