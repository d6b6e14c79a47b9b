"""Region names and endpoint URLs: checked before any client is made.

:func:`check_region` and :func:`check_endpoint_url` are pure string checks the
resolver applies to every value it picks (the credential helper's fast path
stays free of botocore). :func:`check_known_region` runs when a botocore session
exists: a name AWS does not know gets a did-you-mean from botocore's partition
data, and goes ahead only when botocore can build an endpoint for it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ecrctl.errors import InvalidInput

# botocore's rule for region names (botocore.utils.validate_region_name), lowercase
REGION_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
# the middle word of every AWS region name (us-EAST-1, ap-SOUTHEAST-2, us-gov-WEST-1)
DIRECTIONS = frozenset(
    f"{a}{b}" for a in ("", "north", "south") for b in ("", "east", "west", "central")
) - {""}
REGION_EXAMPLE = "e.g. us-east-1 (list them: aws account list-regions)"


def _shown(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[:limit] + "..."


def check_region(region: str, origin: str) -> str:
    """A region name of botocore's form, else InvalidInput naming it and the fix."""
    if REGION_NAME.fullmatch(region) and "--" not in region:
        return region
    fix = REGION_EXAMPLE
    if REGION_NAME.fullmatch(region.lower()):
        fix = f"use lowercase: {region.lower()}"
    raise InvalidInput(f"invalid region {_shown(region)!r} (from {origin})", hint=fix)


def check_endpoint_url(url: str, origin: str) -> str:
    """An endpoint URL with scheme http or https, a host and a valid port."""
    from urllib.parse import urlsplit

    problem = ""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        problem = str(exc).lower()
    else:
        if parts.scheme not in ("http", "https"):
            problem = "the scheme must be http or https"
        elif not parts.hostname:
            problem = "it has no host"
        elif port == 0:
            problem = "port 0 is not a port"
    if problem:
        raise InvalidInput(
            f"invalid endpoint URL {_shown(url, 60)!r} (from {origin}): {problem}",
            hint="e.g. https://ecr.us-east-1.amazonaws.com or http://127.0.0.1:5000",
        )
    return url


def _distance(a: str, b: str) -> int:
    """Edits from ``a`` to ``b``, a swap of two neighbours counting as one."""
    rows = [list(range(len(b) + 1))]
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            best = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                best = min(best, rows[-2][j - 2] + 1)
            row.append(best)
        rows.append(row)
    return rows[-1][-1]


def closest_region(region: str, known: list[str]) -> str | None:
    """The known region at most two edits away from ``region``, the nearest first."""
    scored = sorted((_distance(region, name), name) for name in known)
    return scored[0][1] if scored and scored[0][0] <= 2 else None


def _well_shaped(region: str) -> bool:
    parts = region.split("-")
    return len(parts) >= 3 and parts[-1].isdigit() and parts[-2] in DIRECTIONS


def check_known_region(
    region: str, origin: str, endpoints: Mapping[str, Any], *, custom_endpoint: bool
) -> str:
    """``region`` when AWS knows it, or botocore can build an endpoint for it.

    ``endpoints`` is botocore's endpoints data (its partitions: region lists and
    region patterns). A name close to a known region that is not of the
    AREA-DIRECTION-N form (``us-esat-1``) is a typo, whatever the endpoint.
    """
    partitions = endpoints.get("partitions", [])
    known = [name for part in partitions for name in part.get("regions", {})]
    if region in known:
        return region
    resolvable = any(re.match(part.get("regionRegex", "^$"), region) for part in partitions)
    shaped = _well_shaped(region)
    close = closest_region(region, known) if len(region) <= 64 else None
    if close and not shaped:
        raise InvalidInput(
            f"unknown region {region!r} (from {origin})", hint=f"did you mean {close}?"
        )
    if (resolvable and shaped) or custom_endpoint:
        return region
    raise InvalidInput(
        f"unknown region {_shown(region)!r} (from {origin}): AWS has no region of that name",
        hint=REGION_EXAMPLE,
    )
