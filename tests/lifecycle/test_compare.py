"""Differences between two previews, image by image: outcomes from a local preview and
from AWS's document, rows in order, and only the images whose fate differs."""

from __future__ import annotations

from ecrctl.lifecycle.compare import (
    KEPT,
    ImageOutcome,
    Row,
    changes,
    outcomes_of_preview,
    outcomes_of_results,
    rows_of_preview,
    rows_of_results,
)
from ecrctl.lifecycle.engine import preview
from tests.lifecycle.guide import EXAMPLES, NOW

AWS_PREVIEW = {
    "previewResults": [
        {
            "imageDigest": "sha256:a",
            "imageTags": ["v1"],
            "imagePushedAt": "2023-11-01T00:00:00+00:00",
            "action": {"type": "EXPIRE"},
            "appliedRulePriority": 2,
        },
        {"imageDigest": "sha256:b", "action": {"type": "TRANSITION"}},
    ]
}


def test_an_outcome_reads_as_its_action_and_rule() -> None:
    assert str(ImageOutcome("EXPIRE", 3)) == "expire (rule 3)"
    assert str(KEPT) == "keep"
    assert ImageOutcome("EXPIRE", 3).to_json() == {"type": "EXPIRE", "appliedRulePriority": 3}
    assert KEPT.to_json() == {"type": "KEEP", "appliedRulePriority": None}


def test_a_local_preview_gives_every_image_an_outcome() -> None:
    example = EXAMPLES[2]
    names = {img.digest: name for name, img in example.images.items()}
    result = preview(example.policy, example.images.values(), NOW)
    outcomes = {names[d]: o for d, o in outcomes_of_preview(result).items()}
    assert outcomes == {"A": ImageOutcome("EXPIRE", 1), "B": KEPT, "C": KEPT}
    rows = rows_of_preview(result)
    assert sorted(names[r.digest] for r in rows) == ["A", "B", "C"]
    row_a = next(r for r in rows if names[r.digest] == "A")
    assert row_a == Row(
        example.images["A"].digest, ("beta-1", "prod-1"), "2023-11-04T22:13:20+00:00"
    )


def test_aws_results_give_the_affected_images_only() -> None:
    assert outcomes_of_results(AWS_PREVIEW) == {
        "sha256:a": ImageOutcome("EXPIRE", 2),
        "sha256:b": ImageOutcome("TRANSITION", None),
    }
    assert rows_of_results(AWS_PREVIEW) == [
        Row("sha256:a", ("v1",), "2023-11-01T00:00:00+00:00"),
        Row("sha256:b", (), None),
    ]
    assert outcomes_of_results({}) == {} and rows_of_results({}) == []


def test_changes_list_each_differing_image_once_in_row_order() -> None:
    rows = [Row("sha256:c", (), None), *rows_of_results(AWS_PREVIEW), Row("sha256:a", ("x",), None)]
    before = {"sha256:a": ImageOutcome("EXPIRE", 2), "sha256:c": ImageOutcome("EXPIRE", 1)}
    after = {"sha256:b": ImageOutcome("TRANSITION", None), "sha256:c": ImageOutcome("EXPIRE", 1)}
    assert changes(rows, before, after, names=("local", "aws")) == [
        {
            "imageDigest": "sha256:a",
            "imageTags": ["v1"],
            "imagePushedAt": "2023-11-01T00:00:00+00:00",
            "local": {"type": "EXPIRE", "appliedRulePriority": 2},
            "aws": {"type": "KEEP", "appliedRulePriority": None},
        },
        {
            "imageDigest": "sha256:b",
            "imageTags": [],
            "imagePushedAt": None,
            "local": {"type": "KEEP", "appliedRulePriority": None},
            "aws": {"type": "TRANSITION", "appliedRulePriority": None},
        },
    ]


def test_the_same_outcome_under_another_rule_is_a_change() -> None:
    rows = [Row("sha256:a", (), None)]
    found = changes(
        rows, {"sha256:a": ImageOutcome("EXPIRE", 1)}, {"sha256:a": ImageOutcome("EXPIRE", 2)}
    )
    assert [(c["before"], c["after"]) for c in found] == [
        ({"type": "EXPIRE", "appliedRulePriority": 1}, {"type": "EXPIRE", "appliedRulePriority": 2})
    ]
    assert changes(rows, {}, {"sha256:a": KEPT}) == []
