"""The access explainer as data tables: IAM's evaluation of a resource policy
(explicit Deny wins, then Allow, else not granted), offline."""

from __future__ import annotations

from typing import Any

import pytest

from ecrctl.errors import InvalidInput
from ecrctl.policy.explain import explain, lockout_problem, resolve_actions
from tests.policy import guide

OTHER = "111122223333"
OWNER = "123456789012"
USER1 = "arn:aws:iam::123456789012:user/push-pull-user-1"
COND = {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}


def _doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _s(sid: str, effect: str, principal: Any, action: Any, **extra: Any) -> dict[str, Any]:
    return {"Sid": sid, "Effect": effect, "Principal": principal, "Action": action, **extra}


# (policy, principal, action, decision, statements shown)
CASES = [
    # The guide's examples.
    (guide.REPOSITORY["push-pull-users"], USER1, "ecr:PutImage", "allowed", ['"AllowPushPull"']),
    (
        guide.REPOSITORY["push-pull-users"],
        "arn:aws:iam::123456789012:user/other",
        "ecr:PutImage",
        "not granted here",
        [],
    ),
    (guide.REPOSITORY["push-pull-users"], OWNER, "ecr:BatchGetImage", "not granted here", []),
    (
        guide.REPOSITORY["cross-account-push"],
        OWNER,
        "ecr:PutImage",
        "allowed",
        ['"AllowCrossAccountPush"'],
    ),
    (
        guide.REPOSITORY["cross-account-push"],
        "arn:aws:iam::123456789012:role/ci",
        "ecr:UploadLayerPart",
        "allowed",
        ['"AllowCrossAccountPush"'],
    ),
    (guide.REPOSITORY["cross-account-push"], OWNER, "ecr:BatchGetImage", "not granted here", []),
    (guide.REPOSITORY["cross-account-push"], OTHER, "ecr:PutImage", "not granted here", []),
    (guide.REPOSITORY["public-pull"], OTHER, "ecr:BatchGetImage", "allowed", ['"AllowPull"']),
    (guide.REPOSITORY["public-pull"], OTHER, "ecr:PutImage", "not granted here", []),
    (
        guide.REPOSITORY["pull-and-admin"],
        "arn:aws:iam::123456789012:user/admin-user",
        "ecr:DeleteRepository",
        "allowed",
        ['"AllowAll"'],
    ),
    (
        guide.REPOSITORY["pull-and-admin"],
        "arn:aws:iam::123456789012:user/pull-user-2",
        "ecr:BatchGetImage",
        "allowed",
        ['"AllowPull"'],
    ),
    (
        guide.REPOSITORY["pull-and-admin"],
        "arn:aws:iam::123456789012:user/pull-user-2",
        "ecr:PutImage",
        "not granted here",
        [],
    ),
    (guide.REPOSITORY["deny-pull-all"], USER1, "ecr:BatchGetImage", "denied", ['"DenyPull"']),
    (guide.REPOSITORY["deny-pull-all"], USER1, "ecr:PutImage", "not granted here", []),
    (
        guide.REPOSITORY["describe-user"],
        "arn:aws:iam::123456789012:user/MyUsername",
        "ecr:DescribeImages",
        "allowed",
        ['"ECR Repository Policy"'],
    ),
    # Explicit Deny beats Allow; the deny alone is shown.
    (
        _doc(_s("A", "Allow", "*", "ecr:*"), _s("D", "Deny", {"AWS": OTHER}, "ecr:Put*")),
        OTHER,
        "ecr:PutImage",
        "denied",
        ['"D"'],
    ),
    (
        _doc(_s("A", "Allow", "*", "ecr:*"), _s("D", "Deny", {"AWS": OTHER}, "ecr:Put*")),
        OWNER,
        "ecr:PutImage",
        "allowed",
        ['"A"'],
    ),
    # Wildcards and NotAction.
    (
        _doc(_s("A", "Allow", {"AWS": OTHER}, "ecr:batch*")),
        OTHER,
        "ecr:BatchGetImage",
        "allowed",
        ['"A"'],
    ),
    (
        _doc(_s("A", "Allow", {"AWS": OTHER}, "ecr:?utImage")),
        OTHER,
        "ecr:PutImage",
        "allowed",
        ['"A"'],
    ),
    (
        _doc({"Sid": "N", "Effect": "Allow", "Principal": "*", "NotAction": "ecr:Delete*"}),
        OTHER,
        "ecr:DeleteRepository",
        "not granted here",
        [],
    ),
    (
        _doc({"Sid": "N", "Effect": "Allow", "Principal": "*", "NotAction": "ecr:Delete*"}),
        OTHER,
        "ecr:PutImage",
        "allowed",
        ['"N"'],
    ),
    # NotPrincipal: everyone except.
    (
        _doc({"Sid": "X", "Effect": "Deny", "NotPrincipal": {"AWS": OTHER}, "Action": "ecr:*"}),
        OTHER,
        "ecr:PutImage",
        "not granted here",
        [],
    ),
    (
        _doc({"Sid": "X", "Effect": "Deny", "NotPrincipal": {"AWS": OTHER}, "Action": "ecr:*"}),
        OWNER,
        "ecr:PutImage",
        "denied",
        ['"X"'],
    ),
    # Conditions cannot be decided offline.
    (
        _doc(_s("C", "Allow", "*", "ecr:BatchGetImage", Condition=COND)),
        OTHER,
        "ecr:BatchGetImage",
        "depends on condition",
        ['"C" (depends on condition)'],
    ),
    (
        _doc(_s("A", "Allow", "*", "ecr:*"), _s("C", "Deny", "*", "ecr:*", Condition=COND)),
        OTHER,
        "ecr:PutImage",
        "depends on condition",
        ['"A"', '"C" (depends on condition)'],
    ),
    (
        _doc(_s("C", "Deny", "*", "ecr:*", Condition=COND)),
        OTHER,
        "ecr:PutImage",
        "not granted here",
        ['"C" (depends on condition)'],
    ),
    (
        _doc(_s("A", "Allow", "*", "ecr:*", Condition=COND), _s("D", "Deny", "*", "ecr:PutImage")),
        OTHER,
        "ecr:PutImage",
        "denied",
        ['"D"'],
    ),
    # An assumed-role session is covered by its role; statements without Sid by position.
    (
        _doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:role/path/ci"},
                "Action": "ecr:PutImage",
            }
        ),
        "arn:aws:sts::111122223333:assumed-role/ci/build-42",
        "ecr:PutImage",
        "allowed",
        ["#1"],
    ),
    (
        _doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:role/ci"},
                "Action": "ecr:PutImage",
            }
        ),
        "arn:aws:sts::111122223333:assumed-role/other/build-42",
        "ecr:PutImage",
        "not granted here",
        [],
    ),
    # The account root principal and the bare account id are the same thing.
    (
        _doc(_s("R", "Allow", {"AWS": f"arn:aws:iam::{OTHER}:root"}, "ecr:ListImages")),
        OTHER,
        "ecr:ListImages",
        "allowed",
        ['"R"'],
    ),
    (
        _doc(_s("R", "Allow", {"AWS": OTHER}, "ecr:ListImages")),
        f"arn:aws:iam::{OTHER}:root",
        "ecr:ListImages",
        "allowed",
        ['"R"'],
    ),
]


