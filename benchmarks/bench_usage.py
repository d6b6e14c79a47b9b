#!/usr/bin/env python3
"""Benchmark: the usage scan over 50 ECS services and 2,000 task-definition
revisions in moto_server, counting API calls and timing it.

The scene: 5 clusters of 10 services each, 50 task-definition families of 40
revisions (2,000 in all; every revision names one ECR image, by tag or by
digest), each service on its family's newest revision, one running task per
service, and 10 Lambda functions of package type Image. The scan runs in this
process against moto_server on 127.0.0.1 (the API calls counted with a
``before-call`` hook on ecrctl's own botocore session), with its default 8
concurrent calls and with 1, for the newest 5 revisions of each family (the
default) and for all 40; then the whole ``ecrctl image list app --in-use``
command as a child process.

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

CLUSTERS, SERVICES_PER_CLUSTER, FAMILIES, REVISIONS, FUNCTIONS = 5, 10, 50, 40, 10
ROLE = "arn:aws:iam::123456789012:role/lambda"


def build(url: str) -> None:
    import boto3

    from tests.image_samples import schema2, sha

    def make(service: str) -> Any:
        return boto3.client(service, endpoint_url=url, region_name="us-east-1")

    ecr, ecs, awslambda, iam = make("ecr"), make("ecs"), make("lambda"), make("iam")
    ecr.create_repository(repositoryName="app")
    host = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app"
    digests = []
    for n in range(100):
        text = schema2(f"bench-{n}")
        ecr.put_image(repositoryName="app", imageManifest=text, imageTag=f"v{n}")
        digests.append(sha(text))
    newest = []
    for family in range(FAMILIES):
        arn = ""
        for revision in range(REVISIONS):
            n = (family * REVISIONS + revision) % 100
            image = f"{host}:v{n}" if revision % 2 else f"{host}@{digests[n]}"
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
    iam.create_role(RoleName="lambda", AssumeRolePolicyDocument="{}")
    for n in range(FUNCTIONS):
        awslambda.create_function(
            FunctionName=f"fn{n}", Role=ROLE, PackageType="Image", Code={"ImageUri": f"{host}:v{n}"}
        )


def scan_once(url: str, revisions: int, workers: int) -> tuple[float, collections.Counter[str]]:
    from ecrctl.aws.clients import Aws
    from ecrctl.aws.settings import AwsSettings
    from ecrctl.usage.scan import ScanOptions, repository_usage

    calls: collections.Counter[str] = collections.Counter()
    aws = Aws(AwsSettings(endpoint_url=url))
    aws.session.register("before-call", lambda model, **_: calls.update([model.name]))
    start = time.perf_counter()
    found = repository_usage(aws, "app", ScanOptions(revisions=revisions, workers=workers))
    elapsed = time.perf_counter() - start
    assert found.complete and found.usage.scope.services == CLUSTERS * SERVICES_PER_CLUSTER
    return elapsed, calls


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
            breakdown: dict[int, dict[str, int]] = {}
            print("| scan | API calls | wall (median) |")
            print("|---|---:|---:|")
            for revisions, workers in ((5, 8), (5, 1), (REVISIONS, 8), (REVISIONS, 1)):
                samples = [scan_once(url, revisions, workers) for _ in range(args.runs)]
                wall = statistics.median(s[0] for s in samples)
                calls = samples[0][1]
                label = f"newest {revisions} revisions, {workers} concurrent call(s)"
                print(f"| {label} | {sum(calls.values())} | {wall:.2f} s |")
                if workers == 8:
                    breakdown[revisions] = dict(sorted(calls.items()))
            argv = [ecrctl_bin(), "image", "list", "app", "--in-use", "-o", "json"]
            child = dict(base_env(url))
            walls = []
            for _ in range(args.runs):
                start = time.perf_counter()
                subprocess.run(argv, env=child, check=True, capture_output=True)
                walls.append(time.perf_counter() - start)
            print(
                f"| `ecrctl image list app --in-use -o json` (whole command) | - | "
                f"{statistics.median(walls):.2f} s |"
            )
            for revisions, calls_by_operation in breakdown.items():
                print(f"\ncalls, newest {revisions}: {json.dumps(calls_by_operation)}")
        finally:
            backends.stop(Path(tmp))


if __name__ == "__main__":
    main()
