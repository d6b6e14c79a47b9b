"""An ECS service's or task definition's network side, as ``network check``
needs it: the awsvpcConfiguration's subnets and security groups, the launch type,
whether a container logs with ``awslogs``, the images and the execution role."""

from __future__ import annotations

from typing import Any

from ecrctl.aws.access import error_code, error_message
from ecrctl.errors import InvalidInput, NotFound
from ecrctl.network.model import EC2, FARGATE, NetworkTarget, Workload

FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")


def launch_type(service: dict[str, Any] | None, definition: dict[str, Any]) -> str | None:
    """FARGATE or EC2: the service's launch type, else its capacity providers
    (Fargate's own, or an Auto Scaling group's: EC2), else what the task definition
    alone is compatible with; ``None`` when nothing says (EXTERNAL too)."""
    if service:
        given = service.get("launchType")
        if given in (FARGATE, EC2):
            return str(given)
        providers = [
            p.get("capacityProvider") for p in service.get("capacityProviderStrategy") or []
        ]
        if providers:
            return FARGATE if all(p in FARGATE_PROVIDERS for p in providers) else EC2
        if given:
            return None
    compatible = set(definition.get("requiresCompatibilities") or []) & {FARGATE, EC2}
    return compatible.pop() if len(compatible) == 1 else None


def uses_awslogs(definition: dict[str, Any]) -> bool:
    return any(
        (c.get("logConfiguration") or {}).get("logDriver") == "awslogs"
        for c in definition.get("containerDefinitions") or []
    )


def _definition(ecs: Any, name: str) -> dict[str, Any]:
    try:
        found: dict[str, Any] = ecs.describe_task_definition(taskDefinition=name)["taskDefinition"]
    except Exception as exc:
        if error_code(exc) != "ClientException":  # ECS's answer for an unknown one
            raise
        raise NotFound(
            f"ECS task definition {name!r} not found: {error_message(exc)}",
            hint="check FAMILY[:REVISION] and --region (aws ecs list-task-definitions)",
        ) from None
    return found


def _service(ecs: Any, cluster: str, name: str) -> dict[str, Any]:
    try:
        answer = ecs.describe_services(cluster=cluster, services=[name])
    except Exception as exc:
        if error_code(exc) != "ClusterNotFoundException":
            raise
        raise NotFound(
            f"ECS cluster {cluster!r} not found", hint="check CLUSTER and --region"
        ) from None
    for service in answer.get("services") or []:
        if service.get("status") != "INACTIVE":
            return dict(service)
    raise NotFound(
        f"ECS service {name!r} not found in cluster {cluster!r}",
        hint="check CLUSTER/SERVICE and --region (aws ecs list-services)",
    )


def read_workload(ecs: Any, target: NetworkTarget) -> Workload | None:
    """The workload ``target`` names (``--ecs-service`` or ``--task-definition``)."""
    if target.service and target.cluster:
        service = _service(ecs, target.cluster, target.service)
        definition = _definition(ecs, str(service.get("taskDefinition")))
        network = (service.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
        if not network.get("subnets"):
            raise InvalidInput(
                f"ECS service {target.cluster}/{target.service} has no awsvpcConfiguration "
                f"(network mode {definition.get('networkMode', 'bridge')}): its tasks use their "
                "container instances' subnets",
                hint="give them with --subnet, and --task-definition "
                f"{definition.get('family', 'FAMILY')}",
            )
        kind, name = "service", f"{target.cluster}/{target.service}"
        public_ip = network.get("assignPublicIp")
    elif target.task_definition:
        service, network, public_ip = None, {}, None
        definition = _definition(ecs, target.task_definition)
        kind, name = "task-definition", target.task_definition
    else:
        return None
    return Workload(
        kind=kind,
        name=name,
        task_definition=definition.get("taskDefinitionArn"),
        launch_type=launch_type(service, definition),
        awslogs=uses_awslogs(definition),
        subnets=tuple(network.get("subnets") or ()),
        security_groups=tuple(network.get("securityGroups") or ()),
        public_ip=None if public_ip is None else public_ip == "ENABLED",
        images=tuple(
            str(c["image"]) for c in definition.get("containerDefinitions") or [] if c.get("image")
        ),
        execution_role=definition.get("executionRoleArn"),
    )
