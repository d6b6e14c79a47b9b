"""Names no other test has taken: repositories in the registries a session shares."""

from __future__ import annotations

import uuid


def unique(prefix: str = "app") -> str:
    """``PREFIX-`` and eight random hex digits."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"
