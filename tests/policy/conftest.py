"""What the policy tests share: moto's IAM holding a principal's world
(tests/policy/iam_world.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.policy import iam_world


@pytest.fixture
def iam(moto: None) -> Any:
    """moto's IAM with role ci and user alice in group devs."""
    import boto3

    return iam_world.build(boto3.client("iam", region_name="us-east-1"))
