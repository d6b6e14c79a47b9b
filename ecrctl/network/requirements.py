"""What the guide's chapter asks of these facts, as small pure answers that both
the check (conditions.py) and ``network create`` (plan.py) use: which endpoints
are needed, which exist, which route tables lack the S3 gateway, what the
endpoint policies let through, which subnets the security groups leave out."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from ecrctl.distribution.hosts import EcrHost, parse_ecr_host
from ecrctl.distribution.reference import parse_reference
from ecrctl.errors import InvalidInput
from ecrctl.network import endpoint_policy as ep_policy
from ecrctl.network import names
from ecrctl.network.endpoint_policy import Probe, Verdict
from ecrctl.network.model import EC2, FARGATE, Endpoint, NetworkFacts, Subnet

REQUIRED = "required"
UNKNOWN = "unknown"  # needed in a case the facts do not settle
NOT_NEEDED = "not-needed"

PULL_ACTIONS = ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")
TOKEN_ACTION = "ecr:GetAuthorizationToken"
LAYER_ACTION = "s3:GetObject"
_WORST_FIRST = (
    ep_policy.DENIED,
    ep_policy.NOT_ALLOWED,
    ep_policy.UNREADABLE,
    ep_policy.LIMITED,
    ep_policy.ALLOWED,
)


@dataclass(frozen=True)
class Need:
    level: str
    why: str


def need(facts: NetworkFacts, short: str) -> Need:
    """Whether the tasks of these facts need the ``short`` endpoint."""
    if short in (names.ECR_DKR, names.S3):
        return Need(REQUIRED, "every pull from ECR needs it")
    if short == names.LOGS:
        return _logs_need(facts)
    if facts.launch_type == EC2:
        return Need(REQUIRED, "tasks on the EC2 launch type need it")
    if facts.launch_type == FARGATE:
        return Need(NOT_NEEDED, "Fargate tasks do not need it")
    return Need(UNKNOWN, "the EC2 launch type needs it (say which with --launch-type)")


def _logs_need(facts: NetworkFacts) -> Need:
    isolated = [s.id for s in facts.subnets if not s.internet_route]
    if not isolated:
        return Need(NOT_NEEDED, "every subnet has a default route out of the VPC")
    if facts.awslogs:
        return Need(
            REQUIRED, f"tasks log with awslogs from {', '.join(isolated)}, which have no route out"
        )
    if facts.awslogs is False:
        return Need(NOT_NEEDED, "no container logs with awslogs")
    return Need(UNKNOWN, "tasks that log with awslogs need it (say so with --awslogs)")


def _here(facts: NetworkFacts, endpoint: Endpoint, short: str) -> bool:
    return endpoint.short == short and endpoint.region == facts.region and endpoint.usable


def interface(facts: NetworkFacts, short: str) -> Endpoint | None:
    """The VPC's interface endpoint for ``short`` in the facts' region (private DNS first)."""
    found = [e for e in facts.endpoints if _here(facts, e, short) and e.type == "Interface"]
    found.sort(key=lambda e: not e.private_dns)
    return found[0] if found else None


def foreign(facts: NetworkFacts) -> list[Endpoint]:
    """The VPC's endpoints for the chapter's services of another region."""
    wanted = (*names.INTERFACE_SERVICES, names.S3)
    return [e for e in facts.endpoints if e.short in wanted and e.region != facts.region]


def s3_gateways(facts: NetworkFacts) -> list[Endpoint]:
    return [e for e in facts.endpoints if _here(facts, e, names.S3) and e.type == "Gateway"]


def subnet_tables(facts: NetworkFacts) -> list[str]:
    """The route tables of the checked subnets, each once, in subnet order."""
    return list(dict.fromkeys(s.route_table for s in facts.subnets if s.route_table))


def unrouted(facts: NetworkFacts) -> dict[str, list[str]]:
    """Each route table of the subnets that no S3 gateway is on, with its subnets."""
    routed = {t for e in s3_gateways(facts) for t in e.route_tables}
    missing: dict[str, list[str]] = {}
    for subnet in facts.subnets:
        if subnet.route_table and subnet.route_table not in routed:
            missing.setdefault(subnet.route_table, []).append(subnet.id)
    return missing


def serving_gateways(facts: NetworkFacts) -> list[Endpoint]:
    """The S3 gateways on at least one of the subnets' route tables."""
    tables = set(subnet_tables(facts))
    return [e for e in s3_gateways(facts) if tables & set(e.route_tables)]


