"""The endpoint-policy evaluation, a pure function: a table of policies and what
each does to one request through the endpoint."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ecrctl.network.endpoint_policy import (
    ALLOWED,
    DENIED,
    LIMITED,
    NOT_ALLOWED,
    UNREADABLE,
    Probe,
    evaluate,
)

REPO = "arn:aws:ecr:us-east-1:123456789012:repository/team/web"
ROLE = "arn:aws:iam::123456789012:role/exec"
PULL = Probe("ecr:BatchGetImage", REPO, ROLE)
UNKNOWN = Probe("ecr:BatchGetImage")  # neither repository nor principal known
LAYER = Probe("s3:GetObject", "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/sha256/layer")


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def stmt(effect: str = "Allow", **fields: Any) -> dict[str, Any]:
    """A statement: everything allowed to everyone, but for ``fields`` (None: left out)."""
    found = {"Effect": effect, "Principal": "*", "Action": "*", "Resource": "*", **fields}
    return {k: v for k, v in found.items() if v is not None}


CASES: list[tuple[str, str | None, Probe, str, str]] = [
    ("no policy", None, PULL, ALLOWED, "full access"),
    ("full access", doc(stmt()), PULL, ALLOWED, "statement #1 allows"),
    ("not JSON", "{", PULL, UNREADABLE, "not a JSON policy"),
    ("not a policy", "[1]", PULL, UNREADABLE, ""),
    ("one statement, no list", json.dumps({"Statement": stmt()}), PULL, ALLOWED, ""),
    ("wildcard action", doc(stmt(Action="ecr:Batch*")), PULL, ALLOWED, ""),
    ("action case", doc(stmt(Action="ECR:batchgetimage")), PULL, ALLOWED, ""),
    ("other action", doc(stmt(Action="ecr:PutImage")), PULL, NOT_ALLOWED, "no statement"),
    ("NotAction", doc(stmt(NotAction="ecr:BatchGetImage", Action=None)), PULL, NOT_ALLOWED, ""),
    ("NotAction other", doc(stmt(NotAction="s3:*")), PULL, ALLOWED, ""),
    ("explicit deny", doc(stmt(), stmt("Deny", Sid="NoPull")), PULL, DENIED, '"NoPull" denies'),
    ("deny elsewhere", doc(stmt(), stmt("Deny", Resource=REPO + "x")), PULL, ALLOWED, ""),
    ("repository", doc(stmt(Resource=[REPO])), PULL, ALLOWED, ""),
    (
        "repository wildcard",
        doc(stmt(Resource="arn:aws:ecr:*:*:repository/team/*")),
        PULL,
        ALLOWED,
        "",
    ),
    ("other repository", doc(stmt(Resource=REPO + "2")), PULL, NOT_ALLOWED, ""),
    ("resource case", doc(stmt(Resource=REPO.upper())), PULL, NOT_ALLOWED, ""),
    ("repository unknown", doc(stmt(Resource=[REPO])), UNKNOWN, LIMITED, f"only on {REPO}"),
    ("NotResource", doc(stmt(NotResource=REPO, Resource=None)), PULL, NOT_ALLOWED, ""),
    (
        "NotResource unknown",
        doc(stmt(NotResource=REPO, Resource=None)),
        UNKNOWN,
        LIMITED,
        "except on",
    ),
    ("the role", doc(stmt(Principal={"AWS": ROLE})), PULL, ALLOWED, ""),
    ("the account", doc(stmt(Principal={"AWS": "123456789012"})), PULL, ALLOWED, ""),
    (
        "the account's root",
        doc(stmt(Principal={"AWS": "arn:aws:iam::123456789012:root"})),
        PULL,
        ALLOWED,
        "",
    ),
    ("another account", doc(stmt(Principal={"AWS": "210987654321"})), PULL, NOT_ALLOWED, ""),
    ("principal unknown", doc(stmt(Principal={"AWS": ROLE})), UNKNOWN, LIMITED, f"only for {ROLE}"),
    ("AWS star", doc(stmt(Principal={"AWS": ["*"]})), UNKNOWN, ALLOWED, ""),
    (
        "condition",
        doc(stmt(Condition={"Bool": {"aws:SecureTransport": "true"}})),
        PULL,
        LIMITED,
        "under a condition",
    ),
    (
        "allow, but a conditional deny",
        doc(stmt(), stmt("Deny", Condition={"StringEquals": {"a": "b"}})),
        PULL,
        LIMITED,
        "denies it under a condition",
    ),
    (
        "the guide's minimum S3 policy",
        doc(
            stmt(
                Action=["s3:GetObject", "s3:PutObject"],
                Resource=["arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*"],
            )
        ),
        LAYER,
        ALLOWED,
        "",
    ),
    (
        "another region's bucket",
        doc(
            stmt(
                Action="s3:GetObject",
                Resource="arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*",
            )
        ),
        LAYER,
        NOT_ALLOWED,
        "",
    ),
    ("every bucket", doc(stmt(Action="s3:*", Resource="arn:aws:s3:::*")), LAYER, ALLOWED, ""),
]


@pytest.mark.parametrize(
    ("name", "document", "probe", "decision", "words"), CASES, ids=[c[0] for c in CASES]
)
def test_evaluate(name: str, document: str | None, probe: Probe, decision: str, words: str) -> None:
    verdict = evaluate(document, probe)
    assert verdict.decision == decision, verdict
    assert words in verdict.reason
