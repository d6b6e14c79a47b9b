"""A principal's IAM world in moto's IAM, for the tests that read it live
(tests/policy/test_principal_policies.py) or from a saved
GetAccountAuthorizationDetails answer (tests/policy/test_iam_details.py): role ci
(path /build/, a boundary, tags, managed and inline policies) and user alice in
group devs."""

from __future__ import annotations

import json
from typing import Any

from ecrctl.policy.principal_policies import Gathered

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/build/ci"
ALICE = f"arn:aws:iam::{ACCOUNT}:user/alice"


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: Any, resource: Any = "*") -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def build(client: Any) -> Any:
    """moto's IAM ``client`` with a role and a user in a group; ``client``."""
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


def summary(gathered: Gathered) -> list[tuple[str, str, bool, Any]]:
    """The policies read, in a stable order (IAM lists attached policies in any order)."""
    return sorted(
        (p.name, p.attached_to, p.inline, p.document["Statement"][0]["Action"])
        for p in gathered.identity
    )


def details(iam: Any) -> dict[str, Any]:
    """The account's GetAccountAuthorizationDetails answer, as ``aws iam`` saves it."""
    answer = iam.get_account_authorization_details()
    return json.loads(
        json.dumps({k: v for k, v in answer.items() if k != "ResponseMetadata"}, default=str)
    )
