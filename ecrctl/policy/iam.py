"""IAM policy templates (``ecrctl policy iam template``) from the ECR user guide:
the managed policies, the ECS container-instance role's ECR permissions and the
tag-based access-control examples.

They take repository ARNs and a tag, never principals: an IAM policy applies to
whoever it is attached to.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ecrctl.errors import InvalidInput
from ecrctl.policy import actions
from ecrctl.policy.catalog import Policy, PolicyTemplate, find

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
class IamArgs:
    tag_key: str
    tag_value: str | None
    repositories: list[str]


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
        PolicyTemplate(
            "full-access",
            "AmazonEC2ContainerRegistryFullAccess: ecr:*",
            (_REPOS,),
            _full_access,
            ("AmazonEC2ContainerRegistryFullAccess",),
        ),
        PolicyTemplate(
            "power-user",
            "AmazonEC2ContainerRegistryPowerUser: read and push, no delete or policy change",
            (_REPOS,),
            _power_user,
            ("AmazonEC2ContainerRegistryPowerUser",),
        ),
        PolicyTemplate(
            "read-only",
            "AmazonEC2ContainerRegistryReadOnly: list, describe and pull",
            (_REPOS,),
            _read_only,
            ("AmazonEC2ContainerRegistryReadOnly",),
        ),
        PolicyTemplate(
            "ecs-instance",
            "the ECS container-instance role's ECR permissions (pull)",
            (_REPOS,),
            _ecs_instance,
        ),
        PolicyTemplate(
            "create-tagged-only",
            "create or tag repositories only with the tag (default environment=dev)",
            (_REPOS, *_TAG),
            _create_tagged_only,
        ),
        PolicyTemplate(
            "deny-tagged",
            "everything except repositories with the tag (default environment=prod)",
            (_REPOS, *_TAG),
            _deny_tagged,
        ),
    )
}


def iam_template(
    name: str,
    *,
    tag_key: str | None = None,
    tag_value: str | None = None,
    repositories: Sequence[str] = (),
) -> Policy:
    """The IAM policy template ``name`` filled with its parameters."""
    template = find(IAM_TEMPLATES, name, "iam")
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
    if tag_key is not None and tag_key.lower().startswith("aws:"):
        raise InvalidInput(
            f"invalid --tag-key {tag_key!r}: keys starting with aws: are reserved for AWS",
            hint="use your own key, e.g. --tag-key environment",
        )
    return template.build(IamArgs(tag_key or "environment", tag_value, list(repositories)))
