"""``ecrctl network create`` (the installed console script) against moto_server's
EC2 and ECS: what it creates makes ``network check`` pass; what exists is changed
only with --modify-existing; an answer lost halfway (from a loopback proxy, since
moto fails nothing on its own) is read back. What the command shows of a plan and of a
failure halfway: tests/cli/test_network.py."""

from __future__ import annotations

import json
from typing import Any

from tests.network import world as w
from tests.network.ec2_proxy import Fault, Faults, ec2_proxy
from tests.support.network import SERVICE, create, ecrctl, passes_check, state


def test_create_then_check_passes(aws: dict[str, Any]) -> None:
    net = w.build(aws["ec2"], aws["ecs"], complete=False)
    assert not passes_check()
    done, report = create("--yes")
    assert done.returncode == 0, done.stderr
    steps = {s["id"]: s for s in report["steps"]}
    assert list(steps) == ["group", "group:ingress", "endpoint:ecr.dkr", "endpoint:s3"]
    assert {s["status"] for s in steps.values()} == {"done"}
    assert report["complete"] is True and report["notAttempted"] == []
    created = aws["ec2"].describe_vpc_endpoints(
        VpcEndpointIds=[steps["endpoint:ecr.dkr"]["resourceId"]]
    )["VpcEndpoints"][0]
    assert created["PrivateDnsEnabled"] is True
    assert sorted(created["SubnetIds"]) == sorted(net.subnets)
    assert [g["GroupId"] for g in created["Groups"]] == [steps["group"]["resourceId"]]
    gateway = aws["ec2"].describe_vpc_endpoints(
        VpcEndpointIds=[steps["endpoint:s3"]["resourceId"]]
    )["VpcEndpoints"][0]
    assert gateway["RouteTableIds"] == [net.route_table]
    assert json.loads(gateway["PolicyDocument"])["Statement"][0]["Resource"] == [w.LAYERS]
    assert "Plan for " + net.vpc in done.stderr
    assert "only ECR's layer bucket" in done.stderr
    assert passes_check()
    again, report = create("--yes")
    assert again.returncode == 0 and report["steps"] == []


def test_create_for_ec2_tasks_with_awslogs(aws: dict[str, Any]) -> None:
    w.build(aws["ec2"], aws["ecs"], launch="EC2", awslogs=True, complete=False)
    done, report = create("--yes", "--s3-policy", "full")
    assert done.returncode == 0, done.stderr
    made = [s["id"] for s in report["steps"] if s["id"].startswith("endpoint:")]
    assert made == [f"endpoint:{s}" for s in ("ecr.dkr", "ecr.api", "logs", "ecs-agent")] + [
        "endpoint:ecs-telemetry",
        "endpoint:ecs",
        "endpoint:s3",
    ]
    assert passes_check()


def _break_existing(net: w.Net) -> None:
    """Four things that only a change to what exists can mend."""
    other = net.ec2.create_route_table(VpcId=net.vpc)["RouteTable"]["RouteTableId"]
    net.delete("s3")
    net.gateway([other], document=w.policy(w.allow(["s3:GetObject"], ["arn:aws:s3:::mine/*"])))
    net.delete("ecr.dkr")
    narrow = net.group("narrow", IpRanges=[{"CidrIp": "10.0.1.0/24"}])
    net.endpoint("ecr.dkr", private_dns=False, group=narrow)
    net.vpc_attribute("EnableDnsHostnames", False)


