"""``ecrctl policy lifecycle`` validate, template, get, put and delete through
the real main() wrapper, against moto's ECR (``preview``:
test_lifecycle_preview.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Runner
from tests.lifecycle.guide import EXAMPLES, MULTI
from tests.support.files import write

# -- validate ----------------------------------------------------------------------


def test_validate_valid_file(cli: Runner, tmp_path: Path) -> None:
    result = cli("policy", "lifecycle", "validate", write(tmp_path, "p.json", MULTI.policy))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "valid: 2 rule(s)\n", "")


def test_validate_reports_every_problem_on_its_own_line(cli: Runner, tmp_path: Path) -> None:
    policy = json.loads(json.dumps(EXAMPLES[7].policy))
    policy["rules"][1]["selection"]["countUnit"] = "day"
    policy["rules"][0]["selection"]["countNumber"] = 0
    result = cli("policy", "lifecycle", "validate", "-", input=json.dumps(policy))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "ecrctl: error: rules[0].selection.countNumber: must be an integer >= 1, not 0",
        'ecrctl: error: rules[1].selection.countUnit: must be "days", not "day"; use "days"',
    ]


def test_validate_json_lists_the_problems(cli: Runner) -> None:
    result = cli("policy", "lifecycle", "validate", "-", "-o", "json", input="{}" + " " * 100)
    assert result.exit_code == 2
    assert result.json == {
        "valid": False,
        "problems": [{"path": "rules", "message": "required: a non-empty list of rules"}],
    }


def test_validate_missing_file(cli: Runner, tmp_path: Path) -> None:
    result = cli("policy", "lifecycle", "validate", str(tmp_path / "nope.json"))
    assert result.exit_code == 2
    assert "policy file" in result.stderr and "does not exist" in result.stderr


# -- template ----------------------------------------------------------------------


def test_template_list(cli: Runner) -> None:
    table = cli("policy", "lifecycle", "template", "--list")
    assert table.exit_code == 0
    names = [line.split()[0] for line in table.stdout.splitlines()[2:]]
    assert names == [
        "expire-untagged",
        "keep-untagged",
        "keep-per-prefix",
        "expire-tagged-older",
        "keep-latest",
        "combined",
    ]
    data = cli("policy", "lifecycle", "template", "--list", "-o", "json").json
    assert data[0]["parameters"] == {"days": {"default": "14", "help": "age in days"}}


def test_template_prints_a_document_that_validates(cli: Runner) -> None:
    result = cli(
        "policy", "lifecycle", "template", "keep-per-prefix", "prefixes=prod,rc", "count=5"
    )
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert [r["selection"]["tagPrefixList"] for r in document["rules"]] == [["prod"], ["rc"]]
    check = cli("policy", "lifecycle", "validate", "-", input=result.stdout)
    assert check.exit_code == 0, check.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["keep-latest", "count"], "malformed template parameter 'count'; use KEY=VALUE"),
        (["keep-latest", "count=x"], "keep-latest: count='x' is not a whole number >= 1"),
        (["nope"], "no lifecycle template 'nope'"),
        (
            ["keep-per-prefix", "prefixes=" + ",".join(f"p{n}" for n in range(51))],
            "invalid policy from template keep-per-prefix: rules: 51 rules; "
            "a lifecycle policy has at most 50",
        ),
    ],
)
def test_template_errors(cli: Runner, args: list[str], message: str) -> None:
    result = cli("policy", "lifecycle", "template", *args)
    assert result.exit_code == 2
    assert message in result.stderr


# -- put / get / delete ---------------------------------------------------------------


def test_put_refuses_without_yes_when_nobody_can_answer(
    cli: Runner, ecr: Any, multi_repo: dict[str, str], tmp_path: Path
) -> None:
    result = cli("policy", "lifecycle", "put", "team/app", write(tmp_path, "p.json", MULTI.policy))
    assert result.exit_code == 2
    assert "pass --yes" in result.stderr
    with pytest.raises(ecr.exceptions.LifecyclePolicyNotFoundException):
        ecr.get_lifecycle_policy(repositoryName="team/app")


def test_put_with_yes_reports_the_effect_and_stores_the_text(
    cli: Runner, ecr: Any, multi_repo: dict[str, str], tmp_path: Path
) -> None:
    text = json.dumps(EXAMPLES[6].policy)  # keep 1 image of any kind: 2 of 3 expire now
    result = cli("policy", "lifecycle", "put", "team/app", "-", "--yes", input=text)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "team/app: 2 of 3 image(s) would expire within 24 hours of applying this policy\n"
    )
    assert result.stdout == (
        "lifecycle policy set on team/app: 1 rule(s); 2 of 3 image(s) would expire\n"
    )
    stored = ecr.get_lifecycle_policy(repositoryName="team/app")["lifecyclePolicyText"]
    assert json.loads(stored) == EXAMPLES[6].policy


def test_put_invalid_policy_changes_nothing(
    cli: Runner, ecr: Any, multi_repo: dict[str, str]
) -> None:
    bad = json.loads(json.dumps(EXAMPLES[0].policy))
    bad["rules"][0]["selection"]["countUnit"] = "day"
    result = cli("policy", "lifecycle", "put", "team/app", "-", "--yes", input=json.dumps(bad))
    assert result.exit_code == 2
    assert result.stderr == (
        "ecrctl: error: invalid lifecycle policy from stdin: rules[0].selection.countUnit: "
        'must be "days", not "day"; use "days"\n'
    )
    with pytest.raises(ecr.exceptions.LifecyclePolicyNotFoundException):
        ecr.get_lifecycle_policy(repositoryName="team/app")


def test_put_into_a_missing_repository(cli: Runner, ecr: Any, tmp_path: Path) -> None:
    result = cli(
        "policy", "lifecycle", "put", "nope/app", write(tmp_path, "p.json", MULTI.policy), "--yes"
    )
    assert result.exit_code == 1
    assert "nope/app" in result.stderr and "Traceback" not in result.stderr


def test_get_prints_rules_in_priority_order_and_json_as_stored(cli: Runner, ecr: Any) -> None:
    ecr.create_repository(repositoryName="app")
    reversed_rules = {"rules": list(reversed(MULTI.policy["rules"]))}
    ecr.put_lifecycle_policy(repositoryName="app", lifecyclePolicyText=json.dumps(reversed_rules))
    text = cli("policy", "lifecycle", "get", "app")
    assert text.exit_code == 0
    assert json.loads(text.stdout) == MULTI.policy
    assert text.stdout.startswith('{\n  "rules": [\n    {\n      "rulePriority": 1,')
    assert cli("policy", "lifecycle", "get", "app", "-o", "json").json == reversed_rules


def test_get_without_policy(cli: Runner, ecr: Any) -> None:
    ecr.create_repository(repositoryName="app")
    result = cli("policy", "lifecycle", "get", "app")
    assert result.exit_code == 1
    assert result.stderr == (
        "ecrctl: error: repository 'app' has no lifecycle policy; "
        "create one: ecrctl policy lifecycle put app FILE\n"
    )


def test_delete(cli: Runner, ecr: Any) -> None:
    ecr.create_repository(repositoryName="app")
    ecr.put_lifecycle_policy(repositoryName="app", lifecyclePolicyText=json.dumps(MULTI.policy))
    refused = cli("policy", "lifecycle", "delete", "app")
    assert refused.exit_code == 2
    ecr.get_lifecycle_policy(repositoryName="app")  # still there
    done = cli("policy", "lifecycle", "delete", "app", "--yes")
    assert (done.exit_code, done.stdout) == (0, "deleted the lifecycle policy of app\n")
    with pytest.raises(ecr.exceptions.LifecyclePolicyNotFoundException):
        ecr.get_lifecycle_policy(repositoryName="app")
    again = cli("policy", "lifecycle", "delete", "app", "--yes")
    assert again.exit_code == 1
    assert "has no lifecycle policy to delete" in again.stderr


# -- help ------------------------------------------------------------------------


def test_every_lifecycle_command_has_help_and_an_example(cli: Runner) -> None:
    for command in ("get", "put", "delete", "validate", "template", "preview"):
        result = cli("policy", "lifecycle", command, "--help")
        assert result.exit_code == 0
        assert "Example" in result.stdout, command
