"""``ecrctl network check|create`` (ecrctl/cli/network.py) against moto_server's EC2 and
ECS: the check's table, one error line for what cannot be checked, the plan's table,
--dry-run and the confirmation, what is left held, and the account of a failure halfway
(from a loopback EC2 proxy, since moto fails nothing on its own). What the conditions
and steps find: tests/network/."""

from __future__ import annotations

from typing import Any

from tests.conftest import Runner
from tests.network import world as w
from tests.network.ec2_proxy import Fault, Faults, ec2_proxy
from tests.support.network import (  # noqa: F401 - fixtures
    SERVICE,
    aws_fixture,
    create,
    ecrctl,
    passes_check,
    state,
)


def test_the_table_has_one_line_per_condition(aws: dict[str, Any], cli: Runner) -> None:
    net = w.build(aws["ec2"], aws["ecs"], complete=False)
    result = cli("network", "check", *SERVICE)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{net.vpc} (us-east-1): subnets {', '.join(net.subnets)}")
    assert lines[1].split() == ["STATUS", "CONDITION", "FOUND", "FIX"]
    rows = lines[3:]
    assert len(rows) == 15
    failing = [r for r in rows if r.startswith("fail")]
    assert [r.split()[1] for r in failing] == ["endpoint.ecr.dkr", "endpoint.s3"]
    assert all(r.rstrip().endswith("ecrctl network create --ecs-service prod/web") for r in failing)


def test_what_cannot_be_checked_is_one_line(aws: dict[str, Any], cli: Runner) -> None:
    net = w.build(aws["ec2"], aws["ecs"])
    other = aws["ec2"].create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    elsewhere = aws["ec2"].create_subnet(VpcId=other, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
    empty = aws["ec2"].create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    aws["ecs"].create_service(
        cluster="prod", serviceName="bridge", taskDefinition="web:1", desiredCount=1
    )
    cases = [
        (
            ("--vpc", "vpc-0123456789abcdef0"),
            1,
            "vpc-0123456789abcdef0",
            "check the id and --region",
        ),
        (
            ("--subnet", net.subnets[0], "--subnet", elsewhere),
            2,
            "the subnets are in 2 VPCs",
            other,
        ),
        (("--ecs-service", "prod/nope"), 1, "ECS service 'nope' not found in cluster 'prod'", ""),
        (("--ecs-service", "nope/web"), 1, "ECS cluster 'nope' not found", ""),
        (("--ecs-service", "prod/bridge"), 2, "has no awsvpcConfiguration", "--subnet"),
        (("--vpc", net.vpc, "--task-definition", "nope"), 1, "task definition 'nope'", ""),
        (("--vpc", empty), 1, f"{empty} has no subnets", ""),
    ]
    for args, code, *words in cases:
        result = cli("network", "check", *args)
        assert result.exit_code == code, (args, result.stderr)
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("ecrctl: error: "), result.stderr
        assert all(word in lines[0] for word in words), lines[0]
        assert result.stdout == ""


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


# -- the plan's table ----------------------------------------------------------------------------


def test_the_dry_run_table_has_one_line_per_step(aws: dict[str, Any], cli: Runner) -> None:
    net = w.build(aws["ec2"], aws["ecs"], complete=False)
    before = state(aws["ec2"], net.vpc)
    result = cli("network", "create", *SERVICE, "--dry-run")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].strip() == f"{net.vpc} (us-east-1)"
    assert lines[1].split() == ["ACTION", "STEP", "WHAT", "STATUS", "ID"]
    rows = [line.split() for line in lines[3:] if line.strip()]
    assert [r[1] for r in rows] == ["group", "group:ingress", "endpoint:ecr.dkr", "endpoint:s3"]
    assert {r[0] for r in rows} == {"create"}
    assert all(r[-2:] == ["planned", "-"] for r in rows)
    assert "only ECR's layer bucket" in result.stderr  # the plan's notes
    assert state(aws["ec2"], net.vpc) == before


def test_a_complete_network_has_nothing_to_do(aws: dict[str, Any], cli: Runner) -> None:
    w.build(aws["ec2"], aws["ecs"])
    result = cli("network", "create", *SERVICE)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""  # an empty table is a note on stderr
    assert result.stderr == "nothing to do\n"


def test_what_is_held_is_shown_and_fails_without_the_flag(aws: dict[str, Any], cli: Runner) -> None:
    net = w.build(aws["ec2"], aws["ecs"])
    net.vpc_attribute("EnableDnsHostnames", False)
    before = state(aws["ec2"], net.vpc)
    result = cli("network", "create", *SERVICE, "--yes")
    assert result.exit_code == 1
    row = next(line for line in result.stdout.splitlines() if "vpc:enableDnsHostnames" in line)
    assert "skipped: " in row and "--modify-existing" in row
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ecrctl: error: the network is not complete: 1 held ")
    assert "(vpc:enableDnsHostnames)" in last and "pass --modify-existing" in last
    assert state(aws["ec2"], net.vpc) == before
