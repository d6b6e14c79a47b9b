"""Templates against the guide: with the guide's own parameters they reproduce
its examples, and every template validates."""

from __future__ import annotations

from typing import Any

import pytest

from ecrctl.errors import InvalidInput
from ecrctl.policy import templates
from ecrctl.policy.validate import validate_document
from tests.policy import guide

U = "arn:aws:iam::123456789012:user/"

# template name -> (parameters reproducing the guide's example, guide example name)
REPOSITORY = {
    "push-pull": (
        {"principals": [U + "push-pull-user-1", U + "push-pull-user-2"]},
        "push-pull-users",
    ),
    "cross-account-push": ({"accounts": ["123456789012"]}, "cross-account-push"),
    "public-pull": ({}, "public-pull"),
    "pull-and-admin": (
        {"principals": [U + "pull-user-1", U + "pull-user-2"], "admin": U + "admin-user"},
        "pull-and-admin",
    ),
    "deny-pull-all": ({}, "deny-pull-all"),
}


@pytest.mark.parametrize("name", sorted(REPOSITORY))
def test_repository_templates_reproduce_the_guide(name: str) -> None:
    params, example = REPOSITORY[name]
    assert templates.repository_template(name, **params) == guide.REPOSITORY[example]


def test_describe_only_has_the_guide_s_actions() -> None:
    policy = templates.repository_template("describe-only", principals=[U + "MyUsername"])
    expected = guide.REPOSITORY["describe-user"]["Statement"][0]
    statement = policy["Statement"][0]
    assert statement["Action"] == expected["Action"]
    assert statement["Principal"] == expected["Principal"]


@pytest.mark.parametrize("name", sorted(templates.IAM_TEMPLATES))
def test_iam_templates_reproduce_the_guide(name: str) -> None:
    assert templates.iam_template(name) == guide.IAM[name]


@pytest.mark.parametrize(
    "alias",
    [
        "AmazonEC2ContainerRegistryFullAccess",
        "AmazonEC2ContainerRegistryPowerUser",
        "AmazonEC2ContainerRegistryReadOnly",
    ],
)
def test_managed_policy_names_are_aliases(alias: str) -> None:
    assert templates.iam_template(alias) in guide.IAM.values()


def _all_repository_templates() -> list[tuple[str, dict[str, Any]]]:
    who = {"principals": [U + "a"], "accounts": ["111122223333"]}
    out = []
    for name, template in templates.REPOSITORY_TEMPLATES.items():
        params: dict[str, Any] = {}
        if any(o.startswith("--principal") for o in template.options):
            params.update(who)
        if any(o.startswith("--admin") for o in template.options):
            params["admin"] = U + "admin"
        out.append((name, params))
    return out


@pytest.mark.parametrize(("name", "params"), _all_repository_templates())
def test_every_repository_template_validates(name: str, params: dict[str, Any]) -> None:
    assert validate_document(templates.repository_template(name, **params)).valid


REPOS = ["arn:aws:ecr:us-east-1:123456789012:repository/team/*"]


@pytest.mark.parametrize("name", sorted(templates.IAM_TEMPLATES))
def test_every_iam_template_validates_with_and_without_repositories(name: str) -> None:
    for repositories in ([], REPOS):
        report = validate_document(templates.iam_template(name, repositories=repositories), "iam")
        assert report.findings == [], name


def test_repositories_keep_get_authorization_token_on_star() -> None:
    policy = templates.iam_template("read-only", repositories=REPOS)
    assert policy["Statement"][0] == {
        "Effect": "Allow",
        "Action": ["ecr:GetAuthorizationToken"],
        "Resource": "*",
    }
    assert policy["Statement"][1]["Resource"] == REPOS[0]
    assert "ecr:GetAuthorizationToken" not in policy["Statement"][1]["Action"]
    full = templates.iam_template("full-access", repositories=REPOS * 2)
    assert full["Statement"][1] == {"Effect": "Allow", "Action": ["ecr:*"], "Resource": REPOS * 2}


def test_tag_templates_take_key_and_value() -> None:
    create = templates.iam_template("create-tagged-only", tag_key="team", tag_value="ops")
    assert create["Statement"][0]["Condition"] == {"StringEquals": {"aws:RequestTag/team": "ops"}}
    deny = templates.iam_template("deny-tagged", tag_key="stage")
    assert deny["Statement"][1]["Condition"] == {"StringEquals": {"ecr:ResourceTag/stage": "prod"}}


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: templates.repository_template("nope"), "unknown template 'nope'"),
        (
            lambda: templates.repository_template("push-pull"),
            "template 'push-pull' needs at least one --principal ARN or --account ID",
        ),
        (
            lambda: templates.repository_template("public-pull", accounts=["111122223333"]),
            "template 'public-pull' takes no --principal or --account",
        ),
        (
            lambda: templates.repository_template("push-pull", accounts=["1111"]),
            "invalid --account '1111': expected a 12-digit account id",
        ),
        (
            lambda: templates.repository_template("push-pull", principals=["*"]),
            "invalid --principal '*': use public-pull for everyone",
        ),
        (
            lambda: templates.repository_template("push-pull", principals=["bob"]),
            "invalid --principal 'bob': is not an AWS account id",
        ),
        (
            lambda: templates.repository_template("pull-and-admin", principals=[U + "a"]),
            "template 'pull-and-admin' needs --admin ARN",
        ),
        (
            lambda: templates.repository_template("push-pull", principals=[U + "a"], admin=U + "b"),
            "template 'push-pull' takes no --admin",
        ),
        (
            lambda: templates.iam_template("read-only", tag_key="env"),
            "template 'read-only' takes no --tag-key or --tag-value",
        ),
        (
            lambda: templates.iam_template("read-only", repositories=["team/app"]),
            "invalid --repository 'team/app': expected a repository ARN",
        ),
        (
            lambda: templates.iam_template("deny-tagged", tag_key=""),
            "invalid --tag-key '': a key is 1 to 128 characters",
        ),
    ],
)
def test_template_parameter_errors(call: Any, message: str) -> None:
    with pytest.raises(InvalidInput) as info:
        call()
    assert info.value.message.startswith(message)
