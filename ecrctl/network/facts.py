"""What EC2 (and ECS) say about a :class:`~ecrctl.network.model.NetworkTarget`: the VPC's
DNS attributes and DHCP options, the subnets and their route tables, the VPC's
endpoints with their policies, and the endpoints' security groups.

Calls: DescribeSubnets, DescribeVpcs, DescribeVpcAttribute (twice),
DescribeDhcpOptions (unless the VPC has the ``default`` options), DescribeRouteTables,
DescribeVpcEndpoints, DescribeSecurityGroups; with ``--ecs-service``, ECS's
DescribeServices and DescribeTaskDefinition first. Every list through botocore's
paginators. DescribeVpcEndpointServices is never needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ecrctl.aws.access import error_code, items
from ecrctl.distribution.hosts import partition_of
from ecrctl.errors import InvalidInput, NotFound
from ecrctl.network.ecs import read_workload
from ecrctl.network.model import (
    Endpoint,
    Ingress,
    NetworkFacts,
    NetworkTarget,
    SecurityGroup,
    Subnet,
    Workload,
)
from ecrctl.network.names import parse_service_name

if TYPE_CHECKING:
    from ecrctl.aws.clients import Aws

AMAZON_DNS = "AmazonProvidedDNS"
# the security group `network create` makes for the endpoints it creates
OWN_GROUP = "ecrctl-vpc-endpoints"
_ROUTE_TARGETS = (
    "NatGatewayId",
    "GatewayId",
    "TransitGatewayId",
    "NetworkInterfaceId",
    "InstanceId",
    "VpcPeeringConnectionId",
    "CarrierGatewayId",
    "LocalGatewayId",
)


def _vpc_filter(vpc: str, *more: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"Name": "vpc-id", "Values": [vpc]}, *more]


def internet_route(table: dict[str, Any] | None, public_ip: bool | None = None) -> str | None:
    """Where the table's default route (0.0.0.0/0) goes, if anywhere: an internet
    gateway counts only for tasks that may have a public IP."""
    for route in (table or {}).get("Routes") or []:
        if route.get("DestinationCidrBlock") != "0.0.0.0/0" or route.get("State") == "blackhole":
            continue
        target = next((str(route[k]) for k in _ROUTE_TARGETS if route.get(k)), None)
        if target and target.startswith("igw-") and public_ip is False:
            return None
        return target
    return None


def _tables_by_subnet(tables: list[dict[str, Any]]) -> tuple[dict[str, Any], Any]:
    by_subnet: dict[str, Any] = {}
    main = None
    for table in tables:
        for association in table.get("Associations") or []:
            if association.get("SubnetId"):
                by_subnet[str(association["SubnetId"])] = table
            if association.get("Main"):
                main = table
    return by_subnet, main


def _subnets(
    raw: list[dict[str, Any]], tables: list[dict[str, Any]], public_ip: bool | None
) -> list[Subnet]:
    by_subnet, main = _tables_by_subnet(tables)
    found = []
    for subnet in raw:
        table = by_subnet.get(str(subnet["SubnetId"]), main)
        found.append(
            Subnet(
                id=str(subnet["SubnetId"]),
                cidr=str(subnet.get("CidrBlock", "")),
                zone=str(subnet.get("AvailabilityZone", "")),
                route_table=str(table["RouteTableId"]) if table else None,
                internet_route=internet_route(table, public_ip),
            )
        )
    return found


def _endpoint(raw: dict[str, Any]) -> Endpoint:
    name = str(raw.get("ServiceName", ""))
    parsed = parse_service_name(name)
    region = raw.get("ServiceRegion") or (parsed[0] if parsed else None)
    return Endpoint(
        id=str(raw["VpcEndpointId"]),
        service_name=name,
        region=region,
        short=parsed[1] if parsed else None,
        type=str(raw.get("VpcEndpointType") or "Gateway"),
        state=str(raw.get("State", "")),
        private_dns=bool(raw.get("PrivateDnsEnabled")),
        policy=raw.get("PolicyDocument"),
        route_tables=tuple(raw.get("RouteTableIds") or ()),
        subnets=tuple(raw.get("SubnetIds") or ()),
        groups=tuple(str(g["GroupId"]) for g in raw.get("Groups") or []),
    )


def _group(raw: dict[str, Any]) -> SecurityGroup:
    rules = tuple(
        Ingress(
            protocol=str(p.get("IpProtocol", "")),
            from_port=p.get("FromPort"),
            to_port=p.get("ToPort"),
            cidrs=tuple(str(r["CidrIp"]) for r in p.get("IpRanges") or [] if r.get("CidrIp")),
            groups=tuple(
                str(g["GroupId"]) for g in p.get("UserIdGroupPairs") or [] if g.get("GroupId")
            ),
            prefix_lists=tuple(str(x["PrefixListId"]) for x in p.get("PrefixListIds") or []),
        )
        for p in raw.get("IpPermissions") or []
    )
    return SecurityGroup(str(raw["GroupId"]), str(raw.get("GroupName", "")), rules)


def dns_servers(ec2: Any, options_id: str) -> tuple[str, ...] | None:
    """The VPC's DNS servers from its DHCP options; ``default`` (no options) is
    Amazon's resolver; ``None`` when the options cannot be read."""
    if options_id in ("", "default"):
        return (AMAZON_DNS,)
    try:
        found = ec2.describe_dhcp_options(DhcpOptionsIds=[options_id])["DhcpOptions"]
    except Exception as exc:
        if error_code(exc):
            return None
        raise
    options = found[0].get("DhcpConfigurations") or [] if found else []
    for option in options:
        if option.get("Key") == "domain-name-servers":
            return tuple(str(v.get("Value")) for v in option.get("Values") or [])
    return ()


