"""``ecrctl policy repo``: repository policies: get, set, delete, templates,
statement edits, local validation and an offline access explainer."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import click

from ecrctl.cli.app import App
from ecrctl.cli.common import confirm, group, pass_app, read_source
from ecrctl.cli.examples import examples
from ecrctl.cli.options import file_argument, repeatable_option, yes_option
from ecrctl.cli.paramtypes import REPOSITORY, complete_names
from ecrctl.cli.render import Table, emit, report_validation, to_json, warn
from ecrctl.distribution.refs import check_repository_name

if TYPE_CHECKING:
    from ecrctl.policy.catalog import PolicyTemplate
    from ecrctl.policy.repo import Written


COMMANDS = {
    "add-statement": "ecrctl.cli.policy.repo_statement:add_statement",
    "remove-statement": "ecrctl.cli.policy.repo_statement:remove_statement",
    "explain": "ecrctl.cli.policy.repo_explain:explain",
}
"""The subcommands of ``ecrctl policy repo`` in modules of their own, loaded when run."""


@group("repo", lazy=COMMANDS, epilog=examples("policy repo"))
def repo_policy() -> None:
    """Repository policies: who may push, pull or manage one repository."""


force_option = click.option(
    "--force",
    is_flag=True,
    help="Write even if the policy would stop you from changing it again (ECR's force flag).",
)


def report_written(app: App, written: Written, verb: str) -> None:
    for finding in written.warnings:
        warn(app, str(finding))
    if written.deleted:
        text = (
            f"{verb}; it was the last statement, so the policy of {written.repository} was deleted"
        )
    else:
        text = f"{verb} ({written.repository})"
    emit(app, written.to_dict(), text=text)


@repo_policy.command("get", epilog=examples("policy repo get"))
@click.argument("repository", type=REPOSITORY)
@pass_app
def get(app: App, repository: str) -> None:
    """Print the policy of REPOSITORY, indented.

    -o json prints AWS's answer, as aws ecr get-repository-policy does:
    registryId, repositoryName and policyText, the document exactly as ECR
    stores it (a string); --query applies to that.
    """
    from ecrctl.policy.repo import get_repository_policy

    name = check_repository_name(repository)
    stored = get_repository_policy(app.ecr, name, registry_id=app.settings.registry_id)
    emit(app, stored, text=lambda: to_json(json.loads(stored["policyText"])))


@repo_policy.command("set", epilog=examples("policy repo set"))
@click.argument("repository", type=REPOSITORY)
@file_argument
@force_option
@pass_app
def set_(app: App, repository: str, source: str, force: bool) -> None:
    """Validate a policy and set it on REPOSITORY.

    FILE (or - for stdin) is validated locally first; a policy that would stop
    you from changing it again is refused unless --force.
    """
    from ecrctl.policy.repo import PolicyEditor

    name = check_repository_name(repository)
    text = read_source(source, what="policy file")
    editor = PolicyEditor(
        app.ecr, app.aws.sts, name, registry_id=app.settings.registry_id, force=force
    )
    written = editor.set(text, source=source)
    report_written(app, written, "policy set")


@repo_policy.command("delete", epilog=examples("policy repo delete"))
@click.argument("repository", type=REPOSITORY)
@yes_option
@pass_app
def delete(app: App, repository: str, yes: bool) -> None:
    """Delete the policy of REPOSITORY.

    Afterwards only IAM policies in the registry's account grant access.
    """
    from ecrctl.policy.repo import delete_repository_policy

    name = check_repository_name(repository)
    confirm(
        f"Delete the repository policy of {name!r}?", yes=yes, what=f"delete the policy of {name!r}"
    )
    written = delete_repository_policy(app.ecr, name, registry_id=app.settings.registry_id)
    emit(app, written.to_dict(), text=f"policy of {name} deleted")


@repo_policy.command("template", epilog=examples("policy repo template"))
@click.argument(
    "name",
    required=False,
    shell_complete=complete_names("ecrctl.policy.templates:REPOSITORY_TEMPLATES"),
)
@click.argument("params", nargs=-1, metavar="[KEY=VALUE]...")
@repeatable_option("--principal", "ARN", "IAM user or role ARN (repeatable).", dest="principals")
@repeatable_option(
    "--account", "ID", "AWS account id, as its root principal (repeatable).", dest="accounts"
)
@click.option("--admin", metavar="ARN", help="The principal given ecr:* (pull-and-admin).")
@click.option("--list", "list_", is_flag=True, help="List the templates.")
@pass_app
def template(
    app: App,
    name: str | None,
    params: tuple[str, ...],
    principals: tuple[str, ...],
    accounts: tuple[str, ...],
    admin: str | None,
    list_: bool,
) -> None:
    """Print a guide example policy, ready for set.

    Parameters as KEY=VALUE, as lifecycle templates take them (account=ID,
    principal=ARN, admin=ARN), or as options.
    """
    from ecrctl.cli.policy_style import template_params
    from ecrctl.policy import templates

    principals, accounts, admin = template_params(params, principals, accounts, admin)
    from ecrctl.policy.catalog import require_name

    emit_template(
        app,
        templates.REPOSITORY_TEMPLATES.values() if list_ else None,
        lambda: templates.repository_template(
            require_name(name, "repo"), principals=principals, accounts=accounts, admin=admin
        ),
    )


def emit_template(
    app: App, listed: Iterable[PolicyTemplate] | None, build: Callable[[], Any]
) -> None:
    """``template`` of ``policy repo`` and ``policy iam``: with --list the ``listed``
    templates (JSON records or a table), else the policy ``build`` makes."""
    if listed is None:
        emit(app, build())
        return
    shown = list(listed)
    emit(
        app,
        [t.to_dict() for t in shown],
        table=lambda: Table(
            ["NAME", "DESCRIPTION", "OPTIONS"], [[t.name, t.description, t.usage] for t in shown]
        ),
    )


@repo_policy.command("validate", epilog=examples("policy repo validate"))
@file_argument
@pass_app
def validate(app: App, source: str) -> int:
    """Check a repository policy locally.

    Exit 0 when valid (warnings on stderr), 2 when invalid.
    """
    from ecrctl.policy.validate import validate_text

    report = validate_text(read_source(source, what="policy file"))
    return report_validation(app, report, source)
