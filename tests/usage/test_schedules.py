"""What EventBridge launches on ECS: rules on every bus with ECS targets, Scheduler
schedules with templated and universal ECS targets; against moto's EventBridge and
Scheduler, and through Stubber for the universal target moto does not model."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ecrctl.aws.clients import Aws
from ecrctl.usage.calls import Calls
from ecrctl.usage.model import IN_USE, NOT_IN_USE, Scope
from ecrctl.usage.scan import UsageOptions, repository_usage
from ecrctl.usage.schedules import RuleScan, ScheduleScan
from tests.usage import world as w

CLUSTER = f"arn:aws:ecs:us-east-1:{w.ACCOUNT}:cluster/prod"
UNIVERSAL = "arn:aws:scheduler:::aws-sdk:ecs:runTask"


@pytest.fixture
def scene(in_process: None) -> tuple[w.World, list[str]]:
    """Two revisions of each family: the older one only the rule or schedule runs."""
    world = w.clients()
    world.ecr.create_repository(repositoryName="app")
    digests = [world.image("app", seed, seed) for seed in ("cron", "nightly", "newer", "other")]
    world.task_definition("cron", w.uri("app", "cron"))
    world.task_definition("cron", w.uri("app", "newer"))
    world.task_definition("nightly", w.uri("app", "nightly"))
    world.task_definition("nightly", w.uri("app", "newer"))
    return world, digests


def test_a_rule_keeps_its_task_definitions_image_in_use(scene: tuple[w.World, list[str]]) -> None:
    world, digests = scene
    world.rule("hourly", "cron:1")
    world.rule("on-bus", "nightly:1", bus="jobs")
    usage = repository_usage(Aws(), "app", UsageOptions(revisions=1))
    assert w.texts(usage, digests[0]) == ["EventBridge rule hourly (cron:1) [tag cron]"]
    assert w.texts(usage, digests[1]) == ["EventBridge rule jobs/on-bus (nightly:1) [tag nightly]"]
    assert usage.status(digests[3]) == NOT_IN_USE
    scope = usage.usage.scope
    assert (scope.rules, scope.rule_targets) == (2, 2)


def test_a_schedule_keeps_its_task_definitions_image_in_use(
    scene: tuple[w.World, list[str]],
) -> None:
    world, digests = scene
    world.schedule("nightly", f"arn:aws:ecs:us-east-1:{w.ACCOUNT}:task-definition/nightly:1")
    usage = repository_usage(Aws(), "app", UsageOptions(revisions=1))
    assert w.texts(usage, digests[1]) == ["schedule default/nightly (nightly:1) [tag nightly]"]
    assert usage.status(digests[1]) == IN_USE and usage.status(digests[0]) == NOT_IN_USE
    assert (usage.usage.scope.schedules, usage.usage.scope.schedule_targets) == (1, 1)


def _schedule(name: str, target: dict[str, Any]) -> dict[str, Any]:
    return {"Name": name, "GroupName": "jobs", "Arn": f"arn:schedule/{name}", "Target": target}


def test_universal_run_task_targets_and_what_is_not_ecs(
    calls: Calls, stubbed_scheduler: tuple[Any, Any]
) -> None:
    client, stub = stubbed_scheduler
    universal = {
        "Arn": UNIVERSAL,
        "RoleArn": w.ROLE,
        "Input": json.dumps({"TaskDefinition": "web:4", "Cluster": "prod"}),
    }
    broken = {"Arn": UNIVERSAL, "RoleArn": w.ROLE, "Input": "{not json"}
    listed = [
        _schedule("sdk", {"Arn": UNIVERSAL}),
        _schedule("lambda", {"Arn": "arn:aws:lambda:us-east-1:1:function:f"}),
        _schedule("broken", {"Arn": UNIVERSAL}),
    ]
    stub.add_response("list_schedules", {"Schedules": listed}, {})
    stub.add_response(
        "get_schedule", _schedule("sdk", universal), {"Name": "sdk", "GroupName": "jobs"}
    )
    stub.add_response(
        "get_schedule", _schedule("broken", broken), {"Name": "broken", "GroupName": "jobs"}
    )
    scope = Scope("us-east-1", 5)
    found = ScheduleScan(client, calls, scope).run()
    assert [(definition, user.name) for definition, user in found] == [("web:4", "jobs/sdk")]
    assert (scope.schedules, scope.schedule_targets) == (3, 1)
    [gap] = calls.gaps
    assert gap.reason == "failed" and "schedule jobs/broken runs ecs:runTask" in gap.message


def test_rules_of_every_bus_page_by_page(calls: Calls, stubbed_events: tuple[Any, Any]) -> None:
    client, stub = stubbed_events
    buses = {"EventBuses": [{"Name": "default"}], "NextToken": "b"}
    stub.add_response("list_event_buses", buses, {})
    stub.add_response("list_event_buses", {"EventBuses": [{"Name": "jobs"}]}, {"NextToken": "b"})
    stub.add_response(
        "list_rules", {"Rules": [{"Name": "r1", "Arn": "arn:r1"}]}, {"EventBusName": "default"}
    )
    stub.add_client_error(
        "list_rules", "AccessDeniedException", "no", expected_params={"EventBusName": "jobs"}
    )
    target = {"Id": "1", "Arn": CLUSTER, "EcsParameters": {"TaskDefinitionArn": "web:2"}}
    lambda_target = {"Id": "2", "Arn": "arn:aws:lambda:us-east-1:1:function:f"}
    stub.add_response(
        "list_targets_by_rule",
        {"Targets": [target, lambda_target]},
        {"Rule": "r1", "EventBusName": "default"},
    )
    scope = Scope("us-east-1", 5)
    found = RuleScan(client, calls, scope).run()
    assert [(definition, user.text()) for definition, user in found] == [
        ("web:2", "EventBridge rule r1")
    ]
    assert [(g.action, g.reason) for g in calls.gaps] == [("events:ListRules", "denied")]
