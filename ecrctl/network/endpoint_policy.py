"""Whether a VPC endpoint's policy lets one action through, answered offline.

An endpoint policy is a resource policy on the endpoint: an explicit Deny that
applies wins, then an Allow that applies, else the request is refused. A
statement limited to named principals, to resources ecrctl cannot match, or by a
Condition makes the answer "limited": it holds for some requests only. No policy
at all is the default, full access. Pure.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ecrctl.policy.actions import matches as action_matches

ALLOWED = "allowed"
DENIED = "denied"
NOT_ALLOWED = "not-allowed"
LIMITED = "limited"
UNREADABLE = "unreadable"


@dataclass(frozen=True)
class Verdict:
    decision: str
    reason: str

    @property
    def allowed(self) -> bool:
        return self.decision == ALLOWED


@dataclass(frozen=True)
class Probe:
    """One request through the endpoint: ``resource`` or ``principal`` ``None``
    when not known (any statement narrowed to particular ones is then "limited")."""

    action: str
    resource: str | None = None
    principal: str | None = None


def _listed(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _wildcard(pattern: str, value: str) -> bool:
    """IAM's resource matching: ``*`` and ``?``, case-sensitive."""
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch("".join(parts), value, re.DOTALL) is not None


def _account(arn: str) -> str | None:
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 and parts[4].isdigit() else None


def _principal_scope(principal: Any, probe: str | None) -> str | None:
    """``""``: every principal; ``None``: not the probe's; else why it is limited."""
    if principal == "*":
        return ""
    aws = _listed(principal.get("AWS")) if isinstance(principal, dict) else []
    if "*" in aws:
        return ""
    if probe is None:
        named = ", ".join(aws) or json.dumps(principal)
        return f"only for {named}"
    account = _account(probe)
    for value in aws:
        root = value.startswith("arn:") and value.endswith(f":iam::{account}:root")
        if _wildcard(value, probe) or (account and (value == account or root)):
            return ""
    return None


def _resource_scope(statement: dict[str, Any], probe: str | None) -> str | None:
    if "NotResource" in statement:
        patterns = _listed(statement["NotResource"])
        if probe is None:
            return f"except on {', '.join(patterns)}"
        return None if any(_wildcard(p, probe) for p in patterns) else ""
    patterns = _listed(statement.get("Resource"))
    if "*" in patterns:
        return ""
    if probe is None:
        return f"only on {', '.join(patterns) or 'no resource'}"
    return "" if any(_wildcard(p, probe) for p in patterns) else None


def _action_applies(statement: dict[str, Any], action: str) -> bool:
    if "NotAction" in statement:
        return not any(action_matches(p, action) for p in _listed(statement["NotAction"]))
    return any(action_matches(p, action) for p in _listed(statement.get("Action")))


def _scope(statement: dict[str, Any], probe: Probe) -> str | None:
    """Whether ``statement`` applies to ``probe``: ``None`` no, ``""`` yes, else
    the reason it applies only to some such requests."""
    if not _action_applies(statement, probe.action):
        return None
    limits = []
    for part in (
        _principal_scope(statement.get("Principal", "*"), probe.principal),
        _resource_scope(statement, probe.resource),
    ):
        if part is None:
            return None
        if part:
            limits.append(part)
    if statement.get("Condition"):
        limits.append("under a condition")
    return "; ".join(limits)


def _label(index: int, statement: dict[str, Any]) -> str:
    sid = statement.get("Sid")
    return f'statement "{sid}"' if sid else f"statement #{index + 1}"


def statements(document: str) -> list[dict[str, Any]] | None:
    """The statements of a policy document, or ``None`` when it is not a policy."""
    try:
        parsed = json.loads(document)
    except ValueError:
        return None
    if not isinstance(parsed, dict):
        return None
    raw = parsed.get("Statement", [])
    found = [raw] if isinstance(raw, dict) else raw
    return [s for s in found if isinstance(s, dict)] if isinstance(found, list) else None


def evaluate(document: str | None, probe: Probe) -> Verdict:
    """What ``document`` (an endpoint's PolicyDocument) does to ``probe``."""
    if not document:
        return Verdict(ALLOWED, "no policy: full access")
    found = statements(document)
    if found is None:
        return Verdict(UNREADABLE, "the policy document is not a JSON policy")
    allows: list[tuple[str, str]] = []
    denies: list[tuple[str, str]] = []
    for index, statement in enumerate(found):
        scope = _scope(statement, probe)
        if scope is None:
            continue
        hit = (_label(index, statement), scope)
        (denies if str(statement.get("Effect")) == "Deny" else allows).append(hit)
    for label, scope in denies:
        if not scope:
            return Verdict(DENIED, f"{label} denies {probe.action}")
    if any(not scope for _, scope in allows):
        label = next(label for label, scope in allows if not scope)
        if denies:
            deny_label, deny_scope = denies[0]
            return Verdict(LIMITED, f"{label} allows it, but {deny_label} denies it {deny_scope}")
        return Verdict(ALLOWED, f"{label} allows {probe.action}")
    if allows:
        label, scope = allows[0]
        return Verdict(LIMITED, f"{label} allows {probe.action} {scope}")
    return Verdict(NOT_ALLOWED, f"no statement allows {probe.action}")
