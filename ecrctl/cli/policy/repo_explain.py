"""``ecrctl policy repo explain``: who may do what under a repository policy
(the core is ``ecrctl.policy.repo``'s explain workflow over ``ecrctl.policy.explain``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ecrctl.cli.app import App
from ecrctl.cli.common import EcrctlCommand, pass_app, read_source
from ecrctl.cli.examples import examples
from ecrctl.cli.options import file_option, repeatable_option
from ecrctl.cli.paramtypes import REPOSITORY
from ecrctl.cli.render import Table, emit, notice, warn
from ecrctl.distribution.refs import check_repository_name
from ecrctl.errors import InvalidInput

if TYPE_CHECKING:
    from ecrctl.policy.explain import Explanation
    from ecrctl.policy.report import LintFinding


@click.command("explain", cls=EcrctlCommand, epilog=examples("policy repo explain"))
@click.argument("repository", required=False, type=REPOSITORY)
@file_option("--file", "source", "Explain this policy file instead of a repository's.")
@click.option(
    "--principal",
    required=True,
    metavar="ARN|ACCOUNT",
    help="Who is asking: an IAM ARN or an account id.",
)
@repeatable_option(
    "--action",
    "ACTION",
    "Action, wildcard, pull or push (repeatable; default: the push and pull actions).",
    dest="action_list",
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
    from ecrctl.policy import repo as core

    if (repository is None) == (source is None):
        raise InvalidInput("give either REPOSITORY or --file FILE", hint="not both")

    def on_error(finding: LintFinding) -> None:
        warn(app, f"{finding} (explained as written)")

    question = core.ExplainRequest(principal, action_list, on_error)
    if source is not None:
        text = read_source(source, what="policy file")
        result = core.explain_text(text, question)
    else:
        name = check_repository_name(repository or "")  # before app.ecr needs a region
        result = core.explain_repository(
            app.ecr, name, question, registry_id=app.settings.registry_id
        )
    for line in result.notes:
        notice(app, f"note: {line}")
    emit(app, result.to_dict(), table=lambda: _explanation_table(result))


def _explanation_table(result: Explanation) -> Table:
    rows = [
        [a.action, a.decision, ", ".join(h.label for h in a.statements) or "-"]
        for a in result.answers
    ]
    rows += [[f"({what})", decision, ""] for what, decision in result.summary.items()]
    return Table(["ACTION", "DECISION", "STATEMENTS"], rows, title=f"for {result.principal}")
