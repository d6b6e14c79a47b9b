"""The preview's JSON text is exactly what json.dumps(indent=2) would print."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings

from ecrctl.cli.render import to_json
from ecrctl.lifecycle.engine import preview
from ecrctl.lifecycle.images import Image
from ecrctl.lifecycle.jsontext import preview_text
from tests.lifecycle.policies import archive_expire
from tests.lifecycle.strategies import NOW, policies, repositories


@settings(max_examples=150, deadline=None)
@given(policies(), repositories())
def test_preview_text_equals_the_generic_renderer(
    policy: dict[str, Any], images: list[Image]
) -> None:
    result = preview(policy, images, NOW)
    text = preview_text(result)
    assert text == to_json(result.to_json())
    assert json.loads(text) == result.to_json()


def test_escapes_and_archive_entries() -> None:
    images = [
        Image(
            'sha256:"q"',
            ("tag\\with", "ünï"),
            NOW - 500 * 86_400,
            None,
            NOW - 200 * 86_400,
            "archive",
        ),
        Image("sha256:b", (), NOW - 1.25),
    ]
    policy = {"rules": [archive_expire()]}
    result = preview(policy, images, NOW)
    assert preview_text(result) == to_json(result.to_json())
    assert json.loads(preview_text(result))["previewResults"][0]["storageClass"] == "ARCHIVE"