@pytest.mark.parametrize(("policy", "principal", "action", "decision", "shown"), CASES)
def test_explain_table(
    policy: dict[str, Any], principal: str, action: str, decision: str, shown: list[str]
) -> None:
    result = explain(policy, principal, [action])
    assert [(a.action, a.decision) for a in result.answers] == [(action, decision)]
    assert [h.label for h in result.answers[0].statements] == shown


def test_can_account_pull_default_sets_and_summary() -> None:
    result = explain(guide.REPOSITORY["cross-account-push"], OWNER)
    assert [a.action for a in result.answers] == guide.PUSH_PULL
    assert result.summary == {"pull": "not granted here", "push": "allowed"}
    public = explain(guide.REPOSITORY["public-pull"], OTHER)
    assert public.summary == {"pull": "allowed", "push": "not granted here"}
    denied = explain(guide.REPOSITORY["deny-pull-all"], OTHER)
    assert denied.summary == {"pull": "denied", "push": "denied"}


def test_account_question_notes_statements_for_particular_principals() -> None:
    result = explain(guide.REPOSITORY["push-pull-users"], OWNER, registry_account=OTHER)
    assert result.principal == f"account {OWNER}"
    assert result.notes[0] == (
        'statement "AllowPushPull" names particular principals of account 123456789012, '
        "not the whole account: explain one of them with --principal ARN"
    )
    assert "outside the registry's account 111122223333" in result.notes[1]


