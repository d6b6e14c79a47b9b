"""Lifecycle policy validation, before any AWS call.

Every problem is reported with the JSON path of the bad value (``rules[1]``
is the second rule of the document) and, where ECR's own wording is known,
with ECR's text. :func:`check_text` collects every problem instead of
stopping at the first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, TypeGuard

from ecrctl.errors import InvalidInput

MIN_TEXT = 100
MAX_TEXT = 30_720
MAX_RULES = 50
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

POLICY_KEYS = ("rules",)
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

# ECR's own texts (InvalidParameterException "Lifecycle policy validation failure: ...").
AWS_ONE_UNTAGGED = "Only one rule can select Untagged images per storage class."
AWS_ANY_LAST = "Rule for tagStatus=ANY must have the lowest priority per storage class"
AWS_TAGGED_NEEDS_LIST = "Must specify tagPrefixList or tagPatternList when tagStatus=TAGGED."


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class PolicyInvalid(InvalidInput):
    """A lifecycle policy failed validation; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem], *, name: str = "lifecycle policy") -> None:
        first = problems[0]
        more = len(problems) - 1
        super().__init__(
            f"invalid {name}: {first}" + (f" (and {more} more)" if more else ""),
            hint="see every problem with: ecrctl policy lifecycle validate FILE" if more else None,
        )
        self.problems = problems


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _case_fix(value: Any, allowed: tuple[str, ...]) -> str:
    if isinstance(value, str) and value.lower() in allowed:
        return f"; use {value.lower()!r}"
    return ""


def _unknown_keys(obj: dict[str, Any], allowed: tuple[str, ...], path: str) -> list[Problem]:
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


