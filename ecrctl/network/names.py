"""The names the guide's private networking chapter uses: endpoint service names
(``com.amazonaws.REGION.ecr.dkr``), the layer bucket's ARN, and the guide's minimum
S3 endpoint policy. Pure."""

from __future__ import annotations

import json
import re
from typing import Any

ECR_DKR = "ecr.dkr"
ECR_API = "ecr.api"
S3 = "s3"
LOGS = "logs"
ECS_AGENT = "ecs-agent"
ECS_TELEMETRY = "ecs-telemetry"
ECS = "ecs"
# every interface endpoint the chapter (and the ECS guide it points to) names
INTERFACE_SERVICES = (ECR_DKR, ECR_API, LOGS, ECS_AGENT, ECS_TELEMETRY, ECS)

_SERVICE = re.compile(
    r"(?:cn\.)?com\.amazonaws\.(?P<region>[a-z]{2}(?:-[a-z0-9]+)+-\d+)\.(?P<name>[a-z0-9.-]+)"
)

# the statement id ecrctl gives the layer bucket's statement in an S3 endpoint policy
LAYER_STATEMENT_SID = "Access-to-specific-bucket-only"


def service_name(region: str, short: str) -> str:
    """``com.amazonaws.REGION.SHORT``: the endpoint service of ``short`` in ``region``."""
    return f"com.amazonaws.{region}.{short}"


def parse_service_name(name: str) -> tuple[str, str] | None:
    """The region and the short name of an AWS endpoint service
    (``com.amazonaws.us-east-1.ecr.dkr`` -> ``("us-east-1", "ecr.dkr")``; China's
    ``cn.com.amazonaws.`` too); ``None`` for any other service."""
    found = _SERVICE.fullmatch(name)
    return (found["region"], found["name"]) if found else None


def layer_bucket(region: str, partition: str = "aws") -> str:
    """The layer bucket's objects, as the guide writes them:
    ``arn:aws:s3:::prod-REGION-starport-layer-bucket/*``."""
    return f"arn:{partition}:s3:::prod-{region}-starport-layer-bucket/*"


def layer_object(region: str, partition: str = "aws") -> str:
    """One object of the layer bucket: what an endpoint policy is asked about."""
    return layer_bucket(region, partition)[:-1] + "sha256/layer"


def layer_statement(region: str, partition: str = "aws") -> dict[str, Any]:
    """The guide's statement ("Minimum Amazon S3 bucket permissions for Amazon ECR")."""
    return {
        "Sid": LAYER_STATEMENT_SID,
        "Principal": "*",
        "Action": ["s3:GetObject", "s3:PutObject"],
        "Effect": "Allow",
        "Resource": [layer_bucket(region, partition)],
    }


def minimum_s3_policy(region: str, partition: str = "aws") -> str:
    """The guide's whole minimum policy for the S3 gateway endpoint, as JSON text."""
    return json.dumps({"Statement": [layer_statement(region, partition)]}, indent=2)


def with_layer_statement(document: str | None, region: str, partition: str = "aws") -> str:
    """``document`` (an endpoint policy) with the guide's statement added at its end."""
    parsed: dict[str, Any] = json.loads(document) if document else {}
    statements = parsed.get("Statement", [])
    statements = [statements] if isinstance(statements, dict) else list(statements)
    parsed["Statement"] = [*statements, layer_statement(region, partition)]
    return json.dumps(parsed, indent=2)
