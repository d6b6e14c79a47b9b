"""Hypothesis strategies: small repositories and valid lifecycle policies."""

from __future__ import annotations

import hashlib
from typing import Any

from hypothesis import strategies as st

from ecrctl.lifecycle.images import Image

NOW = 1_700_000_000.0
DAY = 86_400.0
WORDS = ["prod", "beta", "rc", "v1", "v2", "p", "dev"]

tags_st = st.lists(
    st.builds(
        lambda w, n: f"{w}{n}", st.sampled_from(WORDS), st.sampled_from(["", "-1", "-2", "1"])
    ),
    max_size=3,
    unique=True,
)


@st.composite
def repositories(draw: Any, max_size: int = 25) -> list[Image]:
    count = draw(st.integers(0, max_size))
    used: set[str] = set()
    images = []
    for n in range(count):
        tags = [t for t in draw(tags_st) if t not in used]  # a tag names one image
        used.update(tags)
        # whole hours over 30 days: ties in push time happen and must be ordered
        pushed = NOW - draw(st.integers(0, 30 * 24)) * 3600.0
        pulled = draw(st.one_of(st.none(), st.integers(0, 30 * 24).map(lambda h: NOW - h * 3600.0)))
        images.append(
            Image(
                "sha256:" + hashlib.sha256(str(n).encode()).hexdigest(),
                tuple(tags),
                pushed,
                pulled if pulled is None else max(pulled, pushed),
            )
        )
    return images


@st.composite
def tagged_selection(draw: Any) -> dict[str, Any]:
    if draw(st.booleans()):
        return {
            "tagStatus": "tagged",
            "tagPrefixList": draw(
                st.lists(st.sampled_from(WORDS), min_size=1, max_size=2, unique=True)
            ),
        }
    patterns = st.sampled_from(["prod*", "*-1", "v*", "beta", "p*d*", "*"])
    return {
        "tagStatus": "tagged",
        "tagPatternList": draw(st.lists(patterns, min_size=1, max_size=2, unique=True)),
    }


@st.composite
def policies(draw: Any, max_rules: int = 5) -> dict[str, Any]:
    count = draw(st.integers(1, max_rules))
    priorities = sorted(draw(st.sets(st.integers(1, 100), min_size=count, max_size=count)))
    rules = []
    has_untagged = False
    for index, priority in enumerate(priorities):
        last = index == count - 1
        kinds = ["tagged"] + ([] if has_untagged else ["untagged"]) + (["any"] if last else [])
        kind = draw(st.sampled_from(kinds))
        if kind == "tagged":
            selection = draw(tagged_selection())
        else:
            selection = {"tagStatus": kind}
            has_untagged = has_untagged or kind == "untagged"
        count_type = draw(
            st.sampled_from(["imageCountMoreThan", "sinceImagePushed", "sinceImagePulled"])
        )
        selection["countType"] = count_type
        action: dict[str, Any] = {"type": "expire"}
        if count_type == "imageCountMoreThan":
            selection["countNumber"] = draw(st.integers(1, 6))
        else:
            selection["countUnit"] = "days"
            selection["countNumber"] = draw(st.integers(1, 20))
            if count_type == "sinceImagePulled":
                action = {"type": "transition", "targetStorageClass": "archive"}
        rules.append({"rulePriority": priority, "selection": selection, "action": action})
    return {"rules": rules}
