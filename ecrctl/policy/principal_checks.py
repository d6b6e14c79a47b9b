"""Checks of a statement's Principal and NotPrincipal: present in a repository
policy, absent from an IAM policy, and made of AWS principals or service names."""

from __future__ import annotations

from typing import Any

from ecrctl.lifecycle.problems import quoted
from ecrctl.policy.principals import SERVICE_PRINCIPAL, principal_problem
from ecrctl.policy.report import Where

_KEYS = ("Principal", "NotPrincipal")


def check_principal(statement: dict[str, Any], where: Where) -> None:
    has = [k for k in _KEYS if k in statement]
    if where.kind == "iam":
        for key in has:
            where.error(
                key, "an IAM policy has no principal: it applies to whoever it is attached to"
            )
        return
    if not has:
        where.error(
            "Principal",
            'missing: name who the statement applies to, e.g. {"AWS": "111122223333"}',
        )
        return
    if len(has) == 2:
        where.error("NotPrincipal", "cannot be combined with Principal")
    for key in has:
        _check_value(key, statement[key], where)


def _check_value(key: str, value: Any, where: Where) -> None:
    if value == "*":
        return
    if not isinstance(value, dict) or not value:
        where.error(
            key, f'{quoted(value)} must be "*" or an object such as {{"AWS": "111122223333"}}'
        )
        return
    for kind, members in value.items():
        if kind not in ("AWS", "Service"):
            where.error(key, f'unknown principal type {quoted(kind)}: use "AWS" or "Service"')
            continue
        items = [members] if isinstance(members, str) else members
        if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
            where.error(f"{key}.{kind}", "must be a string or a non-empty list of strings")
            continue
        for item in items:
            _check_member(key, kind, item, where)


def _check_member(key: str, kind: str, item: str, where: Where) -> None:
    if kind == "AWS":
        problem = principal_problem(item)
        if problem:
            where.error(f"{key}.AWS", f"{quoted(item)} {problem}")
    elif not SERVICE_PRINCIPAL.fullmatch(item):
        where.error(
            f"{key}.Service",
            f'{quoted(item)} is not a service principal such as "ecs.amazonaws.com"',
        )
