"""Which statements of a principal's policies apply to one request: the
principal, the policies and the request as values, and the matching of
Principal, Action, Resource (ARN wildcards, policy variables) and Condition,
with their Not- forms. Pure; :mod:`ecrctl.policy.evaluate` decides from the
matches.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ecrctl.jsonrecord import record_json
from ecrctl.policy import actions
from ecrctl.policy.conditions import (
    Context,
    Outcome,
    arn_like,
    both,
    evaluate_condition,
    substitute,
)

IDENTITY, BOUNDARY, RESOURCE = "identity", "boundary", "resource"


@dataclass(frozen=True)
class Principal:
    """An IAM user or role (``arn`` with its path); ``session_arn`` when a role
    session was asked about."""

    arn: str
    account: str
    kind: str  # "user" | "role"
    name: str
    session_arn: str | None = None
    tags: Mapping[str, str] | None = None  # None: not known


@dataclass(frozen=True)
class Policy:
    """One policy document and where it comes from."""

    name: str
    kind: str  # IDENTITY, BOUNDARY or RESOURCE
    attached_to: str  # "role/ci", "group/dev", "user/alice", "repository team/app"
    document: Mapping[str, Any]
    arn: str | None = None  # managed policies
    inline: bool = False

    def to_dict(self) -> dict[str, Any]:
        return record_json(self, "name", "kind", "attached_to", "arn", "inline", kind="type")


@dataclass(frozen=True)
class Inputs:
    principal: Principal
    identity: tuple[Policy, ...] = ()
    boundary: Policy | None = None
    repository_policy: Policy | None = None


@dataclass(frozen=True)
class Request:
    action: str
    resource: str  # the repository ARN, or "*" (an action with no resource)
    resource_account: str | None  # None: no resource
    context: Context = field(default_factory=Context)


@dataclass(frozen=True)
class Match:
    """A statement that applies (or may apply: ``unknown`` names its open conditions)."""

    policy: Policy
    index: int
    sid: str | None
    effect: str
    unknown: tuple[str, ...] = ()
    grantee: str | None = None  # repository policy: "*", "account", "user", "role", "session"

    @property
    def label(self) -> str:
        where = f'"{self.sid}"' if self.sid else f"#{self.index + 1}"
        return f"{self.policy.name} {where}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy": self.policy.name,
            "policyType": self.policy.kind,
            "attachedTo": self.policy.attached_to,
            "statement": self.index,
            "sid": self.sid,
            "effect": self.effect,
            "conditions": list(self.unknown),
        }


def statements_of(document: Mapping[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    raw = document.get("Statement", [])
    items = [raw] if isinstance(raw, dict) else raw if isinstance(raw, list) else []
    return [(i, s) for i, s in enumerate(items) if isinstance(s, dict)]


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _action_applies(statement: Mapping[str, Any], action: str) -> bool:
    if "NotAction" in statement:
        return not any(actions.matches(p, action) for p in _strings(statement["NotAction"]))
    return any(actions.matches(p, action) for p in _strings(statement.get("Action")))


def _resource_applies(statement: Mapping[str, Any], request: Request) -> Outcome:
    """Resource / NotResource against the request's resource; none: applies (a
    repository policy's statements name no resource)."""
    negated = "NotResource" in statement
    patterns = _strings(statement.get("NotResource" if negated else "Resource"))
    if not negated and "Resource" not in statement:
        return Outcome(True)
    found: list[Outcome] = []
    for pattern in patterns:
        text, unknown = substitute(pattern, request.context) if "${" in pattern else (pattern, ())
        if text is None:
            found.append(Outcome(None, tuple(f"Resource ${{{u}}}" for u in unknown)))
        else:
            found.append(Outcome(_resource_matches(text, request.resource)))
    if any(o.result for o in found):
        return Outcome(not negated)
    unknown = tuple(u for o in found for u in o.unknown)
    return Outcome(None, unknown) if unknown else Outcome(negated)


def _resource_matches(pattern: str, resource: str) -> bool:
    if resource == "*":  # no resource: only "*" covers it
        return pattern == "*"
    return arn_like(pattern, resource)


def _principal_values(value: Any) -> list[str]:
    if value == "*":
        return ["*"]
    return _strings(value.get("AWS")) if isinstance(value, dict) else []


def grantee(value: str, principal: Principal) -> str | None:
    """How a Principal value names ``principal``: "*", "account", "user", "role",
    "session", or None (it does not)."""
    if value == "*":
        return "*"
    if value in (principal.account, f"{_iam_prefix(principal)}root"):
        return "account"
    if principal.session_arn and value == principal.session_arn:
        return "session"
    if value == principal.arn or _same_role(value, principal):
        return principal.kind
    return None


def _iam_prefix(principal: Principal) -> str:
    """``arn:PARTITION:iam::ACCOUNT:``, in the principal's partition."""
    partition = principal.arn.split(":")[1] if principal.arn.count(":") >= 5 else "aws"
    return f"arn:{partition}:iam::{principal.account}:"


def _same_role(value: str, principal: Principal) -> bool:
    """A role ARN written without the role's path still names the role."""
    prefix = f"{_iam_prefix(principal)}role/"
    return principal.kind == "role" and value == prefix + principal.name


def _principal_applies(
    statement: Mapping[str, Any], principal: Principal, has_boundary: bool
) -> str | None:
    if "NotPrincipal" in statement:
        if statement.get("Effect") == "Deny" and has_boundary:
            return "*"  # IAM: a NotPrincipal Deny always denies a principal with a boundary
        names = [grantee(v, principal) for v in _principal_values(statement["NotPrincipal"])]
        return None if any(n is not None for n in names) else "*"
    for value in _principal_values(statement.get("Principal")):
        found = grantee(value, principal)
        if found:
            return found
    return None


def matches(inputs: Inputs, request: Request) -> list[Match]:
    """Every statement that applies or may apply to the request."""
    policies = [*inputs.identity, *([inputs.boundary] if inputs.boundary else [])]
    if inputs.repository_policy is not None and request.resource_account is not None:
        policies.append(inputs.repository_policy)
    found = []
    for policy in policies:
        for index, statement in statements_of(policy.document):
            match = _match(policy, index, statement, inputs, request)
            if match is not None:
                found.append(match)
    return found


def _match(
    policy: Policy, index: int, statement: dict[str, Any], inputs: Inputs, request: Request
) -> Match | None:
    effect = statement.get("Effect")
    if effect not in ("Allow", "Deny") or not _action_applies(statement, request.action):
        return None
    who = None
    if policy.kind == RESOURCE:
        who = _principal_applies(statement, inputs.principal, inputs.boundary is not None)
        if who is None:
            return None
    outcome = both(
        [
            _resource_applies(statement, request),
            evaluate_condition(statement["Condition"], request.context)
            if "Condition" in statement
            else Outcome(True),
        ]
    )
    if outcome.result is False:
        return None
    sid = statement.get("Sid")
    return Match(
        policy, index, sid if isinstance(sid, str) else None, str(effect), outcome.unknown, who
    )
