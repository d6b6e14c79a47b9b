"""The strict JSON reader for documents users write: policies, conditions, image lists.

``json.loads`` lets the last of two equal keys win silently (``"Effect": "Deny",
"Effect": "Allow"`` reads as Allow), accepts ``NaN`` and ``Infinity``, reads any
integer however large, and fails with a RecursionError on deep nesting. :func:`loads`
refuses all four with a :class:`JsonProblem` that names where the bad value is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ecrctl.errors import InvalidInput

MAX_DEPTH = 64
MAX_INT = 2**31 - 1  # ECR's numbers (countNumber, rulePriority) are 32-bit integers


class JsonProblem(ValueError):
    """Why a text is not acceptable JSON; ``where`` is a JSON path or a line/column."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


class _Object(dict[str, Any]):
    """A parsed object that remembers the first key it saw twice, and how deep it nests."""

    __slots__ = ("depth", "duplicate")

    def __init__(self, pairs: Iterable[tuple[str, Any]] = ()) -> None:
        super().__init__(pairs)
        self.duplicate: str | None = None
        self.depth = 1


def _deepest(values: Iterable[Any]) -> int:
    """The depth of the deepest object or array among ``values`` (0: none); each
    object knows its own, set as it was built."""
    deepest = 0
    for item in values:  # exact classes: json.loads makes no other containers
        kind = item.__class__
        if kind is _Object:
            if item.depth > deepest:
                deepest = item.depth
        elif kind is list:
            deepest = max(deepest, 1 + _deepest(item))
    return deepest


def _first_repeated(pairs: list[tuple[str, Any]]) -> str:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            return key
        seen.add(key)
    raise AssertionError("no key repeated")


class _Reading:
    """The hooks of one parse: they note, as the C parser builds the document, whether
    any object repeats a key and any integer is out of range, and each object's depth,
    so that a good document is never walked again (the walks that name the place run
    only for a bad one)."""

    def __init__(self, max_int: int) -> None:
        self.max_int = max_int
        self.duplicate = False
        self.big = False

    def pairs(self, pairs: list[tuple[str, Any]]) -> _Object:
        found = _Object(pairs)
        if len(found) != len(pairs):  # a key given twice: the first one, for the message
            found.duplicate = _first_repeated(pairs)
            self.duplicate = True
        found.depth = 1 + _deepest(found.values())
        return found

    def integer(self, text: str) -> int:
        value = int(text)
        if value > self.max_int or value < -self.max_int:
            self.big = True
        return value


def _constant(name: str) -> Any:
    raise JsonProblem("JSON", f"{name} is not a JSON number; write a number or a string")


def _find_duplicate(value: Any, path: str) -> str | None:
    if isinstance(value, _Object):
        if value.duplicate is not None:
            return f"{path}.{value.duplicate}" if path else value.duplicate
        for key, item in value.items():
            found = _find_duplicate(item, f"{path}.{key}" if path else key)
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _find_duplicate(item, f"{path}[{index}]")
            if found:
                return found
    return None


def _find_big_int(value: Any, path: str, limit: int) -> tuple[str, int] | None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > limit:
        return path or "JSON", value
    items: Any = ()
    if isinstance(value, dict):
        items = ((f"{path}.{k}" if path else k, v) for k, v in value.items())
    elif isinstance(value, list):
        items = ((f"{path}[{i}]", v) for i, v in enumerate(value))
    for where, item in items:
        found = _find_big_int(item, where, limit)
        if found:
            return found
    return None


def loads(text: str, *, max_depth: int = MAX_DEPTH, max_int: int = MAX_INT) -> Any:
    """``text`` as JSON, refusing duplicate keys, deep nesting, NaN/Infinity and huge integers.

    Raises :class:`JsonProblem` (a ValueError) naming the place and the fix;
    syntax errors keep json's line and column.
    """
    reading = _Reading(max_int)
    try:
        value = json.loads(
            text,
            object_pairs_hook=reading.pairs,
            parse_int=reading.integer,
            parse_constant=_constant,
        )
        depth = _deepest((value,))
    except json.JSONDecodeError as exc:
        lines = text.splitlines()  # one line: the line is the whole document, not shown
        line = lines[exc.lineno - 1].strip() if len(lines) > 1 else ""
        shown = line if len(line) <= 60 else line[:57] + "..."
        where = f"line {exc.lineno}, column {exc.colno}"
        raise JsonProblem(where, f"{exc.msg} in {shown!r}" if shown else exc.msg) from None
    except RecursionError:  # deeper than the parser goes: far more than max_depth
        raise JsonProblem(
            "JSON", f"nested hundreds of levels deep; at most {max_depth} levels are accepted"
        ) from None
    if depth > max_depth:
        raise JsonProblem(
            "JSON", f"nested {depth} levels deep; at most {max_depth} levels are accepted"
        )
    duplicate = _find_duplicate(value, "") if reading.duplicate else None
    if duplicate:
        raise JsonProblem(duplicate, "this key appears twice; keep one of them")
    big = _find_big_int(value, "", max_int) if reading.big else None
    if big:
        raise JsonProblem(big[0], f"{big[1]} is out of range; ECR holds integers up to {max_int:,}")
    return value


def load_input(text: str, what: str, *, hint: str | None = None) -> Any:
    """``text`` read by :func:`loads`; JSON it refuses is an :class:`InvalidInput`
    saying that ``what`` (``--condition``, a file's name) is not valid JSON, and where."""
    try:
        return loads(text)
    except JsonProblem as exc:
        raise InvalidInput(f"{what} is not valid JSON: {exc}", hint=hint) from None
