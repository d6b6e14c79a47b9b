"""``ecrctl policy repo explain`` over a stored policy or a file, against moto's ECR,
through the real main() wrapper."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ACCOUNT, Runner
from tests.policy import guide
from tests.support.files import write
from tests.support.repo_policy import ALICE

pytestmark = pytest.mark.usefixtures("moto")


def test_explain_a_repository_and_a_file(cli: Runner, ecr: Any, repo: str, tmp_path: Path) -> None:
    ecr.set_repository_policy(
        repositoryName=repo, policyText=json.dumps(guide.REPOSITORY["cross-account-push"])
    )
    data = cli("policy", "repo", "explain", repo, "--principal", ACCOUNT, "-o", "json").json
    assert data["summary"] == {"pull": "not granted here", "push": "allowed"}
    assert data["principal"] == f"account {ACCOUNT}"
    assert data["results"][3] == {
        "action": "ecr:PutImage",
        "decision": "allowed",
        "statements": [
            {
                "statement": 0,
                "sid": "AllowCrossAccountPush",
                "effect": "Allow",
                "conditional": False,
            }
        ],
    }

    path = write(tmp_path, "policy.json", guide.REPOSITORY["deny-pull-all"])
    table = cli(
        "policy",
        "repo",
        "explain",
        "--file",
        path,
        "--principal",
        ALICE,
        "--action",
        "BatchGetImage",
        "--action",
        "ecr:PutImage",
    )
    assert table.exit_code == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].strip() == f"for {ALICE}"
    assert re.split(r"\s{2,}", lines[1].strip()) == ["ACTION", "DECISION", "STATEMENTS"]
    rows = [re.split(r"\s{2,}", line.strip()) for line in lines[3:]]
    assert rows == [
        ["ecr:BatchGetImage", "denied", '"DenyPull"'],
        ["ecr:PutImage", "not granted here", "-"],
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--principal", ACCOUNT], "give either REPOSITORY or --file FILE"),
        (["team/app", "--file", "-", "--principal", ACCOUNT], "give either REPOSITORY or --file"),
        (["--file", "-", "--principal", "nobody"], "invalid principal 'nobody'"),
        (["--file", "-", "--principal", ACCOUNT, "--action", "Fly"], "unknown ECR action 'Fly'"),
    ],
)
def test_explain_usage_errors(cli: Runner, args: list[str], message: str) -> None:
    text = json.dumps(guide.REPOSITORY["public-pull"])
    result = cli("policy", "repo", "explain", *args, input=text)
    assert result.exit_code == 2
    assert message in result.stderr


def test_explain_a_stored_policy_that_breaks_local_rules(cli: Runner, ecr: Any, repo: str) -> None:
    # ECR accepts duplicate Sids; explain still answers, and says what validation found.
    statement = {"Sid": "A", "Effect": "Allow", "Principal": "*", "Action": "ecr:ListImages"}
    ecr.set_repository_policy(
        repositoryName=repo,
        policyText=json.dumps({"Version": "2012-10-17", "Statement": [statement, statement]}),
    )
    result = cli("policy", "repo", "explain", repo, "--principal", ALICE, "--action", "ListImages")
    assert result.exit_code == 0, result.stderr
    assert 'statement "A": Sid: duplicate: statement #1 has it too (explained as written)' in (
        result.stderr
    )
    assert "allowed" in result.stdout
