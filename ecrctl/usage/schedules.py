"""What EventBridge launches on ECS: the task definitions named by the ECS
targets (RunTask) of every rule on every event bus, and of every EventBridge
Scheduler schedule, templated (an ECS cluster) or universal (``ecs:runTask``).

Each comes back as ``(task definition, the rule or schedule)``: ECS describes
the task definition (:meth:`ecrctl.usage.ecs.EcsScan.run`), so a definition a
service also runs is read once.
"""

from __future__ import annotations

import json
from typing import Any

from ecrctl.usage.calls import ServiceScan
from ecrctl.usage.causes import FAILED, Gap
from ecrctl.usage.model import User

Launched = list[tuple[str, User]]
UNIVERSAL_RUN_TASK = ":aws-sdk:ecs:runTask"


def _is_cluster(arn: str) -> bool:
    parts = arn.split(":", 5)
    return len(parts) == 6 and parts[2] == "ecs" and parts[5].startswith("cluster/")


class RuleScan(ServiceScan):
    """One region's EventBridge rules with ECS targets."""

    prefix = "events"

    def run(self) -> Launched:
        buses = self.calls.tokens(self.client, self.prefix, "list_event_buses", "EventBuses")
        names = [str(bus["Name"]) for bus in buses] or ["default"]
        per_bus = self.calls.map("EventBridge buses", self._rules, names)
        rules = [(bus, rule) for bus, some in zip(names, per_bus, strict=True) for rule in some]
        self.scope.rules += len(rules)
        targets = self.calls.map("EventBridge rules", self._targets, rules)
        found: Launched = []
        for (bus, rule), of_rule in zip(rules, targets, strict=True):
            name = str(rule.get("Name"))
            user = User(
                "eventbridge-rule",
                name if bus == "default" else f"{bus}/{name}",
                str(rule.get("Arn", "")),
                where=self.calls.where,
            )
            for target in of_rule:
                definition = (target.get("EcsParameters") or {}).get("TaskDefinitionArn")
                if definition:
                    self.scope.rule_targets += 1
                    found.append((str(definition), user))
        return found

    def _rules(self, bus: str) -> list[Any]:
        return self.items("list_rules", "Rules", EventBusName=bus)

    def _targets(self, item: tuple[str, dict[str, Any]]) -> list[Any]:
        bus, rule = item
        return self.items("list_targets_by_rule", "Targets", Rule=rule["Name"], EventBusName=bus)


class ScheduleScan(ServiceScan):
    """One region's EventBridge Scheduler schedules that run ECS tasks."""

    prefix = "scheduler"

    def run(self) -> Launched:
        listed = self.items("list_schedules", "Schedules")
        self.scope.schedules += len(listed)
        ecs = [
            s
            for s in listed
            if _is_cluster(str((s.get("Target") or {}).get("Arn", "")))
            or str((s.get("Target") or {}).get("Arn", "")).endswith(UNIVERSAL_RUN_TASK)
        ]
        described = self.calls.map("EventBridge schedules", self._get, ecs)
        found: Launched = []
        for schedule in described:
            if not schedule:
                continue
            group, name = schedule.get("GroupName", "default"), schedule.get("Name")
            arn = str(schedule.get("Arn", ""))
            user = User("scheduler-schedule", f"{group}/{name}", arn, where=self.calls.where)
            definition = self._definition(schedule.get("Target") or {}, user)
            if definition:
                self.scope.schedule_targets += 1
                found.append((definition, user))
        return found

    def _get(self, schedule: dict[str, Any]) -> dict[str, Any]:
        return self.call(
            "get_schedule", Name=schedule["Name"], GroupName=schedule.get("GroupName") or "default"
        )

    def _definition(self, target: dict[str, Any], user: User) -> str | None:
        """The task definition a templated target names, or a universal target's
        ``TaskDefinition`` input (text that does not read is a gap)."""
        definition = (target.get("EcsParameters") or {}).get("TaskDefinitionArn")
        if definition or not str(target.get("Arn", "")).endswith(UNIVERSAL_RUN_TASK):
            return str(definition) if definition else None
        try:
            given = json.loads(str(target.get("Input") or "{}"))
            return str(given["TaskDefinition"])
        except (ValueError, KeyError, TypeError):
            self.calls.gap(
                Gap(
                    "scheduler:GetSchedule",
                    f"{user.text()} runs ecs:runTask with an Input that names no TaskDefinition",
                    FAILED,
                    self.calls.where,
                    self.calls.account,
                    self.calls.region,
                )
            )
            return None
