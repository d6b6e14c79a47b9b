"""Which statements apply to one request, as tables: Action and NotAction, Resource
and NotResource (no resource: only ``*``), policy variables, a repository policy's
Principal and NotPrincipal (how each names the principal), Conditions that hold,
fail or stay open, and the labels and JSON of what matched."""

from __future__ import annotations

from typing import Any

import pytest

from ecrctl.policy.evaluate import context_for
from ecrctl.policy.matching import (
    BOUNDARY,
    IDENTITY,
    RESOURCE,
    Inputs,
    Match,
    Policy,
    Principal,
    Request,
    grantee,
    matches,
    statements_of,
)

A = "111111111111"
REPO = f"arn:aws:ecr:us-east-1:{A}:repository/team/app"
ROLE = Principal(f"arn:aws:iam::{A}:role/team/ci", A, "role", "ci")
SESSION = Principal(ROLE.arn, A, "role", "ci", f"arn:aws:sts::{A}:assumed-role/ci/build-7")
USER = Principal(f"arn:aws:iam::{A}:user/alice", A, "user", "alice")
CHINA = Principal(f"arn:aws-cn:iam::{A}:role/ci", A, "role", "ci")


def doc(*statements: Any) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def request(action: str = "ecr:PutImage", principal: Principal = ROLE) -> Request:
    resource = "*" if action == "ecr:GetAuthorizationToken" else REPO
    account = None if resource == "*" else A
    return Request(action, resource, account, context_for(principal, resource))


def identity_matches(statement: dict[str, Any], action: str = "ecr:PutImage") -> list[Match]:
    inputs = Inputs(ROLE, (Policy("p", IDENTITY, "role/ci", doc(statement)),))
    return matches(inputs, request(action))


@pytest.mark.parametrize(
    ("statement", "applies"),
    [
        ({"Effect": "Allow", "Action": "ecr:PutImage", "Resource": "*"}, True),
        ({"Effect": "Allow", "Action": ["ecr:Get*", "ecr:Put*"], "Resource": "*"}, True),
        ({"Effect": "Allow", "Action": "ECR:PUTIMAGE", "Resource": "*"}, True),
        ({"Effect": "Allow", "Action": "ecr:Get*", "Resource": "*"}, False),
        ({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}, False),
        ({"Effect": "Allow", "NotAction": "ecr:Get*", "Resource": "*"}, True),
        ({"Effect": "Allow", "NotAction": ["ecr:Put*"], "Resource": "*"}, False),
        ({"Effect": "Deny", "Action": "ecr:*", "Resource": "*"}, True),
        ({"Effect": "Maybe", "Action": "ecr:*", "Resource": "*"}, False),
        ({"Action": "ecr:*", "Resource": "*"}, False),
        ({"Effect": "Allow", "Action": "ecr:*", "Resource": REPO}, True),
        ({"Effect": "Allow", "Action": "ecr:*", "Resource": "arn:aws:ecr:*:*:repository/*"}, True),
        ({"Effect": "Allow", "Action": "ecr:*", "Resource": f"arn:aws:ecr:*:{A}:*/other"}, False),
        ({"Effect": "Allow", "Action": "ecr:*", "Resource": ["x", REPO]}, True),
        ({"Effect": "Allow", "Action": "ecr:*", "NotResource": "arn:aws:s3:::*"}, True),
        ({"Effect": "Allow", "Action": "ecr:*", "NotResource": REPO}, False),
        ({"Effect": "Allow", "Action": "ecr:*"}, True),  # no Resource: applies
        (
            {
                "Effect": "Allow",
                "Action": "ecr:*",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:PrincipalAccount": A}},
            },
            True,
        ),
        (
            {
                "Effect": "Allow",
                "Action": "ecr:*",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:PrincipalAccount": "222222222222"}},
            },
            False,
        ),
    ],
)
def test_action_resource_and_condition(statement: dict[str, Any], applies: bool) -> None:
    assert bool(identity_matches(statement)) is applies


