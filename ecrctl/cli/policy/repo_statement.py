"""``ecrctl policy repo add-statement`` and ``remove-statement``: edit one
statement of a repository policy (the core is ``ecrctl.policy.repo``, with the
statement built by ``ecrctl.policy.statement``)."""

from __future__ import annotations

import click

from ecrctl.cli.app import App
from ecrctl.cli.common import EcrctlCommand, pass_app
from ecrctl.cli.examples import examples
from ecrctl.cli.paramtypes import REPOSITORY
from ecrctl.cli.policy.repo import force_option, report_written
from ecrctl.distribution.refs import check_repository_name


@click.command("add-statement", cls=EcrctlCommand, epilog=examples("policy repo add-statement"))
@click.argument("repository", type=REPOSITORY)
@click.option("--sid", required=True, help="Statement id (unique in the policy).")
@click.option(
    "--effect",
    required=True,
    type=click.Choice(["Allow", "Deny"], case_sensitive=False),
    metavar="Allow|Deny",
    help="Allow or Deny.",
)
@click.option(
    "--principal",
    "principals",
    multiple=True,
    required=True,
    metavar="P",
    help='"*", an account id, an IAM ARN or a service principal (repeatable).',
)
@click.option(
    "--action",
    "action_list",
    multiple=True,
    required=True,
    metavar="A",
    help="ecr: action or wildcard; pull or push for the guide's sets (repeatable).",
)
@click.option(
    "--condition",
    metavar="JSON",
    help='Condition block, e.g. \'{"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}\'.',
)
@click.option("--replace", is_flag=True, help="Overwrite the statement with the same Sid.")
@force_option
@pass_app
def add_statement(
    app: App,
    repository: str,
    sid: str,
    effect: str,
    principals: tuple[str, ...],
    action_list: tuple[str, ...],
    condition: str | None,
    replace: bool,
    force: bool,
) -> None:
    """Add a statement to a repository policy.

    Reads the policy of REPOSITORY (or starts a new one), adds the statement,
    validates and writes it. An existing Sid is an error without --replace.
    """
    from ecrctl.policy import repo as core
    from ecrctl.policy.statement import build_statement

    name = check_repository_name(repository)
    # the options are parsed into a statement before app.ecr needs a region
    statement = build_statement(sid, effect, list(principals), list(action_list), condition)
    editor = core.PolicyEditor(
        app.ecr, app.aws.sts, name, registry_id=app.settings.registry_id, force=force
    )
    written = editor.add_statement(statement, replace=replace)
    verb = "policy created with statement" if written.created else "statement added"
    report_written(app, written, f"{verb} {sid!r}")


@click.command(
    "remove-statement",
    cls=EcrctlCommand,
    epilog=examples("policy repo remove-statement"),
)
@click.argument("repository", type=REPOSITORY)
@click.option("--sid", required=True, help="Sid of the statement to remove.")
@force_option
@pass_app
def remove_statement(app: App, repository: str, sid: str, force: bool) -> None:
    """Remove a statement by Sid.

    Removing the last statement deletes the policy.
    """
    from ecrctl.policy import repo as core

    name = check_repository_name(repository)
    editor = core.PolicyEditor(
        app.ecr, app.aws.sts, name, registry_id=app.settings.registry_id, force=force
    )
    written = editor.remove_statement(sid)
    report_written(app, written, f"statement {sid!r} removed")
