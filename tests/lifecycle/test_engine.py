"""The offline preview: the user guide's worked examples, ECR's semantics case
by case, and properties checked against a naive evaluator."""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecrctl.lifecycle.engine import KEEP, preview
from ecrctl.lifecycle.images import Image
from ecrctl.lifecycle.validate import check_policy
from tests.lifecycle import oracle
from tests.lifecycle.guide import DAY, EXAMPLES, NOW, Example, image, rule
from tests.lifecycle.policies import archive_expire
from tests.lifecycle.strategies import policies, repositories


def _expired(example: Example) -> dict[str, int]:
    names = {img.digest: name for name, img in example.images.items()}
    result = preview(example.policy, example.images.values(), NOW)
    return {names[f.image.digest]: f.rule.priority for f in result.affected() if f.rule}


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.title for e in EXAMPLES])
def test_guide_examples_expire_what_the_guide_says(example: Example) -> None:
    assert check_policy(example.policy) == []
    assert _expired(example) == example.expired


def _reasons(example: Example) -> dict[str, tuple[str, str]]:
    names = {img.digest: name for name, img in example.images.items()}
    result = preview(example.policy, example.images.values(), NOW)
    return {names[f.image.digest]: (f.action, f.reason(NOW)) for f in result.fates}


def test_reasons_of_the_multi_rule_example() -> None:
    assert _reasons(EXAMPLES[2]) == {
        "A": ("expire", "rule 1 (Rule 1): 2nd newest of 2, keeps 1"),
        "B": ("keep", "kept: matches rule 1's tags, protected from rule 2"),
        "C": ("keep", "kept: rule 2 (Rule 2): 1st newest of 3, keeps 1"),
    }


def test_reasons_of_the_combined_example() -> None:
    assert _reasons(EXAMPLES[7]) == {
        "A": ("expire", "rule 1 (Rule 1): 2nd newest of 2, keeps 1"),
        "B": ("expire", "rule 2 (Rule 2): older than 1 day (pushed 3 days ago)"),
        "C": ("keep", "kept: matches rule 1's tags, protected from rule 3"),
        "D": ("expire", "rule 3 (Rule 3): 2nd newest of 5, keeps 1"),
        "E": ("keep", "kept: rule 2 (Rule 2): not older than 1 day (pushed 23 hours ago)"),
    }


def test_image_no_rule_selects_is_kept_with_that_reason() -> None:
    result = preview(EXAMPLES[4].policy, [image("A", ["alpha-1"], 12)], NOW)
    assert [(f.action, f.reason(NOW)) for f in result.fates] == [
        ("keep", "kept: no rule selects it")
    ]


def _policy(*rules: dict[str, Any]) -> dict[str, Any]:
    return {"rules": list(rules)}


def _sel(result: Any) -> list[str]:
    return sorted(f.image.tags[0] if f.image.tags else "-" for f in result.affected())


@pytest.mark.parametrize(
    ("patterns", "expired"),
    [
        (["prod*"], ["prod", "prod-2", "production"]),
        (["prod"], ["prod"]),  # no wildcard: the whole tag
        (["*-2"], ["prod-2", "v-2"]),
        (["p*d*"], ["prod", "prod-2", "production"]),
        (["*"], ["prod", "prod-2", "production", "v-2", "xprod"]),
        (["prod*", "*-2"], ["prod-2"]),  # every pattern must match some tag of the image
        (["*rod"], ["prod", "xprod"]),
    ],
)
def test_tag_patterns_match_whole_tags(patterns: list[str], expired: list[str]) -> None:
    images = [
        image(t, [t], 10 + i)
        for i, t in enumerate(["prod", "prod-2", "production", "v-2", "xprod"])
    ]
    policy = _policy(
        {
            "rulePriority": 1,
            "selection": {
                "tagStatus": "tagged",
                "tagPatternList": patterns,
                "countType": "sinceImagePushed",
                "countUnit": "days",
                "countNumber": 1,
            },
            "action": {"type": "expire"},
        }
    )
    assert _sel(preview(policy, images, NOW)) == expired


