"""``ecrctl network check`` against moto_server's EC2 and ECS: a network that
meets every condition of the guide's chapter, then the same network with one
thing broken (or changed and still fine) per condition."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import Runner
from tests.network import world as w
from tests.network.world import Net

SERVICE = ("--ecs-service", "prod/web")
FARGATE_SKIPPED = ["endpoint.ecr.api", "policy.ecr.api", "endpoint.logs"] + [
    f"endpoint.{s}" for s in ("ecs-agent", "ecs-telemetry", "ecs")
]


def check(cli: Runner, *args: str) -> tuple[int, dict[str, dict[str, Any]], dict[str, Any]]:
    result = cli("network", "check", *args, "-o", "json")
    assert result.exit_code in (0, 1), result.stderr
    document = result.json
    return result.exit_code, {c["id"]: c for c in document["conditions"]}, document


def test_a_complete_fargate_network_passes(aws: dict[str, Any], cli: Runner) -> None:
    net = w.build(aws["ec2"], aws["ecs"])
    code, found, document = check(cli, *SERVICE)
    assert code == 0
    assert {i for i, c in found.items() if c["status"] == "skip"} == set(FARGATE_SKIPPED)
    assert {c["status"] for i, c in found.items() if i not in FARGATE_SKIPPED} == {"ok"}
    assert document["summary"] == {"ok": 9, "warn": 0, "fail": 0, "skip": 6}
    assert document["vpcId"] == net.vpc
    assert [s["subnetId"] for s in document["subnets"]] == net.subnets
    assert document["workload"]["launchType"] == "FARGATE"
    assert document["workload"]["securityGroups"] == [net.task_group]
    assert document["workload"]["images"] == [w.IMAGE]
    assert net.endpoints["ecr.dkr"] in found["endpoint.ecr.dkr"]["detail"]
    assert (
        "allows ecr:BatchGetImage and ecr:GetDownloadUrlForLayer"
        in (found["policy.ecr.dkr"]["detail"])
    )


def test_a_complete_ec2_network_with_awslogs_passes(aws: dict[str, Any], cli: Runner) -> None:
    w.build(aws["ec2"], aws["ecs"], launch="EC2", awslogs=True)
    code, found, document = check(cli, *SERVICE)
    assert code == 0, found
    assert {c["status"] for c in found.values()} == {"ok"}
    assert document["launchType"] == "EC2" and document["awslogs"] is True


def _dhcp(servers: list[str] | None) -> Callable[[Net], None]:
    def apply(net: Net) -> None:
        options = [{"Key": "domain-name", "Values": ["corp.example"]}]
        if servers is not None:
            options.append({"Key": "domain-name-servers", "Values": servers})
        made = net.ec2.create_dhcp_options(DhcpConfigurations=options)["DhcpOptions"]
        net.ec2.associate_dhcp_options(DhcpOptionsId=made["DhcpOptionsId"], VpcId=net.vpc)

    return apply


def _replace_endpoint(short: str, **rule: Any) -> Callable[[Net], None]:
    """The endpoint made again with a security group of ``rule`` alone."""

    def apply(net: Net) -> None:
        net.delete(short)
        net.endpoint(short, group=net.group("narrow", **rule) if rule else net.group("none"))

    return apply


def _s3_elsewhere(net: Net) -> None:
    other = net.ec2.create_route_table(VpcId=net.vpc)["RouteTable"]["RouteTableId"]
    net.delete("s3")
    net.gateway([other])


def _dns_off(net: Net) -> None:
    net.delete("ecr.dkr")
    net.endpoint("ecr.dkr", private_dns=False)


OTHER_REPOSITORY = f"arn:aws:ecr:{w.REGION}:{w.ACCOUNT}:repository/team/other"
OTHER_ROLE = {"AWS": f"arn:aws:iam::{w.ACCOUNT}:role/somebody"}
PULL = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
EC2 = {"launch": "EC2"}
EU_IMAGE = f"{w.ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/team/web:1"
DENY_PULL = {"Effect": "Deny", "Principal": "*", "Action": "ecr:BatchGetImage", "Resource": "*"}

# (condition, how the world is built, what changes it, status, words of the detail)
Row = tuple[str, dict[str, Any], Callable[[Net], None], str, str]


@dataclass(frozen=True)
class Case:
    """One row of a table of changes."""

    condition: str
    setup: dict[str, Any]
    change: Callable[[Net], None]
    status: str
    words: str


def each(table: list[Row]) -> pytest.MarkDecorator:
    """A test per row of ``table``, named by its condition and its place."""
    ids = [f"{row[0]}-{i}" for i, row in enumerate(table)]
    return pytest.mark.parametrize("case", [Case(*row) for row in table], ids=ids)


# what breaks each condition
BROKEN: list[Row] = [
    (
        "vpc.dns-support",
        {},
        lambda n: n.vpc_attribute("EnableDnsSupport", False),
        "fail",
        "enableDnsSupport is off",
    ),
    (
        "vpc.dns-hostnames",
        {},
        lambda n: n.vpc_attribute("EnableDnsHostnames", False),
        "fail",
        "enableDnsHostnames is off",
    ),
    ("vpc.amazon-dns", {}, _dhcp(["10.0.0.5"]), "warn", "use DNS servers 10.0.0.5"),
    ("vpc.amazon-dns", {}, _dhcp(None), "fail", "name no DNS servers"),
    ("region.same", {"image": EU_IMAGE}, lambda n: None, "fail", "is in eu-west-1"),
    (
        "region.same",
        {},
        lambda n: n.ec2.create_vpc_endpoint(
            VpcId=n.vpc,
            ServiceName=w.service_name("ecr.dkr", "us-west-2"),
            VpcEndpointType="Interface",
            SubnetIds=n.subnets,
        ),
        "fail",
        "com.amazonaws.us-west-2.ecr.dkr (us-west-2)",
    ),
    ("endpoint.ecr.dkr", {}, lambda n: n.delete("ecr.dkr"), "fail", "no interface endpoint"),
    ("endpoint.ecr.dkr", {}, _dns_off, "fail", "private DNS off"),
    (
        "policy.ecr.dkr",
        {},
        lambda n: n.set_policy("ecr.dkr", w.policy(w.allow(["ecr:*"]), DENY_PULL)),
        "fail",
        "statement #2 denies ecr:BatchGetImage",
    ),
    (
        "policy.ecr.dkr",
        {},
        lambda n: n.set_policy("ecr.dkr", w.policy(w.allow(PULL, OTHER_REPOSITORY))),
        "fail",
        "no statement allows ecr:BatchGetImage",
    ),
    (
        "policy.ecr.dkr",
        {},
        lambda n: n.set_policy("ecr.dkr", w.policy(w.allow(PULL, principal=OTHER_ROLE))),
        "fail",
        "no statement allows",
    ),
    ("endpoint.ecr.api", EC2, lambda n: n.delete("ecr.api"), "fail", "EC2 launch type"),
    (
        "policy.ecr.api",
        EC2,
        lambda n: n.set_policy("ecr.api", w.policy(w.allow(PULL))),
        "fail",
        "no statement allows ecr:GetAuthorizationToken",
    ),
    ("endpoint.s3", {}, lambda n: n.delete("s3"), "fail", "no gateway endpoint"),
    ("endpoint.s3", {}, _s3_elsewhere, "fail", "is not on the route table of every subnet"),
    (
        "policy.s3",
        {},
        lambda n: n.set_policy(
            "s3", w.policy(w.allow(["s3:GetObject"], ["arn:aws:s3:::my-bucket/*"]))
        ),
        "fail",
        "no statement allows s3:GetObject",
    ),
    (
        "ingress.https",
        {},
        _replace_endpoint("ecr.dkr", IpRanges=[{"CidrIp": "10.0.1.0/24"}]),
        "fail",
        "not from " + "subnet-",
    ),
    ("ingress.https", {}, _replace_endpoint("ecr.dkr"), "fail", "10.0.1.0/24"),
    ("endpoint.logs", {"awslogs": True}, lambda n: n.delete("logs"), "fail", "awslogs"),
    ("endpoint.ecs-agent", EC2, lambda n: n.delete("ecs-agent"), "fail", "EC2 launch type"),
    ("endpoint.ecs-telemetry", EC2, lambda n: n.delete("ecs-telemetry"), "fail", "ecs-telemetry"),
    ("endpoint.ecs", EC2, lambda n: n.delete("ecs"), "fail", "com.amazonaws.us-east-1.ecs "),
]


def changed_and_found(aws: dict[str, Any], cli: Runner, case: Case) -> tuple[int, dict[str, Any]]:
    """Build the world of ``case`` and change it, run the check: the finding of its
    condition has its status and words. The exit code and every finding."""
    case.change(w.build(aws["ec2"], aws["ecs"], **case.setup))
    code, found, _ = check(cli, *SERVICE)
    assert found[case.condition]["status"] == case.status, found[case.condition]
    assert case.words in found[case.condition]["detail"], found[case.condition]
    return code, found


@each(BROKEN)
def test_one_broken_condition_is_reported(aws: dict[str, Any], cli: Runner, case: Case) -> None:
    code, found = changed_and_found(aws, cli, case)
    assert code == (1 if case.status == "fail" else 0)
    others = {i: c["status"] for i, c in found.items() if i != case.condition}
    if case.condition not in ("ingress.https", "endpoint.ecr.dkr", "endpoint.s3"):
        assert "fail" not in others.values(), others
    if case.status == "fail":
        assert found[case.condition]["fix"], found[case.condition]


def _nothing(net: Net) -> None:
    pass


def _api_without_dns(net: Net) -> None:
    net.delete("ecr.api")
    net.endpoint("ecr.api", private_dns=False)


def _logs_through_nat(net: Net) -> None:
    net.delete("logs")
    net.route_out(nat=True)


def _s3_full_access(net: Net) -> None:
    net.delete("s3")
    net.gateway([net.route_table], document=None)


REPOSITORY = f"arn:aws:ecr:{w.REGION}:{w.ACCOUNT}:repository/team/web"
ON_CONDITION = {**w.allow(["s3:GetObject"], [w.LAYERS]), "Condition": {"StringEquals": {"a": "b"}}}

# changes each condition survives
STILL_FINE: list[Row] = [
    ("vpc.amazon-dns", {}, _dhcp(["AmazonProvidedDNS"]), "ok", "AmazonProvidedDNS"),
    (
        "policy.ecr.dkr",
        {},
        lambda n: n.set_policy("ecr.dkr", w.policy(w.allow(PULL, principal={"AWS": w.ROLE}))),
        "ok",
        "allows",
    ),
    (
        "policy.ecr.dkr",
        {},
        lambda n: n.set_policy("ecr.dkr", w.policy(w.allow(PULL, [REPOSITORY]))),
        "ok",
        "allows",
    ),
    (
        "ingress.https",
        {},
        lambda n: _replace_endpoint("ecr.dkr", UserIdGroupPairs=[{"GroupId": n.task_group}])(n),
        "ok",
        "admit every subnet",
    ),
    ("endpoint.ecr.api", EC2, _api_without_dns, "ok", "--endpoint-url https://vpce-"),
    ("endpoint.logs", {"awslogs": True}, _logs_through_nat, "skip", "default route out"),
    ("policy.s3", {}, _s3_full_access, "ok", "statement #1 allows s3:GetObject"),
    ("region.same", {"image": "public.ecr.aws/docker/library/nginx:1"}, _nothing, "ok", "1 not"),
    (
        "policy.s3",
        {},
        lambda n: n.set_policy("s3", w.policy(ON_CONDITION)),
        "warn",
        "under a condition",
    ),
]


@each(STILL_FINE)
def test_a_change_that_keeps_the_condition(aws: dict[str, Any], cli: Runner, case: Case) -> None:
    code, found = changed_and_found(aws, cli, case)
    assert code == 0, found


def test_a_vpc_is_checked_on_its_private_subnets(aws: dict[str, Any], cli: Runner) -> None:
    net = w.build(aws["ec2"], aws["ecs"])
    public_table = aws["ec2"].create_route_table(VpcId=net.vpc)["RouteTable"]["RouteTableId"]
    gateway = aws["ec2"].create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    aws["ec2"].attach_internet_gateway(InternetGatewayId=gateway, VpcId=net.vpc)
    aws["ec2"].create_route(
        RouteTableId=public_table, DestinationCidrBlock="0.0.0.0/0", GatewayId=gateway
    )
    public = aws["ec2"].create_subnet(VpcId=net.vpc, CidrBlock="10.0.9.0/24")["Subnet"]["SubnetId"]
    aws["ec2"].associate_route_table(RouteTableId=public_table, SubnetId=public)
    code, found, document = check(cli, "--vpc", net.vpc, "--launch-type", "fargate")
    assert code == 0, found
    assert [s["subnetId"] for s in document["subnets"]] == net.subnets
    assert [s["subnetId"] for s in document["skippedSubnets"]] == [public]
    assert document["skippedSubnets"][0]["internetRoute"] == gateway
    # the public subnet, named, is checked: the S3 gateway is not on its route table
    code, found, _ = check(cli, "--subnet", public, "--subnet", net.subnets[0])
    assert code == 1
    assert found["endpoint.s3"]["status"] == "fail"
    assert public_table in found["endpoint.s3"]["detail"]


def test_without_a_service_what_the_tasks_do_is_unknown(aws: dict[str, Any], cli: Runner) -> None:
    net = w.build(aws["ec2"], aws["ecs"])
    code, found, document = check(cli, "--vpc", net.vpc)
    assert code == 0
    assert document["launchType"] is None and document["workload"] is None
    for condition in ("endpoint.ecr.api", "endpoint.ecs-agent", "endpoint.logs"):
        assert found[condition]["status"] == "warn", found[condition]
    assert "--launch-type ec2" in found["endpoint.ecr.api"]["fix"]
    code, found, _ = check(cli, "--vpc", net.vpc, "--launch-type", "ec2", "--no-awslogs")
    assert code == 1
    assert found["endpoint.ecr.api"]["status"] == "fail"
    assert found["endpoint.logs"]["status"] == "skip"


def test_a_task_definition_says_what_the_tasks_do(aws: dict[str, Any], cli: Runner) -> None:
    net = w.build(aws["ec2"], aws["ecs"])
    net.task_definition(launch="EC2", awslogs=True)
    code, found, document = check(cli, "--subnet", net.subnets[0], "--task-definition", "web:2")
    assert code == 1
    assert document["workload"]["kind"] == "task-definition"
    assert (document["launchType"], document["awslogs"]) == ("EC2", True)
    assert found["endpoint.ecr.api"]["status"] == "fail"
    assert found["endpoint.logs"]["status"] == "fail"


def test_custom_dns_servers_are_told_where_to_forward(aws: dict[str, Any], cli: Runner) -> None:
    net = w.build(aws["ec2"], aws["ecs"])
    _dhcp(["10.0.0.5", "10.0.0.6"])(net)
    _, found, _ = check(cli, *SERVICE)
    assert found["vpc.amazon-dns"]["status"] == "warn"
    assert "to the Route 53 Resolver (10.0.0.2)" in found["vpc.amazon-dns"]["fix"]


def test_a_vpc_without_private_subnets_is_checked_whole(aws: dict[str, Any], cli: Runner) -> None:
    net = w.build(aws["ec2"], aws["ecs"])
    gateway = net.route_out(nat=False)
    result = cli("network", "check", "--vpc", net.vpc, "--launch-type", "fargate", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert [s["subnetId"] for s in result.json["subnets"]] == net.subnets
    assert {s["internetRoute"] for s in result.json["subnets"]} == {gateway}
    assert result.json["notes"] == [f"{net.vpc} has no private subnet: every subnet is checked"]
    assert f"{net.vpc} has no private subnet" in cli("network", "check", "--vpc", net.vpc).stderr
