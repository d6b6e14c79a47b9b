"""What the image command tests share: an empty repository in moto."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def repo(ecr: Any) -> str:
    ecr.create_repository(repositoryName="team/app")
    return "team/app"
