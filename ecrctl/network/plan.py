"""What ``ecrctl network create`` would do for :class:`NetworkFacts`: one :class:`Step`
per resource to create (the security group for new endpoints, interface endpoints
with private DNS, the S3 gateway with the guide's minimum policy), per change to
something that exists (held unless ``--modify-existing``), and per fix ecrctl
leaves to people (``manual``). Pure: apply.py runs the steps."""

from __future__ import annotations

import json
import uuid
from typing import Any

from ecrctl.network import endpoint_policy as ep_policy
from ecrctl.network import names
from ecrctl.network import requirements as req
from ecrctl.network.facts import OWN_GROUP
from ecrctl.network.model import NetworkFacts, SecurityGroup
from ecrctl.network.steps import CHANGE, GROUP, MANUAL, MODIFY_HINT, EndpointPlan


def _admits_all(facts: NetworkFacts, group: SecurityGroup) -> list[str]:
    """The subnets' CIDRs ``group`` does not admit on TCP 443."""
    admitted = [c for rule in group.ingress if rule.admits_https() for c in rule.cidrs]
    return [s.cidr for s in facts.subnets if not any(req.covers(c, s.cidr) for c in admitted)]


def _one_subnet_per_zone(facts: NetworkFacts) -> list[str]:
    """An interface endpoint takes at most one subnet in each Availability Zone."""
    zones: dict[str, str] = {}
    for subnet in facts.subnets:
        zones.setdefault(subnet.zone, subnet.id)
    return list(zones.values())


def make_plan(facts: NetworkFacts, *, modify: bool, s3_policy: str = "minimum") -> EndpointPlan:
    """The steps that make ``facts`` meet the chapter; changes to what exists are
    held unless ``modify``."""
    plan = EndpointPlan(facts)
    missing = _missing_interfaces(plan)
    gaps = [
        e
        for short in names.INTERFACE_SERVICES
        if (e := req.interface(facts, short)) is not None
        and (found := req.ingress(facts, e)).missing
        and not found.unsure
    ]
    _vpc_attributes(plan, modify)
    if missing or (gaps and modify):
        _group(plan, modify)
    dns_ready = modify or (facts.dns_support and facts.dns_hostnames)
    for short in missing:
        _interface_endpoint(plan, short, dns_ready)
    _s3(plan, modify, s3_policy)
    _existing_interfaces(plan, gaps, modify, dns_ready)
    _manual(plan)
    return plan


def _held(modify: bool) -> str | None:
    return None if modify else MODIFY_HINT


def _missing_interfaces(plan: EndpointPlan) -> list[str]:
    """The interface endpoints needed and absent; a note for those that may be."""
    missing, maybe = [], []
    for short in names.INTERFACE_SERVICES:
        if req.interface(plan.facts, short) is not None:
            continue
        level = req.need(plan.facts, short).level
        if level == req.REQUIRED:
            missing.append(short)
        elif level == req.UNKNOWN:
            maybe.append(short)
    if maybe:
        flags = " and ".join(
            flag
            for flag, shorts in (
                ("--launch-type ec2", [s for s in maybe if s != names.LOGS]),
                ("--awslogs", [s for s in maybe if s == names.LOGS]),
            )
            if shorts
        )
        plan.notes.append(
            f"not created: {', '.join(maybe)} (needed only for the EC2 launch type or awslogs "
            f"logging; pass {flags} to include them)"
        )
    return missing


def _vpc_attributes(plan: EndpointPlan, modify: bool) -> None:
    for attribute, value in (
        ("EnableDnsSupport", plan.facts.dns_support),
        ("EnableDnsHostnames", plan.facts.dns_hostnames),
    ):
        if value:
            continue
        name = attribute[0].lower() + attribute[1:]
        plan.add(
            f"vpc:{name}",
            "vpc-attribute",
            f"turn on {name} of {plan.facts.vpc_id} (needed for private DNS)",
            action=CHANGE,
            params={"VpcId": plan.facts.vpc_id, attribute: {"Value": True}},
            held=_held(modify),
        )


