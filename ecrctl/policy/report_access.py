"""What ``policy test`` answers: per action the decision, the statements that
made it and why, the policies read, and IAM's simulated decisions beside
ecrctl's when they were asked for; as data for ``-o json`` and the table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ecrctl.policy.evaluate import ALLOWED, DEPENDS, EXPLICIT_DENY, IMPLICIT_DENY, PolicyDecision
from ecrctl.policy.matching import Inputs

if TYPE_CHECKING:
    from ecrctl.policy.simulate import Simulation


@dataclass(frozen=True)
class Repository:
    name: str
    registry_id: str
    arn: str
    policy_text: str | None
    tags: dict[str, str] | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "repositoryName": self.name,
            "registryId": self.registry_id,
            "repositoryArn": self.arn,
            "hasRepositoryPolicy": self.policy_text is not None,
        }


def combine(decisions: list[str]) -> str:
    """One decision for a set of actions (the pull or push set)."""
    if EXPLICIT_DENY in decisions:
        return EXPLICIT_DENY
    if all(d == ALLOWED for d in decisions):
        return ALLOWED
    return IMPLICIT_DENY if IMPLICIT_DENY in decisions else DEPENDS


@dataclass
class AccessReport:
    inputs: Inputs
    repository: Repository
    decisions: list[PolicyDecision]
    summary: dict[str, str]
    notes: list[str] = field(default_factory=list)
    simulation: Simulation | None = None
    ecrctl_compared: dict[str, str] = field(default_factory=dict)  # action -> ecrctl's decision

    @property
    def allowed(self) -> bool:
        return all(d.decision == ALLOWED for d in self.decisions)

    def compare(self, simulation: Simulation, own: list[PolicyDecision]) -> None:
        """Keep IAM's answers, and ecrctl's answers over the same policies."""
        self.simulation = simulation
        self.ecrctl_compared = {d.action: d.decision for d in own}

    def differences(self) -> list[str]:
        """The actions where IAM and ecrctl disagree."""
        if self.simulation is None or self.simulation.error:
            return []
        return [
            action
            for action, mine in self.ecrctl_compared.items()
            if action in self.simulation.results
            and self.simulation.results[action].decision != mine
        ]

    def policies(self) -> list[dict[str, Any]]:
        inputs = self.inputs
        found = [*inputs.identity, *([inputs.boundary] if inputs.boundary else [])]
        if inputs.repository_policy is not None:
            found.append(inputs.repository_policy)
        return [p.to_dict() for p in found]

    def _result(self, decision: PolicyDecision) -> dict[str, Any]:
        result = decision.to_dict()
        simulation = self.simulation
        if simulation is not None and not simulation.error:
            iam = simulation.results.get(decision.action)
            mine = self.ecrctl_compared.get(decision.action)
            result["simulated"] = (
                None
                if iam is None
                else {
                    **iam.to_dict(),
                    "ecrctlDecision": mine,
                    "agrees": iam.decision == mine,
                }
            )
        return result

    def to_dict(self) -> dict[str, Any]:
        principal = self.inputs.principal
        simulation = None
        if self.simulation is not None:
            simulation = {
                "scope": self.simulation.scope,
                "error": self.simulation.error,
                "differences": self.differences(),
            }
        return {
            "principal": {
                "arn": principal.arn,
                "account": principal.account,
                "type": principal.kind,
                "sessionArn": principal.session_arn,
            },
            "repository": self.repository.to_dict(),
            "policies": self.policies(),
            "results": [self._result(d) for d in self.decisions],
            "summary": self.summary,
            "allowed": self.allowed,
            "simulation": simulation,
            "notes": self.notes,
        }
