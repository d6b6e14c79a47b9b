"""What Lambda runs: image functions, their versions and the aliases routing to them,
against moto's Lambda (in-process) and, for what moto garbles, through Stubber."""

from __future__ import annotations

from typing import Any

import pytest

from ecrctl.aws.clients import Aws
from ecrctl.usage.awslambda import LambdaScan
from ecrctl.usage.calls import Calls
from ecrctl.usage.model import BY_TAG, RUNNING, Scope
from ecrctl.usage.scan import repository_usage
from tests.usage import world as w

pytestmark = pytest.mark.usefixtures("in_process")


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
    assert "function fn:1 (alias live) [running]" in w.texts(usage, one)
    assert "function fn:2 (alias live) [running]" in w.texts(usage, two)


FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:fn"


def _code(resolved: str | None, image: str) -> dict[str, Any]:
    code = {"ImageUri": image, **({"ResolvedImageUri": resolved} if resolved else {})}
    return {"Configuration": {}, "Code": code}


def test_the_resolved_digest_is_what_runs_and_the_uri_counts_without_one(
    stubbed_lambda: tuple[Any, Any], calls: Calls
) -> None:
    client, stub = stubbed_lambda
    functions = [
        {
            "FunctionName": "fn",
            "Version": "$LATEST",
            "PackageType": "Image",
            "FunctionArn": FUNCTION,
        },
        {
            "FunctionName": "fn",
            "Version": "1",
            "PackageType": "Image",
            "FunctionArn": FUNCTION + ":1",
        },
        {"FunctionName": "zip", "Version": "$LATEST", "PackageType": "Zip"},
    ]
    stub.add_response("list_functions", {"Functions": functions}, {"FunctionVersion": "ALL"})
    stub.add_response(
        "list_aliases",
        {"Aliases": [{"Name": "live", "FunctionVersion": "1", "AliasArn": FUNCTION + ":live"}]},
        {"FunctionName": "fn"},
    )
    resolved = w.uri("app", digest="sha256:" + "1" * 64)
    stub.add_response(
        "get_function",
        _code(resolved, w.uri("app", "v1")),
        {"FunctionName": "fn", "Qualifier": "$LATEST"},
    )
    stub.add_response(
        "get_function", _code(None, w.uri("app", "v0")), {"FunctionName": "fn", "Qualifier": "1"}
    )
    scope = Scope("us-east-1", 5)
    found = LambdaScan(client, calls, scope).run()
    assert (scope.functions, scope.versions, scope.aliases) == (1, 2, 1)
    assert [(r.user.text(), r.user.arn, r.uri, r.how) for r in found] == [
        ("function fn:$LATEST", FUNCTION, resolved, RUNNING),
        ("function fn:1 (alias live)", FUNCTION + ":1", w.uri("app", "v0"), BY_TAG),
    ]


def test_no_permission_to_list_functions_is_a_gap(
    stubbed_lambda: tuple[Any, Any], calls: Calls
) -> None:
    client, stub = stubbed_lambda
    stub.add_client_error("list_functions", "AccessDeniedException", "not authorized")
    scope = Scope("us-east-1", 5)
    assert LambdaScan(client, calls, scope).run() == []
    assert [(g.action, g.message) for g in calls.gaps] == [
        ("lambda:ListFunctions", "not authorized")
    ]
    assert scope.functions == 0
