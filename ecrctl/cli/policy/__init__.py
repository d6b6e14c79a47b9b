"""``ecrctl policy``: repository, lifecycle and IAM policies."""

from __future__ import annotations

from ecrctl.cli.common import group
from ecrctl.cli.examples import examples

COMMANDS = {
    "repo": "ecrctl.cli.policy.repo:repo_policy",
    "lifecycle": "ecrctl.cli.policy.lifecycle:lifecycle",
    "iam": "ecrctl.cli.policy.iam:iam",
    "test": "ecrctl.cli.policy.test:policy_test",
}
"""The subcommands of ``ecrctl policy``, each loaded when it is run."""


@group("policy", lazy=COMMANDS, epilog=examples("policy"))
def policy() -> None:
    """Repository policies, lifecycle policies and IAM policy templates."""
