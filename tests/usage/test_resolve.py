"""One repository's usage out of a scan: tags resolved, replicas counted, unreadable
references and the scan's gaps narrowed to the repository, running images that are
gone reported."""

from __future__ import annotations

from ecrctl.usage.causes import Gap
from ecrctl.usage.model import (
    RUNNING,
    UNKNOWN,
    Reference,
    Usage,
    User,
    read_image_uri,
    references_to,
)
from ecrctl.usage.resolve import for_repository
from ecrctl.usage.scope import Scope
from tests.usage import world as w

KEY = (w.ACCOUNT, w.REGION, "app")
REPLICA = (w.ACCOUNT, "us-west-2", "app")
D1, D2, GONE = ("sha256:" + c * 64 for c in "123")
TASK = User("ecs-task-definition", "web:1", "arn:web:1")
WEST = User("ecs-task-definition", "web:1", "arn:west", where="us-west-2")


def _usage(*references: Reference) -> Usage:
    usage = Usage(Scope(w.REGION, 5), list(references))
    usage.tags = {KEY: {"v1": D1}, REPLICA: {"v1": D2}}
    usage.digests = {KEY: {D1, D2}, REPLICA: {D2}}
    usage.replicas = {KEY: [REPLICA]}
    return usage


def test_a_replicas_users_count_for_the_repository() -> None:
    west = f"{w.ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com/app:v1"
    usage = _usage(*references_to(TASK, [w.uri("app", "v1")]), *references_to(WEST, [west]))
    found = for_repository(usage, KEY)
    assert [u.text() for u in found.users(D1)] == ["task definition web:1 [tag v1]"]
    assert [u.text() for u in found.users(D2)] == [
        "task definition web:1 in us-west-2 [tag v1 (replica in us-west-2)]"
    ]
    assert list(found.by_tag) == ["v1"] and len(found.by_tag["v1"]) == 1  # the source's tag
    other = for_repository(usage, (w.ACCOUNT, w.REGION, "other"))
    assert other.by_digest == {} and other.complete


def test_an_unreadable_reference_makes_only_its_repository_unknown() -> None:
    bad = w.uri("app") + "@sha256@" + D1
    usage = _usage(*references_to(TASK, [bad]))
    found = for_repository(usage, KEY)
    assert found.status(D2) == UNKNOWN
    [gap] = found.causes
    assert (gap.reason, gap.reference, gap.user) == ("unreadable", bad, TASK)
    assert for_repository(usage, (w.ACCOUNT, w.REGION, "other")).complete
    whole = Reference(TASK, f"{w.HOST}/App:1", read_image_uri(f"{w.HOST}/App:1"), "tag")
    assert not for_repository(_usage(whole), (w.ACCOUNT, w.REGION, "other")).complete


def test_gaps_narrow_to_the_repository_they_concern() -> None:
    usage = _usage()
    usage.gaps = [Gap("ecr:ListImages", "no", key=(w.ACCOUNT, w.REGION, "other"))]
    assert for_repository(usage, KEY).complete
    usage.gaps.append(Gap("ecs:ListClusters", "no"))
    assert [g.action for g in for_repository(usage, KEY).causes] == ["ecs:ListClusters"]


def test_a_running_digest_that_is_not_in_the_repository_is_reported() -> None:
    runs = references_to(TASK, [w.uri("app", digest=GONE), w.uri("app", digest=D1)], running=True)
    usage = _usage(*runs, *references_to(TASK, [w.uri("app", digest=GONE)]))
    found = for_repository(usage, KEY)
    assert [(m.digest, m.user) for m in found.missing] == [(GONE, TASK)]
    assert [u.how for u in found.users(GONE)] == [RUNNING]  # in use: never "not in use"
    assert found.complete
