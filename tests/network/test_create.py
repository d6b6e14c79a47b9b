"""``ecrctl network create`` (the installed console script) against moto_server's
EC2 and ECS: what it creates makes ``network check`` pass; what exists is changed
only with --modify-existing; a failure halfway (from a loopback proxy, since
moto fails nothing on its own) says what was created and what was not."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.network import world as w
from tests.network.ec2_proxy import Fault, Faults, ec2_proxy

BIN = Path(sys.executable).parent
SERVICE = ("--ecs-service", "prod/web")


def ecrctl(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "ecrctl"), *args],
        env={**os.environ, **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


def create(*args: str, **env: str) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    done = ecrctl("network", "create", *SERVICE, *args, "-o", "json", **env)
    return done, json.loads(done.stdout) if done.stdout else {}


def state(ec2: Any, vpc: str) -> Any:
    """Everything create could change: endpoints, groups, the VPC's DNS attributes."""
    in_vpc = [{"Name": "vpc-id", "Values": [vpc]}]
    endpoints = sorted(
        (
            e["VpcEndpointId"],
            e["ServiceName"],
            e.get("PolicyDocument"),
            sorted(e.get("RouteTableIds") or []),
            e.get("PrivateDnsEnabled"),
            sorted(g["GroupId"] for g in e.get("Groups") or []),
        )
        for e in ec2.describe_vpc_endpoints(Filters=in_vpc)["VpcEndpoints"]
    )
    groups = sorted(
        (g["GroupId"], json.dumps(g["IpPermissions"], sort_keys=True))
        for g in ec2.describe_security_groups(Filters=in_vpc)["SecurityGroups"]
    )
    attributes = [
        ec2.describe_vpc_attribute(VpcId=vpc, Attribute=a)
        for a in ("enableDnsSupport", "enableDnsHostnames")
    ]
    return endpoints, groups, [sorted(a.items())[0] for a in attributes]


def passes_check() -> bool:
    done = ecrctl("network", "check", *SERVICE, "-o", "json")
    assert done.returncode in (0, 1), done.stderr
    return done.returncode == 0


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


def test_dry_run_and_a_missing_yes_change_nothing(aws: dict[str, Any]) -> None:
    net = w.build(aws["ec2"], aws["ecs"], complete=False)
    before = state(aws["ec2"], net.vpc)
    done, plan = create("--dry-run")
    assert done.returncode == 0, done.stderr
    assert plan["dryRun"] is True
    assert {s["status"] for s in plan["steps"]} == {"planned"}
    refused = ecrctl("network", "create", *SERVICE)
    assert refused.returncode == 2
    assert "pass --yes to confirm" in refused.stderr
    assert state(aws["ec2"], net.vpc) == before


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


def test_a_step_refused_halfway_is_reported(aws: dict[str, Any]) -> None:
    net = w.build(aws["ec2"], aws["ecs"], complete=False)
    dkr = w.service_name("ecr.dkr")
    faults = Faults([Fault("CreateVpcEndpoint", "ServiceName", dkr, "VpcEndpointLimitExceeded")])
    with ec2_proxy(aws["url"], faults) as url:
        done, report = create("--yes", AWS_ENDPOINT_URL_EC2=url)
    assert done.returncode == 1
    steps = {s["id"]: s for s in report["steps"]}
    assert [s["status"] for s in steps.values()] == ["done", "done", "failed", "not-attempted"]
    assert steps["endpoint:ecr.dkr"]["failureCode"] == "VpcEndpointLimitExceeded"
    assert report["complete"] is False
    assert [d["id"] for d in report["done"]] == ["group", "group:ingress"]
    assert [f["id"] for f in report["failed"]] == ["endpoint:ecr.dkr"]
    assert [n["id"] for n in report["notAttempted"]] == ["endpoint:s3"]
    group = steps["group"]["resourceId"]
    assert f"created or changed: group {group}, group:ingress {group}" in done.stderr
    assert (
        "not created or changed: endpoint:ecr.dkr (failed: VpcEndpointLimitExceeded), "
        "endpoint:s3 (not-attempted)"
    ) in done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("ecrctl: error: ")
    assert "VpcEndpointLimitExceeded" in last and "2 of 4 done, 1 failed, 1 not attempted" in last
    found = aws["ec2"].describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [net.vpc]}])
    assert found["VpcEndpoints"] == []
    # run again: ecrctl's group is found and kept, the rest is created
    again, report = create("--yes")
    assert again.returncode == 0, again.stderr
    assert [s["id"] for s in report["steps"]] == ["endpoint:ecr.dkr", "endpoint:s3"]
    assert f"security group {group}" in report["steps"][0]["what"]
    assert passes_check()


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
