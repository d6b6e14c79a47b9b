"""Repository-policy templates against the guide: with the guide's own
parameters they reproduce its examples, and every template validates."""

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
    # the guide's statements, with the one Version ecrctl writes everywhere
    expected = {**guide.REPOSITORY[example], "Version": "2012-10-17"}
    assert templates.repository_template(name, **params) == expected


def test_describe_only_has_the_guide_s_actions() -> None:
    policy = templates.repository_template("describe-only", principals=[U + "MyUsername"])
    expected = guide.REPOSITORY["describe-user"]["Statement"][0]
    statement = policy["Statement"][0]
    assert statement["Action"] == expected["Action"]
    assert statement["Principal"] == expected["Principal"]


WHO = {"principals": [U + "a"], "accounts": ["111122223333"]}
# every template, with the parameters it needs
ALL_REPOSITORY = {
    "push-pull": WHO,
    "cross-account-push": WHO,
    "public-pull": {},
    "pull-and-admin": {**WHO, "admin": U + "admin"},
    "deny-pull-all": {},
    "describe-only": WHO,
}


def test_the_repository_templates_in_listing_order() -> None:
    assert list(templates.REPOSITORY_TEMPLATES) == list(ALL_REPOSITORY)


@pytest.mark.parametrize("name", ALL_REPOSITORY)
def test_every_repository_template_validates(name: str) -> None:
    assert validate_document(templates.repository_template(name, **ALL_REPOSITORY[name])).valid


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
    ],
)
def test_template_parameter_errors(call: Any, message: str) -> None:
    with pytest.raises(InvalidInput) as info:
        call()
    assert info.value.message.startswith(message)
