"""Repository-policy templates (``ecrctl policy repo template``): the guide's
examples from its chapter "Private repository policy examples", with their
parameters (principals and an admin).

The IAM policy templates live in ``iam``, next to ``ecrctl policy iam``; what
both kinds share (the template record, lookup, the listing) is ``catalog``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ecrctl.errors import InvalidInput
from ecrctl.policy import actions
from ecrctl.policy.catalog import Policy, PolicyTemplate, find
from ecrctl.policy.principals import ACCOUNT, principal_problem

__all__ = ["REPOSITORY_TEMPLATES", "RepoArgs", "repository_template"]


@dataclass(frozen=True)
class RepoArgs:
    principals: list[str]  # --principal values and --account values as root ARNs
    admin: str | None


def _aws(principals: Sequence[str]) -> dict[str, Any]:
    return {"AWS": principals[0] if len(principals) == 1 else list(principals)}


def _repo_policy(*statements: Policy) -> Policy:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _statement(
    sid: str, principal: str | dict[str, Any], action: Sequence[str], effect: str = "Allow"
) -> Policy:
    return {"Sid": sid, "Effect": effect, "Principal": principal, "Action": list(action)}


def _push_pull(args: RepoArgs) -> Policy:
    return _repo_policy(_statement("AllowPushPull", _aws(args.principals), actions.PUSH_PULL))


def _cross_account_push(args: RepoArgs) -> Policy:
    return _repo_policy(_statement("AllowCrossAccountPush", _aws(args.principals), actions.PUSH))


def _public_pull(args: RepoArgs) -> Policy:
    return _repo_policy(_statement("AllowPull", "*", actions.PULL))


def _pull_and_admin(args: RepoArgs) -> Policy:
    assert args.admin is not None
    return _repo_policy(
        _statement("AllowPull", _aws(args.principals), actions.PULL),
        _statement("AllowAll", _aws([args.admin]), ["ecr:*"]),
    )


def _deny_pull_all(args: RepoArgs) -> Policy:
    return _repo_policy(_statement("DenyPull", "*", actions.PULL, effect="Deny"))


def _describe_only(args: RepoArgs) -> Policy:
    return _repo_policy(
        _statement(
            "AllowDescribe",
            _aws(args.principals),
            ["ecr:DescribeImages", "ecr:DescribeRepositories"],
        )
    )


_WHO = "--principal ARN|--account ID!"
REPOSITORY_TEMPLATES = {
    t.name: t
    for t in (
        PolicyTemplate("push-pull", "push and pull for IAM users or roles", (_WHO,), _push_pull),
        PolicyTemplate(
            "cross-account-push",
            "push for other accounts (their root principal)",
            (_WHO,),
            _cross_account_push,
        ),
        PolicyTemplate("public-pull", "pull for every AWS account", (), _public_pull),
        PolicyTemplate(
            "pull-and-admin",
            "pull for some principals, ecr:* for an admin",
            (_WHO, "--admin ARN!"),
            _pull_and_admin,
        ),
        PolicyTemplate("deny-pull-all", "deny pull to everyone", (), _deny_pull_all),
        PolicyTemplate(
            "describe-only",
            "describe the repository and its images",
            (_WHO,),
            _describe_only,
        ),
    )
}


def _check_principals(principals: Sequence[str], accounts: Sequence[str]) -> list[str]:
    for account in accounts:
        if not ACCOUNT.fullmatch(account):
            raise InvalidInput(
                f"invalid --account {account!r}: expected a 12-digit account id",
                hint="e.g. --account 111122223333",
            )
    for principal in principals:
        problem = principal_problem(principal)
        if problem or principal == "*":
            raise InvalidInput(
                f"invalid --principal {principal!r}: {problem or 'use public-pull for everyone'}",
                hint="e.g. --principal arn:aws:iam::111122223333:user/alice",
            )
    return [*principals, *(f"arn:aws:iam::{a}:root" for a in accounts)]


def repository_template(
    name: str,
    *,
    principals: Sequence[str] = (),
    accounts: Sequence[str] = (),
    admin: str | None = None,
) -> Policy:
    """The repository policy template ``name`` filled with its parameters."""
    template = find(REPOSITORY_TEMPLATES, name, "repo")
    who = _check_principals(principals, accounts)
    takes_who = _WHO in template.options
    if who and not takes_who:
        raise InvalidInput(
            f"template {template.name!r} takes no --principal or --account",
            hint="drop them",
        )
    if takes_who and not who:
        raise InvalidInput(
            f"template {template.name!r} needs at least one --principal ARN or --account ID",
            hint="e.g. --principal arn:aws:iam::111122223333:user/alice",
        )
    if admin is not None and "--admin ARN!" not in template.options:
        raise InvalidInput(f"template {template.name!r} takes no --admin", hint="drop it")
    if "--admin ARN!" in template.options:
        if admin is None:
            raise InvalidInput(
                f"template {template.name!r} needs --admin ARN",
                hint="e.g. --admin arn:aws:iam::111122223333:user/admin",
            )
        _check_principals([admin], [])
    return template.build(RepoArgs(who, admin))
