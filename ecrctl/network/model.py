"""What ``ecrctl network`` is asked about (a :class:`NetworkTarget`, checked before any
call), what EC2 and ECS say about it (:class:`NetworkFacts`), and the report of a check:
one :class:`Condition` per condition of the guide's chapter."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Any

from ecrctl.errors import InvalidInput
from ecrctl.jsonrecord import record_json

OK = "ok"
WARN = "warn"
FAIL = "fail"
SKIP = "skip"
STATUSES = (OK, WARN, FAIL, SKIP)

FARGATE = "FARGATE"
EC2 = "EC2"

_VPC = re.compile(r"vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})")
_SUBNET = re.compile(r"subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})")
_NAME = re.compile(r"[A-Za-z0-9_-]{1,255}")
_SERVICE_ARN = re.compile(r"arn:[a-z-]+:ecs:[a-z0-9-]+:\d{12}:service/(?P<c>[^/]+)/(?P<s>[^/]+)")
_TASK_DEFINITION = re.compile(
    r"(?:arn:[a-z-]+:ecs:[a-z0-9-]+:\d{12}:task-definition/)?[A-Za-z0-9_-]{1,255}(?::[1-9]\d*)?"
)


@dataclass(frozen=True)
class NetworkTarget:
    """What to check: a VPC, subnets, or an ECS service; what its tasks do."""

    vpc: str | None = None
    subnets: tuple[str, ...] = ()
    cluster: str | None = None
    service: str | None = None
    task_definition: str | None = None
    launch_type: str | None = None  # FARGATE or EC2 when the user says
    awslogs: bool | None = None

    def options(self) -> list[str]:
        """The command-line options that select this target (for the fixes shown)."""
        found: list[str] = []
        if self.service:
            found += ["--ecs-service", f"{self.cluster}/{self.service}"]
        elif self.subnets:
            for subnet in self.subnets:
                found += ["--subnet", subnet]
        elif self.vpc:
            found += ["--vpc", self.vpc]
        if self.task_definition and not self.service:
            found += ["--task-definition", self.task_definition]
        if self.launch_type:
            found += ["--launch-type", self.launch_type.lower()]
        if self.awslogs is not None:
            found.append("--awslogs" if self.awslogs else "--no-awslogs")
        return found


def parse_target(
    vpc: str | None,
    subnets: tuple[str, ...],
    ecs_service: str | None,
    task_definition: str | None = None,
    launch_type: str | None = None,
    awslogs: bool | None = None,
) -> NetworkTarget:
    """A :class:`NetworkTarget` from the options, or InvalidInput naming the bad value."""
    given = [
        name
        for name, v in (("--vpc", vpc), ("--subnet", subnets), ("--ecs-service", ecs_service))
        if v
    ]
    if len(given) != 1:
        raise InvalidInput(
            "give one of --vpc, --subnet or --ecs-service"
            + (f" (not {' and '.join(given)})" if given else ""),
            hint="e.g. ecrctl network check --vpc vpc-0abc12345def67890",
        )
    if vpc and not _VPC.fullmatch(vpc):
        raise InvalidInput(f"invalid --vpc {vpc!r}", hint="a VPC id is vpc- and 8 or 17 hex digits")
    for subnet in subnets:
        if not _SUBNET.fullmatch(subnet):
            raise InvalidInput(
                f"invalid --subnet {subnet!r}", hint="a subnet id is subnet- and 8 or 17 hex digits"
            )
    cluster = service = None
    if ecs_service:
        cluster, service = _cluster_service(ecs_service)
        if task_definition or launch_type or awslogs is not None:
            raise InvalidInput(
                "--task-definition, --launch-type and --awslogs are read from the service "
                "with --ecs-service",
                hint="leave them out",
            )
    if task_definition and not _TASK_DEFINITION.fullmatch(task_definition):
        raise InvalidInput(
            f"invalid --task-definition {task_definition!r}",
            hint="give FAMILY, FAMILY:REVISION or the task definition's ARN",
        )
    if task_definition and awslogs is not None:
        raise InvalidInput(
            "--awslogs is read from the task definition with --task-definition",
            hint="leave it out",
        )
    unique = tuple(dict.fromkeys(subnets))
    return NetworkTarget(vpc, unique, cluster, service, task_definition, launch_type, awslogs)


def _cluster_service(text: str) -> tuple[str, str]:
    found = _SERVICE_ARN.fullmatch(text)
    if found:
        return found["c"], found["s"]
    cluster, slash, service = text.partition("/")
    if slash and _NAME.fullmatch(cluster) and _NAME.fullmatch(service):
        return cluster, service
    raise InvalidInput(
        f"invalid --ecs-service {text!r}",
        hint="give CLUSTER/SERVICE (e.g. prod/web) or the service's ARN",
    )


@dataclass(frozen=True)
class Subnet:
    id: str
    cidr: str
    zone: str
    route_table: str | None
    internet_route: str | None  # the target of its default route (igw-, nat-, ...), if any

    def to_json(self) -> dict[str, Any]:
        return record_json(
            self,
            id="subnetId",
            cidr="cidrBlock",
            zone="availabilityZone",
            route_table="routeTableId",
        )


@dataclass(frozen=True)
class Endpoint:
    id: str
    service_name: str
    region: str | None  # of the service it serves
    short: str | None  # ecr.dkr, s3, ... for an AWS service
    type: str
    state: str
    private_dns: bool
    policy: str | None
    route_tables: tuple[str, ...] = ()
    subnets: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()

    @property
    def usable(self) -> bool:
        return self.state.lower() in ("available", "pending", "pendingacceptance")


@dataclass(frozen=True)
class Ingress:
    """One inbound rule of a security group, as DescribeSecurityGroups gives it."""

    protocol: str
    from_port: int | None
    to_port: int | None
    cidrs: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    prefix_lists: tuple[str, ...] = ()

    def admits_https(self) -> bool:
        if self.protocol == "-1":
            return True
        if self.protocol not in ("tcp", "6"):
            return False
        low = 0 if self.from_port in (None, -1) else int(self.from_port)
        high = 65535 if self.to_port in (None, -1) else int(self.to_port)
        return low <= 443 <= high


@dataclass(frozen=True)
class SecurityGroup:
    id: str
    name: str
    ingress: tuple[Ingress, ...]


@dataclass(frozen=True)
class Workload:
    """What an ECS service or task definition says about its tasks."""

    kind: str  # "service" or "task-definition"
    name: str
    task_definition: str | None
    launch_type: str | None
    awslogs: bool | None
    subnets: tuple[str, ...] = ()
    security_groups: tuple[str, ...] = ()
    public_ip: bool | None = None
    images: tuple[str, ...] = ()
    execution_role: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Every field but ``subnets``."""
        names = [f.name for f in fields(self) if f.name != "subnets"]
        keys = {"public_ip": "assignPublicIp", "execution_role": "executionRoleArn"}
        return record_json(self, *names, **keys)