def test_create_changes_what_exists_only_with_the_flag(aws: dict[str, Any]) -> None:
    net = w.build(aws["ec2"], aws["ecs"])
    _break_existing(net)
    before = state(aws["ec2"], net.vpc)
    done, report = create("--yes")
    assert done.returncode == 1
    assert "the network is not complete" in done.stderr
    assert state(aws["ec2"], net.vpc) == before
    steps = {s["id"]: s for s in report["steps"]}
    held = [i for i, s in steps.items() if s["status"] == "skipped"]
    assert held == [
        "vpc:enableDnsHostnames",
        f"routes:{net.endpoints['s3']}",
        f"policy:{net.endpoints['s3']}",
        f"dns:{net.endpoints['ecr.dkr']}",
        f"group:{net.endpoints['ecr.dkr']}",
    ]
    assert all("--modify-existing" in steps[i]["reason"] for i in held)
    policy_change = steps[f"policy:{net.endpoints['s3']}"]
    assert policy_change["change"]["Resource"] == [w.LAYERS]
    assert w.LAYERS in policy_change["what"]
    assert {s["status"] for s in steps.values()} == {"skipped"}
    assert report["dryRun"] is False and report["done"] == []
    assert not passes_check()

    recorder = Faults()
    with ec2_proxy(aws["url"], recorder) as url:
        done, report = create("--yes", "--modify-existing", AWS_ENDPOINT_URL_EC2=url)
    assert done.returncode == 0, done.stderr
    changes = [c for c in recorder.calls if c["Action"].startswith("Modify")]
    group = {s["id"]: s for s in report["steps"]}["group"]["resourceId"]
    dkr, s3 = net.endpoints["ecr.dkr"], net.endpoints["s3"]
    assert [
        {k: v for k, v in c.items() if k not in ("Version", "PolicyDocument")} for c in changes
    ] == [
        {"Action": "ModifyVpcAttribute", "VpcId": net.vpc, "EnableDnsHostnames.Value": "true"},
        {"Action": "ModifyVpcEndpoint", "VpcEndpointId": s3, "AddRouteTableId.1": net.route_table},
        {"Action": "ModifyVpcEndpoint", "VpcEndpointId": s3},
        {"Action": "ModifyVpcEndpoint", "VpcEndpointId": dkr, "PrivateDnsEnabled": "true"},
        {"Action": "ModifyVpcEndpoint", "VpcEndpointId": dkr, "AddSecurityGroupId.1": group},
    ]
    # moto's ModifyVpcEndpoint ignores PrivateDnsEnabled (AWS applies it): every other
    # condition now holds
    found = json.loads(ecrctl("network", "check", *SERVICE, "-o", "json").stdout)
    failing = [c["id"] for c in found["conditions"] if c["status"] == "fail"]
    assert failing == ["endpoint.ecr.dkr"]
    assert "private DNS off" in found["conditions"][4]["detail"]
    policy = aws["ec2"].describe_vpc_endpoints(VpcEndpointIds=[net.endpoints["s3"]])
    statements = json.loads(policy["VpcEndpoints"][0]["PolicyDocument"])["Statement"]
    assert [s["Resource"] for s in statements] == [["arn:aws:s3:::mine/*"], [w.LAYERS]]


def test_a_lost_answer_is_read_back(aws: dict[str, Any]) -> None:
    net = w.build(aws["ec2"], aws["ecs"], complete=False)
    dkr = w.service_name("ecr.dkr")
    faults = Faults([Fault("CreateVpcEndpoint", "ServiceName", dkr)])
    with ec2_proxy(aws["url"], faults) as url:
        done, report = create("--yes", AWS_ENDPOINT_URL_EC2=url, ECRCTL_MAX_ATTEMPTS="1")
    assert done.returncode == 1
    steps = {s["id"]: s for s in report["steps"]}
    found = aws["ec2"].describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [net.vpc]}])
    assert [e["VpcEndpointId"] for e in found["VpcEndpoints"]] == [
        steps["endpoint:ecr.dkr"]["resourceId"]
    ]
    assert steps["endpoint:ecr.dkr"]["status"] == "done"
    assert steps["endpoint:s3"]["status"] == "not-attempted"
    assert [n["id"] for n in report["notAttempted"]] == ["endpoint:s3"]
    assert "not created or changed: endpoint:s3 (not-attempted)" in done.stderr
