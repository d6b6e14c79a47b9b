"""A principal's IAM policies from a saved GetAccountAuthorizationDetails answer:
the same as moto's IAM gives live, and from hand-written answers shaped as the IAM
API reference shows them (the default version of each managed policy, groups,
boundaries, documents decoded or URL-encoded), with what a bad file says."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest

from ecrctl.errors import InvalidInput, NotFound
from ecrctl.policy.iam_details import check_details, gather_from_details
from ecrctl.policy.principal_policies import gather, parse_principal
from tests.policy.iam_world import ACCOUNT, ALICE, ROLE, details, summary


@pytest.mark.parametrize("principal", [ROLE, ALICE])
def test_saved_details_give_what_iam_gives(iam: Any, principal: str) -> None:
    saved = details(iam)
    # moto leaves PolicyName out of the Policies entries: names come from the ARNs
    assert all("PolicyName" not in p for p in saved["Policies"])
    ref = parse_principal(principal)
    offline = gather_from_details(saved, ref, "iam.json")
    live = gather(iam, ref)
    assert summary(offline) == summary(live)
    assert offline.principal == live.principal
    assert (offline.boundary and offline.boundary.name) == (live.boundary and live.boundary.name)


def test_details_without_the_attached_policy(iam: Any) -> None:
    saved = details(iam)
    saved["Policies"] = [p for p in saved["Policies"] if not p["Arn"].endswith("/ecr-push")]
    with pytest.raises(InvalidInput, match=r"no document for managed policy .*ecr-push"):
        gather_from_details(saved, parse_principal(ROLE), "iam.json")


def test_details_of_another_account(iam: Any) -> None:
    with pytest.raises(NotFound, match=r"iam\.json has no role 'ci' of account 210987654321"):
        gather_from_details(
            details(iam), parse_principal("arn:aws:iam::210987654321:role/ci"), "iam.json"
        )


@pytest.mark.parametrize("data", [[], {"Users": []}, "text"])
def test_details_must_look_like_the_answer(data: Any) -> None:
    with pytest.raises(InvalidInput, match="is not a GetAccountAuthorizationDetails answer"):
        check_details(data, "iam.json")


# -- hand-written answers ----------------------------------------------------------

BOUNDARY_ARN = f"arn:aws:iam::{ACCOUNT}:policy/limits/ecr-only"
PUSH_ARN = f"arn:aws:iam::{ACCOUNT}:policy/ecr-push"


def statement(action: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action}]}


def managed(arn: str, *versions: tuple[str, bool, str], name: str | None = None) -> Any:
    entry: dict[str, Any] = {
        "Arn": arn,
        "DefaultVersionId": next(v for v, default, _ in versions if default),
        "PolicyVersionList": [
            {"VersionId": v, "IsDefaultVersion": default, "Document": statement(action)}
            for v, default, action in versions
        ],
    }
    if name:
        entry["PolicyName"] = name
    return entry


ANSWER: dict[str, Any] = {
    "UserDetailList": [
        {
            "UserName": "alice",
            "Arn": ALICE,
            "GroupList": ["devs"],
            "UserPolicyList": [
                {"PolicyName": "own", "PolicyDocument": quote(json.dumps(statement("ecr:X")))}
            ],
            "AttachedManagedPolicies": [],
            "PermissionsBoundary": {
                "PermissionsBoundaryType": "Policy",
                "PermissionsBoundaryArn": BOUNDARY_ARN,
            },
            "Tags": [{"Key": "team", "Value": "blue"}],
        },
        {"UserName": "bob", "Arn": f"arn:aws:iam::{ACCOUNT}:user/bob", "GroupList": ["gone"]},
    ],
    "GroupDetailList": [
        {
            "GroupName": "devs",
            "GroupPolicyList": [{"PolicyName": "g", "PolicyDocument": statement("ecr:Y")}],
            "AttachedManagedPolicies": [{"PolicyName": "ecr-push", "PolicyArn": PUSH_ARN}],
        }
    ],
    "RoleDetailList": [],
    "Policies": [
        managed(PUSH_ARN, ("v1", False, "ecr:Old"), ("v2", True, "ecr:PutImage")),
        managed(BOUNDARY_ARN, ("v3", True, "ecr:*"), name="boundary-from-the-file"),
    ],
}


def test_a_user_from_a_hand_written_answer() -> None:
    gathered = gather_from_details(ANSWER, parse_principal(ALICE), "iam.json")
    assert summary(gathered) == [
        ("ecr-push", "group/devs", False, "ecr:PutImage"),  # the default version's
        ("g", "group/devs", True, "ecr:Y"),
        ("own", "user/alice", True, "ecr:X"),  # URL-encoded, as IAM's API answers
    ]
    push = next(p for p in gathered.identity if p.name == "ecr-push")
    assert (push.arn, push.inline) == (PUSH_ARN, False)
    assert gathered.boundary is not None
    assert gathered.boundary.name == "boundary-from-the-file"
    assert gathered.boundary.kind == "boundary"
    assert gathered.boundary.attached_to == "user/alice"
    assert (gathered.principal.arn, gathered.principal.tags) == (ALICE, {"team": "blue"})


def test_a_session_keeps_its_arn() -> None:
    answer = {
        "RoleDetailList": [
            {
                "RoleName": "ci",
                "Arn": f"arn:aws:iam::{ACCOUNT}:role/build/ci",
                "RolePolicyList": [{"PolicyName": "all", "PolicyDocument": statement("ecr:*")}],
            }
        ]
    }
    session = f"arn:aws:sts::{ACCOUNT}:assumed-role/ci/build-1"
    gathered = gather_from_details(answer, parse_principal(session), "iam.json")
    assert (gathered.principal.arn, gathered.principal.session_arn) == (ROLE, session)
    assert [(p.name, p.attached_to) for p in gathered.identity] == [("all", "role/ci")]
    assert gathered.boundary is None
    assert gathered.principal.tags == {}


def test_a_group_the_file_does_not_hold() -> None:
    bob = parse_principal(f"arn:aws:iam::{ACCOUNT}:user/bob")
    with pytest.raises(
        InvalidInput, match=r"iam\.json names group 'gone' but has no details of it"
    ):
        gather_from_details(ANSWER, bob, "iam.json")


def test_a_role_where_the_file_holds_only_users() -> None:
    with pytest.raises(NotFound, match=r"saved\.json has no role 'ci' of account") as raised:
        gather_from_details(ANSWER, parse_principal(ROLE), "saved.json")
    assert raised.value.hint == "save the details of the principal's own account"


@pytest.mark.parametrize("key", ["UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"])
def test_any_one_list_makes_an_answer(key: str) -> None:
    assert check_details({key: []}, "iam.json") == {key: []}
