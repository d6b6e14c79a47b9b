"""``ecrctl policy repo add-statement`` and ``remove-statement`` against moto's ECR,
through the real main() wrapper."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Runner
from tests.policy import guide
from tests.support.repo_policy import ALICE, error_code, stored_policy

pytestmark = pytest.mark.usefixtures("moto")


def test_add_statement_creates_then_appends_then_replaces(cli: Runner, ecr: Any, repo: str) -> None:
    first = cli(
        "policy",
        "repo",
        "add-statement",
        repo,
        "--sid",
        "AllowPull",
        "--effect",
        "allow",
        "--principal",
        "111122223333",
        "--action",
        "pull",
    )
    assert first.exit_code == 0, first.stderr
    assert first.stdout == "policy created with statement 'AllowPull' (team/app)\n"
    assert stored_policy(ecr, repo) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowPull",
                "Effect": "Allow",
                "Principal": {"AWS": "111122223333"},
                "Action": list(guide.PULL),
            }
        ],
    }

    condition = '{"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}'
    second = cli(
        "policy",
        "repo",
        "add-statement",
        repo,
        "--sid",
        "OrgDescribe",
        "--effect",
        "Allow",
        "--principal",
        "*",
        "--action",
        "DescribeImages",
        "--condition",
        condition,
    )
    assert second.exit_code == 0, second.stderr
    assert second.stdout == "statement added 'OrgDescribe' (team/app)\n"
    stored = stored_policy(ecr, repo)
    assert [s["Sid"] for s in stored["Statement"]] == ["AllowPull", "OrgDescribe"]
    assert stored["Statement"][1]["Condition"] == json.loads(condition)
    assert stored["Statement"][1]["Action"] == ["ecr:DescribeImages"]

    add_pull = ["policy", "repo", "add-statement", repo, "--sid", "AllowPull"]
    add_pull += ["--effect", "Allow", "--principal", ALICE, "--action", "push"]
    duplicate = cli(*add_pull)
    assert duplicate.exit_code == 2
    assert "already has a statement with Sid 'AllowPull'" in duplicate.stderr
    assert "--replace" in duplicate.stderr
    replaced = cli(*add_pull, "--replace")
    assert replaced.exit_code == 0, replaced.stderr
    statement = stored_policy(ecr, repo)["Statement"][0]
    assert statement["Principal"] == {"AWS": ALICE}
    assert statement["Action"] == guide.PUSH


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--action", "ecr:PushImage"],
            'statement "S": Action: "ecr:PushImage" is not an ECR action (did you mean',
        ),
        (["--action", "pull", "--condition", "{nope"], "--condition is not valid JSON"),
        (["--action", "pull", "--condition", '"x"'], 'statement "S": Condition: must be an object'),
        (["--action", "pull", "--principal", "bob"], "invalid --principal 'bob'"),
    ],
)
def test_add_statement_rejects_bad_input(
    cli: Runner, ecr: Any, repo: str, args: list[str], message: str
) -> None:
    base = ["policy", "repo", "add-statement", repo, "--sid", "S", "--effect", "Deny"]
    if "--principal" not in args:
        base += ["--principal", ALICE]
    result = cli(*base, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert error_code(ecr, repo) != "policy exists"


def test_add_statement_lockout_needs_force(cli: Runner, ecr: Any, repo: str) -> None:
    args = [
        "policy",
        "repo",
        "add-statement",
        repo,
        "--sid",
        "Freeze",
        "--effect",
        "Deny",
        "--principal",
        "*",
        "--action",
        "ecr:*",
    ]
    refused = cli(*args)
    assert refused.exit_code == 2 and "denies ecr:SetRepositoryPolicy" in refused.stderr
    assert cli(*args, "--force").exit_code == 0


def test_remove_statement_and_last_one_deletes_the_policy(cli: Runner, ecr: Any, repo: str) -> None:
    ecr.set_repository_policy(
        repositoryName=repo, policyText=json.dumps(guide.REPOSITORY["pull-and-admin"])
    )
    unknown = cli("policy", "repo", "remove-statement", repo, "--sid", "Nope")
    assert unknown.exit_code == 1
    assert "no statement with Sid 'Nope'; its Sids: AllowPull, AllowAll" in unknown.stderr

    removed = cli("policy", "repo", "remove-statement", repo, "--sid", "AllowAll")
    assert removed.exit_code == 0, removed.stderr
    assert removed.stdout == "statement 'AllowAll' removed (team/app)\n"
    assert [s["Sid"] for s in stored_policy(ecr, repo)["Statement"]] == ["AllowPull"]

    last = cli("policy", "repo", "remove-statement", repo, "--sid", "AllowPull", "-o", "json")
    assert last.exit_code == 0, last.stderr
    assert last.json["deleted"] is True and last.json["policy"] is None
    assert error_code(ecr, repo) != "policy exists"
    text = cli("policy", "repo", "remove-statement", repo, "--sid", "AllowPull")
    assert text.exit_code == 1 and "has no repository policy" in text.stderr


def test_remove_last_statement_says_the_policy_was_deleted(
    cli: Runner, ecr: Any, repo: str
) -> None:
    ecr.set_repository_policy(
        repositoryName=repo, policyText=json.dumps(guide.REPOSITORY["deny-pull-all"])
    )
    result = cli("policy", "repo", "remove-statement", repo, "--sid", "DenyPull")
    assert result.stdout == (
        "statement 'DenyPull' removed; it was the last statement, so the policy of team/app "
        "was deleted\n"
    )
