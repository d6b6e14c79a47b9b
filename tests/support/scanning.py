"""A registry scanning rule as PutRegistryScanningConfiguration takes it."""

from __future__ import annotations

from typing import Any


def rule(frequency: str, *filters: str, kind: str = "WILDCARD") -> dict[str, Any]:
    """``{"scanFrequency", "repositoryFilters"}`` with one filter of ``kind`` for each."""
    return {
        "scanFrequency": frequency,
        "repositoryFilters": [{"filter": f, "filterType": kind} for f in filters],
    }
