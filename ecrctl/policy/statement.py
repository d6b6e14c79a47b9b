"""A repository-policy statement built from ``add-statement``'s options: the
Effect normalised, principals split into AWS and Service, and the guide's
pull/push action sets expanded. Checked before any call to AWS.
"""

from __future__ import annotations

from typing import Any

from ecrctl.errors import InvalidInput
from ecrctl.jsonstrict import load_input
from ecrctl.policy import actions
from ecrctl.policy.principals import SERVICE_PRINCIPAL, principal_problem


def build_statement(
    sid: str,
    effect: str,
    principals: list[str],
    action_list: list[str],
    condition: str | None = None,
) -> dict[str, Any]:
    """A statement from add-statement's options (checked before any call)."""
    if not sid:
        raise InvalidInput("--sid must not be empty", hint="e.g. --sid AllowPull")
    normalized = effect.capitalize()
    if normalized not in ("Allow", "Deny"):
        raise InvalidInput(f"invalid --effect {effect!r}", hint="use Allow or Deny")
    statement: dict[str, Any] = {
        "Sid": sid,
        "Effect": normalized,
        "Principal": _principal(principals),
        "Action": _actions(action_list),
    }
    if condition is not None:
        statement["Condition"] = load_input(
            condition,
            "--condition",
            hint='e.g. --condition \'{"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}\'',
        )
    return statement


def _principal(values: list[str]) -> Any:
    if not values:
        raise InvalidInput(
            "add-statement needs at least one --principal", hint='e.g. --principal "*"'
        )
    if "*" in values:
        if len(values) > 1:
            raise InvalidInput('--principal "*" already covers everyone', hint="give it alone")
        return "*"
    aws = [v for v in values if not SERVICE_PRINCIPAL.fullmatch(v)]
    services = [v for v in values if SERVICE_PRINCIPAL.fullmatch(v)]
    for value in aws:
        problem = principal_problem(value)
        if problem:
            raise InvalidInput(f"invalid --principal {value!r}: it {problem}")
    principal: dict[str, Any] = {}
    if aws:
        principal["AWS"] = aws[0] if len(aws) == 1 else aws
    if services:
        principal["Service"] = services[0] if len(services) == 1 else services
    return principal


def _actions(values: list[str]) -> list[str]:
    if not values:
        raise InvalidInput("add-statement needs at least one --action", hint="e.g. --action pull")
    result: list[str] = []
    for value in values:
        if value.lower() in ("pull", "push"):
            expanded = list(actions.PULL if value.lower() == "pull" else actions.PUSH)
        elif ":" not in value:
            expanded = [actions.PREFIX + value]
        else:
            expanded = [value]
        result.extend(a for a in expanded if a not in result)
    return result
