"""Why usage is unknown, one warning and one JSON entry per cause, and the runners
whose running image is gone."""

from __future__ import annotations

import pytest

from ecrctl.usage.causes import Gap, Missing
from ecrctl.usage.users import User

FUNCTION = User("lambda-function", "fn:1", "arn:fn:1")
KEY = ("123456789012", "us-east-1", "app")


@pytest.mark.parametrize(
    ("gap", "warning"),
    [
        (
            Gap("ecs:ListTasks", "denied!"),
            "no permission for ecs:ListTasks: image usage is unknown (denied!)",
        ),
        (
            Gap("lambda:GetFunction", "Rate exceeded", "throttled", "us-west-2"),
            "lambda:GetFunction in us-west-2 was throttled past its retries: "
            "image usage is unknown (Rate exceeded)",
        ),
        (
            Gap("ecs:ListClusters", "Connection was closed", "failed"),
            "ecs:ListClusters failed: image usage is unknown (Connection was closed)",
        ),
        (
            Gap("", "a replica lives there", "unscanned", "account 210987654321, us-west-2"),
            "account 210987654321, us-west-2 was not scanned: "
            "image usage is unknown (a replica lives there)",
        ),
        (
            Gap("", "bad digest", "unreadable", user=FUNCTION, reference="x@sha256@y", key=KEY),
            "function fn:1 names 'x@sha256@y', which ecrctl cannot read: "
            "the usage of app is unknown (bad digest)",
        ),
    ],
)
def test_each_cause_is_one_warning(gap: Gap, warning: str) -> None:
    assert gap.warning() == warning


def test_a_gap_concerns_its_repository_or_every_one() -> None:
    assert Gap("ecs:ListClusters", "x").concerns(KEY)
    assert Gap("ecr:ListImages", "x", key=KEY).concerns(KEY)
    assert not Gap("ecr:ListImages", "x", key=(*KEY[:2], "other")).concerns(KEY)


def test_an_unreadable_reference_in_json_names_its_user() -> None:
    gap = Gap("", "bad", "unreadable", account="1", region="r", user=FUNCTION, reference="x")
    assert gap.to_json() == {
        "cause": "unreadable",
        "message": "bad",
        "account": "1",
        "region": "r",
        "user": {"kind": "lambda-function", "name": "fn:1", "arn": "arn:fn:1"},
        "reference": "x",
    }


def test_a_runner_whose_image_is_gone() -> None:
    missing = Missing(FUNCTION, "h/app@sha256:1", "sha256:1", "app")
    assert missing.warning() == (
        "function fn:1 runs h/app@sha256:1, which is not in app: its image is already gone "
        "(kept as in use, nothing to protect)"
    )
    assert missing.to_json()["imageDigest"] == "sha256:1"