def _group(plan: EndpointPlan, modify: bool) -> None:
    """The security group new endpoints get: ecrctl's (kept or made), or an existing
    endpoint's group that admits every subnet."""
    facts = plan.facts
    own = facts.own_group
    if own is not None:
        plan.group = own.id
        lacking = _admits_all(facts, own)
        if lacking:
            plan.add(
                "group:ingress",
                "group-ingress",
                f"admit TCP 443 from {', '.join(lacking)} into {own.id} ({OWN_GROUP})",
                action=CHANGE,
                params={"GroupId": own.id, "cidrs": lacking},
                held=_held(modify),
            )
        return
    reusable = [g for g in facts.groups.values() if not _admits_all(facts, g)]
    if reusable:
        plan.group = reusable[0].id
        return
    cidrs = [s.cidr for s in facts.subnets]
    plan.add(
        "group",
        "security-group",
        f"security group {OWN_GROUP} in {facts.vpc_id} for the endpoints",
        params={"GroupName": OWN_GROUP, "VpcId": facts.vpc_id},
    )
    plan.add(
        "group:ingress",
        "group-ingress",
        f"admit TCP 443 from {', '.join(cidrs)} into {OWN_GROUP}",
        params={"GroupId": GROUP, "cidrs": cidrs},
    )
    plan.group = GROUP


def _interface_endpoint(plan: EndpointPlan, short: str, dns_ready: bool) -> None:
    facts = plan.facts
    name = names.service_name(facts.region, short)
    subnets = _one_subnet_per_zone(facts)
    group = OWN_GROUP if plan.group == GROUP else plan.group
    plan.add(
        f"endpoint:{short}",
        "interface-endpoint",
        f"interface endpoint {name} with private DNS in {', '.join(subnets)} "
        f"(security group {group})",
        params={
            "VpcEndpointType": "Interface",
            "VpcId": facts.vpc_id,
            "ServiceName": name,
            "SubnetIds": subnets,
            "SecurityGroupIds": [plan.group],
            "PrivateDnsEnabled": True,
            "ClientToken": str(uuid.uuid4()),
        },
        held=None
        if dns_ready
        else "private DNS needs enableDnsSupport and enableDnsHostnames "
        "on (a change to the VPC): pass --modify-existing",
    )


def _s3(plan: EndpointPlan, modify: bool, s3_policy: str) -> None:
    facts = plan.facts
    gateways = req.s3_gateways(facts)
    tables = req.subnet_tables(facts)
    if not gateways:
        _new_gateway(plan, tables, s3_policy)
        return
    missing = req.unrouted(facts)
    serving = req.serving_gateways(facts)
    extended = serving[0] if serving else gateways[0]
    if missing:
        plan.add(
            f"routes:{extended.id}",
            "endpoint-routes",
            f"add route tables {', '.join(missing)} to {extended.id} ({extended.service_name})",
            action=CHANGE,
            params={"VpcEndpointId": extended.id, "AddRouteTableIds": list(missing)},
            held=_held(modify),
        )
    judged = {e.id: e for e in [*serving, *([extended] if missing else [])]}
    for gateway in judged.values():
        _s3_policy_change(plan, gateway, modify)


def _new_gateway(plan: EndpointPlan, tables: list[str], s3_policy: str) -> None:
    facts = plan.facts
    name = names.service_name(facts.region, names.S3)
    params: dict[str, Any] = {
        "VpcEndpointType": "Gateway",
        "VpcId": facts.vpc_id,
        "ServiceName": name,
        "RouteTableIds": tables,
        "ClientToken": str(uuid.uuid4()),
    }
    bucket = names.layer_bucket(facts.region, facts.partition)
    if s3_policy == "minimum":
        params["PolicyDocument"] = names.minimum_s3_policy(facts.region, facts.partition)
        policy = f"the guide's minimum policy (only {bucket})"
    else:
        policy = "full access"
    plan.add(
        "endpoint:s3",
        "gateway-endpoint",
        f"gateway endpoint {name} on {', '.join(tables)} with {policy}",
        params=params,
    )
    only = (
        "; its minimum policy admits only ECR's layer bucket, so other S3 buckets cannot be "
        "reached from these route tables (--s3-policy full admits them)"
        if s3_policy == "minimum"
        else ""
    )
    plan.notes.append(
        f"S3 traffic from {', '.join(tables)} will go through the new gateway endpoint{only}; "
        "S3 connections open while the routes are added may drop"
    )


