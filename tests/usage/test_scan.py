"""The usage scan against moto's ECS, Lambda and ECR (in-process), and what
moto cannot do (pagination, several describe batches) through Stubber."""

from __future__ import annotations

from typing import Any

import pytest

from ecrctl.aws.clients import Aws
from ecrctl.errors import InvalidInput
from ecrctl.usage.calls import Calls
from ecrctl.usage.ecs import EcsScan
from ecrctl.usage.model import NOT_IN_USE, Scope
from ecrctl.usage.scan import ScanOptions, repository_usage, scan_usage
from tests.usage import world as w

pytestmark = pytest.mark.usefixtures("in_process")


@pytest.fixture
def scene() -> w.World:
    found = w.clients()
    w.build(found)
    return found


def _texts(usage: Any, digest: str) -> list[str]:
    return sorted(use.text() for use in usage.users(digest))


def test_each_image_is_named_with_who_uses_it(scene: w.World) -> None:
    usage = repository_usage(Aws(), "app")
    d = scene.digests
    tasks = [t for t in _texts(usage, d["app:v1"]) if t.startswith("task prod/")]
    assert len(tasks) == 1 and tasks[0].endswith("[tag v1]")
    assert "service prod/web (web:1) [tag v1]" in _texts(usage, d["app:v1"])
    assert "task definition web:1 [tag v1]" in _texts(usage, d["app:v1"])
    assert _texts(usage, d["app:v2"]) == ["task definition web:2 [digest]"]
    assert _texts(usage, d["app:v3"]) == [
        "function fn:$LATEST [running]",
        "function fn:1 (alias live) [running]",
    ]
    for unused in ("app:old", "app:untagged"):
        assert usage.status(d[unused]) == NOT_IN_USE
    assert sorted(usage.by_tag) == ["v1"]  # what launches by tag
    scope = usage.usage.scope
    assert (scope.clusters, scope.services, scope.tasks, scope.families) == (1, 1, 1, 1)
    assert (scope.functions, scope.versions, scope.aliases) == (1, 2, 1)
    assert usage.complete


def test_a_tag_resolves_to_the_digest_it_points_at_now(scene: w.World) -> None:
    moved = scene.image("app", "one-rebuilt", "v1")
    usage = repository_usage(Aws(), "app")
    assert "task definition web:1 [tag v1]" in _texts(usage, moved)


def test_other_repositories_and_registries_do_not_count(scene: w.World) -> None:
    scene.task_definition("elsewhere", w.uri("other", "v1"), "nginx:1")
    usage = repository_usage(Aws(), "app")
    names = [use.user.name for uses in usage.by_digest.values() for use in uses]
    assert not [name for name in names if name.startswith("elsewhere")]
    other = repository_usage(Aws(), "other")
    assert _texts(other, scene.digests["other:v1"]) == ["task definition elsewhere:1 [tag v1]"]


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
    usage = repository_usage(Aws(), "app", ScanOptions(revisions=3))
    in_use = [usage.status(d) == "in use" for d in digests]
    assert in_use == [True, False, False, False, True, True, True]
    assert _texts(usage, digests[0]) == ["service batch/pinned (job:1) [digest]"]
    assert usage.usage.scope.task_definitions == 4


def test_scan_usage_resolves_every_repository_in_the_region(scene: w.World) -> None:
    scene.task_definition("elsewhere", w.uri("other", "v1"))
    usage = scan_usage(Aws())
    assert sorted(key[2] for key in usage.tags) == ["app", "other"]
    assert usage.tags[(w.ACCOUNT, w.REGION, "app")]["v1"] == scene.digests["app:v1"]


def test_revisions_must_be_a_count() -> None:
    with pytest.raises(InvalidInput, match="--usage-revisions 0"):
        ScanOptions(revisions=0)


# -- what moto cannot do: pagination and batches ------------------------------------

CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/prod"
DEFINITION = "arn:aws:ecs:us-east-1:123456789012:task-definition/web"


def test_pages_are_followed_and_services_described_ten_at_a_time() -> None:
    import boto3
    from botocore.stub import Stubber

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
        calls = Calls()
        try:
            EcsScan(client, calls, scope).run()
        finally:
            calls.close()
        stub.assert_no_pending_responses()
    assert (scope.clusters, scope.services) == (1, 12)
    assert sorted(batches) == [2, 10]


@pytest.mark.parametrize(
    ("env", "endpoint", "expected"),
    [
        ({}, "http://127.0.0.1:5000", "http://127.0.0.1:5000"),  # ECR emulated: ECS too
        ({"AWS_ENDPOINT_URL_ECS": "http://127.0.0.1:6000"}, "http://127.0.0.1:5000", "6000"),
        ({"AWS_ENDPOINT_URL": "http://127.0.0.1:7000"}, "http://127.0.0.1:5000", "7000"),
        ({}, None, "https://ecs.us-east-1.amazonaws.com"),
    ],
)
def test_ecs_follows_an_emulated_ecr_unless_it_has_its_own_endpoint(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], endpoint: str | None, expected: str
) -> None:
    from ecrctl.aws.settings import AwsSettings
    from ecrctl.usage.calls import service_client

    for key, value in env.items():
        monkeypatch.setenv(key, value)
    client = service_client(Aws(AwsSettings(endpoint_url=endpoint)), "ecs")
    assert expected in client.meta.endpoint_url  # no call is made


def test_every_deployment_of_a_service_counts() -> None:
    """A rolling deployment keeps the old task definition running (moto keeps one)."""
    import boto3
    from botocore.stub import Stubber

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
        calls = Calls()
        try:
            references = EcsScan(client, calls, scope).run()
        finally:
            calls.close()
        stub.assert_no_pending_responses()  # web:7 was read too
    usage = Usage(scope, references, tags={(w.ACCOUNT, w.REGION, "app"): {"v7": "sha256:7"}})
    found = for_repository(usage, (w.ACCOUNT, w.REGION, "app"))
    assert [u.user.kind for u in found.users("sha256:7")] == ["ecs-service"]
    assert found.users("sha256:7")[0].user.name.startswith("prod/web (web:")


def test_a_weighted_alias_marks_both_versions(in_process: None) -> None:
    world = w.clients()
    world.ecr.create_repository(repositoryName="app")
    one, two = world.image("app", "one", "v1"), world.image("app", "two", "v2")
    w.lambda_role(world)
    world.function("fn", w.uri("app", "v1"), publish=True)
    world.awslambda.update_function_code(FunctionName="fn", ImageUri=w.uri("app", "v2"))
    world.awslambda.publish_version(FunctionName="fn")
    routing = {"AdditionalVersionWeights": {"2": 0.1}}
    world.awslambda.create_alias(
        FunctionName="fn", Name="live", FunctionVersion="1", RoutingConfig=routing
    )
    usage = repository_usage(Aws(), "app")
    assert "function fn:1 (alias live) [running]" in _texts(usage, one)
    assert "function fn:2 (alias live) [running]" in _texts(usage, two)
