"""Lifecycle policy validation, before any AWS call.

Every problem is reported with the JSON path of the bad value (``rules[1]``
is the second rule of the document) and, where ECR's own wording is known,
with ECR's text. :func:`check_text` collects every problem instead of
stopping at the first. The checks of a single rule are in
:mod:`ecrctl.lifecycle.rulecheck`; the problem types in
:mod:`ecrctl.lifecycle.problems`.
"""

from __future__ import annotations

from typing import Any

from ecrctl.jsonstrict import JsonProblem, loads
from ecrctl.lifecycle.problems import PolicyInvalid, Problem, is_int, unknown_keys
from ecrctl.lifecycle.rulecheck import check_rule

__all__ = ["PolicyInvalid", "Problem", "check_policy", "check_text", "parse"]

MIN_TEXT = 100
MAX_TEXT = 30_720
MAX_RULES = 50

POLICY_KEYS = ("rules",)

# ECR's own texts (InvalidParameterException "Lifecycle policy validation failure: ...").
AWS_ONE_UNTAGGED = "Only one rule can select Untagged images per storage class."
AWS_ANY_LAST = "Rule for tagStatus=ANY must have the lowest priority per storage class"


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
        document = loads(text)
    except JsonProblem as exc:
        problems.append(Problem("policy", f"not valid JSON ({exc})"))
        return None, problems
    problems.extend(check_policy(document))
    return (document if isinstance(document, dict) else None), problems


def check_policy(document: Any) -> list[Problem]:
    """Every problem of a parsed policy document (an empty list when it is valid)."""
    if not isinstance(document, dict):
        return [Problem("policy", 'must be a JSON object with a "rules" list')]
    problems = unknown_keys(document, POLICY_KEYS, "")
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
        found = check_rule(rule, f"rules[{index}]")
        problems.extend(found)
        if isinstance(rule, dict):
            checked.append((index, rule))
    problems.extend(_check_across(checked))
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
        if not is_int(priority) or priority < 1:
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


def parse(
    text: str, *, name: str = "lifecycle policy", source: str | None = None
) -> dict[str, Any]:
    """A valid policy document from its text (read from ``source``, a file or ``-``),
    or :class:`PolicyInvalid`."""
    document, problems = check_text(text)
    if problems or document is None:
        raise PolicyInvalid(problems, name=name, source=source)
    return document
