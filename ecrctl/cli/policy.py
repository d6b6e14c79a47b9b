"""``ecrctl policy``: repository, lifecycle and IAM policies."""

from __future__ import annotations

from ecrctl.cli.common import group


@group(
    "policy",
    lazy={
        "repo": "ecrctl.cli.policy_repo:repo_policy",
        "lifecycle": "ecrctl.cli.lifecycle:lifecycle",
        "iam": "ecrctl.cli.policy_iam:iam",
    },
)
def policy() -> None:
    """Repository policies, lifecycle policies and IAM policy templates."""
