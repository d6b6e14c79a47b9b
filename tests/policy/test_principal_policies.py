"""A principal's IAM policies read from moto's IAM (roles, users, groups, managed
and inline policies, permissions boundaries, tags), and the same from a saved
GetAccountAuthorizationDetails answer."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ecrctl.errors import InvalidInput, NotFound
from ecrctl.policy.iam_details import check_details, gather_from_details
from ecrctl.policy.principal_policies import Gathered, gather, parse_principal

ACCOUNT = "123456789012"


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: Any, resource: Any = "*") -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


@pytest.fixture
def iam(moto: None) -> Any:
    """moto's IAM with a role and a user in a group."""
    import boto3

    client = boto3.client("iam", region_name="us-east-1")
    push = client.create_policy(PolicyName="ecr-push", PolicyDocument=doc(allow("ecr:PutImage")))
    limit = client.create_policy(PolicyName="ecr-only", PolicyDocument=doc(allow("ecr:*")))
    client.create_role(
        RoleName="ci",
        Path="/build/",
        AssumeRolePolicyDocument="{}",
        PermissionsBoundary=limit["Policy"]["Arn"],
        Tags=[{"Key": "team", "Value": "blue"}],
    )
    read = client.create_policy(PolicyName="read", PolicyDocument=doc(allow("ecr:BatchGetImage")))
    client.attach_role_policy(RoleName="ci", PolicyArn=read["Policy"]["Arn"])
    client.attach_role_policy(RoleName="ci", PolicyArn=push["Policy"]["Arn"])
    client.put_role_policy(RoleName="ci", PolicyName="token", PolicyDocument=doc(allow("ecr:Get*")))
    client.create_user(UserName="alice")
    client.put_user_policy(UserName="alice", PolicyName="own", PolicyDocument=doc(allow("ecr:X")))
    client.create_group(GroupName="devs")
    client.add_user_to_group(GroupName="devs", UserName="alice")
    client.attach_group_policy(GroupName="devs", PolicyArn=push["Policy"]["Arn"])
    client.put_group_policy(GroupName="devs", PolicyName="g", PolicyDocument=doc(allow("ecr:Y")))
    return client


def _summary(gathered: Gathered) -> list[tuple[str, str, bool, Any]]:
    """The policies read, in a stable order (IAM lists attached policies in any order)."""
    return sorted(
        (p.name, p.attached_to, p.inline, p.document["Statement"][0]["Action"])
        for p in gathered.identity
    )


ROLE = f"arn:aws:iam::{ACCOUNT}:role/build/ci"


def test_a_role_with_managed_inline_and_boundary(iam: Any) -> None:
    gathered = gather(iam, parse_principal(ROLE))
    assert gathered.principal.arn == ROLE
    assert gathered.principal.tags == {"team": "blue"}
    assert _summary(gathered) == [
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
    gathered = gather(iam, parse_principal(f"arn:aws:iam::{ACCOUNT}:user/alice"))
    assert _summary(gathered) == [
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


def _details(iam: Any) -> dict[str, Any]:
    answer = iam.get_account_authorization_details()
    return json.loads(
        json.dumps({k: v for k, v in answer.items() if k != "ResponseMetadata"}, default=str)
    )


@pytest.mark.parametrize("principal", [ROLE, f"arn:aws:iam::{ACCOUNT}:user/alice"])
def test_saved_details_give_what_iam_gives(iam: Any, principal: str) -> None:
    details = _details(iam)
    # moto leaves PolicyName out of the Policies entries: names come from the ARNs
    assert all("PolicyName" not in p for p in details["Policies"])
    ref = parse_principal(principal)
    offline = gather_from_details(details, ref, "iam.json")
    live = gather(iam, ref)
    assert _summary(offline) == _summary(live)
    assert offline.principal == live.principal
    assert (offline.boundary and offline.boundary.name) == (live.boundary and live.boundary.name)


def test_details_without_the_attached_policy(iam: Any) -> None:
    details = _details(iam)
    details["Policies"] = [p for p in details["Policies"] if not p["Arn"].endswith("/ecr-push")]
    with pytest.raises(InvalidInput, match=r"no document for managed policy .*ecr-push"):
        gather_from_details(details, parse_principal(ROLE), "iam.json")


def test_details_of_another_account(iam: Any) -> None:
    with pytest.raises(NotFound, match=r"iam\.json has no role 'ci' of account 210987654321"):
        gather_from_details(
            _details(iam), parse_principal("arn:aws:iam::210987654321:role/ci"), "iam.json"
        )


@pytest.mark.parametrize("data", [[], {"Users": []}, "text"])
def test_details_must_look_like_the_answer(data: Any) -> None:
    with pytest.raises(InvalidInput, match="is not a GetAccountAuthorizationDetails answer"):
        check_details(data, "iam.json")
