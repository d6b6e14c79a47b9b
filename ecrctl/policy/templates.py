"""Ready-to-use policies from the ECR user guide, with their parameters.

Repository policies (リポジトリポリシーの例) take principals; IAM policies (the
managed policies, the ECS container-instance role statement and the tag-based
access-control examples) take repository ARNs and a tag.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ecrctl.errors import InvalidInput
from ecrctl.policy import actions
from ecrctl.policy.principals import ACCOUNT, principal_problem

Policy = dict[str, Any]

REPOSITORY_ARN = re.compile(r"arn:aws[a-z-]*:ecr:(?:[a-z0-9-]+|\*):(?:\d{12}|\*):repository/\S+")

POWER_USER = (
    "ecr:GetAuthorizationToken",
    "ecr:BatchCheckLayerAvailability",
    "ecr:GetDownloadUrlForLayer",
    "ecr:GetRepositoryPolicy",
    "ecr:DescribeRepositories",
    "ecr:ListImages",
    "ecr:DescribeImages",
    "ecr:BatchGetImage",
    "ecr:InitiateLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:CompleteLayerUpload",
    "ecr:PutImage",
)
READ_ONLY = POWER_USER[:8]
ECS_INSTANCE = (
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchGetImage",
    "ecr:GetDownloadUrlForLayer",
    "ecr:GetAuthorizationToken",
)


@dataclass(frozen=True)
class RepoArgs:
    principals: list[str]  # --principal values and --account values as root ARNs
    admin: str | None


@dataclass(frozen=True)
class IamArgs:
    tag_key: str
    tag_value: str | None
    repositories: list[str]


@dataclass(frozen=True)
class Template:
    name: str
    description: str
    options: tuple[str, ...]  # the options it takes; (required ones end with "!")
    build: Callable[[Any], Policy]
    aliases: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "required": [o.rstrip("!") for o in self.options if o.endswith("!")],
            "optional": [o for o in self.options if not o.endswith("!")],
            "aliases": list(self.aliases),
        }


def _aws(principals: Sequence[str]) -> dict[str, Any]:
    return {"AWS": principals[0] if len(principals) == 1 else list(principals)}


def _repo_policy(*statements: Policy) -> Policy:
    return {"Version": "2008-10-17", "Statement": list(statements)}


def _push_pull(args: RepoArgs) -> Policy:
    return _repo_policy(
        {
            "Sid": "AllowPushPull",
            "Effect": "Allow",
            "Principal": _aws(args.principals),
            "Action": list(actions.PUSH_PULL),
        }
    )


def _cross_account_push(args: RepoArgs) -> Policy:
    return _repo_policy(
        {
            "Sid": "AllowCrossAccountPush",
            "Effect": "Allow",
            "Principal": _aws(args.principals),
            "Action": list(actions.PUSH),
        }
    )


def _public_pull(args: RepoArgs) -> Policy:
    return _repo_policy(
        {"Sid": "AllowPull", "Effect": "Allow", "Principal": "*", "Action": list(actions.PULL)}
    )


def _pull_and_admin(args: RepoArgs) -> Policy:
    assert args.admin is not None
    return _repo_policy(
        {
            "Sid": "AllowPull",
            "Effect": "Allow",
            "Principal": _aws(args.principals),
            "Action": list(actions.PULL),
        },
        {
            "Sid": "AllowAll",
            "Effect": "Allow",
            "Principal": _aws([args.admin]),
            "Action": ["ecr:*"],
        },
    )


def _deny_pull_all(args: RepoArgs) -> Policy:
    return _repo_policy(
        {"Sid": "DenyPull", "Effect": "Deny", "Principal": "*", "Action": list(actions.PULL)}
    )


def _describe_only(args: RepoArgs) -> Policy:
    return _repo_policy(
        {
            "Sid": "AllowDescribe",
            "Effect": "Allow",
            "Principal": _aws(args.principals),
            "Action": ["ecr:DescribeImages", "ecr:DescribeRepositories"],
        }
    )


_WHO = "--principal ARN|--account ID!"
REPOSITORY_TEMPLATES = {
    t.name: t
    for t in (
        Template("push-pull", "push and pull for IAM users or roles", (_WHO,), _push_pull),
        Template(
            "cross-account-push",
            "push for other accounts (their root principal)",
            (_WHO,),
            _cross_account_push,
        ),
        Template("public-pull", "pull for every AWS account", (), _public_pull),
        Template(
            "pull-and-admin",
            "pull for some principals, ecr:* for an admin",
            (_WHO, "--admin ARN!"),
            _pull_and_admin,
        ),
        Template("deny-pull-all", "deny pull to everyone", (), _deny_pull_all),
        Template(
            "describe-only",
            "describe the repository and its images",
            (_WHO,),
            _describe_only,
        ),
    )
}


def _iam(*statements: Policy) -> Policy:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _scoped(action_list: Sequence[str], repositories: list[str]) -> list[Policy]:
    """Allow statements; with repositories, GetAuthorizationToken keeps Resource "*"
    (it has no resource) and the rest is limited to the repositories."""
    if not repositories:
        return [{"Effect": "Allow", "Action": list(action_list), "Resource": "*"}]
    statements: list[Policy] = []
    if actions.AUTH_TOKEN in action_list or action_list == ("ecr:*",):
        statements.append({"Effect": "Allow", "Action": [actions.AUTH_TOKEN], "Resource": "*"})
    rest = [a for a in action_list if a != actions.AUTH_TOKEN]
    statements.append({"Effect": "Allow", "Action": rest, "Resource": _resource(repositories)})
    return statements


def _resource(repositories: list[str]) -> str | list[str]:
    if not repositories:
        return "*"
    return repositories[0] if len(repositories) == 1 else list(repositories)


def _full_access(args: IamArgs) -> Policy:
    return _iam(*_scoped(("ecr:*",), args.repositories))


def _power_user(args: IamArgs) -> Policy:
    return _iam(*_scoped(POWER_USER, args.repositories))


def _read_only(args: IamArgs) -> Policy:
    return _iam(*_scoped(READ_ONLY, args.repositories))


def _ecs_instance(args: IamArgs) -> Policy:
    return _iam(*_scoped(ECS_INSTANCE, args.repositories))


def _request_tag(args: IamArgs, default: str) -> dict[str, Any]:
    value = default if args.tag_value is None else args.tag_value
    return {"StringEquals": {f"aws:RequestTag/{args.tag_key}": value}}


def _create_tagged_only(args: IamArgs) -> Policy:
    condition = _request_tag(args, "dev")
    resource = _resource(args.repositories)
    return _iam(
        {
            "Sid": "AllowCreateTaggedRepository",
            "Effect": "Allow",
            "Action": ["ecr:CreateRepository"],
            "Resource": resource,
            "Condition": condition,
        },
        {
            "Sid": "AllowTagRepository",
            "Effect": "Allow",
            "Action": ["ecr:TagResource"],
            "Resource": resource,
            "Condition": condition,
        },
    )


def _deny_tagged(args: IamArgs) -> Policy:
    value = "prod" if args.tag_value is None else args.tag_value
    resource = _resource(args.repositories)
    return _iam(
        {"Effect": "Allow", "Action": "ecr:*", "Resource": resource},
        {
            "Effect": "Deny",
            "Action": "ecr:*",
            "Resource": resource,
            "Condition": {"StringEquals": {f"ecr:ResourceTag/{args.tag_key}": value}},
        },
    )


_REPOS = "--repository ARN"
_TAG = ("--tag-key K", "--tag-value V")
IAM_TEMPLATES = {
    t.name: t
    for t in (
        Template(
            "full-access",
            "AmazonEC2ContainerRegistryFullAccess: ecr:*",
            (_REPOS,),
            _full_access,
            ("AmazonEC2ContainerRegistryFullAccess",),
        ),
        Template(
            "power-user",
            "AmazonEC2ContainerRegistryPowerUser: read and push, no delete or policy change",
            (_REPOS,),
            _power_user,
            ("AmazonEC2ContainerRegistryPowerUser",),
        ),
        Template(
            "read-only",
            "AmazonEC2ContainerRegistryReadOnly: list, describe and pull",
            (_REPOS,),
            _read_only,
            ("AmazonEC2ContainerRegistryReadOnly",),
        ),
        Template(
            "ecs-instance",
            "the ECS container-instance role's ECR permissions (pull)",
            (_REPOS,),
            _ecs_instance,
        ),
        Template(
            "create-tagged-only",
            "create or tag repositories only with the tag (default environment=dev)",
            (_REPOS, *_TAG),
            _create_tagged_only,
        ),
        Template(
            "deny-tagged",
            "everything except repositories with the tag (default environment=prod)",
            (_REPOS, *_TAG),
            _deny_tagged,
        ),
    )
}


def _find(table: dict[str, Template], name: str, command: str) -> Template:
    for template in table.values():
        if name == template.name or name in template.aliases:
            return template
    raise InvalidInput(
        f"unknown template {name!r}",
        hint=f"one of {', '.join(table)} (see: ecrctl policy {command} template --list)",
    )


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
    template = _find(REPOSITORY_TEMPLATES, name, "repo")
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


def iam_template(
    name: str,
    *,
    tag_key: str | None = None,
    tag_value: str | None = None,
    repositories: Sequence[str] = (),
) -> Policy:
    """The IAM policy template ``name`` filled with its parameters."""
    template = _find(IAM_TEMPLATES, name, "iam")
    if (tag_key is not None or tag_value is not None) and "--tag-key K" not in template.options:
        raise InvalidInput(
            f"template {template.name!r} takes no --tag-key or --tag-value",
            hint="tags apply to create-tagged-only and deny-tagged",
        )
    for arn in repositories:
        if not REPOSITORY_ARN.fullmatch(arn):
            raise InvalidInput(
                f"invalid --repository {arn!r}: expected a repository ARN",
                hint="e.g. arn:aws:ecr:us-east-1:111122223333:repository/team/* (wildcards work)",
            )
    if tag_key is not None and not 1 <= len(tag_key) <= 128:
        raise InvalidInput(f"invalid --tag-key {tag_key!r}: a key is 1 to 128 characters")
    return template.build(IamArgs(tag_key or "environment", tag_value, list(repositories)))
