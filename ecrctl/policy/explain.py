"""Who may do what under a repository policy, answered offline.

The evaluation follows IAM for a resource policy: an explicit Deny that applies
wins, then an Allow that applies, else the policy does not grant the action
(an identity policy of the principal may still allow it in the same account).
Statements with a Condition cannot be decided offline: they make the answer
"depends on condition".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ecrctl.errors import InvalidInput
from ecrctl.jsonrecord import record_json
from ecrctl.policy import actions, principals
from ecrctl.policy.principals import Caller

ALLOWED = "allowed"
DENIED = "denied"
NOT_GRANTED = "not granted here"
DEPENDS = "depends on condition"


@dataclass(frozen=True)
class Hit:
    """A statement that applies to the principal and the action."""

    index: int
    sid: str | None
    effect: str
    conditional: bool

    @property
    def label(self) -> str:
        name = f'"{self.sid}"' if self.sid else f"#{self.index + 1}"
        return name + (" (depends on condition)" if self.conditional else "")

    def to_dict(self) -> dict[str, Any]:
        return record_json(self, index="statement")


@dataclass
class ActionAnswer:
    action: str
    decision: str
    statements: list[Hit] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return record_json(self)


@dataclass
class Explanation:
    principal: str
    answers: list[ActionAnswer]
    summary: dict[str, str]
    notes: list[str]

    def to_dict(self) -> dict[str, Any]:
        return record_json(self, answers="results")


def statements_of(document: dict[str, Any]) -> list[dict[str, Any]]:
    raw = document.get("Statement", [])
    items = [raw] if isinstance(raw, dict) else raw
    return [s for s in items if isinstance(s, dict)] if isinstance(items, list) else []


def _values(value: Any) -> list[str]:
    if value == "*":
        return ["*"]
    if isinstance(value, dict):
        return _values_of(value.get("AWS"))
    return []


def principal_applies(statement: dict[str, Any], caller: Caller) -> str:
    """ "yes", "no" or "some" (only a few principals of the caller's account)."""
    if "NotPrincipal" in statement:
        found = {principals.match(caller, p) for p in _values(statement["NotPrincipal"])}
        return "no" if "yes" in found else "some" if "some" in found else "yes"
    found = {principals.match(caller, p) for p in _values(statement.get("Principal"))}
    return "yes" if "yes" in found else "some" if "some" in found else "no"


def action_applies(statement: dict[str, Any], action: str) -> bool:
    if "NotAction" in statement:
        patterns = _values_of(statement["NotAction"])
        return not any(actions.matches(p, action) for p in patterns)
    return any(actions.matches(p, action) for p in _values_of(statement.get("Action")))


def _values_of(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def decide(hits: list[Hit]) -> str:
    denies = [h for h in hits if h.effect == "Deny"]
    allows = [h for h in hits if h.effect == "Allow"]
    if any(not h.conditional for h in denies):
        return DENIED
    if not allows:
        return NOT_GRANTED
    if denies or all(h.conditional for h in allows):
        return DEPENDS
    return ALLOWED


def answer(document: dict[str, Any], caller: Caller, action: str) -> ActionAnswer:
    hits = []
    for index, statement in enumerate(statements_of(document)):
        if principal_applies(statement, caller) != "yes" or not action_applies(statement, action):
            continue
        sid = statement.get("Sid")
        hits.append(
            Hit(
                index,
                sid if isinstance(sid, str) else None,
                str(statement.get("Effect")),
                "Condition" in statement,
            )
        )
    decision = decide(hits)
    shown = [h for h in hits if decision != DENIED or (h.effect == "Deny" and not h.conditional)]
    return ActionAnswer(action, decision, shown)


def resolve_actions(requested: list[str]) -> list[str]:
    """``--action`` values: names with or without ``ecr:``, wildcards, or pull/push."""
    if not requested:
        return list(actions.PUSH_PULL)
    resolved: list[str] = []
    for raw in requested:
        if raw.lower() in ("pull", "push"):
            found = list(actions.PULL if raw.lower() == "pull" else actions.PUSH)
        else:
            name = raw if raw.lower().startswith(actions.PREFIX) else actions.PREFIX + raw
            found = actions.expand(name)
        if not found:
            raise InvalidInput(
                f"unknown ECR action {raw!r}",
                hint="use an API operation name such as ecr:BatchGetImage, a wildcard, "
                "or pull/push",
            )
        resolved.extend(a for a in found if a not in resolved)
    return resolved


def _combine(decisions: list[str]) -> str:
    if DENIED in decisions:
        return DENIED
    if all(d == ALLOWED for d in decisions):
        return ALLOWED
    if NOT_GRANTED in decisions:
        return NOT_GRANTED
    return DEPENDS


def explain(
    document: dict[str, Any],
    principal: str,
    requested: list[str] | None = None,
    *,
    registry_account: str | None = None,
) -> Explanation:
    """Answer, per action, whether ``principal`` may perform it on this repository."""
    caller = principals.parse_caller(principal)
    wanted = resolve_actions(list(requested or []))
    answers = [answer(document, caller, action) for action in wanted]
    by_action = {a.action: a.decision for a in answers}
    summary: dict[str, str] = {}
    if not requested:
        summary = {
            "pull": _combine([by_action[a] for a in actions.PULL]),
            "push": _combine([by_action[a] for a in actions.PUSH]),
        }
    return Explanation(caller.label, answers, summary, _notes(document, caller, registry_account))


def _notes(document: dict[str, Any], caller: Caller, registry_account: str | None) -> list[str]:
    notes = []
    for index, statement in enumerate(statements_of(document)):
        if principal_applies(statement, caller) == "some":
            sid = statement.get("Sid")
            name = f'"{sid}"' if isinstance(sid, str) else f"#{index + 1}"
            notes.append(
                f"statement {name} names particular principals of account {caller.account}, "
                "not the whole account: explain one of them with --principal ARN"
            )
    if registry_account and registry_account != caller.account:
        notes.append(
            f"{caller.label} is outside the registry's account {registry_account}: "
            "an IAM policy in its own account must allow the action too"
        )
    elif registry_account:
        notes.append(
            "within the registry's account, an IAM policy may also allow what this "
            "policy does not grant (an explicit Deny here still wins)"
        )
    notes.append(
        f"{actions.AUTH_TOKEN} (needed to log in, push and pull) comes from an IAM policy only"
    )
    return notes


def lockout_problem(document: dict[str, Any], caller_arn: str, registry_account: str) -> str | None:
    """Why writing ``document`` would stop the caller from changing the policy again."""
    caller = principals.parse_caller(caller_arn)
    result = answer(document, caller, actions.SET_POLICY)
    denies = [h for h in result.statements if h.effect == "Deny"]
    which = ", ".join(h.label.removesuffix(" (depends on condition)") for h in denies)
    if result.decision == DENIED:
        return (
            f"this policy denies {actions.SET_POLICY} to {caller.label} (statement {which}): "
            "you could not change it afterwards"
        )
    if denies:
        return (
            f"this policy may deny {actions.SET_POLICY} to {caller.label} (statement {which}, "
            "depending on its Condition): you might not be able to change it afterwards"
        )
    if caller.account != registry_account and result.decision != ALLOWED:
        return (
            f"this policy does not allow {actions.SET_POLICY} to {caller.label}, which is "
            f"outside the registry's account {registry_account}: "
            "you could not change it afterwards"
        )
    return None
