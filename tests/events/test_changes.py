"""What each ECR event changed, read oldest first from records shaped like the user
guide's examples: tags set, moved and deleted, images put and deleted, settings
replaced, repositories created and deleted; and each change in a few words (pure: no
AWS call)."""

from __future__ import annotations

from typing import Any

import pytest

from ecrctl.events.changes import Change, Tracker, short
from ecrctl.events.model import Event, from_record
from ecrctl.events.query import changes_of, ordered
from tests.conftest import ACCOUNT
from tests.events import records as r

D1, D2 = r.digest(1), r.digest(2)


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


def event(record: dict[str, Any]) -> Event:
    found = from_record(record)
    assert found is not None
    return found


def applied(*records: dict[str, Any]) -> list[list[Change]]:
    """What each record changed, in order, through one tracker."""
    tracker = Tracker()
    return [tracker.apply(event(record)) for record in records]


def test_a_failed_call_or_a_read_changes_nothing() -> None:
    refused = r.put_image("team/app", "prod", 1, r.when(0), error="AccessDeniedException")
    pulled = r.pull("team/app", "prod", r.when(1))
    upload = r.record("InitiateLayerUpload", r.when(2), {"repositoryName": "team/app"})
    put = r.put_image("team/app", "prod", 2, r.when(3))
    assert applied(refused, pulled, upload, put) == [
        [],
        [],
        [],
        [Change("tag-set", "prod", D2)],  # the refused put left nothing to move from
    ]


def test_a_put_where_the_tag_already_points_moves_nothing() -> None:
    first, again = applied(
        r.put_image("team/app", "prod", 1, r.when(0)), r.put_image("team/app", "prod", 1, r.when(1))
    )
    assert first == [Change("tag-set", "prod", D1)]
    assert again == [Change("tag-set", "prod", D1, D1)]
    assert again[0].text() == f"prod -> {short(D1)}"


def test_an_untagged_put_is_known_to_a_later_retag() -> None:
    tracker = Tracker()
    put = event(r.put_image("team/app", None, 1, r.when(0)))
    assert tracker.apply(put) == [Change("image-put", digest=D1)]
    assert tracker.known(put, D1) and not tracker.known(put, D2)
    assert tracker.points_at(put, "prod") is None


def test_a_deleted_repository_forgets_its_tags() -> None:
    changes = applied(
        r.put_image("team/app", "prod", 1, r.when(0)),
        r.record("DeleteRepository", r.when(1), {"repositoryName": "team/app", "force": True}),
        r.create_repository("team/app", r.when(2)),
        r.put_image("team/app", "prod", 2, r.when(3)),
    )
    assert changes[1:] == [
        [Change("repository-deleted")],
        [Change("repository-created")],
        [Change("tag-set", "prod", D2)],  # not moved: the old prod went with the repository
    ]


def test_registries_are_apart() -> None:
    other = r.put_image("team/app", "prod", 2, r.when(1))
    other["requestParameters"]["registryId"] = "210987654321"
    changes = applied(r.put_image("team/app", "prod", 1, r.when(0)), other)
    assert changes[1] == [Change("tag-set", "prod", D2)]


def test_a_deletes_answer_says_what_went() -> None:
    request = {
        "repositoryName": "team/app",
        "registryId": ACCOUNT,
        "imageIds": [{"imageTag": "a"}, {"imageTag": "b"}],
    }
    failures = [{"imageId": {"imageTag": "b"}, "failureCode": "ImageNotFound"}]
    puts = (r.put_image("team/app", "a", 1, r.when(0)), r.put_image("team/app", "b", 2, r.when(1)))

    def deleted(response: dict[str, Any] | None) -> list[Change]:
        return applied(*puts, r.record("BatchDeleteImage", r.when(2), request, response))[2]

    answer = {"imageIds": [{"imageTag": "a", "imageDigest": D1}], "failures": failures}
    assert deleted(answer) == [Change("tag-deleted", "a", D1)]
    assert deleted({"imageIds": [], "failures": failures}) == []
    # no answer recorded: what was asked for, with the digests the tags pointed at
    assert deleted(None) == [Change("tag-deleted", "a", D1), Change("tag-deleted", "b", D2)]


