"""The guide's private networking chapter as conditions over :class:`NetworkFacts`: one
:class:`Condition` per line of the report, with the fix where one exists. Pure:
every answer comes from the facts already read.

The ids are stable (scripts match on them); docs/networking.md lists each.
"""

from __future__ import annotations

import ipaddress
import shlex
from collections.abc import Callable

from ecrctl.network import endpoint_policy as ep_policy
from ecrctl.network import names
from ecrctl.network import requirements as req
from ecrctl.network.endpoint_policy import Verdict
from ecrctl.network.facts import AMAZON_DNS
from ecrctl.network.model import (
    FAIL,
    OK,
    SKIP,
    WARN,
    Condition,
    Endpoint,
    NetworkFacts,
    NetworkTarget,
)

MODIFY = "--modify-existing"
# the endpoints the ECS guide adds, checked last (each with private DNS)
LAST = (
    (names.LOGS, "CloudWatch Logs endpoint for awslogs"),
    (names.ECS_AGENT, "ecs-agent endpoint (EC2 launch type)"),
    (names.ECS_TELEMETRY, "ecs-telemetry endpoint (EC2 launch type)"),
    (names.ECS, "ecs endpoint (EC2 launch type)"),
)


class Judge:
    """Builds each condition of one report (the facts and the fix commands)."""

    def __init__(self, facts: NetworkFacts, target: NetworkTarget) -> None:
        self.f = facts
        self.create = shlex.join(["ecrctl", "network", "create", *target.options()])

    def all(self) -> list[Condition]:
        return [
            self.dns_attribute("vpc.dns-support", "enableDnsSupport", self.f.dns_support),
            self.dns_attribute("vpc.dns-hostnames", "enableDnsHostnames", self.f.dns_hostnames),
            self.amazon_dns(),
            self.same_region(),
            self.endpoint(names.ECR_DKR, "ecr.dkr interface endpoint with private DNS", True),
            self.policy(names.ECR_DKR, "ecr.dkr endpoint policy allows pulls", req.pull_verdict),
            self.endpoint(names.ECR_API, "ecr.api interface endpoint (EC2 launch type)", False),
            self.policy(names.ECR_API, "ecr.api endpoint policy allows tokens", req.token_verdict),
            self.s3_gateway(),
            self.s3_policy(),
            self.ingress(),
            *(self.endpoint(short, title, True) for short, title in LAST),
        ]

    def dns_attribute(self, id: str, attribute: str, value: bool) -> Condition:
        title = f"VPC attribute {attribute}"
        if value:
            return Condition(id, title, OK, f"{self.f.vpc_id}: {attribute} is on")
        return Condition(
            id,
            title,
            FAIL,
            f"{self.f.vpc_id}: {attribute} is off: the endpoints' private DNS names do not resolve",
            f"{self.create} {MODIFY}",
        )

    def amazon_dns(self) -> Condition:
        id, title = "vpc.amazon-dns", "Amazon-provided DNS (Route 53 Resolver)"
        options, servers = self.f.dhcp_options, self.f.dns_servers
        if servers is None:
            return Condition(id, title, WARN, f"DHCP options {options} could not be read")
        if AMAZON_DNS in servers:
            return Condition(id, title, OK, f"DHCP options {options}: {AMAZON_DNS}")
        if not servers:
            return Condition(
                id,
                title,
                FAIL,
                f"DHCP options {options} name no DNS servers",
                f"associate DHCP options with domain-name-servers={AMAZON_DNS}",
            )
        return Condition(
            id,
            title,
            WARN,
            f"DHCP options {options} use DNS servers {', '.join(servers)}: the endpoints' "
            "private names resolve only if these forward them to the VPC's resolver",
            f"forward *.{self.f.region}.amazonaws.com conditionally to the Route 53 Resolver "
            f"({self.resolver()}), or use {AMAZON_DNS}",
        )

    def resolver(self) -> str:
        """The VPC's Route 53 Resolver: its primary CIDR's base address plus two."""
        try:
            return str(ipaddress.ip_network(self.f.vpc_cidrs[0], strict=False)[2])
        except (ValueError, IndexError):
            return "the VPC's base address + 2"

    def same_region(self) -> Condition:
        id, title = "region.same", "endpoints and registries in the same region"
        region = self.f.region
        problems = [f"{e.id} serves {e.service_name} ({e.region})" for e in req.foreign(self.f)]
        problems += [
            f"{image} is in {host.region}"
            for image, host in req.image_hosts(self.f)
            if host is not None and host.region != region
        ]
        if problems:
            return Condition(
                id,
                title,
                FAIL,
                "; ".join(problems) + ": VPC endpoints do not carry requests to another region",
                f"replicate the repositories to {region} and pull from {region}'s registry",
            )
        hosts = req.image_hosts(self.f)
        ecr = sum(1 for _, host in hosts if host is not None)
        seen = f"; {ecr} image(s) from {region}'s registries" if ecr else ""
        if len(hosts) > ecr:
            seen += f"; {len(hosts) - ecr} not from ECR (they need a route out of the VPC)"
        return Condition(id, title, OK, f"the endpoints serve {region}{seen}")

    def _name(self, short: str) -> str:
        return names.service_name(self.f.region, short)

    def _missing_fix(self, short: str, level: str) -> str:
        if level == req.REQUIRED:
            return self.create
        extra = "--awslogs" if short == names.LOGS else "--launch-type ec2"
        return f"{self.create} {extra}"

    def endpoint(self, short: str, title: str, dns_required: bool) -> Condition:
        id = f"endpoint.{short}"
        need = req.need(self.f, short)
        found = req.interface(self.f, short)
        if found is None:
            missing = f"no interface endpoint {self._name(short)} in {self.f.vpc_id}"
            if need.level == req.NOT_NEEDED:
                return Condition(id, title, SKIP, f"{missing}; not needed: {need.why}")
            status = FAIL if need.level == req.REQUIRED else WARN
            fix = self._missing_fix(short, need.level)
            return Condition(id, title, status, f"{missing}; {need.why}", fix)
        dns = "private DNS on" if found.private_dns else "private DNS off"
        detail = f"{found.id} ({found.state}, {dns})"
        if dns_required and not found.private_dns and need.level != req.NOT_NEEDED:
            return Condition(
                id,
                title,
                FAIL,
                f"{detail}: clients resolve the service's public name, not the endpoint",
                f"{self.create} {MODIFY}",
            )
        if found.state.lower() != "available":
            return Condition(id, title, WARN, f"{detail}: not available yet")
        if not found.private_dns and short == names.ECR_API:
            url = f"https://{found.id}.api.ecr.{self.f.region}.vpce.amazonaws.com"
            detail += f"; clients need --endpoint-url {url}"
        return Condition(id, title, OK, detail)

    def policy(
        self, short: str, title: str, judge: Callable[[NetworkFacts, Endpoint], Verdict]
    ) -> Condition:
        id = f"policy.{short}"
        found = req.interface(self.f, short)
        if found is None:
            return Condition(id, title, SKIP, f"no {short} endpoint")
        return self._verdict(
            id, title, found.id, judge(self.f, found), "edit the endpoint's policy"
        )

    def _verdict(self, id: str, title: str, endpoint: str, verdict: Verdict, fix: str) -> Condition:
        detail = f"{endpoint}: {verdict.reason}"
        if verdict.allowed:
            return Condition(id, title, OK, detail)
        if verdict.decision == ep_policy.LIMITED:
            return Condition(id, title, WARN, detail)
        return Condition(id, title, FAIL, detail, fix)

    def s3_gateway(self) -> Condition:
        id, title = "endpoint.s3", "S3 gateway endpoint on the subnets' route tables"
        gateways = req.s3_gateways(self.f)
        if not gateways:
            name = self._name(names.S3)
            s3 = req.interface(self.f, names.S3)
            if s3 is not None and s3.private_dns:
                return Condition(
                    id,
                    title,
                    WARN,
                    f"no gateway endpoint {name}; interface endpoint {s3.id} serves S3",
                )
            return Condition(
                id, title, FAIL, f"no gateway endpoint {name} in {self.f.vpc_id}", self.create
            )
        missing = req.unrouted(self.f)
        ids = ", ".join(e.id for e in gateways)
        if missing:
            lacking = "; ".join(f"{t} ({', '.join(s)})" for t, s in missing.items())
            return Condition(
                id,
                title,
                FAIL,
                f"{ids} is not on the route table of every subnet: {lacking}",
                f"{self.create} {MODIFY}",
            )
        tables = ", ".join(req.subnet_tables(self.f)) or "no route table"
        return Condition(id, title, OK, f"{ids} on {tables}")

    def s3_policy(self) -> Condition:
        id, title = "policy.s3", "S3 gateway policy allows the layer bucket"
        gateways = req.serving_gateways(self.f)
        if not gateways:
            return Condition(id, title, SKIP, "no S3 gateway endpoint on the subnets' route tables")
        bucket = names.layer_bucket(self.f.region, self.f.partition)
        judged = [(e, req.layer_verdict(self.f, e)) for e in gateways]
        endpoint, verdict = min(judged, key=lambda pair: req.rank(pair[1]))
        fix = f"{self.create} {MODIFY}  (adds s3:GetObject on {bucket})"
        return self._verdict(id, title, endpoint.id, verdict, fix)

    def ingress(self) -> Condition:
        id, title = "ingress.https", "endpoint security groups admit TCP 443 from the subnets"
        present = [
            e
            for short in names.INTERFACE_SERVICES
            if (e := req.interface(self.f, short)) is not None
        ]
        if not present:
            return Condition(id, title, SKIP, "no interface endpoint")
        problems, unsure = [], []
        for endpoint in present:
            found = req.ingress(self.f, endpoint)
            if found.missing and not found.unsure:
                subnets = ", ".join(f"{s.id} {s.cidr}" for s in found.missing)
                problems.append(f"{endpoint.id} ({endpoint.short}) not from {subnets}")
            elif found.missing:
                unsure.append(f"{endpoint.id} ({endpoint.short}) only {', '.join(found.unsure)}")
        if problems:
            return Condition(id, title, FAIL, "; ".join(problems), f"{self.create} {MODIFY}")
        if unsure:
            return Condition(id, title, WARN, "; ".join(unsure) + ": the tasks must be in it")
        return Condition(id, title, OK, f"{len(present)} interface endpoint(s) admit every subnet")


def judge(facts: NetworkFacts, target: NetworkTarget) -> list[Condition]:
    """Every condition of the chapter, in the report's order."""
    return Judge(facts, target).all()
