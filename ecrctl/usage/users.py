"""Who uses an image: a runner (a task, a service, a task definition, a function
version, a job definition, a rule, a schedule, a model, or a line of ``--usage-from``),
how it is named in tables and JSON, and how it names the image."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

KIND_TEXT = {
    "ecs-task": "task",
    "ecs-service": "service",
    "ecs-task-definition": "task definition",
    "lambda-function": "function",
    "batch-job-definition": "job definition",
    "eventbridge-rule": "EventBridge rule",
    "scheduler-schedule": "schedule",
    "sagemaker-model": "SageMaker model",
    "external": "external",
}
SHORT_TEXT = {"ecs-task-definition": "task def"}


@dataclass(frozen=True, order=True)
class User:
    """Something that runs or will launch an image."""

    kind: str  # a key of KIND_TEXT
    name: str  # "cluster/service", "family:revision", "cluster/task-id", "function:version"
    arn: str
    aliases: tuple[str, ...] = ()  # Lambda aliases pointing at this version
    where: str = ""  # "account 210987654321, us-west-2" when not the registry's own

    def text(self) -> str:
        shown = f"{KIND_TEXT.get(self.kind, self.kind)} {self.name}"
        if self.aliases:
            shown += f" (alias {', '.join(self.aliases)})"
        return shown + (f" in {self.where}" if self.where else "")

    def short(self) -> str:
        shown = f"{SHORT_TEXT.get(self.kind) or KIND_TEXT.get(self.kind, self.kind)} {self.name}"
        if self.kind == "ecs-service":
            shown = "service " + self.name.split(" (", 1)[0]
        if self.aliases:
            shown += f" ({', '.join(self.aliases)})"
        return shown + (f" in {self.where}" if self.where else "")

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "name": self.name, "arn": self.arn}
        if self.aliases:
            data["aliases"] = list(self.aliases)
        if self.where:
            data["where"] = self.where
        return data


def short_text(users: list[User], most: int = 3) -> str:
    """``service prod/web, task def web:3, 2 task(s)``: tasks counted, ``most`` names."""
    names = [user.short() for user in users if user.kind != "ecs-task"]
    tasks = sum(user.kind == "ecs-task" for user in users)
    shown = names[:most] + ([f"{tasks} task(s)"] if tasks else [])
    if len(names) > most:
        shown.append(f"{len(names) - most} more")
    return ", ".join(shown)


@dataclass(frozen=True)
class Use:
    """A user of one image, and how it names it (``tag v1``, ``digest``, ``running``)."""

    user: User
    how: str

    def text(self) -> str:
        return f"{self.user.text()} [{self.how}]"

    def to_json(self) -> dict[str, Any]:
        return {**self.user.to_json(), "via": self.how}
