"""Every way the scan can be incomplete, with real refusals, end to end: the installed
``ecrctl`` against moto_server behind a loopback proxy that answers AccessDenied,
throttles past botocore's retries, or drops a listing's second page; a reference
that does not read (moto's own garbled Lambda answer); a region and an account
that could not be scanned. Each time the free image's usage is unknown, never "not
in use": ``image delete`` refuses without --force, ``--fail-if-in-use`` fails, and
``-o json`` lists the cause."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.usage import world as w
from tests.usage.proxy import Rules, proxy
from tests.usage.test_installed import KEEP_NEWEST, ecrctl

OTHER = "210987654321"


@pytest.fixture
def scene(usage_url: str) -> tuple[w.World, str]:
    """One runner of each kind, each on ``used``; ``free`` unused."""
    world = w.clients(endpoint_url=usage_url)
    world.ecr.create_repository(repositoryName="app")
    # free first: moto's imagePushedAt counts whole seconds, and the preview's policy
    # keeps the newest image, so free must never be it (a tie keeps used, by digest)
    free = world.image("app", "two", "free")
    world.image("app", "one", "used")
    world.ecs.create_cluster(clusterName="prod")
    definition = world.task_definition("web", w.uri("app", "used"))
    world.service("prod", "web", definition)
    w.lambda_role(world)
    world.function("fn", w.uri("app", "used"))
    world.job_definition("train", w.uri("app", "used"))
    world.rule("hourly", "web:1")
    world.schedule("nightly", "web:1")
    world.model("ranker", w.uri("app", "used"))
    return world, free


def _unknown(url: str, free: str, tmp_path: Path, *args: str) -> list[dict[str, object]]:
    """Check the three refusals; the ``unknown`` causes of the preview's JSON."""
    refused = ecrctl(url, "image", "delete", "app", free, "--yes", *args)
    assert refused.returncode == 1, refused.stderr
    last = refused.stderr.splitlines()[-1]
    assert last.startswith("ecrctl: error: refusing to delete 1 image(s) or tag(s) whose usage")
    assert "pass --force" in last
    assert any(line.startswith("ecrctl: warning: ") for line in refused.stderr.splitlines())
    policy = tmp_path / "policy.json"
    policy.write_text(KEEP_NEWEST)
    preview = ("policy", "lifecycle", "preview", "app", "--policy", str(policy), *args)
    failed = ecrctl(url, *preview, "--fail-if-in-use", "-o", "json")
    assert failed.returncode == 1, failed.stderr
    data = json.loads(failed.stdout)
    [row] = [r for r in data["previewResults"] if r["imageDigest"] == free]
    assert row["inUse"] is None
    assert data["usage"]["complete"] is False
    unknown: list[dict[str, object]] = data["usage"]["unknown"]
    return unknown


@pytest.mark.parametrize(
    "action",
    [
        "ecs:ListClusters",
        "ecs:DescribeServices",
        "ecs:DescribeTaskDefinition",
        "lambda:ListFunctions",
        "lambda:GetFunction",
        "batch:DescribeJobDefinitions",
        "events:ListRules",
        "events:ListTargetsByRule",
        "scheduler:ListSchedules",
        "scheduler:GetSchedule",
        "sagemaker:ListModels",
        "sagemaker:DescribeModel",
        "ecr:ListImages",
    ],
)
def test_a_refused_action_makes_usage_unknown(
    scene: tuple[w.World, str], usage_url: str, tmp_path: Path, action: str
) -> None:
    _, free = scene
    with proxy(usage_url, Rules(deny={action})) as url:
        unknown = _unknown(url, free, tmp_path)
        forced = ecrctl(url, "image", "delete", "app", free, "--yes", "--force")
    assert [(u["cause"], u["action"]) for u in unknown] == [("denied", action)]
    assert forced.returncode == 0, forced.stderr


def test_throttled_past_its_retries(
    scene: tuple[w.World, str], usage_url: str, tmp_path: Path
) -> None:
    _, free = scene
    rules = Rules(throttle={"ecs:DescribeTaskDefinition", "lambda:GetFunction"})
    with proxy(usage_url, rules) as url:
        unknown = _unknown(url, free, tmp_path)
    assert {(u["cause"], u["action"]) for u in unknown} == {
        ("throttled", "ecs:DescribeTaskDefinition"),
        ("throttled", "lambda:GetFunction"),
    }
    assert rules.seen.count("lambda:GetFunction") >= 2 * 2  # retried, in both commands


def test_a_page_that_never_comes(
    scene: tuple[w.World, str], usage_url: str, tmp_path: Path
) -> None:
    _, free = scene
    with proxy(usage_url, Rules(cut={"ecs:ListTaskDefinitionFamilies"})) as url:
        unknown = _unknown(url, free, tmp_path)
    assert [(u["cause"], u["action"]) for u in unknown] == [
        ("failed", "ecs:ListTaskDefinitionFamilies")
    ]


def test_a_reference_that_does_not_read(usage_url: str, tmp_path: Path) -> None:
    """moto's Lambda answers REPO@sha256@sha256:<hex> for a function created by digest."""
    world = w.clients(endpoint_url=usage_url)
    world.ecr.create_repository(repositoryName="app")
    pinned, free = world.image("app", "one", "v1"), world.image("app", "two")
    w.lambda_role(world)
    world.function("fn", w.uri("app", digest=pinned))
    unknown = _unknown(usage_url, free, tmp_path)
    assert [(u["cause"], u["user"]["name"]) for u in unknown] == [  # type: ignore[index]
        ("unreadable", "fn:$LATEST")
    ]
    listed = ecrctl(usage_url, "image", "list", "app", "--in-use")
    assert (
        "function fn:$LATEST names " in listed.stderr
        and "which ecrctl cannot read" in listed.stderr
    )


def test_a_region_that_could_not_be_scanned(
    scene: tuple[w.World, str], usage_url: str, tmp_path: Path
) -> None:
    _, free = scene
    regions = ("--usage-regions", "us-east-1,us-west-2")
    with proxy(usage_url, Rules(deny={"ecs:ListClusters@us-west-2"})) as url:
        unknown = _unknown(url, free, tmp_path, *regions)
        listed = ecrctl(url, "image", "list", "app", "--in-use", *regions)
    assert [(u["cause"], u["action"], u["region"]) for u in unknown] == [
        ("denied", "ecs:ListClusters", "us-west-2")
    ]
    assert "no permission for ecs:ListClusters in account 123456789012, us-west-2" in listed.stderr
    assert "usage scanned: account 123456789012, us-west-2: ECS 0 cluster(s)" in listed.stderr


def test_an_account_that_could_not_be_scanned(
    scene: tuple[w.World, str], usage_url: str, tmp_path: Path
) -> None:
    _, free = scene
    role = ("--usage-role", f"arn:aws:iam::{OTHER}:role/usage-reader")
    with proxy(usage_url, Rules(deny={"sts:AssumeRole"})) as url:
        unknown = _unknown(url, free, tmp_path, *role)
    assert [(u["cause"], u["action"], u["account"]) for u in unknown] == [
        ("denied", "sts:AssumeRole", OTHER)
    ]
