"""The ECR action names a policy may use, taken from botocore's ECR service model.

Every API operation of the model is an IAM action ``ecr:<Operation>``. A few
permissions exist only in IAM (they guard work ECR does on the caller's
behalf) and are not API operations; they are added here by name.
"""

from __future__ import annotations

import re
from functools import cache

PREFIX = "ecr:"

# IAM-only permissions: ECR checks them during replication and pull-through
# cache imports; they have no API operation of their own.
PERMISSION_ONLY = ("ReplicateImage", "BatchImportUpstreamImage")

# The guide's action sets (chapter "Private repository policy examples").
PULL = (
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchGetImage",
    "ecr:BatchCheckLayerAvailability",
)
PUSH = (
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchCheckLayerAvailability",
    "ecr:PutImage",
    "ecr:InitiateLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:CompleteLayerUpload",
)
PUSH_PULL = (*PULL, *PUSH[2:])
AUTH_TOKEN = "ecr:GetAuthorizationToken"
SET_POLICY = "ecr:SetRepositoryPolicy"


@cache
def ecr_actions() -> tuple[str, ...]:
    """Every ``ecr:`` action, from the installed botocore's ECR model."""
    import botocore.session

    model = botocore.session.get_session().get_service_model("ecr")
    names = {*model.operation_names, *PERMISSION_ONLY}
    return tuple(PREFIX + name for name in sorted(names))


@cache
def _by_lower() -> dict[str, str]:
    return {action.lower(): action for action in ecr_actions()}


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """IAM wildcard matching: ``*`` any run of characters, ``?`` one; case-insensitive."""
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def matches(pattern: str, action: str) -> bool:
    return pattern_regex(pattern).fullmatch(action) is not None


def expand(pattern: str) -> list[str]:
    """The ECR actions an Action pattern stands for (exact names in canonical case)."""
    if "*" not in pattern and "?" not in pattern:
        found = _by_lower().get(pattern.lower())
        return [found] if found else []
    regex = pattern_regex(pattern)
    return [action for action in ecr_actions() if regex.fullmatch(action)]


def canonical_action(action: str) -> str | None:
    """The model's spelling of ``action`` (case-insensitive), or None if unknown."""
    return _by_lower().get(action.lower())


def suggest(action: str) -> str | None:
    """The closest known action, for a "did you mean" hint."""
    import difflib

    lowered = {a.lower(): a for a in ecr_actions()}
    close = difflib.get_close_matches(action.lower(), list(lowered), n=1, cutoff=0.75)
    return lowered[close[0]] if close else None
