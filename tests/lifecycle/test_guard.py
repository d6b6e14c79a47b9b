"""Will this policy expire anything that runs? The preview joined with a usage
result: the images at risk, and the smallest change that keeps them, checked by
previewing the change itself."""

from __future__ import annotations

from typing import Any

from ecrctl.lifecycle import engine
from ecrctl.lifecycle.guard import check_policy, keep_rule
from ecrctl.lifecycle.images import Image
from ecrctl.usage.model import Gap, RepositoryUsage, Scope, Usage, Use, User

NOW = 1_700_000_000.0
DAY = 86_400.0
SERVICE = User("ecs-service", "prod/web (web:3)", "arn:svc")


def _digest(n: int) -> str:
    return f"sha256:{n:064x}"


IMAGES = [
    Image(_digest(1), ("v1",), NOW - 10 * DAY),
    Image(_digest(2), ("v2", "stable"), NOW - 9 * DAY),
    Image(_digest(3), (), NOW - 8 * DAY),
    Image(_digest(4), ("v4",), NOW - 1 * DAY),
]
KEEP_NEWEST: dict[str, Any] = {
    "rules": [
        {
            "rulePriority": 5,
            "description": "Expire untagged after 7 days",
            "selection": {
                "tagStatus": "untagged",
                "countType": "sinceImagePushed",
                "countUnit": "days",
                "countNumber": 7,
            },
            "action": {"type": "expire"},
        },
        {
            "rulePriority": 10,
            "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1},
            "action": {"type": "expire"},
        },
    ]
}


def _usage(*used: int, by_tag: str | None = None, gap: bool = False) -> RepositoryUsage:
    scan = Usage(Scope("us-east-1", 5), gaps=[Gap("ecs:ListClusters", "no")] if gap else [])
    found = RepositoryUsage("app", "123456789012", scan)
    for n in used:
        found.by_digest[_digest(n)] = [Use(SERVICE, "digest")]
    if by_tag:
        found.by_tag[by_tag] = [Use(SERVICE, f"tag {by_tag}")]
    return found


def _fates(document: dict[str, Any]) -> dict[str, str]:
    return {f.image.digest: f.action for f in engine.preview(document, IMAGES, NOW).fates}


def test_nothing_in_use_is_safe() -> None:
    result = check_policy("app", KEEP_NEWEST, IMAGES, NOW, _usage(4))
    assert result.safe and result.suggestion is None
    assert result.to_json()["atRisk"] == [] and result.to_json()["affected"] == 3


def test_an_image_in_use_is_kept_by_one_rule_ahead_and_nothing_else_changes() -> None:
    result = check_policy("app", KEEP_NEWEST, IMAGES, NOW, _usage(2, by_tag="stable"))
    assert [f.image.digest for f in result.at_risk] == [_digest(2)]
    assert result.counts() == {"in use": 1, "unknown": 0}
    suggestion = result.suggestion
    assert suggestion is not None
    assert suggestion["rules"][0] == keep_rule(1, "stable")  # the tag its users launch by
    assert [r["rulePriority"] for r in suggestion["rules"]] == [1, 2, 3]
    assert [r.get("description") for r in suggestion["rules"][1:]] == [
        "Expire untagged after 7 days",
        None,
    ]
    before, after = _fates(KEEP_NEWEST), _fates(suggestion)
    assert after[_digest(2)] == "keep"
    assert {d: a for d, a in after.items() if d != _digest(2)} == {
        d: a for d, a in before.items() if d != _digest(2)
    }
    assert result.left == []


def test_an_untagged_image_in_use_is_tagged_first() -> None:
    result = check_policy("app", KEEP_NEWEST, IMAGES, NOW, _usage(3))
    assert result.retag == [(_digest(3), "in-use-000000000000")]
    assert result.suggestion is not None
    assert result.suggestion["rules"][0]["selection"]["tagPatternList"] == ["in-use-000000000000"]
    assert result.left == []
    data = result.to_json()
    assert data["retagFirst"] == [{"imageDigest": _digest(3), "imageTag": "in-use-000000000000"}]
    assert data["atRisk"][0]["inUse"] is True and data["atRisk"][0]["why"]


def test_unknown_usage_puts_every_affected_image_at_risk() -> None:
    result = check_policy("app", KEEP_NEWEST, IMAGES, NOW, _usage(gap=True))
    assert result.counts() == {"in use": 0, "unknown": 3}
    assert result.to_json()["usage"]["complete"] is False
    assert result.suggestion is not None and len(result.suggestion["rules"]) == 5


def test_too_many_images_for_one_rule_each() -> None:
    many = [Image(_digest(n), (f"t{n}",), NOW - n * DAY) for n in range(1, 60)]
    usage = _usage(*range(1, 60))
    result = check_policy("app", KEEP_NEWEST, many, NOW, usage)
    assert len(result.at_risk) == 58 and result.suggestion is None
    assert len(result.left) == 58