@pytest.mark.parametrize(
    ("resource", "applies"),
    [("*", True), (REPO, False), ("arn:aws:ecr:*:*:*", False), (["x", "*"], True)],
)
def test_an_action_without_a_resource_is_covered_only_by_a_star(
    resource: Any, applies: bool
) -> None:
    statement = {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": resource}
    assert bool(identity_matches(statement, "ecr:GetAuthorizationToken")) is applies


def test_open_conditions_and_unknown_variables_are_named() -> None:
    (match,) = identity_matches(
        {
            "Effect": "Allow",
            "Action": "ecr:*",
            "Resource": f"arn:aws:ecr:*:{A}:repository/${{aws:PrincipalOrgID}}/*",
            "Condition": {"StringEquals": {"aws:SourceAccount": A}},
        }
    )
    assert match.unknown == (
        "Resource ${aws:PrincipalOrgID}",
        "StringEquals aws:SourceAccount",
    )
    # a NotResource that cannot be resolved stays open too
    (negated,) = identity_matches(
        {"Effect": "Allow", "Action": "ecr:*", "NotResource": "arn:aws:ecr:*:*:${aws:SourceVpc}"}
    )
    assert negated.unknown == ("Resource ${aws:SourceVpc}",)


@pytest.mark.parametrize(
    ("value", "principal", "expected"),
    [
        ("*", ROLE, "*"),
        (A, ROLE, "account"),
        (f"arn:aws:iam::{A}:root", ROLE, "account"),
        ("222222222222", ROLE, None),
        ("arn:aws:iam::222222222222:root", ROLE, None),
        (ROLE.arn, ROLE, "role"),
        (f"arn:aws:iam::{A}:role/ci", ROLE, "role"),  # the role's ARN without its path
        (f"arn:aws:iam::{A}:role/other", ROLE, None),
        (f"arn:aws:iam::{A}:user/ci", ROLE, None),
        (SESSION.session_arn, SESSION, "session"),
        (ROLE.arn, SESSION, "role"),
        (f"arn:aws:sts::{A}:assumed-role/ci/build-8", SESSION, None),
        (USER.arn, USER, "user"),
        (f"arn:aws:iam::{A}:role/alice", USER, None),
        (f"arn:aws-cn:iam::{A}:root", CHINA, "account"),  # the principal's own partition
        (f"arn:aws:iam::{A}:root", CHINA, None),
    ],
)
def test_how_a_principal_value_names_the_principal(
    value: str, principal: Principal, expected: str | None
) -> None:
    assert grantee(value, principal) == expected


def repository_matches(
    statement: dict[str, Any], principal: Principal = ROLE, *, boundary: bool = False
) -> list[Match]:
    bound = Policy("b", BOUNDARY, "role/ci", doc()) if boundary else None
    repository = Policy("repository policy", RESOURCE, "repository team/app", doc(statement))
    return matches(Inputs(principal, (), bound, repository), request(principal=principal))


@pytest.mark.parametrize(
    ("statement", "principal", "boundary", "grantee_found"),
    [
        ({"Principal": "*"}, ROLE, False, "*"),
        ({"Principal": {"AWS": "*"}}, ROLE, False, "*"),
        ({"Principal": {"AWS": [USER.arn, ROLE.arn]}}, ROLE, False, "role"),
        ({"Principal": {"AWS": A}}, USER, False, "account"),
        ({"Principal": {"AWS": USER.arn}}, ROLE, False, None),
        ({"Principal": {"Service": "codebuild.amazonaws.com"}}, ROLE, False, None),
        ({}, ROLE, False, None),  # no Principal: names nobody
        ({"NotPrincipal": {"AWS": USER.arn}}, ROLE, False, "*"),
        ({"NotPrincipal": {"AWS": ROLE.arn}}, ROLE, False, None),
        ({"NotPrincipal": {"AWS": A}}, ROLE, False, None),
        # IAM: a Deny with NotPrincipal always denies a principal with a boundary
        ({"NotPrincipal": {"AWS": ROLE.arn}, "Effect": "Deny"}, ROLE, True, "*"),
        ({"NotPrincipal": {"AWS": ROLE.arn}, "Effect": "Deny"}, ROLE, False, None),
        ({"NotPrincipal": {"AWS": ROLE.arn}}, ROLE, True, None),  # an Allow: as written
    ],
)
def test_a_repository_policys_principal(
    statement: dict[str, Any], principal: Principal, boundary: bool, grantee_found: str | None
) -> None:
    whole = {"Effect": "Allow", "Action": "ecr:*", **statement}
    found = repository_matches(whole, principal, boundary=boundary)
    assert [m.grantee for m in found] == ([grantee_found] if grantee_found else [])


def test_identity_statements_name_no_principal() -> None:
    (match,) = identity_matches({"Effect": "Allow", "Action": "ecr:*", "Resource": "*"})
    assert match.grantee is None


def test_a_repository_policy_is_not_read_for_an_action_without_a_resource() -> None:
    repository = Policy(
        "repository policy",
        RESOURCE,
        "repository team/app",
        doc({"Effect": "Allow", "Principal": "*", "Action": "ecr:*"}),
    )
    inputs = Inputs(ROLE, repository_policy=repository)
    assert matches(inputs, request("ecr:GetAuthorizationToken")) == []
    assert len(matches(inputs, request("ecr:BatchGetImage"))) == 1


def test_every_policy_is_read_identity_boundary_then_repository() -> None:
    everything = doc(
        {"Sid": "One", "Effect": "Allow", "Action": "ecr:*", "Resource": "*", "Principal": "*"},
        {"Effect": "Deny", "Action": "ecr:Put*", "Resource": "*", "Principal": "*"},
    )
    inputs = Inputs(
        ROLE,
        (Policy("ident", IDENTITY, "role/ci", everything),),
        Policy("bound", BOUNDARY, "role/ci", everything),
        Policy("repository policy", RESOURCE, "repository team/app", everything),
    )
    found = matches(inputs, request())
    assert [m.label for m in found] == [
        'ident "One"',
        "ident #2",
        'bound "One"',
        "bound #2",
        'repository policy "One"',
        "repository policy #2",
    ]
    assert [m.effect for m in found] == ["Allow", "Deny"] * 3
    assert found[4].to_dict() == {
        "policy": "repository policy",
        "policyType": "resource",
        "attachedTo": "repository team/app",
        "statement": 0,
        "sid": "One",
        "effect": "Allow",
        "conditions": [],
    }


@pytest.mark.parametrize(
    ("document", "indexes"),
    [
        ({"Statement": {"Effect": "Allow"}}, [0]),
        ({"Statement": [{"Effect": "Allow"}, "text", {"Effect": "Deny"}]}, [0, 2]),
        ({"Statement": "text"}, []),
        ({}, []),
    ],
)
def test_statements_of_a_document(document: dict[str, Any], indexes: list[int]) -> None:
    assert [i for i, _ in statements_of(document)] == indexes


def test_a_sid_that_is_no_text_is_left_out() -> None:
    (match,) = identity_matches({"Sid": 7, "Effect": "Allow", "Action": "ecr:*", "Resource": "*"})
    assert (match.sid, match.label) == (None, "p #1")


def test_a_policy_as_json() -> None:
    managed = Policy("read", IDENTITY, "group/dev", {}, arn="arn:aws:iam::aws:policy/read")
    assert managed.to_dict() == {
        "name": "read",
        "type": "identity",
        "attachedTo": "group/dev",
        "arn": "arn:aws:iam::aws:policy/read",
        "inline": False,
    }
    assert Policy("own", IDENTITY, "user/alice", {}, inline=True).to_dict()["inline"] is True