def test_prefix_list_needs_every_prefix_on_some_tag() -> None:
    images = [
        image("a", ["alpha-1", "beta-1"], 9),
        image("b", ["alphabeta"], 8),
        image("c", ["beta"], 7),
    ]
    result = preview(
        _policy(rule(1, "tagged", "sinceImagePushed", 1, ["alpha", "beta"])), images, NOW
    )
    assert _sel(result) == ["alpha-1"]


def test_age_is_strictly_more_than_count_days() -> None:
    images = [
        Image("sha256:1", ("a",), NOW - 14 * DAY),
        Image("sha256:2", ("b",), NOW - 14 * DAY - 1),
    ]
    result = preview(
        _policy(rule(1, "tagged", "sinceImagePushed", 14, ["a", ""][0:1])), images, NOW
    )
    assert result.affected() == []
    result = preview(_policy(rule(1, "tagged", "sinceImagePushed", 14, ["b"])), images, NOW)
    assert [f.image.digest for f in result.affected()] == ["sha256:2"]


def test_equal_push_times_are_ordered_by_digest() -> None:
    images = [Image(f"sha256:{c}", (), NOW - DAY) for c in "cab"]
    result = preview(_policy(rule(1, "untagged", "imageCountMoreThan", 1)), images, NOW)
    # newest first with ties by digest: a is kept, b and c expire
    assert [f.image.digest for f in result.affected()] == ["sha256:b", "sha256:c"]
    assert [f.image.digest for f in result.fates] == ["sha256:a", "sha256:b", "sha256:c"]


def _pulled_policy(days: int) -> dict[str, Any]:
    return _policy(
        {
            "rulePriority": 1,
            "selection": {
                "tagStatus": "any",
                "countType": "sinceImagePulled",
                "countUnit": "days",
                "countNumber": days,
            },
            "action": {"type": "transition", "targetStorageClass": "archive"},
        }
    )


def test_since_image_pulled_uses_last_pull_and_push_time_when_never_pulled() -> None:
    images = [
        Image("sha256:old-pull", ("a",), NOW - 100 * DAY, NOW - 40 * DAY),
        Image("sha256:recent-pull", ("b",), NOW - 100 * DAY, NOW - 2 * DAY),
        Image("sha256:never-old", ("c",), NOW - 50 * DAY),
        Image("sha256:never-new", ("d",), NOW - 5 * DAY),
    ]
    result = preview(_pulled_policy(30), images, NOW)
    fates = {f.image.digest: (f.action, f.reason(NOW)) for f in result.fates}
    assert fates == {
        "sha256:old-pull": (
            "transition",
            "rule 1: not pulled for more than 30 days (last pulled 40 days ago)",
        ),
        "sha256:recent-pull": (
            "keep",
            "kept: rule 1: pulled within 30 days (last pulled 2 days ago)",
        ),
        "sha256:never-old": (
            "transition",
            "rule 1: not pulled for more than 30 days (never pulled; pushed 50 days ago)",
        ),
        "sha256:never-new": (
            "keep",
            "kept: rule 1: pulled within 30 days (never pulled; pushed 5 days ago)",
        ),
    }
    data = result.to_json()
    assert data["summary"] == {
        "expiringImageTotalCount": 0,
        "transitioningImageTotalCounts": [{"targetStorageClass": "ARCHIVE", "imageTotalCount": 2}],
    }
    assert data["previewResults"][0]["action"] == {
        "type": "TRANSITION",
        "targetStorageClass": "ARCHIVE",
    }


