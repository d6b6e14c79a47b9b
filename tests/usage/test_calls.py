"""How the usage scan calls AWS: the ECS and Lambda clients on ECR's emulator, every
call that does not answer kept as a gap (refused, throttled, failed, a page lost),
things gone as nothing, bugs raised, pages, workers and progress."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.stub import Stubber

from ecrctl.aws.clients import Aws
from ecrctl.usage.calls import Calls, chunks
from ecrctl.usage.model import Gap


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


def test_a_refusal_for_permission_is_one_gap_per_action(
    stubbed_ecs: tuple[Any, Stubber], calls: Calls
) -> None:
    client, stub = stubbed_ecs
    for _ in range(2):
        stub.add_client_error(
            "describe_services", "AccessDeniedException", "not authorized to DescribeServices"
        )
    stub.add_client_error("list_clusters", "AccessDeniedException", "no ListClusters")
    for _ in range(2):
        assert calls.call(client, "ecs", "describe_services", services=["s"]) == {}
    assert calls.items(client, "ecs", "list_clusters", "clusterArns") == []
    assert calls.gaps == [
        Gap("ecs:DescribeServices", "not authorized to DescribeServices"),
        Gap("ecs:ListClusters", "no ListClusters"),
    ]


def test_a_thing_gone_meanwhile_is_nothing_and_no_gap(
    stubbed_ecs: tuple[Any, Stubber], calls: Calls
) -> None:
    client, stub = stubbed_ecs
    stub.add_client_error("describe_services", "ClusterNotFoundException", "gone")
    assert calls.call(client, "ecs", "describe_services", services=["s"]) == {}
    assert calls.gaps == []


@pytest.mark.parametrize(
    ("code", "status", "reason"),
    [
        ("ThrottlingException", 400, "throttled"),
        ("TooManyRequestsException", 429, "throttled"),
        ("ServerException", 500, "failed"),
        ("ClientException", 400, "failed"),
    ],
)
def test_a_call_that_does_not_answer_is_a_gap_with_its_reason(
    stubbed_ecs: tuple[Any, Stubber], calls: Calls, code: str, status: int, reason: str
) -> None:
    client, stub = stubbed_ecs
    stub.add_client_error("list_clusters", code, "boom", http_status_code=status)
    assert calls.items(client, "ecs", "list_clusters", "clusterArns") == []
    assert [(g.action, g.reason, g.message) for g in calls.gaps] == [
        ("ecs:ListClusters", reason, "boom")
    ]
    assert "image usage is unknown (boom)" in calls.gaps[0].warning()


def test_a_dropped_connection_is_a_gap_and_a_bug_is_raised(calls: Calls) -> None:
    from botocore.exceptions import ConnectionClosedError, ParamValidationError

    class Dropping:
        def describe_services(self, **kwargs: Any) -> Any:
            raise ConnectionClosedError(endpoint_url="http://127.0.0.1:1")

        def describe_tasks(self, **kwargs: Any) -> Any:
            raise ParamValidationError(report="bad")

    assert calls.call(Dropping(), "ecs", "describe_services", services=["s"]) == {}
    assert [(g.action, g.reason) for g in calls.gaps] == [("ecs:DescribeServices", "failed")]
    with pytest.raises(ParamValidationError):
        calls.call(Dropping(), "ecs", "describe_tasks", tasks=["t"])


def test_gaps_say_where_they_are(stubbed_ecs: tuple[Any, Stubber], calls: Calls) -> None:
    client, stub = stubbed_ecs
    stub.add_client_error("list_clusters", "AccessDeniedException", "no")
    there = calls.at("210987654321", "us-west-2", "account 210987654321, us-west-2")
    there.items(client, "ecs", "list_clusters", "clusterArns")
    [gap] = calls.gaps  # shared with the scan's other places
    assert (gap.account, gap.region) == ("210987654321", "us-west-2")
    assert gap.warning().startswith(
        "no permission for ecs:ListClusters in account 210987654321, us-west-2: "
    )
    assert gap.to_json() == {
        "cause": "denied",
        "message": "no",
        "action": "ecs:ListClusters",
        "account": "210987654321",
        "region": "us-west-2",
    }


def test_tokens_follow_next_token_by_hand(calls: Calls) -> None:
    import boto3

    client = boto3.client("events", region_name="us-east-1")
    with Stubber(client) as stub:
        stub.add_response("list_event_buses", {"EventBuses": [{"Name": "a"}], "NextToken": "t"}, {})
        stub.add_response("list_event_buses", {"EventBuses": [{"Name": "b"}]}, {"NextToken": "t"})
        found = calls.tokens(client, "events", "list_event_buses", "EventBuses")
    assert [bus["Name"] for bus in found] == ["a", "b"]


def test_items_follow_pages_and_stop_once_enough_are_found(
    stubbed_ecs: tuple[Any, Stubber], calls: Calls
) -> None:
    client, stub = stubbed_ecs
    stub.add_response("list_clusters", {"clusterArns": ["a", "b"], "nextToken": "t"}, {})
    stub.add_response("list_clusters", {"clusterArns": ["c"]}, {"nextToken": "t"})
    assert calls.items(client, "ecs", "list_clusters", "clusterArns") == ["a", "b", "c"]
    stub.add_response("list_clusters", {"clusterArns": ["a", "b"], "nextToken": "t"}, {})
    assert calls.items(client, "ecs", "list_clusters", "clusterArns", stop_after=2) == ["a", "b"]


def test_items_keep_what_came_before_a_page_that_failed(
    stubbed_ecs: tuple[Any, Stubber], calls: Calls
) -> None:
    client, stub = stubbed_ecs
    stub.add_response("list_clusters", {"clusterArns": ["a"], "nextToken": "t"}, {})
    stub.add_client_error("list_clusters", "ServerException", "", http_status_code=503)
    assert calls.items(client, "ecs", "list_clusters", "clusterArns") == ["a"]
    assert [(g.action, g.reason) for g in calls.gaps] == [("ecs:ListClusters", "failed")]


def test_items_keep_what_came_before_a_refusal(
    stubbed_ecs: tuple[Any, Stubber], calls: Calls
) -> None:
    client, stub = stubbed_ecs
    stub.add_response("list_clusters", {"clusterArns": ["a"], "nextToken": "t"}, {})
    stub.add_client_error("list_clusters", "AccessDenied", "")
    assert calls.items(client, "ecs", "list_clusters", "clusterArns") == ["a"]
    assert [g.action for g in calls.gaps] == ["ecs:ListClusters"]
    assert calls.gaps[0].message == "AccessDenied"  # no message: the code


def test_map_keeps_the_order_and_reports_progress() -> None:
    reported: list[tuple[str, int, int]] = []
    calls = Calls(lambda what, done, total: reported.append((what, done, total)), workers=3)
    try:
        assert calls.map("squares", lambda n: n * n, range(5)) == [0, 1, 4, 9, 16]
        assert calls.map("nothing", lambda n: n, []) == []
    finally:
        calls.close()
    assert reported == [("squares", n, 5) for n in range(6)]


@pytest.mark.parametrize(
    ("values", "size", "expected"),
    [
        (list(range(5)), 2, [[0, 1], [2, 3], [4]]),
        (list(range(4)), 2, [[0, 1], [2, 3]]),
        ([], 10, []),
        ([1], 100, [[1]]),
    ],
)
def test_chunks(values: list[int], size: int, expected: list[list[int]]) -> None:
    assert chunks(values, size) == expected
