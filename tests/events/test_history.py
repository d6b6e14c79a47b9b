"""What each event changed and a tag's history, from records shaped like the user
guide's examples (pure: no AWS call)."""

from __future__ import annotations

import random

from ecrctl.events.changes import short
from ecrctl.events.history import tag_history
from ecrctl.events.query import Selector, changes_of, ordered
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


def test_what_each_event_changed() -> None:
    found = {
        (event.name, event.time): [c.text() for c in changes]
        for event, changes in changes_of(ordered(r.prod_story()))
        if event.repository == "team/app"
    }
    texts = [t for _, t in sorted(found.items(), key=lambda kv: kv[0][1])]
    d1, d2, d3 = (short(r.digest(n)) for n in (1, 2, 3))
    assert texts == [
        ["repository created"],
        [f"prod -> {d1}"],
        [f"prod moved {d1} -> {d2}"],
        [f"v1 -> {d3}"],
        [],  # the pull
        [f"prod moved {d2} -> {d3}"],
        [],  # refused: ImageAlreadyExistsException
        ["repository policy set"],
        [f"tag prod deleted (was {d3})"],
        ["lifecycle policy set"],
        [f"prod -> {d1}"],
    ]


def test_deleting_a_digest_takes_its_tags_with_it() -> None:
    story = [
        r.put_image("team/app", "a", 5, r.when(0)),
        r.put_image("team/app", "b", 5, r.when(1)),
        r.delete_digest("team/app", 5, r.when(2)),
    ]
    (_, changes), *_ = reversed(list(changes_of(ordered(story))))
    assert [(c.action, c.tag, c.digest) for c in changes] == [
        ("image-deleted", "a", r.digest(5)),
        ("image-deleted", "b", r.digest(5)),
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


def test_selectors_pick_a_tag_a_digest_or_everything() -> None:
    pairs = list(changes_of(ordered(r.prod_story())))

    def names(selector: Selector) -> list[str]:
        return [e.name for e, c in pairs if selector.matches(e, c)]

    assert names(Selector("team/app", tag="v1")) == ["CreateRepository", "PutImage"]
    by_digest = names(Selector("team/app", digest=r.digest(3)))
    assert by_digest == ["CreateRepository", "PutImage", "PutImage", "PutImage", "BatchDeleteImage"]
    assert "BatchGetImage" not in names(Selector("team/app"))
    assert "BatchGetImage" in names(Selector("team/app", everything=True))
    assert "GetAuthorizationToken" in names(Selector(everything=True))
    assert len(names(Selector())) == len(names(Selector("team/app"))) + 1  # team/other's
