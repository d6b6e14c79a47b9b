"""A tag's history, from records shaped like the user guide's examples (pure: no AWS
call)."""

from __future__ import annotations

import random

from ecrctl.events.history import tag_history
from ecrctl.events.query import ordered
from tests.events import records as r


def test_prods_history_newest_first_from_shuffled_records() -> None:
    story = r.prod_story()
    random.Random(7).shuffle(story)  # log files hold records in no order
    periods = tag_history(ordered(story), "team/app", "prod")
    assert [(p.digest, p.how, p.ended_by) for p in periods] == [
        (r.digest(1), "retag", None),
        (r.digest(3), "retag", "tag-deleted"),
        (r.digest(2), "push", "moved"),
        (r.digest(1), "push", "moved"),
    ]
    times = [(p.start, p.end) for p in periods]
    assert times[0][1] is None
    for (start, end), (next_start, _) in zip(times[1:], times[:-1], strict=True):
        assert start < end <= next_start  # each period ends where the newer one begins
    assert periods[2].event.principal.endswith("assumed-role/Deployer/ci")
    assert periods[1].ending is not None and periods[1].ending.name == "BatchDeleteImage"
    assert periods[0].to_json()["to"] is None


def test_deleting_a_digest_ends_the_periods_of_its_tags() -> None:
    story = [
        r.put_image("team/app", "a", 5, r.when(0)),
        r.put_image("team/app", "b", 5, r.when(1)),
        r.delete_digest("team/app", 5, r.when(2)),
    ]
    assert [p.ended_by for p in tag_history(ordered(story), "team/app", "b")] == ["image-deleted"]


def test_a_deleted_repository_ends_every_tag() -> None:
    story = [
        r.put_image("team/app", "prod", 1, r.when(0)),
        r.record("DeleteRepository", r.when(1), {"repositoryName": "team/app", "force": True}),
    ]
    assert [p.ended_by for p in tag_history(ordered(story), "team/app", "prod")] == [
        "repository-deleted"
    ]
