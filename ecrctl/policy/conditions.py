"""A statement's Condition block evaluated against what is known of a request.

Pure: the request context is a :class:`Context` of condition keys and their
values. A key the context does not know makes its condition *unknown*, and the
evaluation names it, so that an answer can say "depends on condition X"
instead of guessing. Operators: String*, Arn*, Bool, Numeric*, Null, with the
``ForAnyValue:`` / ``ForAllValues:`` set prefixes and the ``IfExists`` suffix;
Date*, IpAddress and BinaryEquals are always unknown (ecrctl cannot know the
time or the address a request comes from). Policy variables (``${aws:username}``)
are replaced from the context.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Values = tuple[str, ...]

_OPERATOR = re.compile(r"(?P<set>ForAnyValue:|ForAllValues:)?(?P<base>.+?)(?P<ifexists>IfExists)?")
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_ESCAPES = {"*": "*", "?": "?", "$": "$"}


@dataclass(frozen=True)
class Context:
    """Condition keys (compared case-insensitively) and their values.

    ``absent``: keys known to be missing from the request; ``complete``: key
    prefixes (``aws:principaltag/``) whose every present key is in ``values``,
    so any other key under them is known to be missing. Any other key is unknown.
    """

    values: Mapping[str, Values] = field(default_factory=dict)
    absent: frozenset[str] = frozenset()
    complete: tuple[str, ...] = ()

    def known(self, key: str) -> bool:
        lowered = key.lower()
        return (
            lowered in self.values
            or lowered in self.absent
            or any(lowered.startswith(p) for p in self.complete)
        )

    def get(self, key: str) -> Values | None:
        """The key's values, or None when it is missing (ask :meth:`known` first)."""
        return self.values.get(key.lower())


@dataclass(frozen=True)
class Outcome:
    """True, False or None (unknown), and what it depends on when unknown."""

    result: bool | None
    unknown: tuple[str, ...] = ()


TRUE = Outcome(True)
FALSE = Outcome(False)


def both(outcomes: list[Outcome]) -> Outcome:
    """AND of tri-state outcomes: False wins, then unknown (naming every unknown)."""
    if any(o.result is False for o in outcomes):
        return FALSE
    unknown = tuple(dict.fromkeys(u for o in outcomes if o.result is None for u in o.unknown))
    return Outcome(None, unknown) if unknown else TRUE


def substitute(text: str, context: Context) -> tuple[str | None, tuple[str, ...]]:
    """``text`` with its policy variables replaced; None and the unknown ones if any."""
    missing: list[str] = []

    def value(match: re.Match[str]) -> str:
        name = match[1].strip()
        if name in _ESCAPES:
            return _ESCAPES[name]
        found = context.get(name) if context.known(name) else None
        if found is None or len(found) != 1:
            missing.append(name)
            return ""
        return found[0]

    replaced = _VARIABLE.sub(value, text)
    return (None, tuple(missing)) if missing else (replaced, ())


def wildcard(pattern: str, *, ignore_case: bool = False) -> re.Pattern[str]:
    """IAM's ``*`` (any run) and ``?`` (one character) matching."""
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile("".join(parts), (re.IGNORECASE if ignore_case else 0) | re.DOTALL)


def arn_like(pattern: str, arn: str) -> bool:
    """ArnLike: each of the six colon-separated parts matched on its own, case-sensitive."""
    if pattern == "*":
        return True
    want, have = pattern.split(":", 5), arn.split(":", 5)
    if len(want) != len(have):
        return wildcard(pattern).fullmatch(arn) is not None
    return all(wildcard(w).fullmatch(h) is not None for w, h in zip(want, have, strict=True))


def _numeric(compare: Callable[[float, float], bool]) -> Callable[[str, str], bool]:
    def test(have: str, want: str) -> bool:
        try:
            return compare(float(have), float(want))
        except ValueError:
            return False

    return test


# base operator (without Not) -> (have, want) -> bool
_TESTS: dict[str, Callable[[str, str], bool]] = {
    "StringEquals": lambda have, want: have == want,
    "StringEqualsIgnoreCase": lambda have, want: have.casefold() == want.casefold(),
    "StringLike": lambda have, want: wildcard(want).fullmatch(have) is not None,
    "ArnEquals": lambda have, want: arn_like(want, have),
    "ArnLike": lambda have, want: arn_like(want, have),
    "Bool": lambda have, want: have.lower() == want.lower(),
    "NumericEquals": _numeric(lambda h, w: h == w),
    "NumericLessThan": _numeric(lambda h, w: h < w),
    "NumericLessThanEquals": _numeric(lambda h, w: h <= w),
    "NumericGreaterThan": _numeric(lambda h, w: h > w),
    "NumericGreaterThanEquals": _numeric(lambda h, w: h >= w),
}
_NEGATED = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
    "NumericNotEquals": "NumericEquals",
}


def _text(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def evaluate_condition(block: Any, context: Context) -> Outcome:
    """A statement's whole Condition: every operator and every key must hold."""
    if not isinstance(block, dict):
        return Outcome(None, ("Condition (malformed)",))
    outcomes = []
    for operator, keys in block.items():
        if not isinstance(keys, dict):
            outcomes.append(Outcome(None, (f"{operator} (malformed)",)))
            continue
        for key, values in keys.items():
            wanted = values if isinstance(values, list) else [values]
            outcomes.append(_one(str(operator), str(key), [_text(v) for v in wanted], context))
    return both(outcomes)


def _one(operator: str, key: str, wanted: list[str], context: Context) -> Outcome:
    label = f"{operator} {key}"
    parts = _OPERATOR.fullmatch(operator)
    assert parts is not None  # the pattern matches any non-empty text
    base, set_prefix, if_exists = parts["base"], parts["set"], parts["ifexists"]
    if base == "Null" and not set_prefix and not if_exists:
        if not context.known(key):
            return Outcome(None, (label,))
        missing = context.get(key) is None
        return Outcome(any(w.lower() == ("true" if missing else "false") for w in wanted))
    negated = base in _NEGATED
    test = _TESTS.get(_NEGATED.get(base, base))
    if test is None or not context.known(key):
        return Outcome(None, (label,))
    resolved = []
    for value in wanted:
        text, unknown = substitute(value, context) if "${" in value else (value, ())
        if text is None:
            return Outcome(None, tuple(f"{label} (${{{u}}})" for u in unknown))
        resolved.append(text)
    have = context.get(key)
    if have is None:
        if if_exists or set_prefix == "ForAllValues:":
            return TRUE
        return Outcome(negated and set_prefix != "ForAnyValue:")
    return Outcome(_holds(have, resolved, test, negated, set_prefix))


def _holds(
    have: Values,
    wanted: list[str],
    test: Callable[[str, str], bool],
    negated: bool,
    set_prefix: str | None,
) -> bool:
    def ok(value: str) -> bool:
        found = any(test(value, w) for w in wanted)
        return not found if negated else found

    if set_prefix == "ForAllValues:":
        return all(ok(v) for v in have)
    if set_prefix == "ForAnyValue:" or not negated:
        return any(ok(v) for v in have)
    return all(ok(v) for v in have)
