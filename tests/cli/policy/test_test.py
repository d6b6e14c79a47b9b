"""``ecrctl policy test`` against moto's IAM, STS and ECR in-process, through the
real main() wrapper: the table, ``-o json``, the exit codes, the caller as the
default principal, conditions, and a saved GetAccountAuthorizationDetails answer
for a principal of another account."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ACCOUNT, REGION, Result, Runner
from tests.support.aws import role_keys

pytestmark = pytest.mark.usefixtures("moto")

OTHER = "444455556666"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/ci"
PULL = ["ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "ecr:BatchCheckLayerAvailability"]
TOKEN = "ecr:GetAuthorizationToken"


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def grant(principal: str, action: Any, sid: str, effect: str = "Allow", **extra: Any) -> Any:
    return {
        "Sid": sid,
        "Effect": effect,
        "Principal": {"AWS": principal},
        "Action": action,
        **extra,
    }


@pytest.fixture
def iam() -> Any:
    import boto3

    return boto3.client("iam", region_name=REGION)


@pytest.fixture
def setup(iam: Any, ecr: Any) -> Any:
    """Role ci may log in and pull (IAM); the repository policy lets it push."""
    iam.create_role(RoleName="ci", AssumeRolePolicyDocument="{}")
    iam.put_role_policy(
        RoleName="ci",
        PolicyName="pull",
        PolicyDocument=doc({"Effect": "Allow", "Action": [TOKEN, *PULL], "Resource": "*"}),
    )
    ecr.create_repository(repositoryName="team/app")
    ecr.set_repository_policy(
        repositoryName="team/app",
        policyText=doc(
            grant(ROLE, ["ecr:PutImage", "ecr:*LayerUpload*", "ecr:UploadLayerPart"], "Push")
        ),
    )
    return ecr


def test_allowed_on_both_sides(cli: Runner, setup: Any) -> None:
    result = cli("policy", "test", "team/app", "--principal", ROLE)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"{ROLE} on arn:aws:ecr:{REGION}:{ACCOUNT}:repository/team/app"
    cells = [re.split(r"\s{2,}", line.strip()) for line in lines[3:]]
    rows = {row[0]: row[1:] for row in cells}
    assert rows["ecr:GetAuthorizationToken"] == ["allowed", "pull #1"]
    assert rows["ecr:PutImage"] == ["allowed", 'repository policy "Push"']
    assert rows["(push)"] == ["allowed"]


def test_json_shape(cli: Runner, setup: Any) -> None:
    result = cli(
        "policy", "test", "team/app", "--principal", ROLE, "--action", "PutImage", "-o", "json"
    )
    assert result.exit_code == 0
    data = result.json
    assert data["principal"] == {
        "arn": ROLE,
        "account": ACCOUNT,
        "type": "role",
        "sessionArn": None,
    }
    assert data["repository"]["repositoryArn"].endswith(":repository/team/app")
    assert [p["name"] for p in data["policies"]] == ["pull", "repository policy"]
    assert data["results"] == [
        {
            "action": "ecr:PutImage",
            "decision": "allowed",
            "statements": [
                {
                    "policy": "repository policy",
                    "policyType": "resource",
                    "attachedTo": "repository team/app",
                    "statement": 0,
                    "sid": "Push",
                    "effect": "Allow",
                    "conditions": [],
                }
            ],
            "reasons": [],
            "conditions": [],
        }
    ]
    assert (data["summary"], data["allowed"], data["simulation"]) == ({}, True, None)


def test_an_explicit_deny_is_exit_1(cli: Runner, setup: Any) -> None:
    setup.set_repository_policy(
        repositoryName="team/app", policyText=doc(grant("*", "ecr:Batch*", "NoPull", "Deny"))
    )
    result = cli("policy", "test", "team/app", "--principal", ROLE, "--action", "pull")
    assert result.exit_code == 1
    assert re.search(
        r'ecr:BatchGetImage +denied \(explicit\) +repository policy "NoPull"', result.stdout
    )
    assert re.search(r"ecr:GetDownloadUrlForLayer +allowed +pull #1", result.stdout)


def denying(cli: Runner, principal: str) -> tuple[Result, dict[str, dict[str, Any]]]:
    """``policy test team/app --principal PRINCIPAL -o json``, which denies an action
    (exit 1): the result and its results by action."""
    result = cli("policy", "test", "team/app", "--principal", principal, "-o", "json")
    assert result.exit_code == 1
    return result, {r["action"]: r for r in result.json["results"]}


def test_a_users_group_policies(cli: Runner, iam: Any, setup: Any) -> None:
    iam.create_user(UserName="alice")
    iam.create_group(GroupName="builders")
    iam.add_user_to_group(GroupName="builders", UserName="alice")
    iam.put_group_policy(
        GroupName="builders",
        PolicyName="pull",
        PolicyDocument=doc({"Effect": "Allow", "Action": [TOKEN, *PULL], "Resource": "*"}),
    )
    alice = f"arn:aws:iam::{ACCOUNT}:user/alice"
    result, by_action = denying(cli, alice)
    assert by_action["ecr:PutImage"]["decision"] == "implicitDeny"
    assert by_action["ecr:PutImage"]["reasons"] == [
        "no identity policy allows it",
        "the repository policy does not allow it",
    ]
    allowed = by_action["ecr:BatchGetImage"]["statements"]
    assert [(s["policy"], s["attachedTo"]) for s in allowed] == [("pull", "group/builders")]
    assert result.json["summary"] == {"pull": "allowed", "push": "implicitDeny"}
    table = cli("policy", "test", "team/app", "--principal", alice, "--action", "pull")
    assert "pull #1 (via group/builders)" in table.stdout


def test_a_roles_boundary(cli: Runner, iam: Any, setup: Any) -> None:
    # a role's: moto keeps no permissions boundary for users (CreateUser drops it)
    boundary = iam.create_policy(
        PolicyName="pull-only",
        PolicyDocument=doc({"Effect": "Allow", "Action": [TOKEN, *PULL], "Resource": "*"}),
    )["Policy"]["Arn"]
    iam.put_role_permissions_boundary(RoleName="ci", PermissionsBoundary=boundary)
    iam.put_role_policy(
        RoleName="ci",
        PolicyName="all",
        PolicyDocument=doc({"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}),
    )
    result, by_action = denying(cli, ROLE)
    assert by_action["ecr:PutImage"]["decision"] == "implicitDeny"
    assert by_action["ecr:PutImage"]["reasons"] == [
        "the permissions boundary pull-only does not allow it",
        "the repository policy allows the role (not a session of it), which its "
        "permissions boundary limits",
    ]
    assert [s["policy"] for s in by_action["ecr:BatchGetImage"]["statements"]] == [
        "pull",
        "all",
        "pull-only",
    ]
    assert result.json["summary"] == {"pull": "allowed", "push": "implicitDeny"}


def test_the_caller_by_default(
    cli: Runner, iam: Any, setup: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in role_keys(ROLE, "build-7").items():
        monkeypatch.setenv(name.upper(), value)
    result = cli("policy", "test", "team/app", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json["principal"]["arn"] == ROLE
    assert (
        result.json["principal"]["sessionArn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/ci/build-7"
    )


def test_an_open_condition_then_given(cli: Runner, setup: Any) -> None:
    org = {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}
    setup.set_repository_policy(
        repositoryName="team/app", policyText=doc(grant("*", "ecr:PutImage", "Org", Condition=org))
    )
    args = ("policy", "test", "team/app", "--principal", ROLE, "--action", "ecr:PutImage")
    result = cli(*args)
    assert result.exit_code == 1
    why = r'StringEquals aws:PrincipalOrgID \(repository policy "Org"\)'
    assert re.search(f"ecr:PutImage +depends on condition +{why}", result.stdout)
    assert cli(*args, "--context", "aws:PrincipalOrgID=o-abc123").exit_code == 0
    assert cli(*args, "--context", "aws:PrincipalOrgID=o-other").exit_code == 1


def test_another_accounts_principal_needs_its_own_iam(cli: Runner, setup: Any) -> None:
    result = cli("policy", "test", "team/app", "--principal", f"arn:aws:iam::{OTHER}:role/ci")
    assert result.exit_code == 2
    assert "IAM answers only for its own account" in result.stderr
    assert "--iam-profile PROFILE" in result.stderr


def _other_account_details() -> dict[str, Any]:
    """GetAccountAuthorizationDetails of account OTHER (moto selects it by the access key)."""
    import boto3

    keys = role_keys(f"arn:aws:iam::{OTHER}:role/setup")
    iam = boto3.client("iam", region_name=REGION, **keys)
    policy = doc({"Effect": "Allow", "Action": "ecr:*", "Resource": "*"})
    managed = iam.create_policy(PolicyName="ecr-all", PolicyDocument=policy)["Policy"]["Arn"]
    iam.create_role(RoleName="builder", AssumeRolePolicyDocument="{}")
    iam.attach_role_policy(RoleName="builder", PolicyArn=managed)
    answer = iam.get_account_authorization_details()
    answer.pop("ResponseMetadata")
    return json.loads(json.dumps(answer, default=str))


def test_saved_details_of_another_account(cli: Runner, setup: Any, tmp_path: Path) -> None:
    details = tmp_path / "iam.json"
    details.write_text(json.dumps(_other_account_details()))
    builder = f"arn:aws:iam::{OTHER}:role/builder"
    args = ("policy", "test", "team/app", "--principal", builder, "--iam-details", str(details))
    denied = cli(*args, "-o", "json")
    assert denied.exit_code == 1
    put = next(r for r in denied.json["results"] if r["action"] == "ecr:PutImage")
    assert put["decision"] == "implicitDeny"
    assert put["reasons"] == [
        "the repository policy does not allow it",
        f"the repository is in account {ACCOUNT}, the principal in {OTHER}: "
        "across accounts both sides must allow",
    ]
    token = next(r for r in denied.json["results"] if r["action"] == TOKEN)
    assert token["decision"] == "allowed"  # no resource: its own account's IAM decides
    setup.set_repository_policy(
        repositoryName="team/app", policyText=doc(grant(f"arn:aws:iam::{OTHER}:root", "ecr:*", "B"))
    )
    assert cli(*args).exit_code == 0


def test_no_such_repository(cli: Runner, setup: Any) -> None:
    result = cli("policy", "test", "team/nope", "--principal", ROLE)
    assert result.exit_code == 1
    assert "team/nope" in result.stderr


def test_no_repository_policy(cli: Runner, iam: Any, ecr: Any) -> None:
    iam.create_role(RoleName="ci", AssumeRolePolicyDocument="{}")
    iam.put_role_policy(
        RoleName="ci",
        PolicyName="all",
        PolicyDocument=doc({"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}),
    )
    ecr.create_repository(repositoryName="solo")
    result = cli("policy", "test", "solo", "--principal", ROLE, "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json["repository"]["hasRepositoryPolicy"] is False
    assert [p["type"] for p in result.json["policies"]] == ["identity"]
    assert result.json["summary"] == {"pull": "allowed", "push": "allowed"}


def test_iam_refuses_to_show_the_policies(
    cli: Runner, iam: Any, ecr: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """moto checks the caller's IAM policies once the set-up calls are counted out."""
    from moto.core import set_initial_no_auth_action_count

    @set_initial_no_auth_action_count(5)
    def run() -> Any:
        iam.create_user(UserName="viewer")
        allowed = {"Effect": "Allow", "Action": ["ecr:*", "sts:GetCallerIdentity"], "Resource": "*"}
        iam.put_user_policy(UserName="viewer", PolicyName="ecr", PolicyDocument=doc(allowed))
        keys = iam.create_access_key(UserName="viewer")["AccessKey"]
        iam.create_role(RoleName="ci", AssumeRolePolicyDocument="{}")
        ecr.create_repository(repositoryName="team/app")
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", keys["AccessKeyId"])
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", keys["SecretAccessKey"])
        return cli("policy", "test", "team/app", "--principal", ROLE)

    result = run()
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"ecrctl: error: IAM refused to show the policies of {ROLE}: "
        f"User: arn:aws:iam::{ACCOUNT}:user/viewer is not authorized to perform: iam:GetRole;"
    )
    assert "or pass --iam-details FILE" in result.stderr