def check_text(text: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Parse and check a policy text: the document (when it is JSON) and every problem."""
    problems: list[Problem] = []
    if not MIN_TEXT <= len(text) <= MAX_TEXT:
        problems.append(
            Problem(
                "policy",
                f"the text is {len(text):,} characters; ECR accepts {MIN_TEXT} to {MAX_TEXT:,}",
            )
        )
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.append(
            Problem("policy", f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})")
        )
        return None, problems
    problems.extend(check_policy(document))
    return (document if isinstance(document, dict) else None), problems


def check_policy(document: Any) -> list[Problem]:
    """Every problem of a parsed policy document (an empty list when it is valid)."""
    if not isinstance(document, dict):
        return [Problem("policy", 'must be a JSON object with a "rules" list')]
    problems = _unknown_keys(document, POLICY_KEYS, "")
    rules = document.get("rules")
    if rules is None:
        return [*problems, Problem("rules", "required: a non-empty list of rules")]
    if not isinstance(rules, list) or not rules:
        return [*problems, Problem("rules", "must be a non-empty list of rules")]
    if len(rules) > MAX_RULES:
        problems.append(
            Problem("rules", f"{len(rules)} rules; a lifecycle policy has at most {MAX_RULES}")
        )
    checked: list[tuple[int, dict[str, Any]]] = []
    for index, rule in enumerate(rules):
        found = _check_rule(rule, f"rules[{index}]")
        problems.extend(found)
        if isinstance(rule, dict):
            checked.append((index, rule))
    problems.extend(_check_across(checked))
    return problems


def _check_rule(rule: Any, path: str) -> list[Problem]:
    if not isinstance(rule, dict):
        return [Problem(path, "must be an object with rulePriority, selection and action")]
    problems = _unknown_keys(rule, RULE_KEYS, path)
    priority = rule.get("rulePriority")
    if priority is None:
        problems.append(Problem(f"{path}.rulePriority", "required: an integer >= 1"))
    elif not _is_int(priority) or priority < 1:
        problems.append(
            Problem(f"{path}.rulePriority", f"must be an integer >= 1, not {_show(priority)}")
        )
    if "description" in rule and not isinstance(rule["description"], str):
        problems.append(Problem(f"{path}.description", "must be a string"))
    selection = rule.get("selection")
    if selection is None:
        problems.append(Problem(f"{path}.selection", "required: an object"))
    elif not isinstance(selection, dict):
        problems.append(Problem(f"{path}.selection", "must be an object"))
    else:
        problems.extend(_check_selection(selection, f"{path}.selection"))
    action = rule.get("action")
    if action is None:
        problems.append(Problem(f"{path}.action", 'required: {"type": "expire"}'))
    elif not isinstance(action, dict):
        problems.append(Problem(f"{path}.action", 'must be an object such as {"type": "expire"}'))
    else:
        sel = selection if isinstance(selection, dict) else {}
        problems.extend(_check_action(action, sel, f"{path}.action", path))
    return problems


def _check_selection(sel: dict[str, Any], path: str) -> list[Problem]:
    problems = _unknown_keys(sel, SELECTION_KEYS, path)
    status = sel.get("tagStatus")
    if status is None:
        problems.append(Problem(f"{path}.tagStatus", "required: tagged, untagged or any"))
    elif status not in TAG_STATUSES:
        fix = _case_fix(status, TAG_STATUSES)
        problems.append(
            Problem(
                f"{path}.tagStatus", f"must be tagged, untagged or any, not {_show(status)}{fix}"
            )
        )
    lists = [key for key in ("tagPrefixList", "tagPatternList") if key in sel]
    if status == "tagged":
        if not lists:
            problems.append(Problem(path, AWS_TAGGED_NEEDS_LIST))
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

    storage = sel.get("storageClass", "standard")
    if storage not in STORAGE_CLASSES:
        problems.append(
            Problem(f"{path}.storageClass", f"must be standard or archive, not {_show(storage)}")
        )
    count_type = sel.get("countType")
    if count_type is None:
        problems.append(Problem(f"{path}.countType", "required: " + ", ".join(COUNT_TYPES)))
    elif count_type not in COUNT_TYPES:
        problems.append(
            Problem(
                f"{path}.countType",
                f"must be one of {', '.join(COUNT_TYPES)}, not {_show(count_type)}",
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
            problems.append(Problem(where, f"must be a non-empty string, not {_show(entry)}"))
        elif pattern and entry.count("*") > MAX_WILDCARDS:
            problems.append(
                Problem(
                    where,
                    f"{_show(entry)} has {entry.count('*')} wildcards; "
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
            problems.append(Problem(f"{path}.countUnit", f'must be "days", not {_show(unit)}{fix}'))
    elif count_type == "imageCountMoreThan" and "countUnit" in sel:
        problems.append(
            Problem(f"{path}.countUnit", "not allowed with countType imageCountMoreThan; remove it")
        )
    number = sel.get("countNumber")
    if number is None:
        problems.append(Problem(f"{path}.countNumber", "required: an integer >= 1"))
    elif not _is_int(number) or number < 1:
        problems.append(
            Problem(f"{path}.countNumber", f"must be an integer >= 1, not {_show(number)}")
        )
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
    problems = _unknown_keys(action, ACTION_KEYS, path)
    kind = action.get("type")
    if kind is None:
        problems.append(Problem(f"{path}.type", "required: expire or transition"))
        return problems
    if kind not in ACTION_TYPES:
        fix = _case_fix(kind, ACTION_TYPES)
        problems.append(
            Problem(f"{path}.type", f"must be expire or transition, not {_show(kind)}{fix}")
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
                Problem(f"{path}.targetStorageClass", f'must be "archive", not {_show(target)}')
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


def _check_across(rules: list[tuple[int, dict[str, Any]]]) -> list[Problem]:
    problems: list[Problem] = []
    by_priority: dict[int, int] = {}
    untagged: dict[str, int] = {}
    highest: dict[str, tuple[int, int]] = {}
    anys: list[tuple[int, int, str]] = []
    for index, rule in rules:
        priority = rule.get("rulePriority")
        sel = rule.get("selection")
        sel = sel if isinstance(sel, dict) else {}
        storage = sel.get("storageClass", "standard")
        storage = storage if isinstance(storage, str) else "standard"
        if not _is_int(priority) or priority < 1:
            continue
        if priority in by_priority:
            problems.append(
                Problem(
                    f"rules[{index}].rulePriority",
                    f"{priority} is also the priority of rules[{by_priority[priority]}]; "
                    "every rule needs a unique rulePriority",
                )
            )
        else:
            by_priority[priority] = index
        status = sel.get("tagStatus")
        if status == "untagged":
            if storage in untagged:
                problems.append(
                    Problem(
                        f"rules[{index}].selection.tagStatus",
                        f"{AWS_ONE_UNTAGGED} (rules[{untagged[storage]}] already does)",
                    )
                )
            else:
                untagged[storage] = index
        if status == "any":
            anys.append((index, priority, storage))
        if storage not in highest or priority > highest[storage][0]:
            highest[storage] = (priority, index)
    for index, priority, storage in anys:
        top, top_index = highest[storage]
        if priority < top:
            problems.append(
                Problem(
                    f"rules[{index}].rulePriority",
                    f"{AWS_ANY_LAST} (rules[{top_index}] has {top}); "
                    f"give this rule a rulePriority above {top}",
                )
            )
    return problems


def parse(text: str, *, name: str = "lifecycle policy") -> dict[str, Any]:
    """A valid policy document from its text, or :class:`PolicyInvalid`."""
    document, problems = check_text(text)
    if problems or document is None:
        raise PolicyInvalid(problems, name=name)
    return document