def test_rules_apply_per_storage_class() -> None:
    archived_old = Image(
        "sha256:arch-old", ("a",), NOW - 400 * DAY, None, NOW - 120 * DAY, "archive"
    )
    archived_new = Image(
        "sha256:arch-new", ("b",), NOW - 400 * DAY, None, NOW - 10 * DAY, "archive"
    )
    standard = Image("sha256:std", ("c",), NOW - 400 * DAY)
    policy = _policy(
        archive_expire(),
        rule(2, "any", "imageCountMoreThan", 1),
    )
    assert check_policy(policy) == []
    result = preview(policy, [archived_old, archived_new, standard], NOW)
    assert {f.image.digest: f.action for f in result.fates} == {
        "sha256:arch-old": "expire",
        "sha256:arch-new": "keep",
        "sha256:std": "keep",  # the only standard image: the newest one, kept by rule 2
    }
    entry = result.to_json()["previewResults"][0]
    assert entry["storageClass"] == "ARCHIVE" and entry["appliedRulePriority"] == 1


def test_json_is_oldest_first_with_iso_times() -> None:
    result = preview(EXAMPLES[6].policy, EXAMPLES[6].images.values(), NOW)
    data = result.to_json()
    assert [r["imageTags"] for r in data["previewResults"]] == [["alpha-1"], ["beta-1"], []]
    assert data["previewResults"][0] == {
        "imageTags": ["alpha-1"],
        "imageDigest": EXAMPLES[6].images["A"].digest,
        "imagePushedAt": "2023-11-10T22:13:20+00:00",
        "action": {"type": "EXPIRE"},
        "appliedRulePriority": 1,
    }
    assert data["summary"] == {"expiringImageTotalCount": 3}


# -- properties ---------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(policies(), repositories())
def test_engine_agrees_with_the_naive_evaluator(
    policy: dict[str, Any], images: list[Image]
) -> None:
    assert check_policy(policy) == []
    result = preview(policy, images, 1_700_000_000.0)
    got = {
        f.image.digest: (f.action, f.rule.priority)
        for f in result.fates
        if f.action != KEEP and f.rule
    }
    assert got == oracle.evaluate(policy, images, 1_700_000_000.0)


@settings(max_examples=200, deadline=None)
@given(policies(), repositories())
def test_no_image_is_acted_on_by_two_rules(policy: dict[str, Any], images: list[Image]) -> None:
    result = preview(policy, images, 1_700_000_000.0).to_json()["previewResults"]
    digests = [r["imageDigest"] for r in result]
    assert len(digests) == len(set(digests))
    # and the acting rule is the first whose tag requirements the image meets
    by_digest = {i.digest: i for i in images}
    for entry in result:
        tags = by_digest[entry["imageDigest"]].tags
        earlier = [
            r["rulePriority"]
            for r in policy["rules"]
            if r["rulePriority"] < entry["appliedRulePriority"]
            and oracle._tag_match(r["selection"], tags)
        ]
        assert earlier == []


@settings(max_examples=200, deadline=None)
@given(policies(), repositories(), st.randoms(use_true_random=False))
def test_the_order_of_rules_in_the_document_does_not_matter(
    policy: dict[str, Any], images: list[Image], rnd: random.Random
) -> None:
    shuffled = copy.deepcopy(policy)
    rnd.shuffle(shuffled["rules"])
    assert (
        preview(shuffled, images, 1_700_000_000.0).to_json()
        == preview(policy, images, 1_700_000_000.0).to_json()
    )


@settings(max_examples=200, deadline=None)
@given(policies(max_rules=4), repositories(), st.data())
def test_a_higher_priority_rule_that_keeps_everything_never_expires_more(
    policy: dict[str, Any], images: list[Image], data: st.DataObject
) -> None:
    before = preview(policy, images, 1_700_000_000.0)
    has_untagged = any(r["selection"]["tagStatus"] == "untagged" for r in policy["rules"])
    statuses = ["tagged"] if has_untagged else ["tagged", "untagged"]
    status = data.draw(st.sampled_from(statuses))
    selection: dict[str, Any] = {"tagStatus": status}
    if status == "tagged":
        selection["tagPrefixList"] = data.draw(
            st.lists(
                st.sampled_from(["prod", "beta", "v", "p"]), min_size=1, max_size=2, unique=True
            )
        )
    selection.update(countType="imageCountMoreThan", countNumber=10_000)
    keeper = {"rulePriority": 1, "selection": selection, "action": {"type": "expire"}}
    shifted = copy.deepcopy(policy)
    for r in shifted["rules"]:
        r["rulePriority"] += 1
    shifted["rules"].insert(0, keeper)
    assert check_policy(shifted) == []
    after = preview(shifted, images, 1_700_000_000.0)
    assert {f.image.digest for f in after.affected()} <= {f.image.digest for f in before.affected()}


