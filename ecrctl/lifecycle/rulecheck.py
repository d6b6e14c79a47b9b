"""The checks of one lifecycle rule, section by section: its priority and
description, its ``selection`` (tag status and lists, storage class, count),
and its ``action``. Checks across rules are in :mod:`ecrctl.lifecycle.validate`."""

from __future__ import annotations

from typing import Any

from ecrctl.lifecycle.problems import Problem, case_fix, is_int, quoted, unknown_keys

MAX_WILDCARDS = 4
ARCHIVE_MINIMUM_DAYS = 90

TAG_STATUSES = ("tagged", "untagged", "any")
COUNT_TYPES = (
    "imageCountMoreThan",
    "sinceImagePushed",
    "sinceImagePulled",
    "sinceImageTransitioned",
)
AGE_COUNT_TYPES = frozenset(COUNT_TYPES[1:])
STANDARD_COUNT_TYPES = frozenset(COUNT_TYPES[:3])
STORAGE_CLASSES = ("standard", "archive")
ACTION_TYPES = ("expire", "transition")

RULE_KEYS = ("rulePriority", "description", "selection", "action")
SELECTION_KEYS = (
    "tagStatus",
    "tagPrefixList",
    "tagPatternList",
    "storageClass",
    "countType",
    "countUnit",
    "countNumber",
)
ACTION_KEYS = ("type", "targetStorageClass")

AWS_TAGGED_NEEDS_LIST = "Must specify tagPrefixList or tagPatternList when tagStatus=TAGGED."
TAGGED_FIX = 'to select every tagged image, add "tagPatternList": ["*"]'


def _strip_nulls(rule: dict[str, Any], path: str) -> tuple[dict[str, Any], list[str]]:
    """The rule without its null values (in it, its selection and its action), and
    the paths of those values: a null is reported as a null, not as missing or wrong."""
    nulls = [f"{path}.{key}" for key, value in rule.items() if value is None]
    cleaned = {key: value for key, value in rule.items() if value is not None}
    for part in ("selection", "action"):
        inner = cleaned.get(part)
        if isinstance(inner, dict):
            nulls += [f"{path}.{part}.{key}" for key, value in inner.items() if value is None]
            cleaned[part] = {key: value for key, value in inner.items() if value is not None}
    return cleaned, nulls


def check_rule(rule: Any, path: str) -> list[Problem]:
    """Every problem of one rule (``path`` is where it sits, e.g. ``rules[0]``)."""
    if not isinstance(rule, dict):
        return [Problem(path, "must be an object with rulePriority, selection and action")]
    cleaned, nulls = _strip_nulls(rule, path)
    found = [Problem(where, "is null; give it a value or remove the key") for where in nulls]
    return found + [p for p in _check_rule(cleaned, path) if p.path not in nulls]


def _positive_int_problems(value: Any, where: str) -> list[Problem]:
    """The problem of a required integer >= 1 (a priority, a count), if any."""
    if value is None:
        return [Problem(where, "required: an integer >= 1")]
    if not is_int(value) or value < 1:
        return [Problem(where, f"must be an integer >= 1, not {quoted(value)}")]
    return []


def _check_rule(rule: dict[str, Any], path: str) -> list[Problem]:
    problems = unknown_keys(rule, RULE_KEYS, path)
    problems += _positive_int_problems(rule.get("rulePriority"), f"{path}.rulePriority")
    if "description" in rule and not isinstance(rule["description"], str):
        problems.append(Problem(f"{path}.description", "must be a string"))
    selection = rule.get("selection")
    problems += _object_problems(selection, f"{path}.selection", "an object", "an object")
    if isinstance(selection, dict):
        problems.extend(_check_selection(selection, f"{path}.selection"))
    action = rule.get("action")
    example = '{"type": "expire"}'
    problems += _object_problems(action, f"{path}.action", example, f"an object such as {example}")
    if isinstance(action, dict):
        sel = selection if isinstance(selection, dict) else {}
        problems.extend(_check_action(action, sel, f"{path}.action", path))
    return problems


def _object_problems(value: Any, where: str, required: str, expected: str) -> list[Problem]:
    """The problem of a required object (a rule's selection, its action), if any."""
    if value is None:
        return [Problem(where, f"required: {required}")]
    if not isinstance(value, dict):
        return [Problem(where, f"must be {expected}")]
    return []


def _check_selection(sel: dict[str, Any], path: str) -> list[Problem]:
    return [
        *unknown_keys(sel, SELECTION_KEYS, path),
        *_check_tags(sel, path),
        *_check_storage_and_count(sel, path),
    ]


def _check_tags(sel: dict[str, Any], path: str) -> list[Problem]:
    """tagStatus, and the tag lists it needs or forbids."""
    problems = []
    status = sel.get("tagStatus")
    if status is None:
        problems.append(Problem(f"{path}.tagStatus", "required: tagged, untagged or any"))
    elif status not in TAG_STATUSES:
        fix = case_fix(status, TAG_STATUSES)
        problems.append(
            Problem(
                f"{path}.tagStatus", f"must be tagged, untagged or any, not {quoted(status)}{fix}"
            )
        )
    lists = [key for key in ("tagPrefixList", "tagPatternList") if key in sel]
    if status == "tagged":
        if not lists:
            problems.append(Problem(path, f"{AWS_TAGGED_NEEDS_LIST} ({TAGGED_FIX})"))
        elif len(lists) == 2:
            problems.append(
                Problem(path, "tagPrefixList and tagPatternList cannot both be given; keep one")
            )
    elif status in ("untagged", "any"):
        for key in lists:
            problems.append(
                Problem(f"{path}.{key}", f"not allowed with tagStatus {status}; remove it")
            )
    for key in lists:
        problems.extend(_check_tag_list(sel[key], f"{path}.{key}", pattern=key == "tagPatternList"))
    return problems


