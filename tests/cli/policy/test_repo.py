"""``ecrctl policy repo`` against moto's ECR (which validates and stores
repository policies), through the real main() wrapper."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ACCOUNT, Runner
from tests.policy import guide
from tests.support.files import write
from tests.support.repo_policy import ALICE, CALLER, error_code, stored_policy

pytestmark = pytest.mark.usefixtures("moto")


def test_set_get_delete(cli: Runner, ecr: Any, repo: str, tmp_path: Path) -> None:
    policy = guide.REPOSITORY["pull-and-admin"]
    result = cli("policy", "repo", "set", repo, write(tmp_path, "policy.json", policy))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "policy set (team/app)\n"
    assert "ecr:GetAuthorizationToken from an IAM policy" in result.stderr
    assert stored_policy(ecr, repo) == policy

    shown = cli("policy", "repo", "get", repo)
    assert json.loads(shown.stdout) == policy
    assert shown.stdout.startswith('{\n  "Version"')
    raw = cli("policy", "repo", "get", repo, "-o", "json")
    answer = ecr.get_repository_policy(repositoryName=repo)
    assert raw.json == {k: answer[k] for k in ("registryId", "repositoryName", "policyText")}
    text = cli("policy", "repo", "get", repo, "--query", "policyText", "-o", "text")
    assert text.stdout == answer["policyText"] + "\n"

    refused = cli("policy", "repo", "delete", repo)
    assert refused.exit_code == 2 and "pass --yes" in refused.stderr
    assert stored_policy(ecr, repo) == policy
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
    assert "RepositoryPolicyNotFoundException" in error_code(ecr, repo)


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
    assert error_code(ecr, repo) != "policy exists"
    forced = cli("policy", "repo", "set", repo, "-", "--force", input=json.dumps(lockout))
    assert forced.exit_code == 0, forced.stderr
    assert stored_policy(ecr, repo) == lockout


def test_set_missing_file_and_missing_repository(cli: Runner, ecr: Any, tmp_path: Path) -> None:
    result = cli("policy", "repo", "set", "team/app", str(tmp_path / "nope.json"))
    assert result.exit_code == 2 and "does not exist" in result.stderr
    path = write(tmp_path, "policy.json", guide.REPOSITORY["deny-pull-all"])
    missing = cli("policy", "repo", "set", "team/none", path)
    assert missing.exit_code == 1 and "team/none" in missing.stderr
    assert "Traceback" not in missing.stderr


@pytest.mark.parametrize("name", sorted(set(guide.REPOSITORY) - {"describe-user-with-resource"}))
def test_validate_accepts_the_guide_examples(cli: Runner, name: str) -> None:
    result = cli("policy", "repo", "validate", "-", input=json.dumps(guide.REPOSITORY[name]))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1].startswith("stdin: valid")


def test_validate_invalid_exits_2_with_every_error_on_stderr(cli: Runner, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "policy.json",
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
    assert stored_policy(ecr, repo) == json.loads(printed.stdout)
    through_ecrctl = cli("policy", "repo", "set", repo, "-", input=printed.stdout)
    assert through_ecrctl.exit_code == 0, through_ecrctl.stderr


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
    assert json.loads(json.loads(stored.stdout)["policyText"]) == json.loads(policy.stdout)
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