def _attribute(ec2: Any, vpc: str, name: str) -> bool:
    answer = ec2.describe_vpc_attribute(VpcId=vpc, Attribute=name)
    key = name[0].upper() + name[1:]
    return bool(answer.get(key, {}).get("Value"))


def _selected_subnets(
    ec2: Any, target: NetworkTarget, workload: Workload | None
) -> tuple[str, list[dict[str, Any]]]:
    """The VPC and the subnets named (``--subnet`` or the service's), or every
    subnet of ``--vpc``."""
    named = target.subnets or (workload.subnets if workload else ())
    if not named:
        vpc = str(target.vpc)
        return vpc, list(items(ec2, "describe_subnets", "Subnets", Filters=_vpc_filter(vpc)))
    raw = list(items(ec2, "describe_subnets", "Subnets", SubnetIds=list(named)))
    vpcs = sorted({str(s["VpcId"]) for s in raw})
    if len(vpcs) != 1:
        raise InvalidInput(
            f"the subnets are in {len(vpcs)} VPCs ({', '.join(vpcs)})",
            hint="check the subnets of one VPC at a time",
        )
    return vpcs[0], raw


def _private(subnets: list[Subnet]) -> tuple[list[Subnet], list[Subnet]]:
    """A VPC's private subnets (no default route to an internet gateway) and the
    public ones; every subnet when none is private."""
    public = [s for s in subnets if (s.internet_route or "").startswith("igw-")]
    private = [s for s in subnets if s not in public]
    return (private, public) if private else (subnets, [])


def _groups(ec2: Any, endpoints: list[Endpoint]) -> dict[str, SecurityGroup]:
    """The security groups of the usable interface endpoints, by id."""
    ids = sorted({g for e in endpoints if e.type == "Interface" and e.usable for g in e.groups})
    if not ids:
        return {}
    found = items(ec2, "describe_security_groups", "SecurityGroups", GroupIds=ids)
    return {str(raw["GroupId"]): _group(raw) for raw in found}


def _own_group(ec2: Any, vpc: str) -> SecurityGroup | None:
    """The group an earlier ``network create`` made in ``vpc``, if any."""
    name = {"Name": "group-name", "Values": [OWN_GROUP]}
    found = items(ec2, "describe_security_groups", "SecurityGroups", Filters=_vpc_filter(vpc, name))
    return next((_group(g) for g in found), None)


def _cidrs(vpc: dict[str, Any]) -> tuple[str, ...]:
    found = [a.get("CidrBlock") for a in vpc.get("CidrBlockAssociationSet") or []]
    return tuple(str(c) for c in found if c) or (str(vpc.get("CidrBlock", "")),)


def gather(aws: Aws, target: NetworkTarget, *, own_group: bool = False) -> NetworkFacts:
    """The facts about ``target``, read from EC2 (and ECS); ``own_group``: also
    look for the security group ``network create`` makes."""
    ec2 = aws.client("ec2")
    workload = None
    if target.service or target.task_definition:
        workload = read_workload(aws.client("ecs"), target)
    vpc_id, raw_subnets = _selected_subnets(ec2, target, workload)
    vpc = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]
    if not raw_subnets:
        raise NotFound(f"{vpc_id} has no subnets", hint="give the VPC the tasks run in")
    tables = list(items(ec2, "describe_route_tables", "RouteTables", Filters=_vpc_filter(vpc_id)))
    subnets = _subnets(raw_subnets, tables, workload.public_ip if workload else None)
    skipped: list[Subnet] = []
    notes = []
    if not (target.subnets or (workload and workload.subnets)):
        subnets, skipped = _private(subnets)
        if not skipped and all((s.internet_route or "").startswith("igw-") for s in subnets):
            notes.append(f"{vpc_id} has no private subnet: every subnet is checked")
    endpoints = [
        _endpoint(e)
        for e in items(ec2, "describe_vpc_endpoints", "VpcEndpoints", Filters=_vpc_filter(vpc_id))
    ]
    region = aws.region
    options = str(vpc.get("DhcpOptionsId", ""))
    return NetworkFacts(
        region=region,
        partition=partition_of(region),
        vpc_id=vpc_id,
        vpc_cidrs=_cidrs(vpc),
        dns_support=_attribute(ec2, vpc_id, "enableDnsSupport"),
        dns_hostnames=_attribute(ec2, vpc_id, "enableDnsHostnames"),
        dhcp_options=options,
        dns_servers=dns_servers(ec2, options),
        subnets=subnets,
        skipped=skipped,
        endpoints=endpoints,
        groups=_groups(ec2, endpoints),
        workload=workload,
        launch_type=target.launch_type or (workload.launch_type if workload else None),
        awslogs=workload.awslogs if workload else target.awslogs,
        own_group=_own_group(ec2, vpc_id) if own_group else None,
        notes=notes,
    )
