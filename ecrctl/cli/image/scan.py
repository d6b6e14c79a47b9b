"""``ecrctl image scan`` (start, wait, the gate) and ``ecrctl image findings``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ecrctl.cli.app import App
from ecrctl.cli.common import command, pass_app, read_source
from ecrctl.cli.examples import examples
from ecrctl.cli.image.scan_view import (
    FINDING_COLUMNS,
    check_sarif_path,
    finding_rows,
    show_report,
    waiting,
    write_sarif,
)
from ecrctl.cli.options import number_option
from ecrctl.cli.render import Table, emit, notice
from ecrctl.errors import InvalidInput

if TYPE_CHECKING:
    from ecrctl.distribution.reference import ImageReference
    from ecrctl.image.gate import Gate

LEVELS = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL"]

EXIT_CODES = """Exit codes: 0 passed, 1 findings at or above --fail-on, 2 bad input, 3 not final
(timed out), 4 no result (scan failed or unsupported), 5 a permission is missing."""


def _reference(text: str) -> ImageReference:
    from ecrctl.distribution.reference import parse_reference

    return parse_reference(text).for_ecr()


def _gate(fail_on: str | None, fixable_only: bool, ignore: str | None) -> Gate:
    from datetime import UTC, datetime

    from ecrctl.image.gate import Gate, parse_ignore_file

    entries = parse_ignore_file(read_source(ignore, what="ignore file"), ignore) if ignore else ()
    level = fail_on.upper() if fail_on else None
    return Gate(datetime.now(UTC).date(), level, fixable_only, entries)


@command("scan", epilog=examples("image scan", EXIT_CODES))
@click.argument("ref", metavar="REPO[:TAG|@DIGEST]")
@click.option("--wait", is_flag=True, help="Wait until the result is final.")
@number_option("--timeout", "SECONDS", 1, 900, "With --wait: give up (exit 3) after this long.")
@number_option(
    "--settle",
    "SECONDS",
    0,
    120,
    "Enhanced scanning: the result is final once its findings stay the same this long.",
)
@click.option(
    "--fail-on",
    type=click.Choice(LEVELS, case_sensitive=False),
    help="Exit 1 when a counted finding is at or above this severity.",
)
@click.option("--fixable-only", is_flag=True, help="Count only findings with a fix (enhanced).")
@click.option(
    "--ignore",
    metavar="FILE",
    help="Findings to leave out: lines of ID YYYY-MM-DD REASON (until that day).",
)
@click.option("--sarif", metavar="FILE", help="Also write the judged findings as SARIF 2.1.0.")
@pass_app
def scan(
    app: App,
    ref: str,
    wait: bool,
    timeout: int,
    settle: int,
    fail_on: str | None,
    fixable_only: bool,
    ignore: str | None,
    sarif: str | None,
) -> int:
    """Scan an image (when needed) and gate on its findings.

    Basic scanning is started with StartImageScan unless a result less than 24
    hours old exists (ECR allows one scan per image per day): that one is reused,
    and the output says so. Enhanced scanning (Amazon Inspector) scans on its own;
    its result is final once its findings stop changing for --settle seconds. The
    scan type comes from the registry's configuration and each answer's shape,
    never from the status alone. See docs/scanning.md.
    """
    reference = _reference(ref)
    if wait and settle >= timeout:
        raise InvalidInput(
            f"--settle {settle} is not shorter than --timeout {timeout}: an enhanced result "
            "could never be final",
            hint="raise --timeout or lower --settle",
        )
    gate = _gate(fail_on, fixable_only, ignore)
    sarif_path = check_sarif_path(sarif)
    from ecrctl.image.scan import ScanOptions, scan_image

    with waiting(app, str(reference), timeout) as on_wait:
        options = ScanOptions(wait, timeout, settle, gate, on_wait=on_wait)
        report = scan_image(app.registries, reference, options)
    show_report(app, report)
    if sarif_path is not None:
        write_sarif(app, sarif_path, report)
    error = report.error()
    if error is not None:
        raise error
    if report.outcome == "not-final":
        notice(app, "the result is not final yet: add --wait, or read it later (image findings)")
    return int(report.exit_code)


@command("findings", epilog=examples("image findings"))
@click.argument("ref", metavar="REPO[:TAG|@DIGEST]")
@click.option(
    "--severity",
    type=click.Choice(LEVELS, case_sensitive=False),
    help="Show only findings at or above this severity.",
)
@pass_app
def findings(app: App, ref: str, severity: str | None) -> None:
    """Show the findings of an image's last scan, most severe first.

    Both shapes: basic scanning's findings and enhanced scanning's (Amazon
    Inspector's, with fixed versions). Every page is read. Nothing is started or
    waited for (image scan does that).
    """
    reference = _reference(ref)
    from ecrctl.image.findings import show_findings

    data = show_findings(
        app.registries, reference, min_severity=severity.upper() if severity else None
    )
    if data["scanType"] == "ENHANCED":
        notice(app, "enhanced scanning: Amazon Inspector may still add or update findings")
    if not app.out.as_table:
        emit(app, data)
        return
    from ecrctl.cli.render import print_table

    counts = [[s, str(n)] for s, n in data["counts"].items()]
    print_table(app, Table(["SEVERITY", "FINDINGS"], counts, justify={"FINDINGS": "right"}))
    rows = finding_rows(data["findings"])
    emit(app, data, table=Table(FINDING_COLUMNS, rows, empty="no findings to show"))