def test_a_large_repository_agrees_with_the_naive_evaluator_and_is_fast() -> None:
    import time

    rng = random.Random(3)
    images = [
        Image(
            f"sha256:{n:064x}",
            (f"p{n % 40}-{n}",) if n % 4 else (),
            NOW - rng.uniform(0, 400) * DAY,
        )
        for n in range(20_000)
    ]
    policy = _policy(
        *[rule(i + 1, "tagged", "imageCountMoreThan", 5, [f"p{i}-"]) for i in range(40)],
        rule(41, "untagged", "sinceImagePushed", 14),
        rule(42, "any", "imageCountMoreThan", 100),
    )
    started = time.process_time()
    result = preview(policy, images, NOW)
    assert time.process_time() - started < 1.0
    got = {f.image.digest: (f.action, f.rule.priority) for f in result.affected() if f.rule}
    assert got == oracle.evaluate(policy, images, NOW)


# -- the image graph ------------------------------------------------------------------


def _graph_images() -> tuple[list[Image], Any]:
    from ecrctl.image.graph import Graph

    index, newer = image("index", ["v1"], 10), image("newer", ["v2"], 1)
    kids = [image("amd", [], 10), image("arm", [], 10), image("tagged-kid", ["v1-arm"], 10)]
    sig = image("sig", [], 9)
    graph = Graph(
        tags={i.digest: i.tags for i in [index, newer, *kids, sig]},
        children={index.digest: [k.digest for k in kids]},
        subjects={sig.digest: index.digest},
    )
    return [index, newer, *kids, sig], graph


def _by_name(found: Any, images: list[Image]) -> dict[str, tuple[str, str]]:
    named = ["index", "newer", "amd", "arm", "kid", "sig"]
    names = {i.digest: n for i, n in zip(images, named, strict=True)}
    return {names[f.image.digest]: (f.action, f.reason(NOW)) for f in found.fates}


def test_an_index_that_stays_keeps_its_children_and_referrers() -> None:
    images, graph = _graph_images()
    untagged = {"rules": [rule(1, "untagged", "sinceImagePushed", 1)]}
    plain = _by_name(preview(untagged, images, NOW), images)
    assert plain["amd"][0] == plain["sig"][0] == "expire"  # without the graph
    tied = _by_name(preview(untagged, images, NOW, graph), images)
    assert tied["amd"] == (
        "keep",
        f"kept: a child of index {images[0].digest[:19]}, which is kept "
        "(ECR keeps an index's children)",
    )
    assert tied["sig"] == (
        "keep",
        f"kept: refers to {images[0].digest[:19]}, which is kept "
        "(a referrer stays with its subject)",
    )


def test_untagged_children_go_with_their_index_and_tagged_ones_keep_their_own_fate() -> None:
    images, graph = _graph_images()
    keep_v = {"rules": [rule(1, "tagged", "imageCountMoreThan", 1, ["v"])]}
    tied = _by_name(preview(keep_v, images, NOW, graph), images)
    assert tied["index"][0] == "expire"
    label = "rule 1 (Rule 1): goes with its index"
    assert tied["amd"] == ("expire", f"{label} {images[0].digest[:19]}")
    assert tied["sig"] == (
        "expire",
        f"rule 1 (Rule 1): goes with its subject {images[0].digest[:19]}",
    )
    assert tied["kid"][0] == "expire"  # v1-arm: its own rule (2nd newest of 3 tagged v*)
    result = preview(keep_v, images, NOW, graph).to_json()
    assert {r["appliedRulePriority"] for r in result["previewResults"]} == {1}
    assert result["summary"]["expiringImageTotalCount"] == 5
