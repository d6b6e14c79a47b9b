"""A principal's IAM policies read from moto's IAM (roles, users, groups, managed
and inline policies, permissions boundaries, tags), and which ARNs name a principal
that can be tested (the same from a saved answer: tests/policy/test_iam_details.py)."""

from __future__ import annotations

from typing import Any

import pytest

from ecrctl.errors import InvalidInput, NotFound
from ecrctl.policy.principal_policies import gather, parse_principal
from tests.policy.iam_world import ACCOUNT, ALICE, ROLE, summary


def test_a_role_with_managed_inline_and_boundary(iam: Any) -> None:
    gathered = gather(iam, parse_principal(ROLE))
    assert gathered.principal.arn == ROLE
    assert gathered.principal.tags == {"team": "blue"}
    assert summary(gathered) == [
        ("ecr-push", "role/ci", False, "ecr:PutImage"),
        ("read", "role/ci", False, "ecr:BatchGetImage"),
        ("token", "role/ci", True, "ecr:Get*"),
    ]
    assert gathered.boundary is not None
    assert (gathered.boundary.name, gathered.boundary.kind) == ("ecr-only", "boundary")


def test_an_aws_managed_policy(moto: None, monkeypatch: pytest.MonkeyPatch) -> None:
    import boto3

    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")  # AWS's own policies
    client = boto3.client("iam", region_name="us-east-1")
    client.create_role(RoleName="pull", AssumeRolePolicyDocument="{}")
    client.attach_role_policy(
        RoleName="pull", PolicyArn="arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"
    )
    gathered = gather(client, parse_principal(f"arn:aws:iam::{ACCOUNT}:role/pull"))
    (read_only,) = gathered.identity
    assert read_only.name == "AmazonEC2ContainerRegistryReadOnly"
    listed = read_only.document["Statement"][0]["Action"]
    assert "ecr:BatchGetImage" in listed and "ecr:PutImage" not in listed


def test_an_assumed_role_session_is_its_role(iam: Any) -> None:
    session = f"arn:aws:sts::{ACCOUNT}:assumed-role/ci/build-42"
    gathered = gather(iam, parse_principal(session))
    assert (gathered.principal.arn, gathered.principal.session_arn) == (ROLE, session)


def test_a_user_with_its_groups(iam: Any) -> None:
    gathered = gather(iam, parse_principal(ALICE))
    assert summary(gathered) == [
        ("ecr-push", "group/devs", False, "ecr:PutImage"),
        ("g", "group/devs", True, "ecr:Y"),
        ("own", "user/alice", True, "ecr:X"),
    ]
    assert gathered.boundary is None
    assert gathered.principal.tags == {}


def test_an_unknown_role_is_not_found(iam: Any) -> None:
    with pytest.raises(NotFound, match="IAM has no role 'nobody'") as raised:
        gather(iam, parse_principal(f"arn:aws:iam::{ACCOUNT}:role/nobody"))
    assert "--iam-profile" in str(raised.value.hint)


@pytest.mark.parametrize(
    "value",
    [
        ACCOUNT,
        f"arn:aws:iam::{ACCOUNT}:root",
        f"arn:aws:iam::{ACCOUNT}:group/devs",
        f"arn:aws:sts::{ACCOUNT}:federated-user/bob",
        f"arn:aws:sts::{ACCOUNT}:user/moto",
        "*",
        "role/ci",
    ],
)
def test_only_users_roles_and_sessions_can_be_tested(value: str) -> None:
    with pytest.raises(InvalidInput, match="is not an IAM user or role ARN"):
        parse_principal(value)
