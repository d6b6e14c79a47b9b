"""Will this policy expire anything that runs? A policy's local preview joined with
the usage scan: the images it would expire or archive that are in use, or of
unknown use, and the smallest change that keeps them.

The change: one rule per image at risk, ahead of the policy's own rules (which
keep their order), selecting that image by one of its tags (``tagPatternList``
with the exact tag, ``imageCountMoreThan 1``). ECR never lets a lower-priority
rule act on an image that matches a higher rule's tags, so the image is kept and
nothing else changes. An untagged image has no tag to select it by: the change
tags it first (``ecrctl image retag``). Used by ``policy lifecycle check`` and
``put --guard``. Pure: the preview and the usage come in.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ecrctl.errors import InvalidInput
from ecrctl.lifecycle import engine, validate
from ecrctl.lifecycle.images import Image
from ecrctl.usage.model import IN_USE, NOT_IN_USE, UNKNOWN

if TYPE_CHECKING:
    from ecrctl.image.graph import Graph
    from ecrctl.usage.model import RepositoryUsage

MAX_RULES = 50  # the user guide's limit on rules in a policy
KEEP_PREFIX = "in-use-"  # the tag proposed for an untagged image in use


@dataclass
class Check:
    """The images a policy would expire or archive that are in use or of unknown use."""

    repository: str
    preview: engine.Preview
    usage: RepositoryUsage
    at_risk: list[engine.Fate] = field(default_factory=list)
    suggestion: dict[str, Any] | None = None  # the policy with keep rules ahead
    retag: list[tuple[str, str]] = field(default_factory=list)  # (digest, new tag) first
    left: list[engine.Fate] = field(default_factory=list)  # still at risk under the suggestion
    graph: Graph | None = None

    @property
    def safe(self) -> bool:
        return not self.at_risk

    def counts(self) -> dict[str, int]:
        statuses = [self.usage.status(f.image.digest) for f in self.at_risk]
        return {IN_USE: statuses.count(IN_USE), UNKNOWN: statuses.count(UNKNOWN)}

    def to_json(self) -> dict[str, Any]:
        from ecrctl.usage.guard import usage_fields

        counts = self.counts()
        return {
            "repositoryName": self.repository,
            "safe": self.safe,
            "affected": len(self.preview.affected()),
            "inUse": counts[IN_USE],
            "unknown": counts[UNKNOWN],
            "atRisk": [
                _risk_json(self, fate) | usage_fields(self.usage, fate.image.digest)
                for fate in self.at_risk
            ],
            "suggestedPolicy": self.suggestion,
            "retagFirst": [{"imageDigest": d, "imageTag": t} for d, t in self.retag],
            "usage": self.usage.to_json(),
        }


def _risk_json(check: Check, fate: engine.Fate) -> dict[str, Any]:
    return {
        "imageDigest": fate.image.digest,
        "imageTags": list(fate.image.tags),
        "action": {"type": fate.action.upper()},
        "appliedRulePriority": fate.rule.priority if fate.rule else None,
        "why": fate.reason(check.preview.now),
    }


def check_policy(
    repository: str,
    document: Mapping[str, Any],
    images: list[Image],
    now: float,
    usage: RepositoryUsage,
    graph: Graph | None = None,
) -> Check:
    """Preview ``document`` on ``images`` (tied by ``graph``) and join the result
    with ``usage`` (an in-use child keeps its index in use, and back)."""
    if graph is not None:
        usage.linked = graph.links()
    result = engine.preview(document, images, now, graph)
    check = Check(repository, result, usage, graph=graph)
    check.at_risk = [f for f in result.affected() if usage.status(f.image.digest) != NOT_IN_USE]
    if check.at_risk:
        _suggest(check, document, images, now)
    return check


def _keep_tag(fate: engine.Fate, usage: RepositoryUsage) -> str | None:
    """The tag to keep an image by: one its users launch by, else its first."""
    named = [tag for tag in fate.image.tags if usage.by_tag.get(tag)]
    tags = named or sorted(fate.image.tags)
    return tags[0] if tags else None


def _suggest(check: Check, document: Mapping[str, Any], images: list[Image], now: float) -> None:
    keep: list[str] = []
    risky = {f.image.digest for f in check.at_risk}
    for fate in check.at_risk:
        if fate.tie is not None and fate.tie[2] in risky:
            continue  # it goes with an index (or subject) kept by its own rule
        tag = _keep_tag(fate, check.usage)
        if tag is None:
            tag = KEEP_PREFIX + fate.image.digest.removeprefix("sha256:")[:12]
            check.retag.append((fate.image.digest, tag))
        keep.append(tag)
    own = list(document["rules"])
    if len(own) + len(keep) > MAX_RULES:
        check.left = list(check.at_risk)
        return
    added = [keep_rule(n, tag) for n, tag in enumerate(keep, start=1)]
    ordered = sorted(own, key=lambda rule: int(rule["rulePriority"]))
    shifted = [{**rule, "rulePriority": len(added) + n} for n, rule in enumerate(ordered, 1)]
    suggestion = {**document, "rules": added + shifted}
    try:
        validate.parse(json.dumps(suggestion), name="the suggested policy")
    except InvalidInput:  # too long a text: no rule per image then
        check.left = list(check.at_risk)
        return
    tagged = dict(check.retag)
    retagged = [
        image._replace(tags=(*image.tags, tagged[image.digest]))
        if image.digest in tagged
        else image
        for image in images
    ]  # as they will be once tagged
    after = engine.preview(suggestion, retagged, now, check.graph)
    check.left = [f for f in after.affected() if f.image.digest in risky]
    check.suggestion = suggestion
    if len(check.left) == len(check.at_risk):  # nothing it could keep (archived images)
        check.suggestion, check.retag = None, []


def keep_rule(priority: int, tag: str) -> dict[str, Any]:
    """A rule that keeps the one image tagged ``tag`` (tags never hold ``*``)."""
    return {
        "rulePriority": priority,
        "description": f"Keep {tag}: in use",
        "selection": {
            "tagStatus": "tagged",
            "tagPatternList": [tag],
            "countType": "imageCountMoreThan",
            "countNumber": 1,
        },
        "action": {"type": "expire"},
    }
