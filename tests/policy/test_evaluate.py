"""The evaluation engine of ``policy test`` as one table: identity policies,
permissions boundaries and repository policies of one request, decided with
AWS's rules (explicit Deny anywhere, either side within one account, both sides
across accounts, no resource for GetAuthorizationToken), conditions known and
unknown, wildcards and the Not- elements."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from ecrctl.policy.evaluate import context_for, evaluate
from ecrctl.policy.matching import BOUNDARY, IDENTITY, RESOURCE, Inputs, Policy, Principal, Request

A = "111111111111"
B = "222222222222"
REPO = f"arn:aws:ecr:us-east-1:{A}:repository/team/app"
ROLE = Principal(f"arn:aws:iam::{A}:role/team/ci", A, "role", "ci")
SESSION = Principal(
    f"arn:aws:iam::{A}:role/team/ci", A, "role", "ci", f"arn:aws:sts::{A}:assumed-role/ci/build-7"
)
USER = Principal(f"arn:aws:iam::{A}:user/alice", A, "user", "alice", tags={"team": "blue"})
ROLE_B = Principal(f"arn:aws:iam::{B}:role/ci", B, "role", "ci")
PUT, GET, TOKEN = "ecr:PutImage", "ecr:BatchGetImage", "ecr:GetAuthorizationToken"
ORG = {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}


def allow(action: Any = "ecr:*", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: Any = "ecr:*", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def grant(principal: Any, action: Any = "ecr:*", effect: str = "Allow", sid: str = "Repo") -> Any:
    who = principal if principal == "*" else {"AWS": principal}
    return {"Sid": sid, "Effect": effect, "Principal": who, "Action": action}


def repo_deny(principal: Any, action: Any = "ecr:*", sid: str = "Repo") -> dict[str, Any]:
    return grant(principal, action, "Deny", sid)


@dataclass(frozen=True)
class Case:
    id: str
    expected: str
    identity: list[dict[str, Any]] = field(default_factory=list)
    repository: list[dict[str, Any]] | None = None
    boundary: list[dict[str, Any]] | None = None
    principal: Principal = ROLE
    action: str = PUT
    resource: str = REPO
    given: dict[str, tuple[str, ...]] = field(default_factory=dict)
    statements: tuple[str, ...] = ()  # labels of the statements that decided it
    words: str = ""  # in the reasons or conditions


def _inputs(case: Case) -> Inputs:
    def doc(statements: list[dict[str, Any]]) -> dict[str, Any]:
        return {"Version": "2012-10-17", "Statement": statements}

    who = case.principal
    return Inputs(
        who,
        (Policy("ident", IDENTITY, f"{who.kind}/{who.name}", doc(case.identity)),)
        if case.identity
        else (),
        Policy("bound", BOUNDARY, f"{who.kind}/{who.name}", doc(case.boundary))
        if case.boundary is not None
        else None,
        Policy("repo", RESOURCE, "repository team/app", doc(case.repository))
        if case.repository is not None
        else None,
    )


def _request(case: Case) -> Request:
    resource = "*" if case.action == TOKEN else case.resource
    account = None if resource == "*" else resource.split(":")[4]
    context = context_for(
        case.principal, resource, resource_tags={"stage": "prod"}, given=case.given
    )
    return Request(case.action, resource, account, context)


ROLE_NO_PATH = f"arn:aws:iam::{A}:role/ci"
CASES = [
    # identity policies alone, within the account
    Case("identity-ecr-star", "allowed", [allow()], statements=("ident #1",)),
    Case("identity-batch-wildcard", "allowed", [allow("ecr:Batch*")], action=GET),
    Case(
        "identity-wildcard-misses",
        "implicitDeny",
        [allow("ecr:Batch*")],
        words="no identity policy allows it",
    ),
    Case("identity-action-case", "allowed", [allow("ECR:putimage")]),
    Case("resource-wildcards", "allowed", [allow(resource=f"arn:aws:ecr:*:{A}:repository/team/*")]),
    Case(
        "resource-other-prefix",
        "implicitDeny",
        [allow(resource=f"arn:aws:ecr:*:{A}:repository/other/*")],
    ),
    Case("resource-other-account", "implicitDeny", [allow(resource=f"arn:aws:ecr:*:{B}:*")]),
    Case(
        "not-resource-elsewhere",
        "allowed",
        [{"Effect": "Allow", "Action": "ecr:*", "NotResource": "arn:aws:ecr:*:*:repository/x"}],
    ),
    Case(
        "not-resource-here",
        "implicitDeny",
        [{"Effect": "Allow", "Action": "ecr:*", "NotResource": REPO}],
    ),
    Case(
        "not-action-other",
        "allowed",
        [{"Effect": "Allow", "NotAction": "ecr:Delete*", "Resource": "*"}],
    ),
    Case(
        "not-action-this",
        "implicitDeny",
        [{"Effect": "Allow", "NotAction": "ecr:Put*", "Resource": "*"}],
    ),
    Case(
        "identity-deny-wins",
        "explicitDeny",
        [allow(), deny(PUT, Sid="NoPush")],
        statements=('ident "NoPush"',),
        words="an identity policy",
    ),
    # the repository policy alone, within the account
    Case("repo-role-arn", "allowed", repository=[grant(ROLE.arn)], statements=('repo "Repo"',)),
    Case("repo-role-arn-without-path", "allowed", repository=[grant(ROLE_NO_PATH)]),
    Case("repo-star-role", "allowed", repository=[grant("*", PUT)]),
    Case(
        "repo-service-only",
        "implicitDeny",
        repository=[{**grant("*"), "Principal": {"Service": "codebuild.amazonaws.com"}}],
    ),
    Case(
        "repo-other-role",
        "implicitDeny",
        repository=[grant(f"arn:aws:iam::{A}:role/other")],
        words="the repository policy does not allow it",
    ),
    Case(
        "repo-account-delegates",
        "implicitDeny",
        repository=[grant(f"arn:aws:iam::{A}:root")],
        words="allows the whole account",
    ),
    Case("repo-account-and-identity", "allowed", [allow()], [grant(A)]),
    Case(
        "repo-deny-beats-identity",
        "explicitDeny",
        [allow()],
        [repo_deny("*", "ecr:Put*", "Frozen")],
        statements=('repo "Frozen"',),
        words="the repository policy",
    ),
    Case("no-repo-policy", "implicitDeny", repository=None, words="has no repository policy"),
    # permissions boundaries
    Case(
        "boundary-allows",
        "allowed",
        [allow()],
        boundary=[allow("ecr:*")],
        statements=("ident #1", "bound #1"),
    ),
    Case(
        "boundary-does-not-allow",
        "implicitDeny",
        [allow()],
        boundary=[allow("ecr:BatchGetImage")],
        words="the permissions boundary bound does not allow it",
    ),
    Case("boundary-deny", "explicitDeny", [allow()], boundary=[allow(), deny(PUT)]),
    Case(
        "boundary-limits-role-arn-grant",
        "implicitDeny",
        repository=[grant(ROLE.arn)],
        boundary=[allow(GET)],
        words="which its permissions boundary limits",
    ),
    Case(
        "boundary-allows-role-arn-grant",
        "allowed",
        repository=[grant(ROLE.arn)],
        boundary=[allow()],
    ),
    Case(
        "boundary-limits-star-for-role",
        "implicitDeny",
        repository=[grant("*")],
        boundary=[allow(GET)],
    ),
    Case(
        "session-arn-grant-bypasses-boundary",
        "allowed",
        repository=[grant(SESSION.session_arn)],
        boundary=[allow(GET)],
        principal=SESSION,
    ),
    Case(
        "user-arn-grant-bypasses-boundary",
        "allowed",
        repository=[grant(USER.arn)],
        boundary=[allow(GET)],
        principal=USER,
    ),
    Case(
        "not-principal-deny-with-boundary",
        "explicitDeny",
        [allow()],
        [{"Effect": "Deny", "NotPrincipal": {"AWS": ROLE.arn}, "Action": "ecr:*"}],
        boundary=[allow()],
    ),
    Case(
        "not-principal-deny-excludes",
        "allowed",
        [allow()],
        [{"Effect": "Deny", "NotPrincipal": {"AWS": ROLE.arn}, "Action": "ecr:*"}],
    ),
    Case(
        "not-principal-deny-others",
        "explicitDeny",
        [allow()],
        [
            {
                "Effect": "Deny",
                "NotPrincipal": {"AWS": f"arn:aws:iam::{A}:role/admin"},
                "Action": "ecr:*",
            }
        ],
    ),
    # across accounts: both sides
    Case("cross-both", "allowed", [allow()], [grant(f"arn:aws:iam::{B}:root")], principal=ROLE_B),
    Case(
        "cross-repo-only",
        "implicitDeny",
        repository=[grant(f"arn:aws:iam::{B}:root")],
        principal=ROLE_B,
        words="across accounts both sides must allow",
    ),
    Case("cross-identity-only", "implicitDeny", [allow()], [], principal=ROLE_B),
    Case("cross-star", "allowed", [allow()], [grant("*", "ecr:*")], principal=ROLE_B),
    Case("cross-role-arn", "allowed", [allow()], [grant(ROLE_B.arn)], principal=ROLE_B),
    # GetAuthorizationToken: no resource, identity only
    Case("token-identity", "allowed", [allow(TOKEN)], action=TOKEN),
    Case("token-scoped-to-repo", "implicitDeny", [allow("ecr:*", REPO)], action=TOKEN),
    Case("token-repo-policy-ignored", "implicitDeny", repository=[grant("*")], action=TOKEN),
    Case("token-cross-account-identity", "allowed", [allow()], principal=ROLE_B, action=TOKEN),
    # conditions ecrctl evaluates
    Case(
        "principal-account",
        "allowed",
        [allow(Condition={"StringEquals": {"aws:PrincipalAccount": A}})],
    ),
    Case(
        "principal-account-other",
        "implicitDeny",
        [allow(Condition={"StringEquals": {"aws:PrincipalAccount": B}})],
    ),
    Case(
        "principal-arn-like",
        "allowed",
        repository=[
            {
                **grant("*"),
                "Condition": {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{A}:role/team/*"}},
            }
        ],
    ),
    Case(
        "principal-arn-not-like-deny",
        "explicitDeny",
        [allow()],
        [
            {
                **repo_deny("*"),
                "Condition": {"ArnNotLike": {"aws:PrincipalArn": f"arn:aws:iam::{A}:role/admin"}},
            }
        ],
    ),
    Case(
        "source-account-given",
        "allowed",
        [allow(Condition={"StringEquals": {"aws:SourceAccount": A}})],
        given={"aws:SourceAccount": (A,)},
    ),
    Case(
        "source-account-unknown",
        "depends",
        [allow(Condition={"StringEquals": {"aws:SourceAccount": A}})],
        words="StringEquals aws:SourceAccount",
    ),
    Case(
        "org-unknown",
        "depends",
        repository=[{**grant("*"), "Condition": ORG}],
        words="aws:PrincipalOrgID",
    ),
    Case(
        "org-given",
        "allowed",
        repository=[{**grant("*"), "Condition": ORG}],
        given={"aws:principalorgid": ("o-abc",)},
    ),
    Case(
        "conditional-deny",
        "depends",
        [allow(), deny(PUT, Condition=ORG)],
        words="aws:PrincipalOrgID",
    ),
    Case(
        "conditional-deny-and-deny", "explicitDeny", [allow(), deny(PUT, Condition=ORG), deny(PUT)]
    ),
    Case(
        "unsupported-operator",
        "depends",
        [allow(Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})],
        words="IpAddress aws:SourceIp",
    ),
    Case(
        "if-exists-missing-key",
        "allowed",
        [allow(Condition={"StringEqualsIfExists": {"aws:username": "bob"}})],
    ),
    Case("null-username-role", "allowed", [allow(Condition={"Null": {"aws:username": "true"}})]),
    Case(
        "string-not-equals-missing",
        "allowed",
        [allow(Condition={"StringNotEquals": {"aws:username": "bob"}})],
    ),
    Case(
        "principal-tag",
        "allowed",
        [allow(Condition={"StringEquals": {"aws:PrincipalTag/Team": "blue"}})],
        principal=USER,
    ),
    Case(
        "principal-tag-missing",
        "implicitDeny",
        [allow(Condition={"StringEquals": {"aws:PrincipalTag/cost": "x"}})],
        principal=USER,
    ),
    Case(
        "resource-tag-deny",
        "explicitDeny",
        [allow(), deny(PUT, Condition={"StringEquals": {"ecr:ResourceTag/stage": "prod"}})],
    ),
    Case(
        "for-all-values",
        "allowed",
        [allow(Condition={"ForAllValues:StringLike": {"aws:PrincipalTag/team": ["bl*", "red"]}})],
        principal=USER,
    ),
    Case(
        "bool-secure-transport",
        "allowed",
        [allow(), deny(Condition={"Bool": {"aws:SecureTransport": "false"}})],
    ),
    Case(
        "policy-variable-resource",
        "allowed",
        [allow(resource=f"arn:aws:ecr:*:{A}:repository/${{aws:username}}/*")],
        principal=USER,
        resource=f"arn:aws:ecr:us-east-1:{A}:repository/alice/app",
    ),
    Case(
        "policy-variable-unknown",
        "depends",
        [allow(resource=f"arn:aws:ecr:*:{A}:repository/${{aws:PrincipalOrgID}}/*")],
        words="Resource ${aws:PrincipalOrgID}",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_evaluate(case: Case) -> None:
    decision = evaluate(_inputs(case), _request(case))
    assert decision.decision == case.expected, decision
    if case.statements:
        assert tuple(m.label for m in decision.statements) == case.statements
    if case.words:
        assert case.words in " ".join(decision.reasons + decision.conditions)


def test_enough_cases() -> None:
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)