def _check_storage_and_count(sel: dict[str, Any], path: str) -> list[Problem]:
    """storageClass, countType, countUnit and countNumber, and how they fit together."""
    problems = []
    storage = sel.get("storageClass", "standard")
    if storage not in STORAGE_CLASSES:
        problems.append(
            Problem(f"{path}.storageClass", f"must be standard or archive, not {quoted(storage)}")
        )
    count_type = sel.get("countType")
    if count_type is None:
        problems.append(Problem(f"{path}.countType", "required: " + ", ".join(COUNT_TYPES)))
    elif count_type not in COUNT_TYPES:
        problems.append(
            Problem(
                f"{path}.countType",
                f"must be one of {', '.join(COUNT_TYPES)}, not {quoted(count_type)}",
            )
        )
    problems.extend(_check_count(sel, count_type, path))
    if count_type == "sinceImageTransitioned" and storage != "archive":
        problems.append(
            Problem(
                f"{path}.storageClass", 'sinceImageTransitioned needs "storageClass": "archive"'
            )
        )
    if storage == "archive" and count_type in STANDARD_COUNT_TYPES:
        problems.append(
            Problem(
                f"{path}.countType",
                f"{count_type} only works on the standard storage class; "
                "archived images take sinceImageTransitioned",
            )
        )
    return problems


def _check_tag_list(value: Any, path: str, *, pattern: bool) -> list[Problem]:
    if not isinstance(value, list) or not value:
        return [Problem(path, "must be a non-empty list of strings")]
    problems = []
    for index, entry in enumerate(value):
        where = f"{path}[{index}]"
        if not isinstance(entry, str) or not entry:
            problems.append(Problem(where, f"must be a non-empty string, not {quoted(entry)}"))
        elif pattern and entry.count("*") > MAX_WILDCARDS:
            problems.append(
                Problem(
                    where,
                    f"{quoted(entry)} has {entry.count('*')} wildcards; "
                    f"a pattern takes at most {MAX_WILDCARDS}",
                )
            )
    return problems


def _check_count(sel: dict[str, Any], count_type: Any, path: str) -> list[Problem]:
    problems = []
    unit = sel.get("countUnit")
    if count_type in AGE_COUNT_TYPES:
        if unit is None:
            problems.append(
                Problem(f"{path}.countUnit", f'required with countType {count_type}: use "days"')
            )
        elif unit != "days":
            fix = '; use "days"' if unit == "day" else " (the only unit ECR accepts)"
            problems.append(
                Problem(f"{path}.countUnit", f'must be "days", not {quoted(unit)}{fix}')
            )
    elif count_type == "imageCountMoreThan" and "countUnit" in sel:
        problems.append(
            Problem(f"{path}.countUnit", "not allowed with countType imageCountMoreThan; remove it")
        )
    number: Any = sel.get("countNumber")
    wrong = _positive_int_problems(number, f"{path}.countNumber")
    if wrong:
        problems += wrong
    elif count_type == "sinceImageTransitioned" and number < ARCHIVE_MINIMUM_DAYS:
        problems.append(
            Problem(
                f"{path}.countNumber",
                f"{number} days is under the {ARCHIVE_MINIMUM_DAYS}-day minimum "
                "of the archive storage class",
            )
        )
    return problems


def _check_action(
    action: dict[str, Any], sel: dict[str, Any], path: str, rule_path: str
) -> list[Problem]:
    problems = unknown_keys(action, ACTION_KEYS, path)
    kind = action.get("type")
    if kind is None:
        problems.append(Problem(f"{path}.type", "required: expire or transition"))
        return problems
    if kind not in ACTION_TYPES:
        fix = case_fix(kind, ACTION_TYPES)
        problems.append(
            Problem(f"{path}.type", f"must be expire or transition, not {quoted(kind)}{fix}")
        )
        return problems
    target = action.get("targetStorageClass")
    if kind == "transition":
        if target is None:
            problems.append(
                Problem(f"{path}.targetStorageClass", 'required with transition: use "archive"')
            )
        elif target != "archive":
            problems.append(
                Problem(f"{path}.targetStorageClass", f'must be "archive", not {quoted(target)}')
            )
        if sel.get("storageClass") == "archive":
            problems.append(Problem(path, "archived images cannot transition again; use expire"))
    elif "targetStorageClass" in action:
        problems.append(
            Problem(f"{path}.targetStorageClass", "only allowed with type transition; remove it")
        )
    if kind == "expire" and sel.get("countType") == "sinceImagePulled":
        problems.append(
            Problem(
                f"{rule_path}.selection.countType",
                "sinceImagePulled is only accepted with the transition action",
            )
        )
    return problems
