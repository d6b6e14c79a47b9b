"""What the CLI tests share: a completion cache holding two repositories and the tags
and digests of one."""

from __future__ import annotations

import pytest

from ecrctl.aws.settings import AwsSettings
from ecrctl.completion import cache as cc
from ecrctl.completion.cache import CacheScope, ImageId
from tests.support.completion import OTHER, TAGGED


@pytest.fixture
def seeded() -> CacheScope:
    """team/app and team/api, and team/app's latest, v1 (one digest) and an untagged image."""
    scope = CacheScope.of(AwsSettings())
    cc.remember_repositories(scope, ["team/app", "team/api"])
    cc.remember_images(
        scope,
        "team/app",
        [ImageId("latest", TAGGED), ImageId("v1", TAGGED), ImageId(None, OTHER)],
    )
    return scope
