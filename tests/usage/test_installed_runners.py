"""Every runner the scan reads, end to end: the installed ``ecrctl`` against
moto_server's ECR, ECS, Lambda, Batch, EventBridge, Scheduler, SageMaker and STS.
Each case puts one runner on image ``used`` and checks that ``image delete`` refuses
it, naming the runner, and that the preview's JSON marks it in use (a case fails
if the image would be reported "not in use"); ``free`` beside it stays deletable."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.aws import role_keys
from tests.usage import world as w
from tests.usage.proxy import Rules, proxy
from tests.usage.test_installed import KEEP_NEWEST, ecrctl

PODS = Path(__file__).parent / "data" / "pods.json"
OTHER = "210987654321"
ROLE = f"arn:aws:iam::{OTHER}:role/usage-reader"

Setup = Callable[[w.World, str], list[str]]  # -> extra ecrctl arguments


def _service(world: w.World, used: str) -> list[str]:
    world.ecs.create_cluster(clusterName="prod")
    world.service("prod", "web", world.task_definition("web", w.uri("app", "used")))
    return []


def _task_set(world: w.World, used: str) -> list[str]:
    world.ecs.create_cluster(clusterName="prod")
    first = world.task_definition("web", w.uri("app", "used"))
    world.task_definition("web", w.uri("app", "newer"))
    world.ecs.create_service(
        cluster="prod", serviceName="web", desiredCount=1, deploymentController={"type": "EXTERNAL"}
    )
    world.ecs.create_task_set(cluster="prod", service="web", taskDefinition=first)
    return ["--usage-revisions", "1"]


def _lambda_alias(world: w.World, used: str) -> list[str]:
    w.lambda_role(world)
    version = world.function("fn", w.uri("app", "used"), publish=True)
    world.awslambda.update_function_code(FunctionName="fn", ImageUri=w.uri("app", "newer"))
    world.awslambda.create_alias(FunctionName="fn", Name="live", FunctionVersion=version)
    return []


def _batch(world: w.World, used: str) -> list[str]:
    world.job_definition("train", w.uri("app", digest=used))
    return []


def _rule(world: w.World, used: str) -> list[str]:
    world.task_definition("cron", w.uri("app", "used"))
    world.task_definition("cron", w.uri("app", "newer"))
    world.rule("hourly", "cron:1")
    return ["--usage-revisions", "1"]


def _schedule(world: w.World, used: str) -> list[str]:
    world.task_definition("nightly", w.uri("app", "used"))
    world.task_definition("nightly", w.uri("app", "newer"))
    world.schedule("nightly", "nightly:1")
    return ["--usage-revisions", "1"]


def _model(world: w.World, used: str) -> list[str]:
    world.model("ranker", w.uri("app", "newer"), w.uri("app", "used"))
    return []


def _pods(world: w.World, used: str) -> list[str]:
    return ["--usage-from", str(PODS)]


CASES: dict[str, tuple[Setup, str]] = {
    "ecs service": (_service, "service prod/web (web:1) [tag used]"),
    "ecs task set": (_task_set, "service prod/web (web:1) [tag used]"),
    "lambda version and alias": (_lambda_alias, "function fn:1 (alias live) [running]"),
    "batch job definition": (_batch, "job definition train:1 [digest]"),
    "eventbridge rule": (_rule, "EventBridge rule hourly (cron:1) [tag used]"),
    "scheduler schedule": (_schedule, "schedule default/nightly (nightly:1) [tag used]"),
    "sagemaker model": (_model, "SageMaker model ranker [tag used]"),
    "kubectl pods": (_pods, "external pod prod/web-7d9f8b6c5d-x2k4p (web) [tag v1]"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_each_runner_keeps_its_image(usage_url: str, tmp_path: Path, case: str) -> None:
    setup, named = CASES[case]
    world = w.clients(endpoint_url=usage_url)
    world.ecr.create_repository(repositoryName="app")
    used = world.image("app", "one", "used")  # schema2("one"): the pods' v1 too
    world.ecr.put_image(repositoryName="app", imageManifest=w.schema2("one"), imageTag="v1")
    world.image("app", "newer", "newer")
    free = world.image("app", "free")
    args = setup(world, used)
    refused = ecrctl(usage_url, "image", "delete", "app", used, "--yes", *args)
    assert refused.returncode == 1, refused.stderr
    assert named in refused.stderr.splitlines()[-1]
    policy = tmp_path / "policy.json"
    policy.write_text(KEEP_NEWEST)
    preview = ecrctl(
        usage_url,
        "policy",
        "lifecycle",
        "preview",
        "app",
        "--policy",
        str(policy),
        "--in-use",
        "-o",
        "json",
        *args,
    )
    rows = {r["imageDigest"]: r for r in json.loads(preview.stdout)["previewResults"]}
    assert rows[used]["inUse"] is True
    assert rows[free]["inUse"] is False
    deleted = ecrctl(usage_url, "image", "delete", "app", free, "--yes", *args)
    assert deleted.returncode == 0, deleted.stderr


def test_references_on_stdin_one_a_line(usage_url: str) -> None:
    world = w.clients(endpoint_url=usage_url)
    world.ecr.create_repository(repositoryName="app")
    used, free = world.image("app", "one", "v1"), world.image("app", "two")
    text = f"# App Runner\n{w.uri('app', digest=used)}\nnginx:1\n"
    args = ("image", "list", "app", "--in-use", "--usage-from", "-", "-o", "json")
    result = ecrctl(usage_url, *args, input=text)
    assert result.returncode == 0, result.stderr
    by_digest = {d["imageDigest"]: d for d in json.loads(result.stdout)}
    assert by_digest[used]["inUseBy"] == [
        {"kind": "external", "name": "stdin line 2", "arn": "", "via": "digest"}
    ]
    assert by_digest[free]["inUse"] is False
    assert "usage scanned: --usage-from: 2 image reference(s)" in result.stderr
    bad = ecrctl(usage_url, *args, input="App:V1\n")
    assert bad.returncode == 2
    assert bad.stderr.startswith("ecrctl: error: --usage-from stdin line 1: ")


def test_a_pending_task_and_a_multi_node_job_through_what_moto_leaves_out(
    usage_url: str,
) -> None:
    world = w.clients(endpoint_url=usage_url)
    world.ecr.create_repository(repositoryName="app")
    world.image("app", "one", "v1")
    pulled, node = world.image("app", "running"), world.image("app", "two")  # untagged
    world.ecs.create_cluster(clusterName="prod")
    world.run_task("prod", world.task_definition("web", w.uri("app", "v1")))

    def pending(data: dict[str, Any]) -> dict[str, Any]:
        for task in data["tasks"]:  # pulled before v1 moved on; still starting
            task["lastStatus"] = "PENDING"
            for container in task["containers"]:
                container["imageDigest"] = pulled
        return data

    def nodes(data: dict[str, Any]) -> dict[str, Any]:
        ranges = [{"targetNodes": "0:", "container": {"image": w.uri("app", digest=node)}}]
        data["jobDefinitions"].append(
            {
                "jobDefinitionName": "mpi",
                "jobDefinitionArn": f"arn:aws:batch:us-east-1:{w.ACCOUNT}:job-definition/mpi:1",
                "revision": 1,
                "status": "ACTIVE",
                "type": "multinode",
                "nodeProperties": {"numNodes": 2, "mainNode": 0, "nodeRangeProperties": ranges},
            }
        )
        return data

    rules = Rules(rewrite={"ecs:DescribeTasks": pending, "batch:DescribeJobDefinitions": nodes})
    with proxy(usage_url, rules) as url:
        result = ecrctl(url, "image", "list", "app", "--in-use", "-o", "json")
    by_digest = {d["imageDigest"]: d for d in json.loads(result.stdout)}
    assert [u["via"] for u in by_digest[pulled]["inUseBy"] if u["kind"] == "ecs-task"] == [
        "running"
    ]
    assert by_digest[node]["inUseBy"][0]["name"] == "mpi:1"


def test_a_second_account_through_an_assumed_role(usage_url: str) -> None:
    world = w.clients(endpoint_url=usage_url)
    world.ecr.create_repository(repositoryName="app")
    world.image("app", "one", "v1")
    theirs = w.clients(endpoint_url=usage_url, **role_keys(ROLE, endpoint_url=usage_url))
    theirs.ecs.create_cluster(clusterName="batch")
    theirs.service("batch", "consumer", theirs.task_definition("consumer", w.uri("app", "v1")))
    rules = Rules()
    with proxy(usage_url, rules) as url:
        alone = ecrctl(url, "image", "delete", "app", "v1", "--dry-run")
        refused = ecrctl(url, "image", "delete", "app", "v1", "--usage-role", ROLE)
    assert alone.returncode == 0, alone.stderr
    assert refused.returncode == 1
    assert f"service batch/consumer (consumer:1) in account {OTHER}, us-east-1" in refused.stderr
    assert f"usage scanned: account {OTHER}, us-east-1 (role {ROLE})" in refused.stderr
    assert "sts:AssumeRole" in rules.seen
