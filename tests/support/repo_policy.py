"""Who the repository-policy commands meet in moto, and what moto stores."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import ACCOUNT

CALLER = f"arn:aws:sts::{ACCOUNT}:user/moto"  # what moto's STS reports
ALICE = f"arn:aws:iam::{ACCOUNT}:user/alice"


def stored_policy(ecr: Any, name: str) -> dict[str, Any]:
    """The repository policy ECR holds for ``name``."""
    return json.loads(ecr.get_repository_policy(repositoryName=name)["policyText"])


def error_code(ecr: Any, name: str) -> str:
    """The error reading ``name``'s policy gives, or ``policy exists``."""
    try:
        ecr.get_repository_policy(repositoryName=name)
    except Exception as exc:
        return str(exc)
    return "policy exists"
