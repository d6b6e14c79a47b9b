"""The usage scan against moto's ECS, Lambda and ECR (in-process): every image named
with who uses it, tags resolved to digests, one repository or the whole region."""

from __future__ import annotations

import pytest

from ecrctl.aws.clients import Aws
from ecrctl.errors import InvalidInput
from ecrctl.usage.model import NOT_IN_USE
from ecrctl.usage.scan import UsageOptions, repository_usage, scan_usage
from tests.usage import world as w

pytestmark = pytest.mark.usefixtures("in_process")


@pytest.fixture
def scene() -> w.World:
    found = w.clients()
    w.build(found)
    return found


def test_each_image_is_named_with_who_uses_it(scene: w.World) -> None:
    usage = repository_usage(Aws(), "app")
    d = scene.digests
    tasks = [t for t in w.texts(usage, d["app:v1"]) if t.startswith("task prod/")]
    assert len(tasks) == 1 and tasks[0].endswith("[tag v1]")
    assert "service prod/web (web:1) [tag v1]" in w.texts(usage, d["app:v1"])
    assert "task definition web:1 [tag v1]" in w.texts(usage, d["app:v1"])
    assert w.texts(usage, d["app:v2"]) == ["task definition web:2 [digest]"]
    assert w.texts(usage, d["app:v3"]) == [
        "function fn:$LATEST [running]",
        "function fn:1 (alias live) [running]",
    ]
    for unused in ("app:old", "app:untagged"):
        assert usage.status(d[unused]) == NOT_IN_USE
    assert sorted(usage.by_tag) == ["v1", "v3"]  # what launches (or redeploys) by tag
    scope = usage.usage.scope
    assert (scope.clusters, scope.services, scope.tasks, scope.families) == (1, 1, 1, 1)
    assert (scope.functions, scope.versions, scope.aliases) == (1, 2, 1)
    assert usage.complete


def test_a_tag_resolves_to_the_digest_it_points_at_now(scene: w.World) -> None:
    moved = scene.image("app", "one-rebuilt", "v1")
    usage = repository_usage(Aws(), "app")
    assert "task definition web:1 [tag v1]" in w.texts(usage, moved)


def test_other_repositories_and_registries_do_not_count(scene: w.World) -> None:
    scene.task_definition("elsewhere", w.uri("other", "v1"), "nginx:1")
    usage = repository_usage(Aws(), "app")
    names = [use.user.name for uses in usage.by_digest.values() for use in uses]
    assert not [name for name in names if name.startswith("elsewhere")]
    other = repository_usage(Aws(), "other")
    assert w.texts(other, scene.digests["other:v1"]) == ["task definition elsewhere:1 [tag v1]"]


def test_scan_usage_resolves_every_repository_in_the_region(scene: w.World) -> None:
    scene.task_definition("elsewhere", w.uri("other", "v1"))
    usage = scan_usage(Aws())
    assert sorted(key[2] for key in usage.tags) == ["app", "other"]
    assert usage.tags[(w.ACCOUNT, w.REGION, "app")]["v1"] == scene.digests["app:v1"]


def test_revisions_must_be_a_count() -> None:
    with pytest.raises(InvalidInput, match="--usage-revisions 0"):
        UsageOptions(revisions=0)
