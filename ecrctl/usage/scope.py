"""What a usage scan covered, so that "not in use" can be read for what it means:
per account and region, the runners of each service it read, and what
``--usage-from`` held. Printed with every answer (a notice) and in JSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# (JSON group, JSON key, attribute) for every counter, in the order shown
COUNTERS = (
    ("ecs", "clusters", "clusters"),
    ("ecs", "services", "services"),
    ("ecs", "tasks", "tasks"),
    ("ecs", "taskDefinitionFamilies", "families"),
    ("ecs", "taskDefinitionsRead", "task_definitions"),
    ("lambda", "imageFunctions", "functions"),
    ("lambda", "versions", "versions"),
    ("lambda", "aliases", "aliases"),
    ("batch", "jobDefinitions", "job_definitions"),
    ("eventbridge", "rules", "rules"),
    ("eventbridge", "ecsTargets", "rule_targets"),
    ("scheduler", "schedules", "schedules"),
    ("scheduler", "ecsTargets", "schedule_targets"),
    ("sagemaker", "models", "models"),
)
COUNTED = [attribute for _, _, attribute in COUNTERS]


@dataclass
class Scope:
    """What the scan read in one account and region."""

    region: str
    revisions: int  # the newest N revisions of each task-definition family
    account: str = ""  # "" when the caller's account could not be asked
    role: str = ""  # the role assumed to scan it; "" for the caller's own credentials
    clusters: int = 0
    services: int = 0
    tasks: int = 0
    families: int = 0
    task_definitions: int = 0
    functions: int = 0
    versions: int = 0
    aliases: int = 0
    job_definitions: int = 0
    rules: int = 0
    rule_targets: int = 0
    schedules: int = 0
    schedule_targets: int = 0
    models: int = 0

    @property
    def where(self) -> str:
        return f"account {self.account}, {self.region}" if self.account else self.region

    def text(self) -> str:
        return (
            f"{self.where}{f' (role {self.role})' if self.role else ''}: "
            f"ECS {self.clusters} cluster(s), {self.services} service(s), {self.tasks} running "
            f"or pending task(s), the newest {self.revisions} revision(s) of {self.families} "
            f"task-definition family(ies) ({self.task_definitions} task definition(s) read); "
            f"Lambda {self.functions} image function(s), {self.versions} version(s), "
            f"{self.aliases} alias(es); Batch {self.job_definitions} job definition(s); "
            f"EventBridge {self.rules} rule(s), {self.rule_targets} ECS target(s); "
            f"Scheduler {self.schedules} schedule(s), {self.schedule_targets} ECS target(s); "
            f"SageMaker {self.models} model(s)"
        )

    def counts(self) -> dict[str, dict[str, int]]:
        groups: dict[str, dict[str, int]] = {}
        for group, key, attribute in COUNTERS:
            groups.setdefault(group, {})[key] = getattr(self, attribute)
        groups["ecs"]["revisionsPerFamily"] = self.revisions
        return groups

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"account": self.account or None, "region": self.region}
        if self.role:
            data["role"] = self.role
        return {**data, **self.counts()}


@dataclass
class ScanScope:
    """Every account and region scanned, and the references read from outside."""

    scopes: list[Scope]
    external: dict[str, int] | None = None  # {"references": N, "pods": N} of --usage-from

    def lines(self) -> list[str]:
        shown = [scope.text() for scope in self.scopes]
        if self.external is not None:
            pods = self.external.get("pods")
            shown.append(
                f"--usage-from: {self.external.get('references', 0)} image reference(s)"
                + (f" of {pods} pod(s)" if pods is not None else "")
            )
        return shown

    def to_json(self) -> dict[str, Any]:
        home = self.scopes[0]
        totals = Scope(home.region, home.revisions)
        for scope in self.scopes:
            for name in COUNTED:
                setattr(totals, name, getattr(totals, name) + getattr(scope, name))
        data: dict[str, Any] = {
            "region": home.region,
            "accounts": sorted({s.account for s in self.scopes if s.account}),
            "regions": sorted({s.region for s in self.scopes}),
            **totals.counts(),
            "scanned": [scope.to_json() for scope in self.scopes],
        }
        if self.external is not None:
            data["external"] = dict(self.external)
        return data
