"""An offline preview (describe-images JSON on disk) and a live one (DescribeImages
against moto's ECR) of the same images agree."""

from __future__ import annotations

import itertools
import json
from datetime import datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from ecrctl.lifecycle import engine, store
from ecrctl.lifecycle.images import Image, load_images_json
from tests.lifecycle.moto_images import load_into_moto
from tests.lifecycle.strategies import NOW, policies, repositories

pytestmark = pytest.mark.usefixtures("moto")
_names = itertools.count()


def _as_cli_json(details: list[dict[str, Any]], epoch: bool) -> str:
    def default(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.timestamp() if epoch else value.isoformat()
        raise TypeError(type(value).__name__)

    return json.dumps({"imageDetails": details}, default=default, indent=4)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(policies(), repositories(max_size=12))
def test_offline_and_live_previews_agree(
    ecr: Any, policy: dict[str, Any], images: list[Image]
) -> None:
    repository = f"agree/r{next(_names)}"
    pushed = load_into_moto(ecr, repository, [i._replace(last_pulled_at=None) for i in images])
    live = engine.preview(policy, store.repository_images(ecr, repository), NOW).to_json()
    details = ecr.describe_images(repositoryName=repository)["imageDetails"]
    for epoch in (True, False):
        offline_images = load_images_json(_as_cli_json(details, epoch))
        offline = engine.preview(policy, offline_images, NOW).to_json()
        assert offline == live
    # and both are the preview of the images as generated
    assert engine.preview(policy, pushed, NOW).to_json() == live
