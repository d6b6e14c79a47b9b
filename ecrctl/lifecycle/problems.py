"""What lifecycle validation reports: :class:`Problem` (a JSON path and a
message), :class:`PolicyInvalid` (the error carrying every problem), and the
small helpers the checks share to word them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, TypeGuard

from ecrctl.errors import InvalidInput


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class PolicyInvalid(InvalidInput):
    """A lifecycle policy failed validation; ``problems`` lists every reason."""

    def __init__(
        self, problems: list[Problem], *, name: str = "lifecycle policy", source: str | None = None
    ) -> None:
        first = problems[0]
        more = len(problems) - 1
        super().__init__(
            f"invalid {name}: {first}" + (f" (and {more} more)" if more else ""),
            hint=every_finding_hint("lifecycle", source) if more else None,
        )
        self.problems = problems


def every_finding_hint(kind: str, source: str | None) -> str:
    """Where to see every problem: ``validate`` on the same file (or stdin)."""
    import shlex

    command = f"ecrctl policy {kind} validate"
    if source and source != "-":
        return f"see every problem with: {command} {shlex.quote(source)}"
    return f"see every problem by piping the same document to: {command} -"


def is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def quoted(value: Any) -> str:
    """``value`` as JSON, the way problems and findings quote what a policy says."""
    return json.dumps(value, ensure_ascii=False)


def case_fix(value: Any, allowed: tuple[str, ...]) -> str:
    if isinstance(value, str) and value.lower() in allowed:
        return f"; use {value.lower()!r}"
    return ""


def unknown_keys(obj: dict[str, Any], allowed: tuple[str, ...], path: str) -> list[Problem]:
    import difflib

    problems = []
    for key in obj:
        if key in allowed:
            continue
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        fix = f"did you mean {close[0]}?" if close else "allowed: " + ", ".join(allowed)
        where = f"{path}.{key}" if path else key
        problems.append(Problem(where, f"unknown key; {fix}"))
    return problems
