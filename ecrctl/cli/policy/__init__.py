"""``ecrctl policy``: repository, lifecycle and IAM policies."""

from __future__ import annotations

from ecrctl.cli.common import group


@group(
    "policy",
    epilog="\b\nExamples:\n  ecrctl policy repo template push-pull --account 111122223333\n"
    "  ecrctl policy lifecycle preview team/app --only-expiring\n"
    "  ecrctl policy iam template read-only",
    lazy={
        "repo": "ecrctl.cli.policy.repo:repo_policy",
        "lifecycle": "ecrctl.cli.policy.lifecycle:lifecycle",
        "iam": "ecrctl.cli.policy.iam:iam",
        "test": "ecrctl.cli.policy.test:policy_test",
    },
)
def policy() -> None:
    """Repository policies, lifecycle policies and IAM policy templates."""
