"""What AWS Batch will launch: every ACTIVE job definition's images (single-node
container properties, every node range of a multi-node one, ECS task properties
and EKS pod properties), one paginated DescribeJobDefinitions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ecrctl.usage.calls import ServiceScan
from ecrctl.usage.model import Reference, User, references_to


def _containers(properties: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The container definitions of ECS task properties or EKS pod properties."""
    for task in properties.get("taskProperties") or []:
        yield from task.get("containers") or []
    pod = properties.get("podProperties") or {}
    yield from pod.get("initContainers") or []
    yield from pod.get("containers") or []


def job_images(definition: dict[str, Any]) -> list[str]:
    """Every image a job definition names, in the order it names them."""
    containers: list[dict[str, Any]] = [definition.get("containerProperties") or {}]
    containers += _containers(definition.get("ecsProperties") or {})
    containers += _containers(definition.get("eksProperties") or {})
    for node in (definition.get("nodeProperties") or {}).get("nodeRangeProperties") or []:
        containers.append(node.get("container") or {})
        containers += _containers(node.get("ecsProperties") or {})
        containers += _containers(node.get("eksProperties") or {})
    return [str(c["image"]) for c in containers if c.get("image")]


class BatchScan(ServiceScan):
    """One region's AWS Batch job definitions."""

    prefix = "batch"

    def run(self) -> list[Reference]:
        listed = self.items("describe_job_definitions", "jobDefinitions", status="ACTIVE")
        found = []
        for definition in listed:
            if definition.get("status", "ACTIVE") != "ACTIVE":
                continue
            self.scope.job_definitions += 1
            name = f"{definition.get('jobDefinitionName')}:{definition.get('revision')}"
            arn = str(definition.get("jobDefinitionArn", ""))
            user = User("batch-job-definition", name, arn, where=self.calls.where)
            found += references_to(user, job_images(definition))
        return found
