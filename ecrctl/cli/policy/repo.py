"""``ecrctl policy repo``: repository policies: get, set, delete, templates,
statement edits, local validation and an offline access explainer."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import click

from ecrctl.cli.app import App
from ecrctl.cli.common import confirm, group, pass_app, read_source, yes_option
from ecrctl.cli.paramtypes import complete_names
from ecrctl.cli.render import Table, emit, error, notice, to_json, warn
from ecrctl.errors import ExitCode, InvalidInput
from ecrctl.registry.refs import check_repository_name

if TYPE_CHECKING:
    from ecrctl.policy.repo import Written
    from ecrctl.policy.report import Report


def _ex(*lines: str) -> str:
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


@group(
    "repo",
    epilog=_ex(
        "ecrctl policy repo template push-pull --principal arn:aws:iam::111122223333:user/ci"
        " | ecrctl policy repo set team/app -",
        "ecrctl policy repo explain team/app --principal 111122223333",
    ),
)
def repo_policy() -> None:
    """Repository policies: who may push, pull or manage one repository."""


force_option = click.option(
    "--force",
    is_flag=True,
    help="Write even if the policy would stop you from changing it again (ECR's force flag).",
)


def _report_written(app: App, written: Written, verb: str) -> None:
    for finding in written.warnings:
        warn(app, str(finding))
    if written.deleted:
        text = (
            f"{verb}; it was the last statement, so the policy of {written.repository} was deleted"
        )
    else:
        text = f"{verb} ({written.repository})"
    emit(app, written.to_dict(), text=text)


@repo_policy.command(
    "get", epilog=_ex("ecrctl policy repo get team/app", "ecrctl policy repo get team/app -o json")
)
@click.argument("repository")
@pass_app
def get(app: App, repository: str) -> None:
    """Print the policy of REPOSITORY.

    -o json prints the document exactly as ECR stores it.
    """
    from ecrctl.policy.repo import get_policy

    name = check_repository_name(repository)
    stored = get_policy(app.ecr, name, registry_id=app.settings.registry_id)
    text = stored["policyText"]
    if app.out.output == "json" and not app.out.query:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    document = json.loads(text)
    emit(app, document, text=lambda: to_json(document))


@repo_policy.command(
    "set",
    epilog=_ex(
        "ecrctl policy repo set team/app policy.json",
        "ecrctl policy repo template public-pull | ecrctl policy repo set team/app -",
    ),
)
@click.argument("repository")
@click.argument("source", metavar="FILE|-")
@force_option
@pass_app
def set_(app: App, repository: str, source: str, force: bool) -> None:
    """Validate a policy and set it on REPOSITORY.

    FILE (or - for stdin) is validated locally first; a policy that would stop
    you from changing it again is refused unless --force.
    """
    from ecrctl.policy.repo import set_policy

    name = check_repository_name(repository)
    text = read_source(source, what="policy file")
    written = set_policy(
        app.ecr, app.aws.sts, name, text, force=force, registry_id=app.settings.registry_id
    )
    _report_written(app, written, "policy set")


@repo_policy.command(
    "delete",
    epilog=_ex("ecrctl policy repo delete team/app", "ecrctl policy repo delete team/app --yes"),
)
@click.argument("repository")
@yes_option
@pass_app
def delete(app: App, repository: str, yes: bool) -> None:
    """Delete the policy of REPOSITORY.

    Afterwards only IAM policies in the registry's account grant access.
    """
    from ecrctl.policy.repo import delete_policy

    name = check_repository_name(repository)
    confirm(
        f"Delete the repository policy of {name!r}?", yes=yes, what=f"delete the policy of {name!r}"
    )
    written = delete_policy(app.ecr, name, registry_id=app.settings.registry_id)
    emit(app, written.to_dict(), text=f"policy of {name} deleted")


@repo_policy.command(
    "template",
    epilog=_ex(
        "ecrctl policy repo template --list",
        "ecrctl policy repo template cross-account-push --account 111122223333",
        "ecrctl policy repo template pull-and-admin --principal arn:aws:iam::111122223333:user/a"
        " --admin arn:aws:iam::111122223333:user/admin",
    ),
)
@click.argument(
    "name",
    required=False,
    shell_complete=complete_names("ecrctl.policy.templates:REPOSITORY_TEMPLATES"),
)
@click.option(
    "--principal",
    "principals",
    multiple=True,
    metavar="ARN",
    help="IAM user or role ARN (repeatable).",
)
@click.option(
    "--account",
    "accounts",
    multiple=True,
    metavar="ID",
    help="AWS account id, as its root principal (repeatable).",
)
@click.option("--admin", metavar="ARN", help="The principal given ecr:* (pull-and-admin).")
@click.option("--list", "list_", is_flag=True, help="List the templates.")
@pass_app
def template(
    app: App,
    name: str | None,
    principals: tuple[str, ...],
    accounts: tuple[str, ...],
    admin: str | None,
    list_: bool,
) -> None:
    """Print a guide example policy, ready for set."""
    from ecrctl.policy import templates

    if list_ or name is None:
        if not list_:
            raise InvalidInput(
                "give a template NAME or --list", hint="ecrctl policy repo template --list"
            )
        emit_template_list(app, templates.REPOSITORY_TEMPLATES)
        return
    document = templates.repository_template(
        name, principals=principals, accounts=accounts, admin=admin
    )
    emit(app, document)


def emit_template_list(app: App, table: dict[str, Any]) -> None:
    rows = [t.to_dict() for t in table.values()]
    emit(
        app,
        rows,
        table=lambda: Table(
            ["NAME", "DESCRIPTION", "OPTIONS"],
            [
                [
                    r["name"],
                    r["description"],
                    " ".join([*r["required"], *(f"[{o}]" for o in r["optional"])]),
                ]
                for r in rows
            ],
        ),
    )


@repo_policy.command(
    "add-statement",
    epilog=_ex(
        "ecrctl policy repo add-statement team/app --sid AllowPull --effect Allow"
        " --principal 111122223333 --action pull",
        "ecrctl policy repo add-statement team/app --sid DenyDelete --effect Deny"
        " --principal '*' --action ecr:BatchDeleteImage --replace",
    ),
)
@click.argument("repository")
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

    name = check_repository_name(repository)
    statement = core.build_statement(sid, effect, list(principals), list(action_list), condition)
    written = core.add_statement(
        app.ecr,
        app.aws.sts,
        name,
        statement,
        replace=replace,
        force=force,
        registry_id=app.settings.registry_id,
    )
    verb = "policy created with statement" if written.created else "statement added"
    _report_written(app, written, f"{verb} {sid!r}")


@repo_policy.command(
    "remove-statement", epilog=_ex("ecrctl policy repo remove-statement team/app --sid AllowPull")
)
@click.argument("repository")
@click.option("--sid", required=True, help="Sid of the statement to remove.")
@force_option
@pass_app
def remove_statement(app: App, repository: str, sid: str, force: bool) -> None:
    """Remove a statement by Sid.

    Removing the last statement deletes the policy.
    """
    from ecrctl.policy import repo as core

    name = check_repository_name(repository)
    written = core.remove_statement(
        app.ecr, app.aws.sts, name, sid, force=force, registry_id=app.settings.registry_id
    )
    _report_written(app, written, f"statement {sid!r} removed")


def _print_report(app: App, report: Report, source: str) -> None:
    for finding in report.warnings:
        warn(app, str(finding))
    for finding in report.errors:
        error(str(finding))
    if app.out.output == "json" or app.out.query:
        emit(app, report.to_dict())
    elif report.valid:
        notice(
            app,
            f"{source}: valid"
            + (f" ({_count(len(report.warnings), 'warning')})" if report.warnings else ""),
        )


@repo_policy.command(
    "validate",
    epilog=_ex(
        "ecrctl policy repo validate policy.json",
        "ecrctl policy repo get team/app | ecrctl policy repo validate -",
    ),
)
@click.argument("source", metavar="FILE|-")
@pass_app
def validate(app: App, source: str) -> int:
    """Check a repository policy locally.

    Exit 0 when valid (warnings on stderr), 2 when invalid.
    """
    from ecrctl.policy.validate import validate_text

    report = validate_text(read_source(source, what="policy file"))
    _print_report(app, report, "stdin" if source == "-" else source)
    return int(ExitCode.OK if report.valid else ExitCode.USAGE)


@repo_policy.command(
    "explain",
    epilog=_ex(
        "ecrctl policy repo explain team/app --principal 111122223333",
        "ecrctl policy repo explain --file policy.json \\",
        "    --principal arn:aws:iam::111122223333:role/ci --action ecr:PutImage",
    ),
)
@click.argument("repository", required=False)
@click.option(
    "--file", "source", metavar="FILE|-", help="Explain this policy file instead of a repository's."
)
@click.option(
    "--principal",
    required=True,
    metavar="ARN|ACCOUNT",
    help="Who is asking: an IAM ARN or an account id.",
)
@click.option(
    "--action",
    "action_list",
    multiple=True,
    metavar="ACTION",
    help="Action, wildcard, pull or push (repeatable; default: the push and pull actions).",
)
@pass_app
def explain(
    app: App,
    repository: str | None,
    source: str | None,
    principal: str,
    action_list: tuple[str, ...],
) -> None:
    """Explain who may do what under a repository policy.

    Answers per action: allowed, denied (by which statement), not granted here,
    or depends on condition. With --file nothing is asked of AWS.
    """
    from ecrctl.policy.explain import explain as run_explain
    from ecrctl.policy.repo import check, get_policy
    from ecrctl.policy.validate import validate_text

    if (repository is None) == (source is None):
        raise InvalidInput("give either REPOSITORY or --file FILE", hint="not both")
    registry_account = None
    if source is not None:
        text = read_source(source, what="policy file")
    else:
        name = check_repository_name(repository or "")
        stored = get_policy(app.ecr, name, registry_id=app.settings.registry_id)
        text, registry_account = stored["policyText"], stored["registryId"]
    report = validate_text(text)
    if report.document is None:
        check(report)
    assert report.document is not None
    for finding in report.errors:
        warn(app, f"{finding} (explained as written)")
    result = run_explain(
        report.document, principal, list(action_list), registry_account=registry_account
    )

    def table() -> Table:
        rows = [
            [a.action, a.decision, ", ".join(h.label for h in a.statements) or "-"]
            for a in result.answers
        ]
        rows += [[f"({what})", decision, ""] for what, decision in result.summary.items()]
        return Table(["ACTION", "DECISION", "STATEMENTS"], rows, title=f"for {result.principal}")

    for line in result.notes:
        notice(app, f"note: {line}")
    emit(app, result.to_dict(), table=table)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
