"""``ecrctl policy iam``: IAM policy templates from the ECR user guide."""

from __future__ import annotations

import click

from ecrctl.cli.app import App
from ecrctl.cli.common import group, pass_app
from ecrctl.cli.examples import examples
from ecrctl.cli.options import repeatable_option
from ecrctl.cli.paramtypes import complete_names
from ecrctl.cli.policy.repo import emit_template


@group("iam", epilog=examples("policy iam"))
def iam() -> None:
    """IAM policies for ECR users and roles, ready to paste into IAM."""


@iam.command("template", epilog=examples("policy iam template"))
@click.argument(
    "name", required=False, shell_complete=complete_names("ecrctl.policy.iam:IAM_TEMPLATES")
)
@click.option(
    "--tag-key",
    metavar="K",
    help="Tag key (create-tagged-only, deny-tagged; default: environment).",
)
@click.option(
    "--tag-value",
    metavar="V",
    help="Tag value (default: dev for create-tagged-only, prod for deny-tagged).",
)
@repeatable_option(
    "--repository",
    "ARN",
    'Limit to these repository ARNs (repeatable; default: "*").',
    dest="repositories",
)
@click.option("--list", "list_", is_flag=True, help="List the templates.")
@pass_app
def template(
    app: App,
    name: str | None,
    tag_key: str | None,
    tag_value: str | None,
    repositories: tuple[str, ...],
    list_: bool,
) -> None:
    """Print an IAM policy from the guide.

    The managed policies, the ECS container-instance role statement and the
    tag-based access-control examples, ready to paste into IAM.
    """
    from ecrctl.policy import iam as core
    from ecrctl.policy.catalog import require_name

    emit_template(
        app,
        core.IAM_TEMPLATES.values() if list_ else None,
        lambda: core.iam_template(
            require_name(name, "iam"),
            tag_key=tag_key,
            tag_value=tag_value,
            repositories=repositories,
        ),
    )
