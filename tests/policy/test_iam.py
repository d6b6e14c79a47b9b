"""IAM policy templates against the guide: with no parameters they are the
guide's policies verbatim, every one validates as an IAM policy, and their
parameters (repository ARNs, a tag) are checked."""

from __future__ import annotations

from typing import Any

import pytest

from ecrctl.errors import InvalidInput
from ecrctl.policy import iam
from ecrctl.policy.validate import validate_document
from tests.policy import guide


def test_one_template_per_guide_policy_in_the_guide_s_order() -> None:
    assert list(iam.IAM_TEMPLATES) == list(guide.IAM)


@pytest.mark.parametrize("name", sorted(guide.IAM))
def test_iam_templates_reproduce_the_guide(name: str) -> None:
    assert iam.iam_template(name) == guide.IAM[name]


@pytest.mark.parametrize(
    "alias",
    [
        "AmazonEC2ContainerRegistryFullAccess",
        "AmazonEC2ContainerRegistryPowerUser",
        "AmazonEC2ContainerRegistryReadOnly",
    ],
)
def test_managed_policy_names_are_aliases(alias: str) -> None:
    assert iam.iam_template(alias) in guide.IAM.values()


REPOS = ["arn:aws:ecr:us-east-1:123456789012:repository/team/*"]


@pytest.mark.parametrize("name", sorted(guide.IAM))
def test_every_iam_template_validates_with_and_without_repositories(name: str) -> None:
    for repositories in ([], REPOS):
        report = validate_document(iam.iam_template(name, repositories=repositories), "iam")
        assert report.findings == [], name


def test_repositories_keep_get_authorization_token_on_star() -> None:
    policy = iam.iam_template("read-only", repositories=REPOS)
    assert policy["Statement"][0] == {
        "Effect": "Allow",
        "Action": ["ecr:GetAuthorizationToken"],
        "Resource": "*",
    }
    assert policy["Statement"][1]["Resource"] == REPOS[0]
    assert "ecr:GetAuthorizationToken" not in policy["Statement"][1]["Action"]
    full = iam.iam_template("full-access", repositories=REPOS * 2)
    assert full["Statement"][1] == {"Effect": "Allow", "Action": ["ecr:*"], "Resource": REPOS * 2}


def test_tag_templates_take_key_and_value() -> None:
    create = iam.iam_template("create-tagged-only", tag_key="team", tag_value="ops")
    assert create["Statement"][0]["Condition"] == {"StringEquals": {"aws:RequestTag/team": "ops"}}
    deny = iam.iam_template("deny-tagged", tag_key="stage")
    assert deny["Statement"][1]["Condition"] == {"StringEquals": {"ecr:ResourceTag/stage": "prod"}}


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: iam.iam_template("nope"), "unknown template 'nope'"),
        (
            lambda: iam.iam_template("read-only", tag_key="env"),
            "template 'read-only' takes no --tag-key or --tag-value",
        ),
        (
            lambda: iam.iam_template("read-only", repositories=["team/app"]),
            "invalid --repository 'team/app': expected a repository ARN",
        ),
        (
            lambda: iam.iam_template("deny-tagged", tag_key=""),
            "invalid --tag-key '': a key is 1 to 128 characters",
        ),
    ],
)
def test_template_parameter_errors(call: Any, message: str) -> None:
    with pytest.raises(InvalidInput) as info:
        call()
    assert info.value.message.startswith(message)
