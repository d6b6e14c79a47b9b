"""A small AWS world in moto for the usage tests and the benchmark: an ECR
repository with images, ECS clusters, task definitions (by tag and by digest),
services, tasks, Lambda functions of package type Image, AWS Batch job
definitions, EventBridge rules and Scheduler schedules that run ECS tasks, and
SageMaker models."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from tests.image_samples import schema2, sha

ACCOUNT = "123456789012"
REGION = "us-east-1"
HOST = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/lambda"


@dataclass
class World:
    """Clients for one moto (in-process or a server), and what was put into it."""

    ecr: Any
    ecs: Any
    awslambda: Any
    iam: Any
    batch: Any = None
    events: Any = None
    scheduler: Any = None
    sagemaker: Any = None
    digests: dict[str, str] = field(default_factory=dict)  # "repo:tag" or "repo:seed" -> digest

    def image(self, repository: str, seed: str, tag: str | None = None) -> str:
        text = schema2(seed)
        kwargs = {"imageTag": tag} if tag else {}
        self.ecr.put_image(
            repositoryName=repository, imageManifest=text, imageDigest=sha(text), **kwargs
        )
        self.digests[f"{repository}:{tag or seed}"] = sha(text)
        return sha(text)

    def task_definition(self, family: str, *images: str) -> str:
        containers = [
            {"name": f"c{i}", "image": image, "memory": 128} for i, image in enumerate(images)
        ]
        response = self.ecs.register_task_definition(family=family, containerDefinitions=containers)
        return str(response["taskDefinition"]["taskDefinitionArn"])

    def service(self, cluster: str, name: str, task_definition: str) -> None:
        self.ecs.create_service(
            cluster=cluster, serviceName=name, taskDefinition=task_definition, desiredCount=1
        )

    def run_task(self, cluster: str, task_definition: str) -> str:
        response = self.ecs.run_task(
            cluster=cluster, taskDefinition=task_definition, launchType="FARGATE", count=1
        )
        return str(response["tasks"][0]["taskArn"])

    def function(self, name: str, image_uri: str, *, publish: bool = False) -> str:
        response = self.awslambda.create_function(
            FunctionName=name,
            Role=ROLE,
            PackageType="Image",
            Code={"ImageUri": image_uri},
            Publish=publish,
        )
        return str(response.get("Version", "$LATEST"))

    def job_definition(self, name: str, image: str) -> str:
        response = self.batch.register_job_definition(
            jobDefinitionName=name,
            type="container",
            containerProperties={"image": image, "vcpus": 1, "memory": 128},
        )
        return str(response["jobDefinitionArn"])

    def rule(self, name: str, task_definition: str, bus: str = "default") -> None:
        if bus != "default":
            self.events.create_event_bus(Name=bus)
        when = (
            {"ScheduleExpression": "rate(1 hour)"}  # only the default bus takes schedules
            if bus == "default"
            else {"EventPattern": '{"source": ["jobs"]}'}
        )
        self.events.put_rule(Name=name, EventBusName=bus, **when)
        target = {
            "Id": "1",
            "Arn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/prod",
            "RoleArn": ROLE,
            "EcsParameters": {"TaskDefinitionArn": task_definition, "TaskCount": 1},
        }
        self.events.put_targets(Rule=name, EventBusName=bus, Targets=[target])

    def schedule(self, name: str, task_definition: str) -> None:
        self.scheduler.create_schedule(
            Name=name,
            ScheduleExpression="rate(1 hour)",
            FlexibleTimeWindow={"Mode": "OFF"},
            Target={
                "Arn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/prod",
                "RoleArn": ROLE,
                "EcsParameters": {"TaskDefinitionArn": task_definition},
            },
        )

    def model(self, name: str, primary: str, *more: str) -> None:
        self.sagemaker.create_model(
            ModelName=name,
            ExecutionRoleArn=ROLE,
            PrimaryContainer={"Image": primary},
            **({"Containers": [{"Image": image} for image in more]} if more else {}),
        )


def uri(repository: str, tag: str | None = None, digest: str | None = None) -> str:
    text = f"{HOST}/{repository}"
    if tag:
        text += f":{tag}"
    if digest:
        text += f"@{digest}"
    return text


def clients(**kwargs: Any) -> World:
    import boto3

    def make(service: str) -> Any:
        return boto3.client(service, region_name=REGION, **kwargs)

    return World(
        make("ecr"),
        make("ecs"),
        make("lambda"),
        make("iam"),
        make("batch"),
        make("events"),
        make("scheduler"),
        make("sagemaker"),
    )


def lambda_role(world: World) -> None:
    """The role moto's Lambda insists on."""
    world.iam.create_role(
        RoleName="lambda",
        AssumeRolePolicyDocument='{"Version": "2012-10-17", "Statement": []}',
    )


def build(world: World) -> None:
    """The scene most tests share, in repository ``app``:

    * ``v1``: a service's task definition by tag (``web:1``), and a running task;
    * ``v2``: the newest revision of family ``web`` by digest (no service);
    * ``v3``: Lambda function ``fn`` (by tag, version 1, alias ``live``);
    * ``old`` and an untagged image: unused.
    """
    world.ecr.create_repository(repositoryName="app")
    world.ecr.create_repository(repositoryName="other")
    v1 = world.image("app", "one", "v1")
    v2 = world.image("app", "two", "v2")
    world.image("app", "old", "old")
    world.image("app", "untagged")
    # moto records push times in whole seconds: v3 is pushed a second later, so that it is
    # the newest image whatever second the others fell in (policies keep "the newest")
    time.sleep(1.05)
    world.image("app", "three", "v3")
    world.image("other", "o", "v1")
    world.ecs.create_cluster(clusterName="prod")
    web1 = world.task_definition("web", uri("app", "v1"), "public.ecr.aws/nginx/nginx:1")
    world.task_definition("web", uri("app", digest=v2))
    world.service("prod", "web", web1)
    world.run_task("prod", web1)
    lambda_role(world)
    version = world.function("fn", uri("app", "v3"), publish=True)
    world.awslambda.create_alias(FunctionName="fn", Name="live", FunctionVersion=version)
    assert v1 != v2


def texts(usage: Any, digest: str) -> list[str]:
    """How each user of ``digest`` is named, sorted."""
    return sorted(use.text() for use in usage.users(digest))
