"""``ecrctl policy``: repository, lifecycle and IAM policies."""

from __future__ import annotations

from ecrctl.cli.common import group
from ecrctl.cli.examples import examples


@group(
    "policy",
    epilog=examples("policy"),
    lazy={
        "repo": "ecrctl.cli.policy.repo:repo_policy",
        "lifecycle": "ecrctl.cli.policy.lifecycle:lifecycle",
        "iam": "ecrctl.cli.policy.iam:iam",
        "test": "ecrctl.cli.policy.test:policy_test",
    },
)
def policy() -> None:
    """Repository policies, lifecycle policies and IAM policy templates."""
