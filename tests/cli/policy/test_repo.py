"""``ecrctl policy repo`` against moto's ECR (which validates and stores
repository policies), through the real main() wrapper."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ACCOUNT, Runner
from tests.policy import guide

pytestmark = pytest.mark.usefixtures("moto")

CALLER = f"arn:aws:sts::{ACCOUNT}:user/moto"  # what moto's STS reports
ALICE = f"arn:aws:iam::{ACCOUNT}:user/alice"


@pytest.fixture
def repo(ecr: Any) -> str:
    ecr.create_repository(repositoryName="team/app")
    return "team/app"


def _stored(ecr: Any, name: str) -> dict[str, Any]:
    return json.loads(ecr.get_repository_policy(repositoryName=name)["policyText"])


def _write(tmp_path: Path, document: Any) -> str:
    path = tmp_path / "policy.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document, indent=2))
    return str(path)


def test_set_get_delete(cli: Runner, ecr: Any, repo: str, tmp_path: Path) -> None:
    policy = guide.REPOSITORY["pull-and-admin"]
    result = cli("policy", "repo", "set", repo, _write(tmp_path, policy))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "policy set (team/app)\n"
    assert "ecr:GetAuthorizationToken from an IAM policy" in result.stderr
    assert _stored(ecr, repo) == policy

    shown = cli("policy", "repo", "get", repo)
    assert json.loads(shown.stdout) == policy
    assert shown.stdout.startswith('{\n  "Version"')
    raw = cli("policy", "repo", "get", repo, "-o", "json")
    assert raw.stdout == ecr.get_repository_policy(repositoryName=repo)["policyText"] + "\n"
    sids = cli("policy", "repo", "get", repo, "--query", "Statement[].Sid")
    assert sids.json == ["AllowPull", "AllowAll"]

    refused = cli("policy", "repo", "delete", repo)
    assert refused.exit_code == 2 and "pass --yes" in refused.stderr
    assert _stored(ecr, repo) == policy
    deleted = cli("policy", "repo", "delete", repo, "--yes")
    assert deleted.exit_code == 0 and deleted.stdout == "policy of team/app deleted\n"
    missing = cli("policy", "repo", "get", repo)
    assert missing.exit_code == 1
    assert "repository 'team/app' has no repository policy" in missing.stderr
    again = cli("policy", "repo", "delete", repo, "--yes")
    assert again.exit_code == 1 and "has no repository policy to delete" in again.stderr


def test_set_from_stdin_and_json_result(cli: Runner, ecr: Any, repo: str) -> None:
    text = json.dumps(guide.REPOSITORY["public-pull"])
    result = cli("policy", "repo", "set", repo, "-", "-o", "json", input=text)
    assert result.exit_code == 0, result.stderr
    data = result.json
    assert data["repositoryName"] == repo and data["registryId"] == ACCOUNT
    assert data["policy"] == guide.REPOSITORY["public-pull"]
    assert [w["field"] for w in data["warnings"]] == ["Principal", "Action"]


def test_set_validates_locally_before_any_call(cli: Runner, ecr: Any, repo: str) -> None:
    bad = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "X", "Effect": "Allow", "Principal": "*", "Action": "ecr:Pul*"},
            {"Effect": "Allow", "Principal": "*", "Action": "s3:*"},
        ],
    }
    result = cli("policy", "repo", "set", repo, "-", input=json.dumps(bad))
    assert result.exit_code == 2
    assert result.stderr == (
        'ecrctl: error: the policy is invalid: statement "X": Action: "ecr:Pul*" matches no '
        "ECR action (and 1 more); see every problem by piping the same document to: "
        "ecrctl policy repo validate -\n"
    )
    assert "RepositoryPolicyNotFoundException" in _error_code(ecr, repo)


def _error_code(ecr: Any, name: str) -> str:
    try:
        ecr.get_repository_policy(repositoryName=name)
    except Exception as exc:
        return str(exc)
    return "policy exists"


def test_set_refuses_a_lockout_unless_force(cli: Runner, ecr: Any, repo: str) -> None:
    lockout = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "NoChanges",
                "Effect": "Deny",
                "Principal": {"AWS": ACCOUNT},
                "Action": "ecr:Set*",
            }
        ],
    }
    result = cli("policy", "repo", "set", repo, "-", input=json.dumps(lockout))
    assert result.exit_code == 2
    assert result.stderr == (
        f"ecrctl: error: this policy denies ecr:SetRepositoryPolicy to {CALLER} (statement "
        '"NoChanges"): you could not change it afterwards; pass --force if that is what you want\n'
    )
    assert _error_code(ecr, repo) != "policy exists"
    forced = cli("policy", "repo", "set", repo, "-", "--force", input=json.dumps(lockout))
    assert forced.exit_code == 0, forced.stderr
    assert _stored(ecr, repo) == lockout


def test_set_missing_file_and_missing_repository(cli: Runner, ecr: Any, tmp_path: Path) -> None:
    result = cli("policy", "repo", "set", "team/app", str(tmp_path / "nope.json"))
    assert result.exit_code == 2 and "does not exist" in result.stderr
    path = _write(tmp_path, guide.REPOSITORY["deny-pull-all"])
    missing = cli("policy", "repo", "set", "team/none", path)
    assert missing.exit_code == 1 and "team/none" in missing.stderr
    assert "Traceback" not in missing.stderr


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
    assert _stored(ecr, repo) == {
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
    stored = _stored(ecr, repo)
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
    statement = _stored(ecr, repo)["Statement"][0]
    assert statement["Principal"] == {"AWS": ALICE}
    assert statement["Action"] == [
        "ecr:GetDownloadUrlForLayer",
        "ecr:BatchCheckLayerAvailability",
        "ecr:PutImage",
        "ecr:InitiateLayerUpload",
        "ecr:UploadLayerPart",
        "ecr:CompleteLayerUpload",
    ]


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
    assert _error_code(ecr, repo) != "policy exists"


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
    assert [s["Sid"] for s in _stored(ecr, repo)["Statement"]] == ["AllowPull"]

    last = cli("policy", "repo", "remove-statement", repo, "--sid", "AllowPull", "-o", "json")
    assert last.exit_code == 0, last.stderr
    assert last.json["deleted"] is True and last.json["policy"] is None
    assert _error_code(ecr, repo) != "policy exists"
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


@pytest.mark.parametrize("name", sorted(set(guide.REPOSITORY) - {"describe-user-with-resource"}))
def test_validate_accepts_the_guide_examples(cli: Runner, name: str) -> None:
    result = cli("policy", "repo", "validate", "-", input=json.dumps(guide.REPOSITORY[name]))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1].startswith("stdin: valid")


def test_validate_invalid_exits_2_with_every_error_on_stderr(cli: Runner, tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "A",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "ecr:Nope",
                    "Resource": "*",
                },
                {"Sid": "A", "Effect": "Deny", "Action": "ecr:*"},
            ],
        },
    )
    result = cli("policy", "repo", "validate", path)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        'ecrctl: error: statement "A": Action: "ecr:Nope" is not an ECR action',
        'ecrctl: error: statement "A": Resource: not allowed in a repository policy (ECR answers '
        "'Invalid repository policy provided'): it applies to its own repository; remove it",
        'ecrctl: error: statement "A": Sid: duplicate: statement #1 has it too',
        'ecrctl: error: statement "A": Principal: missing: name who the statement applies to, '
        'e.g. {"AWS": "111122223333"}',
    ]
    data = cli("policy", "repo", "validate", path, "-o", "json")
    assert data.exit_code == 2
    assert data.json["valid"] is False and len(data.json["errors"]) == 4


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

    path = _write(tmp_path, guide.REPOSITORY["deny-pull-all"])
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


def test_template_list_and_errors(cli: Runner) -> None:
    listed = cli("policy", "repo", "template", "--list", "-o", "json").json
    assert [t["name"] for t in listed] == [
        "push-pull",
        "cross-account-push",
        "public-pull",
        "pull-and-admin",
        "deny-pull-all",
        "describe-only",
    ]
    table = cli("policy", "repo", "template", "--list").stdout
    assert [line.rstrip() for line in table.splitlines()] == [
        "NAME                 DESCRIPTION" + " " * 38 + "OPTIONS",
        "─" * 110,
        "push-pull            push and pull for IAM users or roles             "
        "--principal ARN|--account ID",
        "cross-account-push   push for other accounts (their root principal)   "
        "--principal ARN|--account ID",
        "public-pull          pull for every AWS account",
        "pull-and-admin       pull for some principals, ecr:* for an admin     "
        "--principal ARN|--account ID --admin ARN",
        "deny-pull-all        deny pull to everyone",
        "describe-only        describe the repository and its images           "
        "--principal ARN|--account ID",
    ]
    assert cli("policy", "repo", "template").exit_code == 2
    missing = cli("policy", "repo", "template", "push-pull")
    assert missing.exit_code == 2 and "needs at least one --principal" in missing.stderr


WHO = ["--principal", ALICE, "--account", "111122223333"]
TEMPLATE_ARGS = [
    ["push-pull", *WHO],
    ["cross-account-push", *WHO],
    ["public-pull"],
    ["pull-and-admin", *WHO, "--admin", f"arn:aws:iam::{ACCOUNT}:role/admin"],
    ["deny-pull-all"],
    ["describe-only", *WHO],
]


@pytest.mark.parametrize("args", TEMPLATE_ARGS, ids=lambda a: a[0])
def test_every_template_validates_and_moto_accepts_it(
    cli: Runner, ecr: Any, repo: str, args: list[str]
) -> None:
    printed = cli("policy", "repo", "template", *args)
    assert printed.exit_code == 0, printed.stderr
    checked = cli("policy", "repo", "validate", "-", input=printed.stdout)
    assert checked.exit_code == 0, checked.stderr
    ecr.set_repository_policy(repositoryName=repo, policyText=printed.stdout)
    assert _stored(ecr, repo) == json.loads(printed.stdout)
    through_ecrctl = cli("policy", "repo", "set", repo, "-", input=printed.stdout)
    assert through_ecrctl.exit_code == 0, through_ecrctl.stderr


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


def test_installed_script_against_moto_server(moto_url: str) -> None:
    """The lock-out check asks STS; an emulator needs AWS_ENDPOINT_URL_STS too."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "AWS_ENDPOINT_URL_ECR": moto_url, "AWS_ENDPOINT_URL_STS": moto_url}
    binary = str(Path(sys.executable).parent / "ecrctl")

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [binary, *args], env=env, input=stdin, capture_output=True, text=True, timeout=60
        )

    assert run("repo", "create", "team/web").returncode == 0
    policy = run("policy", "repo", "template", "cross-account-push", "--account", "111122223333")
    written = run("policy", "repo", "set", "team/web", "-", stdin=policy.stdout)
    assert written.returncode == 0, written.stderr
    stored = run("policy", "repo", "get", "team/web", "-o", "json")
    assert json.loads(stored.stdout) == json.loads(policy.stdout)
    locked = run(
        "policy",
        "repo",
        "add-statement",
        "team/web",
        "--sid",
        "Freeze",
        "--effect",
        "Deny",
        "--principal",
        ACCOUNT,
        "--action",
        "ecr:SetRepositoryPolicy",
    )
    assert locked.returncode == 2
    assert f"denies ecr:SetRepositoryPolicy to arn:aws:sts::{ACCOUNT}:user/moto" in locked.stderr
