"""``ecrctl doctor [REPOSITORY[:TAG]] [--push|--pull]``: the guide's Troubleshooting
chapter as one command. Parses, runs :func:`ecrctl.doctor.workflow.diagnose`,
renders one row per check."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from ecrctl.cli.app import App
from ecrctl.cli.common import command, pass_app
from ecrctl.cli.examples import examples
from ecrctl.cli.render import Table, console, emit
from ecrctl.errors import ExitCode

if TYPE_CHECKING:
    from ecrctl.doctor.model import Check, DoctorReport, Request

EXIT_CODES = "Exit codes: 0 nothing failed (warnings allowed), 1 a check failed."


def _request(repository: str | None, push: bool, pull: bool) -> Request:
    from ecrctl.distribution.refs import check_image_tag, check_repository_name
    from ecrctl.doctor.model import Request

    if repository is None:
        if push or pull:
            raise click.UsageError("--push and --pull need a REPOSITORY")
        return Request()
    name, _, tag = repository.partition(":")
    return Request(
        check_repository_name(name), check_image_tag(tag) if tag else None, push=push, pull=pull
    )


def _table(report: DoctorReport) -> Table:
    return Table(
        ["STATUS", "CHECK", "FOUND", "FIX"],
        [[c.status, c.id, c.detail, c.fix or "-"] for c in report.checks],
    )


def _run(app: App, request: Request) -> DoctorReport:
    from ecrctl.doctor.workflow import applicable, diagnose

    if app.out.quiet or not sys.stderr.isatty():
        return diagnose(app.settings, request)
    total = len(applicable(request))
    done: list[Check] = []
    with console(app, stderr=True).status(f"running {total} checks") as status:

        def on_done(check: Check) -> None:
            done.append(check)
            status.update(f"{len(done)} of {total} checks done (last: {check.id})")

        return diagnose(app.settings, request, on_done=on_done)


@command("doctor", epilog=examples("doctor", EXIT_CODES))
@click.argument("repository", metavar="[REPOSITORY[:TAG]]", required=False)
@click.option("--push", is_flag=True, help="Check what a push needs (default: push and pull).")
@click.option("--pull", is_flag=True, help="Check what a pull needs (default: push and pull).")
@pass_app
def doctor(app: App, repository: str | None, push: bool, pull: bool) -> int:
    """Find why docker push or pull fails against ECR.

    Checks, concurrently and within about 3 s each: AWS credentials, region,
    clock skew and the API endpoint; the registry host, the credential docker
    would send it and whether the registry accepts it; the Docker Engine, its
    version, disk and proxy; with REPOSITORY, that it exists, that the caller
    may pull and push it, tag mutability, the lifecycle policy (for :TAG) and
    the service limits. Prints one row per check with the fix.
    """
    report = _run(app, _request(repository, push, pull))
    emit(app, report.to_json(), table=lambda: _table(report))
    return int(ExitCode.FAILED if report.failed else ExitCode.OK)
