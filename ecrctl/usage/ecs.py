"""What ECS runs and will launch: every cluster's running and pending tasks
(with the digest ECS reports for each container), its services' current and
recent task definitions (every deployment), and the newest N revisions of each
active task-definition family.

ListTasks' default filter, desired status RUNNING, covers pending tasks too (a
PENDING filter returns nothing, says the API reference). Each step runs its
calls concurrently through :class:`~ecrctl.usage.calls.Calls`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from ecrctl.usage.calls import Calls, ServiceScan, chunks
from ecrctl.usage.model import RUNNING, Reference, Scope, User, parse_image_uri, references_to

MAX_PAGE = 100  # ListTaskDefinitions' maxResults limit


def _name(arn: str) -> str:
    """The last part of an ARN: a cluster's or task's name, a task definition's
    ``family:revision``."""
    return arn.rsplit("/", 1)[-1]


def _revision(arn: str) -> int:
    tail = arn.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def _task_references(cluster: str, task: dict[str, Any], where: str = "") -> list[Reference]:
    arn = str(task.get("taskArn", ""))
    user = User("ecs-task", f"{_name(cluster)}/{_name(arn)}", arn, where=where)
    found = []
    for container in task.get("containers") or []:
        image = str(container.get("image") or "")
        digest = container.get("imageDigest")
        parsed = parse_image_uri(image) if image else None
        if digest and parsed is not None:  # what the task actually pulled
            running = replace(parsed, tag=None, digest=str(digest))
            found.append(Reference(user, f"{image}@{digest}", running, RUNNING))
        found += references_to(user, [image])  # what it pulls when it restarts
    return found


class EcsScan(ServiceScan):
    """One region's ECS usage."""

    prefix = "ecs"

    def __init__(self, client: Any, calls: Calls, scope: Scope) -> None:
        super().__init__(client, calls, scope)
        self.references: list[Reference] = []

    def run(self, launched: Sequence[tuple[str, User]] = ()) -> list[Reference]:
        """The references of ECS's runners, and of ``launched``: (task definition,
        the rule or schedule that launches it)."""
        clusters = [str(arn) for arn in self.items("list_clusters", "clusterArns")]
        self.scope.clusters = len(clusters)
        services = self.calls.map(
            "ECS services",
            lambda c: (c, self.items("list_services", "serviceArns", cluster=c)),
            clusters,
        )
        tasks = self.calls.map(
            "ECS tasks", lambda c: (c, self.items("list_tasks", "taskArns", cluster=c)), clusters
        )
        listed = self.items("list_task_definition_families", "families", status="ACTIVE")
        families = [str(f) for f in listed]
        self.scope.families = len(families)
        newest = self.calls.map("task-definition families", self._newest, families)
        wanted: dict[str, list[User]] = {}
        for family_arns in newest:
            for arn in family_arns:
                user = User("ecs-task-definition", _name(arn), arn, where=self.calls.where)
                wanted.setdefault(arn, []).append(user)
        for arn, user in [*self._service_task_definitions(services), *launched]:
            wanted.setdefault(arn, []).append(user)
        self._tasks(tasks)
        self._task_definitions(wanted)
        return self.references

    def _newest(self, family: str) -> list[str]:
        """The newest ``revisions`` ACTIVE revisions of ``family``, newest first.

        Sorted here too: ECS sorts by revision, but an emulator may not."""
        wanted = self.scope.revisions
        arns = self.items(
            "list_task_definitions",
            "taskDefinitionArns",
            familyPrefix=family,
            status="ACTIVE",
            sort="DESC",
            page_size=min(wanted, MAX_PAGE),
            stop_after=wanted,
        )
        return sorted(map(str, arns), key=_revision, reverse=True)[:wanted]

    def _service_task_definitions(
        self, listed: list[tuple[str, list[Any]]]
    ) -> list[tuple[str, User]]:
        batches = [(cluster, batch) for cluster, arns in listed for batch in chunks(arns, 10)]
        described = self.calls.map(
            "ECS services (described)",
            lambda item: (
                item[0],
                self.call("describe_services", cluster=item[0], services=item[1]).get(
                    "services", []
                ),
            ),
            batches,
        )
        found = []
        for cluster, services in described:
            for service in services:
                self.scope.services += 1
                arn = str(service.get("serviceArn", ""))
                name = f"{_name(cluster)}/{service.get('serviceName')}"
                user = User("ecs-service", name, arn, where=self.calls.where)
                definitions = {service.get("taskDefinition")}
                definitions |= {d.get("taskDefinition") for d in service.get("deployments") or []}
                definitions |= {s.get("taskDefinition") for s in service.get("taskSets") or []}
                found += [(str(td), user) for td in sorted(filter(None, definitions))]
        return found

    def _tasks(self, listed: list[tuple[str, list[Any]]]) -> None:
        batches = [(cluster, batch) for cluster, arns in listed for batch in chunks(arns, 100)]
        described = self.calls.map(
            "ECS tasks (described)",
            lambda item: (
                item[0],
                self.call("describe_tasks", cluster=item[0], tasks=item[1]).get("tasks", []),
            ),
            batches,
        )
        for cluster, tasks in described:
            for task in tasks:
                self.scope.tasks += 1
                self.references += _task_references(cluster, task, self.calls.where)

    def _task_definitions(self, wanted: dict[str, list[User]]) -> None:
        arns = sorted(wanted)
        described = self.calls.map(
            "task definitions",
            lambda arn: self.call("describe_task_definition", taskDefinition=arn).get(
                "taskDefinition"
            ),
            arns,
        )
        for arn, definition in zip(arns, described, strict=True):
            if not definition:
                continue
            self.scope.task_definitions += 1
            images = [str(c.get("image") or "") for c in definition.get("containerDefinitions", [])]
            revision = _name(str(definition.get("taskDefinitionArn") or arn))
            for user in wanted[arn]:
                if user.kind != "ecs-task-definition":  # it launches this definition
                    user = replace(user, name=f"{user.name} ({revision})")
                self.references += references_to(user, images)
