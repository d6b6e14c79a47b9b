"""What ECS runs and will launch: the newest revisions of each family, services with
every deployment, tasks with the digest they pulled; pagination and DescribeServices'
batches of ten through Stubber (moto does not paginate)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.stub import Stubber

from ecrctl.aws.clients import Aws
from ecrctl.usage.calls import Calls
from ecrctl.usage.ecs import EcsScan
from ecrctl.usage.model import BY_DIGEST, BY_TAG, RUNNING, Scope, Unreadable, User, references_to
from ecrctl.usage.scan import UsageOptions, repository_usage
from tests.usage import world as w

pytestmark = pytest.mark.usefixtures("in_process")

CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/prod"
DEFINITION = "arn:aws:ecs:us-east-1:123456789012:task-definition/web"


def test_only_the_newest_n_revisions_of_a_family_count(in_process: None) -> None:
    world = w.clients()
    world.ecr.create_repository(repositoryName="app")
    world.ecs.create_cluster(clusterName="batch")
    digests = [world.image("app", f"job-{n}") for n in range(1, 8)]
    first = ""
    for digest in digests:
        arn = world.task_definition("job", w.uri("app", digest=digest))
        first = first or arn
    world.service("batch", "pinned", first)  # a service still on revision 1
    usage = repository_usage(Aws(), "app", UsageOptions(revisions=3))
    in_use = [usage.status(d) == "in use" for d in digests]
    assert in_use == [True, False, False, False, True, True, True]
    assert w.texts(usage, digests[0]) == ["service batch/pinned (job:1) [digest]"]
    assert usage.usage.scope.task_definitions == 4


def test_pages_are_followed_and_services_described_ten_at_a_time(calls: Calls) -> None:
    import boto3

    client = boto3.client("ecs", region_name="us-east-1")
    batches: list[int] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        batches.append(len(params["services"]))

    client.meta.events.register("provide-client-params.ecs.DescribeServices", record)
    services = [f"arn:aws:ecs:us-east-1:123456789012:service/prod/s{n}" for n in range(12)]
    with Stubber(client) as stub:
        stub.add_response("list_clusters", {"clusterArns": [], "nextToken": "t"}, {})
        stub.add_response("list_clusters", {"clusterArns": [CLUSTER]}, {"nextToken": "t"})
        page = {"serviceArns": services[:7], "nextToken": "s"}
        stub.add_response("list_services", page, {"cluster": CLUSTER})
        rest = {"serviceArns": services[7:]}
        stub.add_response("list_services", rest, {"cluster": CLUSTER, "nextToken": "s"})
        stub.add_response("list_tasks", {"taskArns": []}, {"cluster": CLUSTER})
        families = {"status": "ACTIVE"}
        stub.add_response("list_task_definition_families", {"families": []}, families)
        for size in (10, 2):
            described = [
                {"serviceArn": s, "serviceName": s[-3:], "taskDefinition": f"td:{size}"}
                for s in services[:size]
            ]
            stub.add_response("describe_services", {"services": described})
        stub.add_response("describe_task_definition", {"taskDefinition": {}})
        stub.add_response("describe_task_definition", {"taskDefinition": {}})
        scope = Scope("us-east-1", 5)
        EcsScan(client, calls, scope).run()
        stub.assert_no_pending_responses()
    assert (scope.clusters, scope.services) == (1, 12)
    assert sorted(batches) == [2, 10]


def test_every_deployment_of_a_service_counts(calls: Calls) -> None:
    """A rolling deployment keeps the old task definition running (moto keeps one)."""
    import boto3

    from ecrctl.usage.model import Usage
    from ecrctl.usage.scan import for_repository

    client = boto3.client("ecs", region_name="us-east-1")
    service = {
        "serviceArn": "arn:aws:ecs:us-east-1:123456789012:service/prod/web",
        "serviceName": "web",
        "taskDefinition": f"{DEFINITION}:8",
        "deployments": [
            {"status": "PRIMARY", "taskDefinition": f"{DEFINITION}:8"},
            {"status": "ACTIVE", "taskDefinition": f"{DEFINITION}:7"},
        ],
    }
    image = {
        "taskDefinition": {"containerDefinitions": [{"name": "a", "image": w.uri("app", "v7")}]}
    }
    with Stubber(client) as stub:
        stub.add_response("list_clusters", {"clusterArns": [CLUSTER]}, {})
        stub.add_response("list_services", {"serviceArns": [service["serviceArn"]]})
        stub.add_response("list_tasks", {"taskArns": []})
        stub.add_response("list_task_definition_families", {"families": []})
        stub.add_response("describe_services", {"services": [service]})
        stub.add_response("describe_task_definition", image)
        stub.add_response("describe_task_definition", {"taskDefinition": {}})
        scope = Scope("us-east-1", 5)
        references = EcsScan(client, calls, scope).run()
        stub.assert_no_pending_responses()  # web:7 was read too
    usage = Usage(scope, references, tags={(w.ACCOUNT, w.REGION, "app"): {"v7": "sha256:7"}})
    found = for_repository(usage, (w.ACCOUNT, w.REGION, "app"))
    assert [u.user.kind for u in found.users("sha256:7")] == ["ecs-service"]
    assert found.users("sha256:7")[0].user.name.startswith("prod/web (web:")


def test_references_name_only_ecr_images_and_say_how() -> None:
    user = User("ecs-task-definition", "web:3", DEFINITION + ":3")
    pinned = w.uri("app", digest="sha256:" + "1" * 64)
    images = [w.uri("app", "v1"), pinned, "nginx:1", "", w.uri("app"), w.uri("app") + "@sha256:1"]
    found = references_to(user, images)
    assert [(r.uri, r.image.repository, r.how) for r in found] == [
        (w.uri("app", "v1"), "app", BY_TAG),
        (pinned, "app", BY_DIGEST),
        (w.uri("app"), "app", BY_TAG),
        (w.uri("app") + "@sha256:1", "app", BY_TAG),  # kept: it makes usage unknown
    ]
    assert [type(r.image) for r in found][-1] is Unreadable
    running = references_to(user, [w.uri("app", "v1")], running=True)
    assert [r.how for r in running] == [RUNNING]


def test_a_task_counts_the_digest_it_pulled_and_the_tag_it_restarts_with(
    stubbed_ecs: tuple[Any, Any], calls: Calls
) -> None:
    client, stub = stubbed_ecs
    task = {
        "taskArn": "arn:aws:ecs:us-east-1:123456789012:task/prod/abc123",
        "containers": [
            {"image": w.uri("app", "v1"), "imageDigest": "sha256:1"},
            {"image": "nginx:1", "imageDigest": "sha256:2"},  # not ECR's
        ],
    }
    stub.add_response("list_clusters", {"clusterArns": [CLUSTER]}, {})
    stub.add_response("list_services", {"serviceArns": []})
    stub.add_response("list_tasks", {"taskArns": [task["taskArn"]]})
    stub.add_response("list_task_definition_families", {"families": []})
    stub.add_response(
        "describe_tasks", {"tasks": [task]}, {"cluster": CLUSTER, "tasks": [task["taskArn"]]}
    )
    scope = Scope("us-east-1", 5)
    found = EcsScan(client, calls, scope).run()
    assert scope.tasks == 1
    assert [(r.user.text(), r.uri, r.image.digest, r.image.tag, r.how) for r in found] == [
        ("task prod/abc123", w.uri("app", "v1") + "@sha256:1", "sha256:1", None, RUNNING),
        ("task prod/abc123", w.uri("app", "v1"), None, "v1", BY_TAG),
    ]