def test_an_image_no_event_put_is_deleted_by_its_digest() -> None:
    (changes,) = applied(r.delete_digest("team/app", 1, r.when(0)))
    assert changes == [Change("image-deleted", digest=D1)]
    assert changes[0].text() == f"image {short(D1)} deleted"


def test_an_id_answered_twice_is_one_change() -> None:
    twice = [{"imageDigest": D1, "imageTag": "a"}] * 2
    request = {"repositoryName": "team/app", "imageIds": [{"imageTag": "a"}]}
    deleted = r.record("BatchDeleteImage", r.when(1), request, {"imageIds": twice})
    changes = applied(r.put_image("team/app", "a", 1, r.when(0)), deleted)
    assert changes[1] == [Change("tag-deleted", "a", D1)]


@pytest.mark.parametrize(
    ("name", "request_parameters", "expected"),
    [
        ("SetRepositoryPolicy", {"policyText": "{}"}, Change("repository-policy-set")),
        ("DeleteLifecyclePolicy", {}, Change("lifecycle-policy-deleted")),
        (
            "PutImageTagMutability",
            {"imageTagMutability": "IMMUTABLE"},
            Change("tag-mutability-set", value="IMMUTABLE"),
        ),
        (
            "PutImageScanningConfiguration",
            {"imageScanningConfiguration": {"scanOnPush": True}},
            Change("scanning-configuration-set", value={"scanOnPush": True}),
        ),
        (
            "TagResource",
            {"tags": [{"key": "team", "value": "blue"}]},
            Change("resource-tags-added", value=[{"key": "team", "value": "blue"}]),
        ),
        ("UntagResource", {"tagKeys": ["team"]}, Change("resource-tags-removed", value=["team"])),
        ("PutRegistryPolicy", {"policyText": "{}"}, Change("registry-policy-set")),
        ("PutReplicationConfiguration", {}, Change("replication-configuration-set")),
        ("CreatePullThroughCacheRule", {}, Change("pull-through-cache-rule-created")),
    ],
)
def test_settings(name: str, request_parameters: dict[str, Any], expected: Change) -> None:
    record = r.record(name, r.when(0), {"repositoryName": "team/app", **request_parameters})
    assert applied(record) == [[expected]]


@pytest.mark.parametrize(
    ("change", "text"),
    [
        (Change("tag-moved", "prod", D2, D1), f"prod moved {short(D1)} -> {short(D2)}"),
        (Change("tag-set", "prod", D1), f"prod -> {short(D1)}"),
        (Change("tag-set", "prod"), "prod -> ?"),
        (Change("image-put", digest=D1), f"image {short(D1)} put (no tag)"),
        (Change("tag-deleted", "v1", D1), f"tag v1 deleted (was {short(D1)})"),
        (Change("image-deleted", "v1", D1), f"image {short(D1)} deleted with tag v1"),
        (Change("repository-created"), "repository created"),
        (Change("tag-mutability-set", value="IMMUTABLE"), "tag mutability set: IMMUTABLE"),
        (
            Change("resource-tags-added", value=[{"value": "blue", "key": "team"}]),
            'resource tags added: [{"key":"team","value":"blue"}]',
        ),
        (Change("lifecycle-policy-set"), "lifecycle policy set"),
    ],
)
def test_each_change_in_a_few_words(change: Change, text: str) -> None:
    assert change.text() == text


@pytest.mark.parametrize(
    ("digest", "shown"),
    [
        (D1, D1[:19]),
        (None, "?"),
        ("", "?"),
        ("md5:abc", "md5:abc"),  # not sha256: as it is
    ],
)
def test_short_digests(digest: str | None, shown: str) -> None:
    assert short(digest) == shown
    assert len(short(D1)) == len("sha256:") + 12


def test_a_change_as_json() -> None:
    assert Change("tag-moved", "prod", D2, D1).to_json() == {
        "action": "tag-moved",
        "imageTag": "prod",
        "imageDigest": D2,
        "previousDigest": D1,
        "value": None,
    }
