"""The policies printed in the ECR user guide (ecr-user-guide-ja.txt), verbatim.

Repository policies: "Repository policies" and "Repository policy examples".
IAM policies: "AWS managed policies for Amazon ECR", the ECS container-instance role
("Using Amazon ECR images with Amazon ECS") and "Using tag-based access control".
"""

from __future__ import annotations

from typing import Any

# the guide's action lists: pull, push (cross-account push) and both (push-pull users)
PULL = ["ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "ecr:BatchCheckLayerAvailability"]
PUSH = [
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchCheckLayerAvailability",
    "ecr:PutImage",
    "ecr:InitiateLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:CompleteLayerUpload",
]
PUSH_PULL = [*PULL, *PUSH[2:]]

REPOSITORY: dict[str, dict[str, Any]] = {
    "describe-user": {
        "Version": "2008-10-17",
        "Statement": [
            {
                "Sid": "ECR Repository Policy",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:user/MyUsername"},
                "Action": ["ecr:DescribeImages", "ecr:DescribeRepositories"],
            }
        ],
    },
    "describe-user-with-resource": {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:user/MyUsername"},
                "Action": ["ecr:DescribeImages", "ecr:DescribeRepositories"],
                "Resource": ["arn:aws:ecr:region:123456789012:repository/MyRepository"],
            }
        ],
    },
    "push-pull-users": {
        "Version": "2008-10-17",
        "Statement": [
            {
                "Sid": "AllowPushPull",
                "Effect": "Allow",
                "Principal": {
                    "AWS": [
                        "arn:aws:iam::123456789012:user/push-pull-user-1",
                        "arn:aws:iam::123456789012:user/push-pull-user-2",
                    ]
                },
                "Action": PUSH_PULL,
            }
        ],
    },
    "cross-account-push": {
        "Version": "2008-10-17",
        "Statement": [
            {
                "Sid": "AllowCrossAccountPush",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                "Action": PUSH,
            }
        ],
    },
    "public-pull": {
        "Version": "2008-10-17",
        "Statement": [{"Sid": "AllowPull", "Effect": "Allow", "Principal": "*", "Action": PULL}],
    },
    "pull-and-admin": {
        "Version": "2008-10-17",
        "Statement": [
            {
                "Sid": "AllowPull",
                "Effect": "Allow",
                "Principal": {
                    "AWS": [
                        "arn:aws:iam::123456789012:user/pull-user-1",
                        "arn:aws:iam::123456789012:user/pull-user-2",
                    ]
                },
                "Action": PULL,
            },
            {
                "Sid": "AllowAll",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:user/admin-user"},
                "Action": ["ecr:*"],
            },
        ],
    },
    "deny-pull-all": {
        "Version": "2008-10-17",
        "Statement": [{"Sid": "DenyPull", "Effect": "Deny", "Principal": "*", "Action": PULL}],
    },
}

_POWER_USER = [
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
]

IAM: dict[str, dict[str, Any]] = {
    "full-access": {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["ecr:*"], "Resource": "*"}],
    },
    "power-user": {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": _POWER_USER, "Resource": "*"}],
    },
    "read-only": {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": _POWER_USER[:8], "Resource": "*"}],
    },
    "ecs-instance": {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": [
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:BatchGetImage",
                    "ecr:GetDownloadUrlForLayer",
                    "ecr:GetAuthorizationToken",
                ],
                "Resource": "*",
            }
        ],
    },
    "create-tagged-only": {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowCreateTaggedRepository",
                "Effect": "Allow",
                "Action": ["ecr:CreateRepository"],
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:RequestTag/environment": "dev"}},
            },
            {
                "Sid": "AllowTagRepository",
                "Effect": "Allow",
                "Action": ["ecr:TagResource"],
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:RequestTag/environment": "dev"}},
            },
        ],
    },
    "deny-tagged": {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "ecr:*", "Resource": "*"},
            {
                "Effect": "Deny",
                "Action": "ecr:*",
                "Resource": "*",
                "Condition": {"StringEquals": {"ecr:ResourceTag/environment": "prod"}},
            },
        ],
    },
}
