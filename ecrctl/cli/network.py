"""``ecrctl network check|create``: the guide's private networking chapter (VPC
endpoints for ECR, the S3 gateway and its minimum policy) for a VPC, subnets or
an ECS service. Parses, calls :mod:`ecrctl.network`, renders."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from ecrctl.cli.app import App
from ecrctl.cli.common import confirm, group, pass_app
from ecrctl.cli.examples import examples
from ecrctl.cli.options import dry_run_option, repeatable_option, yes_option
from ecrctl.cli.render import Table, console, emit, notice
from ecrctl.errors import ExitCode, PartialFailure

if TYPE_CHECKING:
    from ecrctl.network.model import NetworkTarget, Report
    from ecrctl.network.steps import EndpointPlan, Step

F = TypeVar("F", bound=Callable[..., Any])


@group("network", epilog=examples("network"))
def network() -> None:
    """Check and create what private subnets need to pull from ECR (VPC endpoints)."""


_TARGET_OPTIONS = (
    click.option("--vpc", metavar="VPC_ID", help="A VPC: its private subnets."),
    repeatable_option("--subnet", "SUBNET_ID", "These subnets (repeatable).", dest="subnets"),
    click.option(
        "--ecs-service",
        metavar="CLUSTER/SERVICE",
        help="An ECS service: its subnets, security groups, launch type and logging.",
    ),
    click.option(
        "--task-definition",
        metavar="FAMILY[:REVISION]",
        help="With --vpc or --subnet: read launch type and logging from it.",
    ),
    click.option(
        "--launch-type",
        type=click.Choice(["fargate", "ec2"], case_sensitive=False),
        help="The tasks' launch type, when no ECS service says (EC2 needs more endpoints).",
    ),
    click.option(
        "--awslogs/--no-awslogs",
        default=None,
        help="Whether the tasks log with awslogs (then a CloudWatch Logs endpoint).",
    ),
)


def target_options(func: F) -> F:
    """--vpc, --subnet, --ecs-service and what the tasks do (launch type, awslogs), handed
    to the command as one ``target``."""

    @functools.wraps(func)
    def with_target(
        *args: Any,
        vpc: str | None,
        subnets: tuple[str, ...],
        ecs_service: str | None,
        task_definition: str | None,
        launch_type: str | None,
        awslogs: bool | None,
        **kwargs: Any,
    ) -> Any:
        from ecrctl.network.model import parse_target

        kind = launch_type.upper() if launch_type else None
        target = parse_target(vpc, subnets, ecs_service, task_definition, kind, awslogs)
        return func(*args, target=target, **kwargs)

    decorated: Any = with_target
    for option in reversed(_TARGET_OPTIONS):
        decorated = option(decorated)
    return cast(F, decorated)


def _working(app: App, label: str) -> Any:
    """A spinner on stderr when it is a terminal; nothing when piped."""
    if app.out.quiet or not sys.stderr.isatty():
        return nullcontext()
    return console(app, stderr=True).status(label)


def _scope(report: Report) -> str:
    f = report.facts
    subnets = ", ".join(s.id for s in f.subnets) or "none"
    launch = f.launch_type or "unknown"
    logs = {True: "yes", False: "no", None: "unknown"}[f.awslogs]
    return f"{f.vpc_id} ({f.region}): subnets {subnets}; launch type {launch}; awslogs {logs}"


def _check_table(report: Report) -> Table:
    rows = [[c.status, c.id, c.detail, c.fix or "-"] for c in report.conditions]
    return Table(["STATUS", "CONDITION", "FOUND", "FIX"], rows, title=_scope(report))


@network.command(
    "check",
    epilog=examples(
        "network check",
        "Exit codes: 0 every condition holds (warnings allowed), 1 one fails, 2 bad input.",
    ),
)
@target_options
@pass_app
def check(app: App, target: NetworkTarget) -> int:
    """Check that tasks in private subnets can pull from ECR through VPC endpoints.

    One line per condition of the user guide's "Interface VPC endpoints (AWS
    PrivateLink)" chapter, with the fix: the ecr.dkr endpoint with private DNS,
    ecr.api and the ECS endpoints for the EC2 launch type, the S3 gateway on
    the subnets' route tables and its policy for ECR's layer bucket, endpoint
    policies, security groups admitting TCP 443, one region, Amazon-provided
    DNS, a CloudWatch Logs endpoint for awslogs. Read-only.
    """
    from ecrctl.network.check import check_network

    with _working(app, "reading the VPC"):
        report = check_network(app.aws, target)
    emit(app, report.to_json(), table=lambda: _check_table(report))
    for line in report.facts.notes:
        notice(app, line)
    return int(ExitCode.FAILED if report.failed else ExitCode.OK)


def _status(step: Step, dry_run: bool) -> str:
    status = step.shown_status(dry_run)
    if step.held:
        return f"{status}: {step.held}"
    if step.failure_code and not dry_run:
        return f"{status}: {step.failure_code}"
    return status


def _plan_table(plan: EndpointPlan, dry_run: bool) -> Table:
    rows = [
        [s.action, s.key, s.what, _status(s, dry_run), s.resource_id or "-"] for s in plan.steps
    ]
    title = f"{plan.facts.vpc_id} ({plan.facts.region})"
    return Table(
        ["ACTION", "STEP", "WHAT", "STATUS", "ID"], rows, title=title, empty="nothing to do"
    )


def _print_plan(app: App, plan: EndpointPlan) -> None:
    notice(app, f"Plan for {plan.facts.vpc_id} ({plan.facts.region}):")
    for step in plan.steps:
        held = f"  [skipped: {step.held}]" if step.held else ""
        notice(app, f"  {step.action:<7} {step.what}{held}")
    for line in plan.notes:
        notice(app, f"Note: {line}")


def _account(app: App, plan: EndpointPlan) -> None:
    """What was created or changed, and what was not, on stderr."""
    done = [f"{s.key} {s.resource_id}" for s in plan.runnable if s.status == "done"]
    undone = [
        f"{s.key} ({s.status}{': ' + s.failure_code if s.failure_code else ''})"
        for s in plan.runnable
        if s.status != "done"
    ]
    notice(app, f"created or changed: {', '.join(done) or 'nothing'}")
    if undone:
        notice(app, f"not created or changed: {', '.join(undone)}")


def _left_error(plan: EndpointPlan) -> PartialFailure | None:
    if not plan.left:
        return None
    held = [s.key for s in plan.left if s.held]
    manual = [s.key for s in plan.left if not s.held]
    parts = [f"{len(held)} held ({', '.join(held)})"] if held else []
    parts += [f"{len(manual)} to do by hand ({', '.join(manual)})"] if manual else []
    return PartialFailure(
        f"the network is not complete: {'; '.join(parts)}",
        hint="pass --modify-existing for the held changes; see the plan above",
    )


@network.command(
    "create",
    epilog=examples(
        "network create",
        "Exit codes: 0 done (or --dry-run), 1 a step failed or something is left, 2 bad input.",
    ),
)
@target_options
@click.option(
    "--modify-existing",
    is_flag=True,
    help="Also change what exists (VPC DNS attributes, endpoints' routes, policy, DNS, groups).",
)
@click.option(
    "--s3-policy",
    type=click.Choice(["minimum", "full"]),
    default="minimum",
    show_default=True,
    help="Policy of a new S3 gateway: the guide's minimum (layer bucket only) or full access.",
)
@dry_run_option
@yes_option
@pass_app
def create(
    app: App,
    target: NetworkTarget,
    modify_existing: bool,
    s3_policy: str,
    dry_run: bool,
    yes: bool,
) -> int:
    """Create the VPC endpoints that private subnets need to pull from ECR.

    Plans from the same conditions as `network check`, prints the plan, asks,
    then creates what is missing: interface endpoints with private DNS (in one
    subnet per Availability Zone, with a security group admitting TCP 443 from
    the subnets), the S3 gateway endpoint on the subnets' route tables with the
    guide's minimum policy. What exists is changed only with --modify-existing
    (each change is shown first). A failure halfway reports what was created.
    """
    from ecrctl.network.apply import execute, plan_network

    with _working(app, "reading the VPC"):
        plan = plan_network(app.aws, target, modify=modify_existing, s3_policy=s3_policy)
    if dry_run or not plan.runnable:
        emit(app, plan.to_json(dry_run), table=lambda: _plan_table(plan, dry_run))
        for line in plan.notes:
            notice(app, f"Note: {line}")
        error = None if dry_run else _left_error(plan)
        if error:
            raise error
        return int(ExitCode.OK)
    _print_plan(app, plan)
    creates = sum(1 for s in plan.runnable if s.action == "create")
    confirm(
        f"Create {creates} and change {len(plan.runnable) - creates} resource(s) "
        f"in {plan.facts.vpc_id}?",
        yes=yes,
        what="create VPC endpoints",
    )
    try:
        with _working(app, f"running {len(plan.runnable)} steps"):
            execute(app.aws, plan)
    finally:  # also when a step, the connection or a signal stopped the rest
        emit(app, plan.to_json(), table=lambda: _plan_table(plan, False))
        _account(app, plan)
    error = _left_error(plan)
    if error:
        raise error
    return int(ExitCode.OK)
