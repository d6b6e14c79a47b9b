"""The ECR action names a policy may use: botocore's model plus the IAM-only permissions,
IAM-style wildcards, canonical spelling and the closest name for a typo."""

from __future__ import annotations

import pytest

from ecrctl.policy import actions
from ecrctl.policy.validate import validate_text
from tests.policy.samples import policy, stmt


def test_the_action_list_is_botocore_s_ecr_model() -> None:
    import botocore.session

    model = botocore.session.get_session().get_service_model("ecr")
    for operation in model.operation_names:
        assert validate_text(policy(stmt(Action=f"ecr:{operation}"))).valid, operation
    assert set(actions.expand("ecr:*")) == {
        f"ecr:{n}" for n in [*model.operation_names, "ReplicateImage", "BatchImportUpstreamImage"]
    }


def test_the_iam_only_permissions_are_actions_too() -> None:
    assert {"ecr:ReplicateImage", "ecr:BatchImportUpstreamImage"} <= set(actions.ecr_actions())
    assert list(actions.ecr_actions()) == sorted(actions.ecr_actions())


@pytest.mark.parametrize(
    ("pattern", "action", "expected"),
    [
        ("ecr:*", "ecr:PutImage", True),
        ("ECR:putimage", "ecr:PutImage", True),
        ("ecr:?utImage", "ecr:PutImage", True),
        ("ecr:?utImage", "ecr:PPutImage", False),
        ("ecr:Put*", "ecr:PutImageTagMutability", True),
        ("ecr:Put", "ecr:PutImage", False),  # the whole name, not a prefix
        ("ecr:Put.mage", "ecr:PutImage", False),  # a dot is a dot
        ("*", "s3:GetObject", True),
    ],
)
def test_matches_is_iam_wildcard_matching(pattern: str, action: str, expected: bool) -> None:
    assert actions.matches(pattern, action) is expected


@pytest.mark.parametrize(
    ("pattern", "expanded"),
    [
        ("ecr:batchgetimage", ["ecr:BatchGetImage"]),
        ("ecr:NoSuchAction", []),
        ("s3:GetObject", []),
        (
            "ecr:Get*Policy",
            ["ecr:GetLifecyclePolicy", "ecr:GetRegistryPolicy", "ecr:GetRepositoryPolicy"],
        ),
        ("ecr:?atchGetImage", ["ecr:BatchGetImage"]),
    ],
)
def test_expand_gives_the_actions_a_pattern_stands_for(pattern: str, expanded: list[str]) -> None:
    assert actions.expand(pattern) == expanded


@pytest.mark.parametrize(
    ("action", "canonical"),
    [("ECR:PUTIMAGE", "ecr:PutImage"), ("ecr:PutImage", "ecr:PutImage"), ("ecr:Put*", None)],
)
def test_canonical_is_the_models_spelling(action: str, canonical: str | None) -> None:
    assert actions.canonical_action(action) == canonical


@pytest.mark.parametrize(
    ("typo", "suggestion"),
    [
        ("ecr:BatchGetImages", "ecr:BatchGetImage"),
        ("ecr:getauthorisationtoken", "ecr:GetAuthorizationToken"),
        ("ecr:Pull", None),
    ],
)
def test_suggest_names_the_closest_action(typo: str, suggestion: str | None) -> None:
    assert actions.suggest(typo) == suggestion


def test_the_guides_action_sets_are_real_actions() -> None:
    for action in {*actions.PUSH_PULL, actions.AUTH_TOKEN, actions.SET_POLICY}:
        assert actions.canonical_action(action) == action
    assert set(actions.PUSH_PULL) == {*actions.PULL, *actions.PUSH}
    assert len(actions.PUSH_PULL) == len(set(actions.PUSH_PULL))
