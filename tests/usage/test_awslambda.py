"""What Lambda runs: image functions, their versions and the aliases routing to them.
A version uses both the image its ImageUri names and the digest Lambda resolved; a
resolved digest that does not read makes usage unknown, one that names no image is
reported. Against moto's Lambda (in-process, with and without its ECR check) and,
for exact answers, through Stubber."""

from __future__ import annotations

from typing import Any

import pytest

from ecrctl.aws.clients import Aws
from ecrctl.usage.awslambda import LambdaScan
from ecrctl.usage.calls import Calls
from ecrctl.usage.model import BY_DIGEST, BY_TAG, IN_USE, NOT_IN_USE, RUNNING, UNKNOWN, Scope
from ecrctl.usage.scan import repository_usage
from tests.usage import world as w


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


def test_a_function_from_a_tag_uses_the_tags_image_whatever_it_resolved(moto: None) -> None:
    """moto's default Lambda resolves REPO:TAG to a digest that names no image (as a
    function whose image is already gone does on AWS): the tag still counts, and the
    resolved digest is reported with the function, never dropped."""
    world = w.clients()
    world.ecr.create_repository(repositoryName="app")
    v1 = world.image("app", "one", "v1")
    w.lambda_role(world)
    world.function("fn", w.uri("app", "v1"), publish=True)
    usage = repository_usage(Aws(), "app")
    assert usage.status(v1) == IN_USE
    assert "function fn:1 [tag v1]" in w.texts(usage, v1)
    assert sorted(m.user.name for m in usage.missing) == ["fn:$LATEST", "fn:1"]
    assert "which is not in app: its image is already gone" in usage.missing[0].warning()
    assert usage.complete


def test_a_function_from_a_digest_with_a_garbled_resolved_uri_is_unknown(
    in_process: None,
) -> None:
    """moto answers REPO@sha256@sha256:<hex> for a function created by digest: that
    reads as nothing, so the repository's usage is unknown, naming the function."""
    world = w.clients()
    world.ecr.create_repository(repositoryName="app")
    pinned, other = world.image("app", "one", "v1"), world.image("app", "two", "v2")
    w.lambda_role(world)
    world.function("fn", w.uri("app", digest=pinned))
    usage = repository_usage(Aws(), "app")
    assert w.texts(usage, pinned) == ["function fn:$LATEST [digest]"]
    assert usage.status(other) == UNKNOWN  # never "not in use"
    [gap] = usage.causes
    assert gap.reason == "unreadable" and gap.user is not None and gap.user.name == "fn:$LATEST"
    assert gap.reference == w.uri("app") + "@sha256@" + pinned
    assert gap.warning().startswith(f"function fn:$LATEST names '{gap.reference}', which ecrctl")
    assert usage.to_json()["unknown"][0]["user"]["name"] == "fn:$LATEST"


FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:fn"


def _code(resolved: str | None, image: str) -> dict[str, Any]:
    code = {"ImageUri": image, **({"ResolvedImageUri": resolved} if resolved else {})}
    return {"Configuration": {}, "Code": code}


def _functions(stub: Any, *versions: str) -> None:
    functions = [
        {
            "FunctionName": "fn",
            "Version": version,
            "PackageType": "Image",
            "FunctionArn": FUNCTION + ("" if version == "$LATEST" else f":{version}"),
        }
        for version in versions
    ]
    functions.append({"FunctionName": "zip", "Version": "$LATEST", "PackageType": "Zip"})
    stub.add_response("list_functions", {"Functions": functions}, {"FunctionVersion": "ALL"})


def test_both_the_resolved_digest_and_the_image_uri_count(
    stubbed_lambda: tuple[Any, Any], calls: Calls
) -> None:
    client, stub = stubbed_lambda
    _functions(stub, "$LATEST", "1")
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
    pinned = w.uri("app", digest="sha256:" + "2" * 64)
    stub.add_response("get_function", _code(None, pinned), {"FunctionName": "fn", "Qualifier": "1"})
    scope = Scope("us-east-1", 5)
    found = LambdaScan(client, calls, scope).run()
    assert (scope.functions, scope.versions, scope.aliases) == (1, 2, 1)
    assert [(r.user.text(), r.user.arn, r.uri, r.how) for r in found] == [
        ("function fn:$LATEST", FUNCTION, resolved, RUNNING),
        ("function fn:$LATEST", FUNCTION, w.uri("app", "v1"), BY_TAG),
        ("function fn:1 (alias live)", FUNCTION + ":1", pinned, BY_DIGEST),
    ]


@pytest.mark.parametrize(
    "resolved",
    [
        w.uri("app") + "@sha256@sha256:" + "3" * 64,  # one emulator's answer
        w.uri("app") + "@sha256:XYZ",
        w.HOST + "/App@sha256:" + "3" * 64,
    ],
)
def test_a_resolved_uri_that_does_not_read_is_kept_as_unreadable(
    stubbed_lambda: tuple[Any, Any], calls: Calls, resolved: str
) -> None:
    from ecrctl.usage.model import Unreadable

    client, stub = stubbed_lambda
    _functions(stub, "$LATEST")
    stub.add_response("list_aliases", {"Aliases": []}, {"FunctionName": "fn"})
    stub.add_response(
        "get_function",
        _code(resolved, w.uri("app", "v1")),
        {"FunctionName": "fn", "Qualifier": "$LATEST"},
    )
    found = LambdaScan(client, calls, Scope("us-east-1", 5)).run()
    unreadable = [r for r in found if isinstance(r.image, Unreadable)]
    assert [(r.uri, r.user.name) for r in unreadable] == [(resolved, "fn:$LATEST")]
    assert unreadable[0].image.registry_id == w.ACCOUNT


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


def test_a_version_whose_code_cannot_be_read_is_a_gap(
    stubbed_lambda: tuple[Any, Any], calls: Calls
) -> None:
    client, stub = stubbed_lambda
    _functions(stub, "$LATEST")
    stub.add_response("list_aliases", {"Aliases": []}, {"FunctionName": "fn"})
    stub.add_client_error("get_function", "ServiceException", "internal", http_status_code=500)
    assert LambdaScan(client, calls, Scope("us-east-1", 5)).run() == []
    assert [(g.action, g.reason) for g in calls.gaps] == [("lambda:GetFunction", "failed")]


def test_unused_images_stay_not_in_use_beside_a_function(in_process: None) -> None:
    world = w.clients()
    world.ecr.create_repository(repositoryName="app")
    world.image("app", "one", "v1")
    old = world.image("app", "old", "old")
    w.lambda_role(world)
    world.function("fn", w.uri("app", "v1"))
    usage = repository_usage(Aws(), "app")
    assert usage.status(old) == NOT_IN_USE and usage.missing == []
