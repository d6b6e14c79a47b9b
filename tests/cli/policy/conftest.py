"""What the policy command tests share: a repository holding the user guide's lifecycle
multi-rule example."""

from __future__ import annotations

from typing import Any

import pytest

from tests.lifecycle.guide import MULTI
from tests.lifecycle.moto_images import load_into_moto


@pytest.fixture
def multi_repo(ecr: Any) -> dict[str, str]:
    """team/app in moto holding the guide's multi-rule example images (names -> digests)."""
    names = list(MULTI.images)
    pushed = load_into_moto(ecr, "team/app", list(MULTI.images.values()))
    return {name: image.digest for name, image in zip(names, pushed, strict=True)}