@dataclass
class NetworkFacts:
    """Everything the conditions are judged on."""

    region: str
    partition: str
    vpc_id: str
    vpc_cidrs: tuple[str, ...]
    dns_support: bool
    dns_hostnames: bool
    dhcp_options: str
    dns_servers: tuple[str, ...] | None  # None: the DHCP options could not be read
    subnets: list[Subnet]
    skipped: list[Subnet] = field(default_factory=list)  # public subnets left out
    endpoints: list[Endpoint] = field(default_factory=list)
    groups: dict[str, SecurityGroup] = field(default_factory=dict)
    workload: Workload | None = None
    launch_type: str | None = None
    awslogs: bool | None = None
    own_group: SecurityGroup | None = None  # ecrctl's endpoint group, when create asks
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Condition:
    """One line of the report: a stable ``id``, what it found, and the fix."""

    id: str
    title: str
    status: str
    detail: str
    fix: str | None = None

    def to_json(self) -> dict[str, Any]:
        return record_json(self)


def summarize(lines: Iterable[Condition]) -> dict[str, int]:
    """How many lines of a report ended in each status (every status, 0 when none)."""
    counts = dict.fromkeys(STATUSES, 0)
    for line in lines:
        counts[line.status] += 1
    return counts


@dataclass
class Report:
    facts: NetworkFacts
    conditions: list[Condition]

    @property
    def failed(self) -> bool:
        return any(c.status == FAIL for c in self.conditions)

    @property
    def summary(self) -> dict[str, int]:
        return summarize(self.conditions)

    def to_json(self) -> dict[str, Any]:
        f = self.facts
        return {
            "region": f.region,
            "vpcId": f.vpc_id,
            "subnets": [s.to_json() for s in f.subnets],
            "skippedSubnets": [s.to_json() for s in f.skipped],
            "workload": f.workload.to_json() if f.workload else None,
            "launchType": f.launch_type,
            "awslogs": f.awslogs,
            "conditions": [c.to_json() for c in self.conditions],
            "summary": self.summary,
            "notes": list(f.notes),
        }
