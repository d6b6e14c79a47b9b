"""The installed ``ecrctl policy test`` against a moto_server process: IAM, STS and
ECR of two accounts (moto_server picks the account by the access key: keys from
AssumeRole into another account's role act in that account), and ``--simulate``
against a loopback stand-in for IAM's simulator (tests/policy/iam_standin.py says
why)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ACCOUNT, REGION
from tests.policy.iam_standin import simulator_in_front_of
from tests.support.aws import role_keys

BIN = Path(sys.executable).parent
OTHER = "444455556666"
REPOSITORY_ARN = f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/team/app"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/ci"
BUILDER = f"arn:aws:iam::{OTHER}:role/builder"
READER = f"arn:aws:iam::{OTHER}:role/reader"
TOKEN = "ecr:GetAuthorizationToken"
PULL = ["ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "ecr:BatchCheckLayerAvailability"]
PUSH = ["ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"]


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(actions: Any, resource: str = "*") -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resource}


def ecrctl(url: str, *args: str, iam: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL_ECR": url,
        "AWS_ENDPOINT_URL_STS": url,
        "AWS_ENDPOINT_URL_IAM": iam or url,
    }
    return subprocess.run(
        [str(BIN / "ecrctl"), *args], env=env, capture_output=True, text=True, timeout=60
    )


def client(url: str, service: str, keys: dict[str, str] | None = None) -> Any:
    import boto3

    return boto3.client(service, endpoint_url=url, region_name=REGION, **(keys or {}))


def other_account_keys(url: str) -> dict[str, str]:
    return role_keys(f"arn:aws:iam::{OTHER}:role/admin", endpoint_url=url)


@pytest.fixture
def accounts(moto_url: str, isolated: Path) -> str:
    """Account ACCOUNT: repository team/app whose policy lets role builder of account
    OTHER push and pull, and role ci, which may log in and pull. Account OTHER
    (profile "other"): builder may use ECR anywhere, reader only log in and pull."""
    iam = client(moto_url, "iam")
    iam.create_role(RoleName="ci", AssumeRolePolicyDocument="{}")
    iam.put_role_policy(RoleName="ci", PolicyName="pull", PolicyDocument=doc(allow([TOKEN, *PULL])))
    ecr = client(moto_url, "ecr")
    ecr.create_repository(repositoryName="team/app")
    grant = {"Sid": "Builders", "Effect": "Allow", "Action": [*PULL, *PUSH]}
    grant["Principal"] = {"AWS": [BUILDER, READER]}
    ecr.set_repository_policy(repositoryName="team/app", policyText=doc(grant))
    keys = other_account_keys(moto_url)
    other = client(moto_url, "iam", keys)
    for name, actions in (("builder", "ecr:*"), ("reader", [TOKEN, *PULL])):
        other.create_role(RoleName=name, AssumeRolePolicyDocument="{}")
        managed = other.create_policy(PolicyName=f"{name}-ecr", PolicyDocument=doc(allow(actions)))
        other.attach_role_policy(RoleName=name, PolicyArn=managed["Policy"]["Arn"])
    credentials = isolated / ".aws" / "credentials"
    credentials.parent.mkdir(exist_ok=True)
    credentials.write_text("[other]\n" + "".join(f"{k} = {v}\n" for k, v in keys.items()))
    return moto_url


def _decisions(result: subprocess.CompletedProcess[str]) -> dict[str, str]:
    return {r["action"]: r["decision"] for r in json.loads(result.stdout)["results"]}


def test_within_the_account(accounts: str) -> None:
    result = ecrctl(accounts, "policy", "test", "team/app", "--principal", ROLE, "-o", "json")
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["summary"] == {"pull": "allowed", "push": "implicitDeny"}
    assert data["repository"]["repositoryArn"] == REPOSITORY_ARN


def test_across_accounts_both_sides(accounts: str) -> None:
    args = ("policy", "test", "team/app", "--iam-profile", "other", "-o", "json")
    builder = ecrctl(accounts, *args, "--principal", BUILDER)
    assert builder.returncode == 0, builder.stderr
    assert set(_decisions(builder).values()) == {"allowed"}
    put = next(r for r in json.loads(builder.stdout)["results"] if r["action"] == "ecr:PutImage")
    assert [(s["policy"], s["sid"]) for s in put["statements"]] == [
        ("builder-ecr", None),
        ("repository policy", "Builders"),
    ]
    reader = ecrctl(accounts, *args, "--principal", READER)
    assert reader.returncode == 1
    data = json.loads(reader.stdout)
    assert data["summary"] == {"pull": "allowed", "push": "implicitDeny"}
    put = next(r for r in data["results"] if r["action"] == "ecr:PutImage")
    assert put["reasons"] == [
        "no identity policy allows it",
        f"the repository is in account {ACCOUNT}, the principal in {OTHER}: "
        "across accounts both sides must allow",
    ]


def test_across_accounts_without_their_iam(accounts: str) -> None:
    result = ecrctl(accounts, "policy", "test", "team/app", "--principal", BUILDER)
    assert result.returncode == 2
    assert result.stderr.startswith(f"ecrctl: error: {BUILDER} is in account {OTHER}")
    assert result.stdout == ""


def test_the_caller_by_default(accounts: str) -> None:
    """The default principal is the caller; an assumed-role session counts as its role."""
    keys = {k.upper(): v for k, v in role_keys(ROLE, "build-9", endpoint_url=accounts).items()}
    result = subprocess.run(
        [str(BIN / "ecrctl"), "policy", "test", "team/app", "-o", "json"],
        env={**os.environ, **keys, "AWS_ENDPOINT_URL": accounts},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["principal"] == {
        "arn": ROLE,
        "account": ACCOUNT,
        "type": "role",
        "sessionArn": f"arn:aws:sts::{ACCOUNT}:assumed-role/ci/build-9",
    }
    assert data["summary"] == {"pull": "allowed", "push": "implicitDeny"}


def test_simulate_beside_iams_simulator(accounts: str) -> None:
    with simulator_in_front_of(accounts) as (url, simulator):
        simulator.decisions = {a: "implicitDeny" for a in PUSH}
        simulator.decisions["ecr:BatchGetImage"] = "explicitDeny"  # IAM disagrees here
        simulator.missing = {"ecr:BatchGetImage": ["aws:SourceIp"]}
        result = ecrctl(
            accounts,
            "policy",
            "test",
            "team/app",
            "--principal",
            ROLE,
            "--context",
            "aws:SourceAccount=111122223333",
            "--simulate",
            "-o",
            "json",
            iam=url,
        )
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["simulation"] == {
        "scope": "identity policies only",
        "error": None,
        "differences": ["ecr:BatchGetImage"],
    }
    get = next(r for r in data["results"] if r["action"] == "ecr:BatchGetImage")
    assert get["simulated"] == {
        "decision": "explicitDeny",
        "matchedStatements": [{"sourcePolicyId": "ecr-policy", "sourcePolicyType": "IAM Policy"}],
        "missingContextValues": ["aws:SourceIp"],
        "ecrctlDecision": "allowed",
        "agrees": False,
    }
    put = next(r for r in data["results"] if r["action"] == "ecr:PutImage")
    assert (put["simulated"]["decision"], put["simulated"]["agrees"]) == ("implicitDeny", True)
    assert "IAM's simulator disagrees on 1: ecr:BatchGetImage" in result.stderr
    on_repository, token = simulator.requests
    assert on_repository["PolicySourceArn"] == [ROLE]
    assert on_repository["ResourceArns.member.1"] == [REPOSITORY_ARN]
    assert "ResourcePolicy" not in on_repository  # IAM takes one only for a user
    assert on_repository["ContextEntries.member.1.ContextKeyName"] == ["aws:SourceAccount"]
    assert on_repository["ContextEntries.member.1.ContextKeyValues.member.1"] == ["111122223333"]
    assert [v for k, v in sorted(token.items()) if k.startswith("ActionNames")] == [[TOKEN]]
    assert "ResourceArns.member.1" not in token


def test_simulate_a_user_with_the_repository_policy(accounts: str) -> None:
    iam = client(accounts, "iam")
    iam.create_user(UserName="alice")
    iam.put_user_policy(UserName="alice", PolicyName="all", PolicyDocument=doc(allow("ecr:*")))
    alice = f"arn:aws:iam::{ACCOUNT}:user/alice"
    with simulator_in_front_of(accounts) as (url, simulator):
        result = ecrctl(
            accounts, "policy", "test", "team/app", "--principal", alice, "--simulate", iam=url
        )
    assert result.returncode == 0, result.stderr
    assert "IAM SIMULATOR" in result.stdout
    assert "note: IAM's simulator was given the identity and repository policies" in result.stderr
    on_repository = simulator.requests[0]
    policy = client(accounts, "ecr").get_repository_policy(repositoryName="team/app")
    assert on_repository["ResourcePolicy"] == [policy["policyText"]]
    assert on_repository["ResourceOwner"] == [f"arn:aws:iam::{ACCOUNT}:root"]


def test_simulate_where_iam_cannot(accounts: str) -> None:
    """moto_server answers SimulatePrincipalPolicy with HTTP 500: ecrctl's own answer stands."""
    result = ecrctl(accounts, "policy", "test", "team/app", "--principal", ROLE, "--simulate")
    assert result.returncode == 1
    assert "ecrctl: warning: --simulate: IAM's simulator did not answer" in result.stderr
    assert "IAM SIMULATOR" not in result.stdout
    assert "(pull)" in result.stdout
