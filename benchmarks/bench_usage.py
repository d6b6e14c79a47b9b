#!/usr/bin/env python3
"""Benchmark: the usage scan over every runner it reads, in moto_server, counting
API calls and timing it.

The scene: 5 clusters of 10 services each (50 services, one running task each),
50 task-definition families of 40 revisions (2,000 in all; every revision names one
ECR image, by tag or by digest), each service on its family's newest revision; 50
Lambda image functions of 4 versions each ($LATEST and 3 published: 200 versions),
one alias each; 100 AWS Batch job definitions; 50 EventBridge Scheduler schedules
running the oldest revision of a family (so that each adds a task definition no
service runs); a repository of 100 images. The scan runs in this process against
moto_server on 127.0.0.1 (the API calls counted with a ``before-call`` hook on
ecrctl's own botocore session), with its default 8 concurrent calls and with 1, for
the newest 5 revisions of each family (the default) and for all 40; then once more
after 1,900 more images were pushed (the calls must not grow with the images), and
the whole ``ecrctl image list app --in-use`` command as a child process.

No incumbent runs side by side: the AWS CLI has no usage scan; a script of
``aws ecs describe-task-definition`` calls would cost one process per revision.

    python benchmarks/bench_usage.py [--runs 3]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import ROOT, backends, base_env, ecrctl_bin, precompile

sys.path.insert(0, str(ROOT))

CLUSTERS, SERVICES_PER_CLUSTER, FAMILIES, REVISIONS = 5, 10, 50, 40
FUNCTIONS, PUBLISHED, JOB_DEFINITIONS, SCHEDULES = 50, 3, 100, 50
ROLE = "arn:aws:iam::123456789012:role/lambda"
HOST = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app"


def _clients(url: str) -> dict[str, Any]:
    import boto3

    names = ("ecr", "ecs", "lambda", "iam", "batch", "scheduler")
    return {n: boto3.client(n, endpoint_url=url, region_name="us-east-1") for n in names}


def _images(ecr: Any, count: int, start: int = 0, tagged: bool = True) -> list[str]:
    from tests.image_samples import schema2, sha

    digests = []
    for n in range(start, start + count):
        text = schema2(f"bench-{n}")
        kwargs = {"imageTag": f"v{n}"} if tagged else {}
        ecr.put_image(repositoryName="app", imageManifest=text, imageDigest=sha(text), **kwargs)
        digests.append(sha(text))
    return digests


def _ecs(ecs: Any, digests: list[str]) -> None:
    newest = []
    for family in range(FAMILIES):
        arn = ""
        for revision in range(REVISIONS):
            n = (family * REVISIONS + revision) % 100
            image = f"{HOST}:v{n}" if revision % 2 else f"{HOST}@{digests[n]}"
            arn = ecs.register_task_definition(
                family=f"svc{family:02d}",
                containerDefinitions=[{"name": "app", "image": image, "memory": 128}],
            )["taskDefinition"]["taskDefinitionArn"]
        newest.append(arn)
    for cluster in range(CLUSTERS):
        ecs.create_cluster(clusterName=f"c{cluster}")
        for index in range(SERVICES_PER_CLUSTER):
            definition = newest[cluster * SERVICES_PER_CLUSTER + index]
            ecs.create_service(
                cluster=f"c{cluster}",
                serviceName=f"s{index}",
                taskDefinition=definition,
                desiredCount=1,
            )
            ecs.run_task(cluster=f"c{cluster}", taskDefinition=definition, launchType="FARGATE")


def _others(aws: dict[str, Any]) -> None:
    aws["iam"].create_role(RoleName="lambda", AssumeRolePolicyDocument="{}")
    for n in range(FUNCTIONS):
        name = f"fn{n:02d}"
        aws["lambda"].create_function(
            FunctionName=name,
            Role=ROLE,
            PackageType="Image",
            Code={"ImageUri": f"{HOST}:v{n}"},
            Publish=True,
        )
        for extra in range(1, PUBLISHED):
            aws["lambda"].update_function_code(FunctionName=name, ImageUri=f"{HOST}:v{n + extra}")
            aws["lambda"].publish_version(FunctionName=name)
        aws["lambda"].create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    for n in range(JOB_DEFINITIONS):
        aws["batch"].register_job_definition(
            jobDefinitionName=f"job{n:03d}",
            type="container",
            containerProperties={"image": f"{HOST}:v{n}", "vcpus": 1, "memory": 128},
        )
    for n in range(SCHEDULES):
        aws["scheduler"].create_schedule(
            Name=f"nightly{n:02d}",
            ScheduleExpression="rate(1 day)",
            FlexibleTimeWindow={"Mode": "OFF"},
            Target={
                "Arn": "arn:aws:ecs:us-east-1:123456789012:cluster/c0",
                "RoleArn": ROLE,
                "EcsParameters": {"TaskDefinitionArn": f"svc{n:02d}:1"},
            },
        )


def build(url: str) -> None:
    aws = _clients(url)
    aws["ecr"].create_repository(repositoryName="app")
    _ecs(aws["ecs"], _images(aws["ecr"], 100))
    _others(aws)


def scan_once(url: str, revisions: int, workers: int) -> tuple[float, collections.Counter[str]]:
    from ecrctl.aws.clients import Aws
    from ecrctl.aws.settings import AwsSettings
    from ecrctl.usage.scan import UsageOptions, repository_usage

    calls: collections.Counter[str] = collections.Counter()
    aws = Aws(AwsSettings(endpoint_url=url))
    aws.session.register("before-call", lambda model, **_: calls.update([model.name]))
    start = time.perf_counter()
    found = repository_usage(aws, "app", UsageOptions(revisions=revisions, workers=workers))
    elapsed = time.perf_counter() - start
    scope = found.usage.scope
    assert scope.services == CLUSTERS * SERVICES_PER_CLUSTER, scope
    assert scope.versions == FUNCTIONS * (PUBLISHED + 1), scope
    assert (scope.job_definitions, scope.schedule_targets) == (JOB_DEFINITIONS, SCHEDULES), scope
    assert found.complete, [gap.warning() for gap in found.causes]
    return elapsed, calls


def _table(url: str, runs: int, cases: list[tuple[int, int]], label: str) -> dict[int, Any]:
    breakdown: dict[int, dict[str, int]] = {}
    for revisions, workers in cases:
        samples = [scan_once(url, revisions, workers) for _ in range(runs)]
        wall = statistics.median(s[0] for s in samples)
        calls = samples[0][1]
        case = f"newest {revisions} revisions, {workers} concurrent call(s){label}"
        print(f"| {case} | {sum(calls.values())} | {wall:.2f} s |")
        if workers == 8:
            breakdown[revisions] = dict(sorted(calls.items()))
    return breakdown


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    precompile()
    for key, value in base_env().items():
        os.environ.setdefault(key, value)
    with tempfile.TemporaryDirectory() as tmp:
        env = backends.start(Path(tmp), ["moto"])
        try:
            url = env["AWS_ENDPOINT_URL_ECR"]
            started = time.perf_counter()
            build(url)
            print(f"scene built in {time.perf_counter() - started:.1f} s\n")
            print("| scan | API calls | wall (median) |")
            print("|---|---:|---:|")
            cases = [(5, 8), (5, 1), (REVISIONS, 8), (REVISIONS, 1)]
            breakdown = _table(url, args.runs, cases, "")
            _images(_clients(url)["ecr"], 1_900, start=100, tagged=False)
            _table(url, args.runs, [(5, 8)], ", 2,000 images")
            argv = [ecrctl_bin(), "image", "list", "app", "--in-use", "-o", "json"]
            walls = []
            for _ in range(args.runs):
                start = time.perf_counter()
                subprocess.run(argv, env=dict(base_env(url)), check=True, capture_output=True)
                walls.append(time.perf_counter() - start)
            print(
                f"| `ecrctl image list app --in-use -o json` (whole command, 2,000 images) | - | "
                f"{statistics.median(walls):.2f} s |"
            )
            for revisions, calls_by_operation in breakdown.items():
                print(f"\ncalls, newest {revisions}: {json.dumps(calls_by_operation)}")
        finally:
            backends.stop(Path(tmp))


if __name__ == "__main__":
    main()
