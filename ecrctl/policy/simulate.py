"""IAM's own answer, for comparison: SimulatePrincipalPolicy for the principal,
the actions and the repository.

IAM's simulator takes a resource policy only when the simulated caller is an
IAM user (its ``CallerArn`` must be a user), so for a role it is asked about
the identity policies (and boundary) alone, and ecrctl compares that with its
own identity-side answer. ``ecr:GetAuthorizationToken`` is simulated without a
resource. Whatever goes wrong is reported as the simulation's error, never as
the command's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ecrctl.aws.access import items
from ecrctl.policy import actions
from ecrctl.policy.conditions import Values
from ecrctl.policy.matching import Principal

WITH_REPOSITORY = "identity and repository policies"
IDENTITY_ONLY = "identity policies only"


@dataclass(frozen=True)
class Simulated:
    """One EvaluationResults entry."""

    decision: str  # allowed | explicitDeny | implicitDeny
    matched: tuple[dict[str, Any], ...] = ()
    missing: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "matchedStatements": list(self.matched),
            "missingContextValues": list(self.missing),
        }


@dataclass
class Simulation:
    scope: str
    results: dict[str, Simulated] = field(default_factory=dict)
    error: str | None = None


def _entries(given: Mapping[str, Values]) -> list[dict[str, Any]]:
    return [
        {
            "ContextKeyName": key,
            "ContextKeyValues": list(values),
            "ContextKeyType": "string" if len(values) == 1 else "stringList",
        }
        for key, values in given.items()
    ]


def _statement(matched: dict[str, Any]) -> dict[str, Any]:
    return {
        "sourcePolicyId": matched.get("SourcePolicyId"),
        "sourcePolicyType": matched.get("SourcePolicyType"),
    }


def _results(iam: Any, **kwargs: Any) -> dict[str, Simulated]:
    found = {}
    for result in items(iam, "simulate_principal_policy", "EvaluationResults", **kwargs):
        found[str(result.get("EvalActionName"))] = Simulated(
            str(result.get("EvalDecision")),
            tuple(
                {
                    "sourcePolicyId": m.get("SourcePolicyId"),
                    "sourcePolicyType": m.get("SourcePolicyType"),
                }
                for m in result.get("MatchedStatements") or []
            ),
            tuple(str(k) for k in result.get("MissingContextValues") or []),
        )
    return found


def simulate(
    iam: Any,
    principal: Principal,
    action_list: list[str],
    repository_arn: str,
    policy_text: str | None,
    given: Mapping[str, Values],
) -> Simulation:
    """IAM's decisions for ``action_list`` (see the module's note on roles)."""
    from ecrctl.errors import EcrctlError
    from ecrctl.translate import translate

    with_policy = principal.kind == "user" and policy_text is not None
    simulation = Simulation(WITH_REPOSITORY if with_policy else IDENTITY_ONLY)
    common: dict[str, Any] = {"PolicySourceArn": principal.arn}
    if given:
        common["ContextEntries"] = _entries(given)
    on_repository = [a for a in action_list if a != actions.AUTH_TOKEN]
    try:
        if on_repository:
            extra: dict[str, Any] = {"ResourceArns": [repository_arn]}
            if with_policy:
                parts = repository_arn.split(":")
                extra["ResourcePolicy"] = policy_text
                extra["ResourceOwner"] = f"arn:{parts[1]}:iam::{parts[4]}:root"
            simulation.results.update(_results(iam, **common, **extra, ActionNames=on_repository))
        if actions.AUTH_TOKEN in action_list:
            simulation.results.update(_results(iam, **common, ActionNames=[actions.AUTH_TOKEN]))
    except Exception as exc:  # a comparison: its failure is reported, never the command's
        error = translate(exc)
        simulation.error = (
            error.one_line()
            if isinstance(error, EcrctlError)
            else f"unexpected {type(exc).__name__}: {exc}"
        )
    return simulation