def image_hosts(facts: NetworkFacts) -> list[tuple[str, EcrHost | None]]:
    """Each image of the workload with its ECR registry (``None``: not ECR)."""
    found: list[tuple[str, EcrHost | None]] = []
    for image in facts.workload.images if facts.workload else ():
        try:
            host = parse_reference(image, tag_and_digest=True).host
        except InvalidInput:
            host = None
        found.append((image, parse_ecr_host(host) if host else None))
    return found


def _repository_arns(facts: NetworkFacts) -> list[str | None]:
    arns: list[str | None] = []
    for image, host in image_hosts(facts):
        if host is None or host.region != facts.region:
            continue
        name = parse_reference(image, tag_and_digest=True).repository
        arns.append(f"arn:{host.partition}:ecr:{host.region}:{host.account}:repository/{name}")
    return arns or [None]


def rank(verdict: Verdict) -> int:
    """0 for the worst decision (denied), up to allowed."""
    return _WORST_FIRST.index(verdict.decision)


def worst(verdicts: list[Verdict]) -> Verdict:
    return min(verdicts, key=rank)


def pull_verdict(facts: NetworkFacts, endpoint: Endpoint) -> Verdict:
    """What the ecr.dkr endpoint's policy does to a pull of the workload's images."""
    role = facts.workload.execution_role if facts.workload else None
    found = worst(
        [
            ep_policy.evaluate(endpoint.policy, Probe(action, arn, role))
            for action in PULL_ACTIONS
            for arn in _repository_arns(facts)
        ]
    )
    if found.allowed:
        return Verdict(ep_policy.ALLOWED, f"allows {' and '.join(PULL_ACTIONS)}")
    return found


def token_verdict(facts: NetworkFacts, endpoint: Endpoint) -> Verdict:
    role = facts.workload.execution_role if facts.workload else None
    return ep_policy.evaluate(endpoint.policy, Probe(TOKEN_ACTION, "*", role))


def layer_verdict(facts: NetworkFacts, endpoint: Endpoint) -> Verdict:
    """What an S3 gateway's policy does to a layer download (ECR's presigned URL)."""
    layer = names.layer_object(facts.region, facts.partition)
    return ep_policy.evaluate(endpoint.policy, Probe(LAYER_ACTION, layer))


@dataclass(frozen=True)
class Ingress:
    """Which subnets an interface endpoint's security groups leave out on TCP 443."""

    missing: list[Subnet]
    unsure: list[str]


def covers(cidr: str, subnet: str) -> bool:
    try:
        outer, inner = ipaddress.ip_network(cidr, strict=False), ipaddress.ip_network(subnet)
    except ValueError:
        return False
    return outer.version == inner.version and inner.subnet_of(outer)  # type: ignore[arg-type]


def ingress(facts: NetworkFacts, endpoint: Endpoint) -> Ingress:
    """The subnets whose tasks the endpoint's groups do not admit on TCP 443."""
    clients = set(facts.workload.security_groups) if facts.workload else set()
    rules = [
        rule
        for group in endpoint.groups
        if group in facts.groups
        for rule in facts.groups[group].ingress
        if rule.admits_https()
    ]
    if clients and any(clients & set(rule.groups) for rule in rules):
        return Ingress([], [])
    missing = [
        s for s in facts.subnets if not any(covers(c, s.cidr) for r in rules for c in r.cidrs)
    ]
    unsure = []
    if missing and not clients:
        unsure = [f"from {g}" for r in rules for g in r.groups]
    unsure += [f"from prefix list {p}" for r in rules for p in r.prefix_lists] if missing else []
    return Ingress(missing, unsure)