def _s3_policy_change(plan: EndpointPlan, gateway: Any, modify: bool) -> None:
    facts = plan.facts
    verdict = req.layer_verdict(facts, gateway)
    bucket = names.layer_bucket(facts.region, facts.partition)
    if verdict.decision == ep_policy.NOT_ALLOWED:
        statement = names.layer_statement(facts.region, facts.partition)
        plan.add(
            f"policy:{gateway.id}",
            "endpoint-policy",
            f"add to {gateway.id}'s policy a statement allowing s3:GetObject and s3:PutObject "
            f"on {bucket}: {json.dumps(statement)}",
            action=CHANGE,
            params={
                "VpcEndpointId": gateway.id,
                "PolicyDocument": names.with_layer_statement(
                    gateway.policy, facts.region, facts.partition
                ),
            },
            change=statement,
            held=_held(modify),
        )
    elif verdict.decision in (ep_policy.DENIED, ep_policy.UNREADABLE):
        plan.add(
            f"policy:{gateway.id}",
            MANUAL,
            f"{gateway.id}: {verdict.reason}: edit its policy to allow s3:GetObject on {bucket}",
            action=MANUAL,
        )


def _existing_interfaces(
    plan: EndpointPlan, gaps: list[Any], modify: bool, dns_ready: bool
) -> None:
    facts = plan.facts
    for short in names.INTERFACE_SERVICES:
        found = req.interface(facts, short)
        if found is None or found.private_dns or short == names.ECR_API:
            continue
        if req.need(facts, short).level == req.NOT_NEEDED:
            continue
        held = _held(modify) or (None if dns_ready else "needs the VPC's DNS attributes on")
        plan.add(
            f"dns:{found.id}",
            "endpoint-dns",
            f"turn on private DNS of {found.id} ({found.service_name})",
            action=CHANGE,
            params={"VpcEndpointId": found.id, "PrivateDnsEnabled": True},
            held=held,
        )
    group = OWN_GROUP if plan.group == GROUP else plan.group
    for endpoint in gaps:
        plan.add(
            f"group:{endpoint.id}",
            "endpoint-group",
            f"add security group {group or OWN_GROUP} (TCP 443 from the subnets) to {endpoint.id} "
            f"({endpoint.service_name})",
            action=CHANGE,
            params={"VpcEndpointId": endpoint.id, "AddSecurityGroupIds": [plan.group]},
            held=_held(modify),
        )


def _manual(plan: EndpointPlan) -> None:
    """What ecrctl does not change: endpoint policies that refuse ECR, registries
    in another region, DHCP options without DNS servers."""
    facts = plan.facts
    for short, judge in ((names.ECR_DKR, req.pull_verdict), (names.ECR_API, req.token_verdict)):
        found = req.interface(facts, short)
        if found is None:
            continue
        verdict = judge(facts, found)
        if verdict.decision in (ep_policy.DENIED, ep_policy.NOT_ALLOWED, ep_policy.UNREADABLE):
            plan.add(
                f"policy:{found.id}",
                MANUAL,
                f"{found.id}: {verdict.reason}: edit its policy",
                action=MANUAL,
            )
    foreign = [e.id for e in req.foreign(facts)]
    images = [i for i, h in req.image_hosts(facts) if h is not None and h.region != facts.region]
    if foreign or images:
        plan.add(
            "region",
            MANUAL,
            f"{', '.join(foreign + images)}: another region's; replicate the repositories to "
            f"{facts.region} and pull from there",
            action=MANUAL,
        )
    if facts.dns_servers == ():
        plan.add(
            "dhcp",
            MANUAL,
            f"DHCP options {facts.dhcp_options} name no DNS servers: use AmazonProvidedDNS",
            action=MANUAL,
        )
