"""Can this principal do this action on this repository: AWS's policy evaluation
over parsed documents, offline and pure.

The inputs are the principal (an IAM user or role), its identity policies
(managed and inline, its groups' included), its permissions boundary, the
repository policy and the request (action, repository ARN, condition keys).
The rules (IAM User Guide, "Policy evaluation logic"):

- an explicit Deny that applies, in any of these policies, wins;
- within one account, an Allow in the identity policies (and, when there is a
  permissions boundary, in the boundary too) suffices, and so does an Allow in
  the repository policy that names the principal: a user, its ARN or ``"*"``;
  a role, only its session ARN (a grant to the role ARN or ``"*"`` is limited by
  the role's boundary); a grant to the account delegates to the identity
  policies;
- across accounts, both the identity side and the repository policy must allow;
- ``ecr:GetAuthorizationToken`` has no resource: only the identity side counts.

A statement whose Condition cannot be decided offline is *conditional*: the
answer is worked out with every such Allow holding and every such Deny not
holding, then the other way round; when the two disagree the decision is
"depends", naming the conditions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ecrctl.jsonrecord import record_json
from ecrctl.policy.conditions import Context, Values
from ecrctl.policy.matching import (
    BOUNDARY,
    IDENTITY,
    RESOURCE,
    Inputs,
    Match,
    Principal,
    Request,
    matches,
)

ALLOWED = "allowed"
EXPLICIT_DENY = "explicitDeny"
IMPLICIT_DENY = "implicitDeny"
DEPENDS = "depends"


@dataclass
class PolicyDecision:
    action: str
    decision: str
    statements: list[Match]
    reasons: list[str]
    conditions: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return record_json(self)


@dataclass(frozen=True)
class _Sides:
    """Which allows hold in one scenario (a choice for every conditional statement)."""

    deny: list[Match]
    identity: list[Match]
    boundary: list[Match]
    resource: list[Match]


def _sides(found: list[Match], holds: Callable[[Match], bool]) -> _Sides:
    active = [m for m in found if not m.unknown or holds(m)]
    allows = [m for m in active if m.effect == "Allow"]
    return _Sides(
        [m for m in active if m.effect == "Deny"],
        [m for m in allows if m.policy.kind == IDENTITY],
        [m for m in allows if m.policy.kind == BOUNDARY],
        [m for m in allows if m.policy.kind == RESOURCE],
    )


def _repository_grants(sides: _Sides, inputs: Inputs, same_account: bool) -> list[Match]:
    """The repository policy's Allows that grant on their own (see the module's rules)."""
    if not same_account:
        return sides.resource
    unbounded = inputs.boundary is None or bool(sides.boundary)
    user = inputs.principal.kind == "user"

    def grants(match: Match) -> bool:
        if match.grantee == "session" or (user and match.grantee in ("user", "*")):
            return True
        return match.grantee in ("role", "*") and unbounded

    return [m for m in sides.resource if grants(m)]


def _identity_allows(sides: _Sides, inputs: Inputs) -> bool:
    return bool(sides.identity) and (inputs.boundary is None or bool(sides.boundary))


def _allowed(sides: _Sides, inputs: Inputs, request: Request) -> bool:
    if sides.deny:
        return False
    identity = _identity_allows(sides, inputs)
    if request.resource_account is None:
        return identity
    same = request.resource_account == inputs.principal.account
    repository = bool(_repository_grants(sides, inputs, same))
    return (identity or repository) if same else (identity and repository)


def evaluate(inputs: Inputs, request: Request) -> PolicyDecision:
    """The decision for one action, with the statements that made it and why."""
    found = matches(inputs, request)
    worst = _sides(found, lambda m: m.effect == "Deny")
    best = _sides(found, lambda m: m.effect == "Allow")
    if _allowed(worst, inputs, request):
        return PolicyDecision(request.action, ALLOWED, _granting(worst, inputs, request), [])
    if best.deny:
        return PolicyDecision(request.action, EXPLICIT_DENY, best.deny, [_deny_reason(best.deny)])
    if not _allowed(best, inputs, request):
        return PolicyDecision(
            request.action, IMPLICIT_DENY, _partial(best), _missing(best, inputs, request)
        )
    open_ = [m for m in found if m.unknown]
    conditions = list(dict.fromkeys(u for m in open_ for u in m.unknown))
    shown = [*_granting(best, inputs, request), *[m for m in open_ if m.effect == "Deny"]]
    reasons = _missing(worst, inputs, request) if not worst.deny else []
    return PolicyDecision(request.action, DEPENDS, shown, reasons, conditions)


def _granting(sides: _Sides, inputs: Inputs, request: Request) -> list[Match]:
    identity = sides.identity + sides.boundary if _identity_allows(sides, inputs) else []
    if request.resource_account is None:
        return identity
    same = request.resource_account == inputs.principal.account
    return identity + _repository_grants(sides, inputs, same)


def _partial(sides: _Sides) -> list[Match]:
    """The Allows found, though not enough on their own."""
    return sides.identity + sides.boundary + sides.resource


def _deny_reason(denies: list[Match]) -> str:
    kinds = {m.policy.kind: m for m in denies}
    where = ", ".join(
        {IDENTITY: "an identity policy", BOUNDARY: "the permissions boundary"}.get(
            k, "the repository policy"
        )
        for k in kinds
    )
    return f"explicitly denied by {where}"


def _missing(sides: _Sides, inputs: Inputs, request: Request) -> list[str]:
    """Why the Allows of ``sides`` are not enough, one sentence per missing part."""
    reasons = []
    if not sides.identity:
        reasons.append("no identity policy allows it")
    elif inputs.boundary is not None and not sides.boundary:
        reasons.append(f"the permissions boundary {inputs.boundary.name} does not allow it")
    if request.resource_account is None:
        return reasons
    same = request.resource_account == inputs.principal.account
    if inputs.repository_policy is None:
        reasons.append("the repository has no repository policy")
    elif not sides.resource:
        reasons.append("the repository policy does not allow it")
    elif same and not _repository_grants(sides, inputs, same):
        reasons.append(_why_resource_short(sides.resource, inputs))
    if not same:
        reasons.append(
            f"the repository is in account {request.resource_account}, the principal in "
            f"{inputs.principal.account}: across accounts both sides must allow"
        )
    return reasons


def _why_resource_short(grants: list[Match], inputs: Inputs) -> str:
    if all(m.grantee == "account" for m in grants):
        return (
            "the repository policy allows the whole account, which leaves the decision "
            "to the identity policies"
        )
    return (
        "the repository policy allows the role (not a session of it), which its "
        "permissions boundary limits"
    )


def context_for(
    principal: Principal,
    resource: str,
    *,
    resource_tags: Mapping[str, str] | None = None,
    given: Mapping[str, Values] | None = None,
) -> Context:
    """The condition keys ecrctl knows for a request by ``principal`` on ``resource``
    (an ECR ARN or ``"*"``), overridden by ``given`` (``--context``)."""
    values: dict[str, Values] = {
        "aws:principalaccount": (principal.account,),
        "aws:principalarn": (principal.arn,),
        "aws:principaltype": ("User" if principal.kind == "user" else "AssumedRole",),
        "aws:principalisawsservice": ("false",),
        "aws:securetransport": ("true",),  # ECR's endpoints are HTTPS only
    }
    absent = {"aws:principalservicename"}
    if principal.kind == "user":
        values["aws:username"] = (principal.name,)
    else:
        absent.add("aws:username")
    complete = []
    if principal.tags is not None:
        complete.append("aws:principaltag/")
        values.update({f"aws:principaltag/{k}".lower(): (v,) for k, v in principal.tags.items()})
    parts = resource.split(":")
    if len(parts) >= 6:
        values["aws:requestedregion"] = (parts[3],)
        values["aws:resourceaccount"] = (parts[4],)
    if resource_tags is not None:
        complete += ["aws:resourcetag/", "ecr:resourcetag/"]
        for key, value in resource_tags.items():
            values[f"aws:resourcetag/{key}".lower()] = (value,)
            values[f"ecr:resourcetag/{key}".lower()] = (value,)
    for key, given_values in (given or {}).items():
        values[key.lower()] = tuple(given_values)
        absent.discard(key.lower())
    return Context(values, frozenset(absent), tuple(complete))
