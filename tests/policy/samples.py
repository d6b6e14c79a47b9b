"""Policy text for the validation tests: one statement that is valid as it
stands, varied one field at a time, and the warnings the guide's examples earn."""

from __future__ import annotations

import json
from typing import Any

REMINDER = (
    "Action: grants image push/pull actions; the principals also need "
    "ecr:GetAuthorizationToken from an IAM policy (a repository policy cannot grant it)"
)
PUBLIC = (
    'Principal: "*" with no Condition: anyone with an AWS account can use '
    "ecr:BatchCheckLayerAvailability, ecr:BatchGetImage, ecr:GetDownloadUrlForLayer"
    "; add a Condition (e.g. aws:PrincipalOrgID) to narrow it"
)


def policy(*statements: Any, version: Any = "2012-10-17") -> str:
    return json.dumps({"Version": version, "Statement": list(statements)})


def stmt(**fields: Any) -> dict[str, Any]:
    """The valid statement with ``fields`` changed (None drops a field)."""
    base: dict[str, Any] = {
        "Sid": "S",
        "Effect": "Allow",
        "Principal": {"AWS": "111122223333"},
        "Action": "ecr:DescribeImages",
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}
