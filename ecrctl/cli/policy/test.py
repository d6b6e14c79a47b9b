"""``ecrctl policy test``: can this principal do these actions on this repository
(the core is ``ecrctl.policy.access`` over ``ecrctl.policy.evaluate``)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from ecrctl.cli.app import App
from ecrctl.cli.common import EcrctlCommand, pass_app, read_source
from ecrctl.cli.completers import complete_profiles
from ecrctl.cli.examples import examples
from ecrctl.cli.options import repeatable_option
from ecrctl.cli.paramtypes import REPOSITORY
from ecrctl.cli.render import Table, console, emit, notice, warn
from ecrctl.distribution.refs import check_repository_name
from ecrctl.errors import ExitCode

if TYPE_CHECKING:
    from ecrctl.aws.clients import Aws
    from ecrctl.policy.access import Question
    from ecrctl.policy.evaluate import PolicyDecision
    from ecrctl.policy.matching import Match
    from ecrctl.policy.report_access import AccessReport

SHOWN = {
    "allowed": "allowed",
    "explicitDeny": "denied (explicit)",
    "implicitDeny": "denied (implicit)",
    "depends": "depends on condition",
}


@click.command(
    "test",
    cls=EcrctlCommand,
    epilog=examples(
        "policy test",
        "Exit codes: 0 every action allowed, 1 an action denied or depending on a condition,"
        " 2 bad input.",
    ),
)
@click.argument("repository", type=REPOSITORY)
@click.option(
    "--principal",
    metavar="ARN",
    help="IAM user or role ARN, or an assumed-role session (default: the caller).",
)
@repeatable_option(
    "--action",
    "ACTION",
    "Action, wildcard, pull or push (repeatable; default: "
    "ecr:GetAuthorizationToken and the push and pull actions).",
    dest="action_list",
)
@repeatable_option(
    "--context",
    "KEY=VALUE",
    "A condition key's value, e.g. aws:SourceAccount=111122223333 (repeatable).",
    dest="context",
)
@click.option(
    "--iam-profile",
    metavar="PROFILE",
    shell_complete=complete_profiles,
    help="Read the principal's IAM policies with this profile (default: --profile's).",
)
@click.option(
    "--iam-details",
    "details_file",
    metavar="FILE|-",
    help="Read them from a saved GetAccountAuthorizationDetails answer instead of IAM.",
)
@click.option(
    "--simulate", is_flag=True, help="Compare with IAM's SimulatePrincipalPolicy, per action."
)
@pass_app
def policy_test(
    app: App,
    repository: str,
    principal: str | None,
    action_list: tuple[str, ...],
    context: tuple[str, ...],
    iam_profile: str | None,
    details_file: str | None,
    simulate: bool,
) -> int:
    """Test whether a principal may do actions on a repository.

    Evaluates, per action, the principal's identity policies (managed and
    inline, its groups', its permissions boundary) together with the
    repository policy, with AWS's rules: an explicit Deny anywhere wins; in
    the repository's account either side may allow; across accounts both
    must. Conditions ecrctl cannot decide are named ("depends on condition").
    """
    from ecrctl.aws.clients import Aws
    from ecrctl.policy import access

    name = check_repository_name(repository)
    text = read_source(details_file, what="IAM details file") if details_file else None
    question = access.ask(
        name,
        principal=principal,
        requested=list(action_list),
        context=list(context),
        details_text=text,
        details_source=f"IAM details file {details_file!r}",
        simulate=simulate,
    )
    iam_aws = None
    if iam_profile:
        iam_aws = Aws(app.settings.replace(profile=iam_profile, given_by="--iam-profile"))
        _ = iam_aws.resolved  # an unknown profile is bad input: found before any call
    report = _run(app, question, iam_aws)
    _notes(app, report)
    emit(app, report.to_dict(), table=lambda: _table(report))
    return int(ExitCode.OK if report.allowed else ExitCode.FAILED)


def _run(app: App, question: Question, iam_aws: Aws | None) -> AccessReport:
    """The core call, with a spinner on a terminal (IAM is asked once per policy)."""
    from ecrctl.policy.access import evaluate_access

    if app.out.quiet or not sys.stderr.isatty():
        return evaluate_access(app.aws, question, iam_aws=iam_aws)
    with console(app, stderr=True).status("reading the policies"):
        return evaluate_access(app.aws, question, iam_aws=iam_aws)


def _notes(app: App, report: AccessReport) -> None:
    for line in report.notes:
        notice(app, f"note: {line}")
    simulation = report.simulation
    if simulation is None:
        return
    if simulation.error:
        warn(app, f"--simulate: IAM's simulator did not answer: {simulation.error}")
        return
    notice(app, f"note: IAM's simulator was given the {simulation.scope}")
    differing = report.differences()
    if differing:
        warn(app, f"IAM's simulator disagrees on {len(differing)}: {', '.join(differing)}")


def label(match: Match) -> str:
    text = match.label
    if match.policy.kind == "boundary":
        return f"{text} (boundary)"
    if match.policy.attached_to.startswith("group/"):
        return f"{text} (via {match.policy.attached_to})"
    return text


def _why(decision: PolicyDecision) -> str:
    labels = ", ".join(label(m) for m in decision.statements)
    if decision.decision == "implicitDeny":
        return "; ".join(decision.reasons) or "-"
    if decision.decision == "depends":
        return f"{', '.join(decision.conditions)}" + (f" ({labels})" if labels else "")
    return labels or "-"


def _table(report: AccessReport) -> Table:
    simulated = report.simulation is not None and not report.simulation.error
    rows = []
    for decision in report.decisions:
        row = [decision.action, SHOWN[decision.decision], _why(decision)]
        if simulated:
            row.append(_simulated(report, decision.action))
        rows.append(row)
    for what, decided in report.summary.items():
        rows.append([f"({what})", SHOWN[decided], "", *([""] if simulated else [])])
    columns = ["ACTION", "DECISION", "WHY", *(["IAM SIMULATOR"] if simulated else [])]
    title = f"{report.inputs.principal.arn} on {report.repository.arn}"
    return Table(columns, rows, title=title)


def _simulated(report: AccessReport, action: str) -> str:
    assert report.simulation is not None
    iam = report.simulation.results.get(action)
    if iam is None:
        return "-"
    mine = report.ecrctl_compared.get(action)
    return iam.decision if iam.decision == mine else f"{iam.decision} (ecrctl: {mine})"
