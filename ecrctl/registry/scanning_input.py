"""A registry scanning configuration as the user writes it, checked before any call:
a JSON file (PutRegistryScanningConfiguration's ``{"scanType", "rules"}``) or the
flags of ``registry scanning set``. Every problem is one line that names the field.

The checks are the API model's and the User Guide's: scanType BASIC or ENHANCED; at
most 2 rules; BASIC rules scan on push (or are MANUAL), ENHANCED rules scan on push or
continuously; 1-100 filters a rule, each of type WILDCARD, 1-255 characters of
``[a-z0-9*]`` with single ``. _ - /`` between them. Two rules of one frequency are
refused (their filters belong in one rule).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ecrctl.errors import InvalidInput
from ecrctl.jsonstrict import JsonProblem, loads
from ecrctl.repo.scanning import SCAN_TYPES, ScanningConfiguration

MAX_RULES = 2
MAX_FILTERS = 100
MAX_FILTER_LENGTH = 255
# The API's pattern ^[a-z0-9*](?:[._\-/a-z0-9*]?[a-z0-9*]+)*$, written without its
# nested quantifiers (which backtrack exponentially on a long bad value): the same language.
FILTER = re.compile(r"[a-z0-9*]+(?:[._\-/][a-z0-9*]+)*")
ALLOWED = {"BASIC": ("SCAN_ON_PUSH", "MANUAL"), "ENHANCED": ("SCAN_ON_PUSH", "CONTINUOUS_SCAN")}
DOCUMENT_KEYS = ("scanType", "rules")
RULE_KEYS = ("scanFrequency", "repositoryFilters")
FILTER_KEYS = ("filter", "filterType")


def _bad(where: str, problem: str, hint: str | None = None) -> InvalidInput:
    return InvalidInput(f"{where}: {problem}", hint=hint)


def check_filter(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise _bad(where, "a filter is a non-empty string", "e.g. team/* or prod")
    if len(value) > MAX_FILTER_LENGTH:
        raise _bad(where, f"the filter has {len(value)} characters; at most {MAX_FILTER_LENGTH}")
    if not FILTER.fullmatch(value):
        lowered = value.lower()
        hint = (
            f"use lowercase: {lowered!r}"
            if FILTER.fullmatch(lowered)
            else "use lowercase letters, digits and *, with single . _ - / between them"
        )
        raise _bad(where, f"{value!r} is not a valid repository filter", hint)
    return value


def check_scan_type(value: Any, where: str = "scanType") -> str:
    if value not in SCAN_TYPES:
        raise _bad(where, f"{value!r} is not a scan type", "give BASIC or ENHANCED")
    return str(value)


def _check_keys(data: Any, allowed: Sequence[str], where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise _bad(where or "the document", "must be a JSON object")
    for key in data:
        if key not in allowed:
            raise _bad(
                f"{where}.{key}" if where else key,
                "unknown key",
                f"the keys are {', '.join(allowed)}",
            )
    return data


def _check_frequency(value: Any, scan_type: str, where: str) -> str:
    allowed = ALLOWED[scan_type]
    if value in allowed:
        return str(value)
    if value == "CONTINUOUS_SCAN":
        raise _bad(where, "CONTINUOUS_SCAN needs scanType ENHANCED", "basic scanning scans on push")
    if value == "MANUAL":
        raise _bad(where, "enhanced scanning has no MANUAL frequency", "leave the rule out")
    raise _bad(where, f"{value!r} is not a scan frequency", f"give {' or '.join(allowed)}")


def _check_rule(rule: Any, scan_type: str, where: str) -> tuple[str, tuple[str, ...]]:
    _check_keys(rule, RULE_KEYS, where)
    frequency = _check_frequency(rule.get("scanFrequency"), scan_type, f"{where}.scanFrequency")
    filters = rule.get("repositoryFilters")
    at = f"{where}.repositoryFilters"
    if not isinstance(filters, list) or not filters:
        raise _bad(at, "a rule needs a non-empty list of filters", 'e.g. [{"filter": "team/*", ...')
    if len(filters) > MAX_FILTERS:
        raise _bad(at, f"{len(filters)} filters; a rule takes at most {MAX_FILTERS}")
    values = []
    for index, item in enumerate(filters):
        _check_keys(item, FILTER_KEYS, f"{at}[{index}]")
        if item.get("filterType") != "WILDCARD":
            raise _bad(f"{at}[{index}].filterType", f"{item.get('filterType')!r}; use WILDCARD")
        values.append(check_filter(item.get("filter"), f"{at}[{index}].filter"))
    return frequency, tuple(values)


def check_configuration(data: Any) -> ScanningConfiguration:
    """``{"scanType", "rules"}``, checked; the first problem raises :class:`InvalidInput`."""
    _check_keys(data, DOCUMENT_KEYS, "")
    if "scanType" not in data:
        raise _bad("scanType", "missing", "give BASIC or ENHANCED")
    scan_type = check_scan_type(data["scanType"])
    rules = data.get("rules", [])
    if not isinstance(rules, list):
        raise _bad("rules", "must be a list of rules")
    if len(rules) > MAX_RULES:
        raise _bad("rules", f"{len(rules)} rules; a registry has at most {MAX_RULES}")
    checked = [_check_rule(rule, scan_type, f"rules[{i}]") for i, rule in enumerate(rules)]
    frequencies = [frequency for frequency, _ in checked]
    for index, frequency in enumerate(frequencies):
        if frequency in frequencies[:index]:
            raise _bad(
                f"rules[{index}].scanFrequency",
                f"a second {frequency} rule",
                "put the filters of both in one rule",
            )
    return ScanningConfiguration(scan_type, tuple(checked))


def parse_configuration(text: str, source: str) -> ScanningConfiguration:
    """A configuration file's text (strict JSON), checked."""
    shown = "stdin" if source == "-" else source
    try:
        data = loads(text)
    except JsonProblem as exc:
        raise InvalidInput(f"scanning configuration {shown}: {exc}") from None
    try:
        return check_configuration(data)
    except InvalidInput as exc:
        message = f"scanning configuration {shown}: {exc.message}"
        raise InvalidInput(message, hint=exc.hint) from None


def from_flags(
    scan_type: str, on_push: Sequence[str], continuous: Sequence[str]
) -> ScanningConfiguration:
    """``--scan-type``, ``--scan-on-push FILTER``... and ``--continuous FILTER``..., checked."""
    check_scan_type(scan_type, "--scan-type")
    if continuous and scan_type != "ENHANCED":
        raise InvalidInput(
            "--continuous needs --scan-type ENHANCED", hint="basic scanning scans on push"
        )
    rules = []
    for flag, frequency, values in (
        ("--scan-on-push", "SCAN_ON_PUSH", on_push),
        ("--continuous", "CONTINUOUS_SCAN", continuous),
    ):
        if len(values) > MAX_FILTERS:
            raise InvalidInput(f"{flag}: {len(values)} filters; a rule takes at most {MAX_FILTERS}")
        if values:
            rules.append((frequency, tuple(check_filter(v, flag) for v in values)))
    return ScanningConfiguration(scan_type, tuple(rules))
