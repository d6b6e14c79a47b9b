"""``ecrctl policy lifecycle check`` and ``put --guard`` through the real main()
wrapper, against moto's ECR, ECS and Lambda in-process: the images at risk, who uses
them, the policy that keeps them, and nothing put while any is at risk."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Runner
from tests.lifecycle.policies import UNTAGGED_BEYOND_ONE
from tests.support.files import write
from tests.usage import world as w
from tests.usage.test_installed import KEEP_NEWEST


@pytest.fixture
def scene(monkeypatch: pytest.MonkeyPatch, moto: None) -> w.World:
    monkeypatch.setenv("MOTO_LAMBDA_STUB_ECR", "false")
    world = w.clients()
    w.build(world)
    return world


def test_check_lists_what_is_at_risk_and_the_policy_that_keeps_it(
    cli: Runner, scene: w.World, tmp_path: Path
) -> None:
    policy = write(tmp_path, "p.json", json.loads(KEEP_NEWEST))
    result = cli("policy", "lifecycle", "check", "app", policy)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["TAGS", "DIGEST", "FATE", "RULE", "IN", "USE"]
    assert any(line.startswith("v1 ") and "service prod/web" in line for line in lines)
    assert any(line.startswith("v2 ") and "task def web:2" in line for line in lines)
    suggested = json.loads(result.stdout[result.stdout.index("{") :])
    assert [r["selection"].get("tagPatternList") for r in suggested["rules"]] == [
        ["v1"],
        ["v2"],
        None,
    ]
    assert "the smallest change that keeps them: 2 rule(s) ahead" in result.stderr
    assert result.stderr.splitlines()[-1] == (
        "ecrctl: error: the policy would expire or archive 2 image(s) in use and 0 of unknown "
        "use in app; they are listed above, with a policy that keeps them"
    )
    kept = cli("policy", "lifecycle", "check", "app", write(tmp_path, "s.json", suggested))
    assert kept.exit_code == 0, kept.stderr
    assert "app: none of the 2 image(s) the policy affects is in use" in kept.stderr


def test_check_json(cli: Runner, scene: w.World, tmp_path: Path) -> None:
    policy = write(tmp_path, "p.json", json.loads(KEEP_NEWEST))
    result = cli("policy", "lifecycle", "check", "app", policy, "-o", "json")
    assert result.exit_code == 1
    data: dict[str, Any] = result.json
    assert (data["safe"], data["affected"], data["inUse"], data["unknown"]) == (False, 4, 2, 0)
    assert {r["imageTags"][0] for r in data["atRisk"]} == {"v1", "v2"}
    assert data["suggestedPolicy"]["rules"][0]["rulePriority"] == 1
    assert data["usage"]["complete"] is True


def test_check_reads_the_repositorys_own_policy(cli: Runner, scene: w.World) -> None:
    scene.ecr.put_lifecycle_policy(repositoryName="app", lifecyclePolicyText=KEEP_NEWEST)
    assert cli("policy", "lifecycle", "check", "app").exit_code == 1


def test_put_guard_refuses_and_puts_nothing(cli: Runner, scene: w.World, tmp_path: Path) -> None:
    policy = write(tmp_path, "p.json", json.loads(KEEP_NEWEST))
    refused = cli("policy", "lifecycle", "put", "app", policy, "--guard", "--yes")
    assert refused.exit_code == 1
    assert refused.stderr.splitlines()[-1].startswith(
        "ecrctl: error: refusing to put a policy that would expire 2 image(s) in use"
    )
    with pytest.raises(Exception, match="LifecyclePolicyNotFound"):
        scene.ecr.get_lifecycle_policy(repositoryName="app")
    unguarded = cli("policy", "lifecycle", "put", "app", policy, "--yes")
    assert unguarded.exit_code == 0, unguarded.stderr


def test_put_guard_puts_a_safe_policy_with_one_answer(
    cli: Runner, scene: w.World, tmp_path: Path
) -> None:
    policy = write(tmp_path, "p.json", UNTAGGED_BEYOND_ONE)
    done = cli("policy", "lifecycle", "put", "app", policy, "--guard", "--yes", "-o", "json")
    assert done.exit_code == 0, done.stderr
    assert done.json["repositoryName"] == "app"  # put's own answer, nothing else
    assert "app: none of the 0 image(s) the policy affects is in use" in done.stderr
    assert "usage scanned: account 123456789012, us-east-1" in done.stderr
