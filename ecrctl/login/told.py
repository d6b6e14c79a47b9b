"""The token cache's notices, told once per state of the cache.

A notice about where tokens are (not) cached would otherwise repeat on every run,
and on every push through the credential helper. The notices told are remembered,
their text only (no secrets), in ``paths.told_notices()``: the runtime dir (this
login session), else the state dir. A notice already told is not told again; a run
whose cache has nothing to tell forgets them all, so a problem that comes back is
told again.

Standard library only: the credential helper's cache hit passes here.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable

from ecrctl import paths


def tell_once(notice: str, write: Callable[[str], object]) -> None:
    """``write(notice)`` unless it was told since the cache last had nothing to tell."""
    told = _read()
    if notice in told:
        return
    write(notice)
    _remember([*told, notice])


def forget() -> None:
    """The cache has nothing to tell: every notice is new again."""
    with contextlib.suppress(OSError):  # none remembered, or nowhere to remember them
        os.unlink(paths.told_notices())


def _read() -> list[str]:
    try:
        with open(paths.told_notices(), encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return []
    return [str(item) for item in data] if isinstance(data, list) else []


def _remember(told: list[str]) -> None:
    """Best effort: where nothing can be written, a notice is told every time."""
    path = paths.told_notices()
    spare = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with open(spare, "w", encoding="utf-8") as handle:
            json.dump(told[-20:], handle)
        os.replace(spare, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(spare)
