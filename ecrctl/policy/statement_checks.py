"""Checks of one statement: its Sid (unique across the document), its elements,
Effect, Action and Resource, and the warnings an Allow earns in a repository
policy. Principal and Condition have their own modules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ecrctl.lifecycle.problems import quoted
from ecrctl.policy import actions
from ecrctl.policy.condition_checks import check_condition
from ecrctl.policy.principal_checks import check_principal
from ecrctl.policy.report import ValidationReport, Where

STATEMENT_KEYS = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
_MANY = 6
_STRINGS = "must be a string or a non-empty list of strings"


@dataclass
class Seen:
    """What the earlier statements of the document established."""

    sids: dict[str, int] = field(default_factory=dict)  # Sid -> first position
    reminded: bool = False  # the GetAuthorizationToken reminder was given


def check_statement(report: ValidationReport, index: int, statement: Any, seen: Seen) -> None:
    if not isinstance(statement, dict):
        Where(report, index).error("Statement", f"must be an object, not {quoted(statement)}")
        return
    sid = statement.get("Sid")
    where = Where(report, index, sid if isinstance(sid, str) else None)
    if "Sid" in statement:
        _check_sid(sid, where, seen)
    for key in statement:
        if key not in STATEMENT_KEYS:
            where.error(key, "unknown element; a statement has " + ", ".join(STATEMENT_KEYS))
    _check_effect(statement, where)
    check_principal(statement, where)
    _check_action(statement, where)
    _check_resource(statement, where)
    if "Condition" in statement:
        check_condition(statement["Condition"], where)
    if where.kind == "repository" and statement.get("Effect") == "Allow":
        _allow_warnings(statement, where, seen)


def _check_sid(sid: Any, where: Where, seen: Seen) -> None:
    assert where.index is not None
    if not isinstance(sid, str):
        where.error("Sid", f"must be a string, not {quoted(sid)}")
    elif sid in seen.sids:
        where.error("Sid", f"duplicate: statement #{seen.sids[sid] + 1} has it too")
    else:
        seen.sids[sid] = where.index


def _check_effect(statement: dict[str, Any], where: Where) -> None:
    if "Effect" not in statement:
        where.error("Effect", 'missing: use "Allow" or "Deny"')
        return
    effect = statement["Effect"]
    if effect in ("Allow", "Deny"):
        return
    fix = ""
    if isinstance(effect, str) and effect.capitalize() in ("Allow", "Deny"):
        fix = f' (write "{effect.capitalize()}")'
    where.error("Effect", f'{quoted(effect)} is not "Allow" or "Deny"{fix}')


def _string_list(value: Any) -> list[str] | None:
    """A string or a non-empty list of strings, as a list; None when it is neither."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
        return None
    return items


def _check_action(statement: dict[str, Any], where: Where) -> None:
    has = [k for k in ("Action", "NotAction") if k in statement]
    if not has:
        where.error("Action", "missing: list the ecr: actions, e.g. ecr:BatchGetImage")
        return
    if len(has) == 2:
        where.error("NotAction", "cannot be combined with Action")
    for key in has:
        items = _string_list(statement[key])
        if items is None:
            where.error(key, _STRINGS)
            continue
        for item in items:
            problem = action_problem(item, where.kind)
            if problem:
                where.error(key, f"{quoted(item)} {problem}")
            elif where.kind == "repository" and item.lower() == actions.AUTH_TOKEN.lower():
                where.warning(
                    key,
                    f"{quoted(item)} has no effect in a repository policy: "
                    "grant it in an IAM policy",
                )


def action_problem(item: str, kind: str) -> str | None:
    """Why ``item`` is not an action a policy of ``kind`` may name (None when it is)."""
    if not item.lower().startswith(actions.PREFIX):
        if kind == "iam":
            return None
        if item == "*":
            return 'covers every AWS service: use "ecr:*"'
        return "is not an ECR action: a repository policy takes ecr: actions only"
    if "*" in item or "?" in item:
        return None if actions.expand(item) else "matches no ECR action"
    if actions.canonical_action(item):
        return None
    guess = actions.suggest(item)
    return "is not an ECR action" + (f" (did you mean {quoted(guess)}?)" if guess else "")


def _check_resource(statement: dict[str, Any], where: Where) -> None:
    has = [k for k in ("Resource", "NotResource") if k in statement]
    for key in has:
        if _string_list(statement[key]) is None:
            where.error(key, _STRINGS)
        elif where.kind == "repository":
            where.error(
                key,
                "not allowed in a repository policy (ECR answers 'Invalid repository policy "
                "provided'): it applies to its own repository; remove it",
            )
    if where.kind == "iam" and not has:
        where.error("Resource", 'missing: use "*" or repository ARNs')
    if where.kind == "registry" and not has:
        where.error(
            "Resource",
            "missing: name this registry's repositories, e.g. "
            '"arn:aws:ecr:REGION:ACCOUNT:repository/*"',
        )


def granted_actions(statement: dict[str, Any]) -> set[str]:
    """The ECR actions a statement's Action or NotAction covers."""
    if "NotAction" in statement:
        excluded = {a for p in _strings(statement["NotAction"]) for a in actions.expand(p)}
        return set(actions.ecr_actions()) - excluded
    return {a for p in _strings(statement.get("Action")) for a in actions.expand(p)}


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _describe(granted: set[str]) -> str:
    if granted == set(actions.ecr_actions()):
        return "every ECR action"
    if len(granted) > _MANY:
        return f"{len(granted)} ECR actions"
    return ", ".join(sorted(granted))


def _services_only(principal: Any) -> bool:
    """Only AWS service principals: they need no ecr:GetAuthorizationToken from IAM."""
    return isinstance(principal, dict) and set(principal) == {"Service"}


def _allow_warnings(statement: dict[str, Any], where: Where, seen: Seen) -> None:
    granted = granted_actions(statement)
    principal = statement.get("Principal")
    public = principal == "*" or (
        isinstance(principal, dict) and "*" in _strings(principal.get("AWS"))
    )
    if public and "Condition" not in statement and granted:
        where.warning(
            "Principal",
            f'"*" with no Condition: anyone with an AWS account can use {_describe(granted)}'
            "; add a Condition (e.g. aws:PrincipalOrgID) to narrow it",
        )
    if not seen.reminded and granted & set(actions.PUSH_PULL) and not _services_only(principal):
        seen.reminded = True
        where.warning(
            "Action",
            "grants image push/pull actions; the principals also need "
            "ecr:GetAuthorizationToken from an IAM policy "
            "(a repository policy cannot grant it)",
        )