def test_requested_actions_accept_short_names_wildcards_and_sets() -> None:
    assert resolve_actions(["PutImage", "ecr:batchget*", "pull"]) == [
        "ecr:PutImage",
        "ecr:BatchGetImage",
        "ecr:BatchGetRepositoryScanningConfiguration",
        "ecr:GetDownloadUrlForLayer",
        "ecr:BatchCheckLayerAvailability",
    ]
    with pytest.raises(InvalidInput, match="unknown ECR action 'Pushh'"):
        resolve_actions(["Pushh"])


@pytest.mark.parametrize("principal", ["*", "alice", "1234", "arn:aws:iam::111122223333:group/g"])
def test_principal_must_be_an_account_or_arn(principal: str) -> None:
    with pytest.raises(InvalidInput, match="invalid principal"):
        explain(guide.REPOSITORY["public-pull"], principal)


CALLER = "arn:aws:iam::123456789012:user/alice"
LOCKOUT = [
    (
        _doc(_s("D", "Deny", "*", "ecr:*")),
        OWNER,
        "this policy denies ecr:SetRepositoryPolicy to arn:aws:iam::123456789012:user/alice "
        '(statement "D"): you could not change it afterwards',
    ),
    (_doc(_s("D", "Deny", {"AWS": OWNER}, "ecr:Set*")), OWNER, "denies ecr:SetRepositoryPolicy"),
    (
        _doc(_s("D", "Deny", {"AWS": CALLER}, "ecr:SetRepositoryPolicy", Condition=COND)),
        OWNER,
        "may deny ecr:SetRepositoryPolicy to arn:aws:iam::123456789012:user/alice "
        '(statement "D", depending on its Condition)',
    ),
    (
        guide.REPOSITORY["public-pull"],
        OTHER,
        "does not allow ecr:SetRepositoryPolicy to arn:aws:iam::123456789012:user/alice, which is "
        "outside the registry's account 111122223333",
    ),
]


@pytest.mark.parametrize(("policy", "registry", "message"), LOCKOUT)
def test_lockout_is_detected(policy: dict[str, Any], registry: str, message: str) -> None:
    problem = lockout_problem(policy, CALLER, registry)
    assert problem is not None and message in problem


@pytest.mark.parametrize(
    ("policy", "registry"),
    [
        (guide.REPOSITORY["deny-pull-all"], OWNER),
        (_doc(_s("D", "Deny", {"AWS": OTHER}, "ecr:*")), OWNER),
        (guide.REPOSITORY["pull-and-admin"], OWNER),
        (_doc(_s("A", "Allow", {"AWS": OWNER}, "ecr:SetRepositoryPolicy")), OTHER),
    ],
)
def test_no_lockout(policy: dict[str, Any], registry: str) -> None:
    assert lockout_problem(policy, CALLER, registry) is None
