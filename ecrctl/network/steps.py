"""The steps of ``ecrctl network create``: what each creates or changes, why one is
held, its status once run, and the plan's JSON (docs/output.md). Pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ecrctl import batch
from ecrctl.network.model import NetworkFacts

CREATE = "create"
CHANGE = "change"
MANUAL = "manual"
PLANNED = "planned"
SKIPPED = "skipped"
MODIFY_HINT = "changes what exists: pass --modify-existing"
GROUP = "$group"  # the endpoints' security group, known once its step has run


@dataclass
class Step(batch.Item):
    """One thing to create or change (``kind`` names the EC2 call apply.py makes)."""

    action: str = CREATE
    kind: str = ""
    what: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    resource_id: str | None = None
    held: str | None = None  # why it will not run
    change: Any = None  # for a policy change: the statement added

    @property
    def runnable(self) -> bool:
        return self.action != MANUAL and self.held is None

    def shown_status(self, dry_run: bool) -> str:
        if self.action == MANUAL:
            return MANUAL
        if self.held is not None:
            return SKIPPED
        return PLANNED if dry_run else self.status

    def to_json(self, dry_run: bool = False) -> dict[str, Any]:
        found = {
            "id": self.key,
            "action": self.action,
            "what": self.what,
            "status": self.shown_status(dry_run),
            "resourceId": self.resource_id,
            "reason": self.held,
        }
        if self.change is not None:
            found["change"] = self.change
        return {**found, **self.failure_fields()}


@dataclass
class EndpointPlan:
    facts: NetworkFacts
    steps: list[Step] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    group: str | None = None  # an existing group the new endpoints get

    @property
    def runnable(self) -> list[Step]:
        return [s for s in self.steps if s.runnable]

    @property
    def left(self) -> list[Step]:
        """What the plan leaves undone: held changes and manual fixes."""
        return [s for s in self.steps if not s.runnable]

    def add(self, key: str, kind: str, what: str, **extra: Any) -> Step:
        step = Step(key, kind=kind, what=what, **extra)
        self.steps.append(step)
        return step

    def to_json(self, dry_run: bool = False) -> dict[str, Any]:
        ran = self.runnable
        found: dict[str, Any] = {
            "region": self.facts.region,
            "vpcId": self.facts.vpc_id,
            "dryRun": dry_run,
            "steps": [s.to_json(dry_run) for s in self.steps],
            "notes": list(self.notes),
        }
        return found if dry_run else {**found, **batch.report(ran)}
