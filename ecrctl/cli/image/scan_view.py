"""How ``image scan`` and ``image findings`` look: the report's fields, the counts by
severity, the findings that failed the gate, the progress line while waiting, and the
SARIF file. Text from AWS (descriptions, package names, URIs) has its control
characters escaped before it reaches a terminal."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecrctl.cli.render import Table, fmt_time, notice, print_table, to_json, warn
from ecrctl.errors import InvalidInput, ServiceError

if TYPE_CHECKING:
    from ecrctl.cli.app import App
    from ecrctl.image.gate import GateResult
    from ecrctl.image.scan import OnWait
    from ecrctl.image.scanreport import ScanReport
    from ecrctl.image.scanstate import ScanDecision

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def cell(value: Any) -> str:
    """A cell from remote text: ``-`` for nothing, control characters escaped."""
    if value is None or value == "":
        return "-"
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value))


def finding_rows(findings: list[dict[str, Any]]) -> list[list[str]]:
    """ID, SEVERITY, PACKAGE, INSTALLED, FIXED IN, URI of findings in their JSON shape."""
    rows = []
    for f in findings:
        packages = f["packages"] or [{}]
        rows.append(
            [
                cell(f["id"]),
                f["severity"],
                cell(", ".join(str(p.get("name") or "-") for p in packages)),
                cell(", ".join(str(p.get("installedVersion") or "-") for p in packages)),
                cell(", ".join(str(p.get("fixedVersion") or "-") for p in packages)),
                cell(f["uri"]),
            ]
        )
    return rows


FINDING_COLUMNS = ["ID", "SEVERITY", "PACKAGE", "INSTALLED", "FIXED IN", "URI"]


def _fields(report: ScanReport) -> Table:
    data = report.to_json()
    kind = data["scanType"] or "unknown"
    registry = data["registryScanType"]
    if registry:
        kind += f" (registry: {registry}, {data['scanFrequency'] or '-'})"
    status = data["status"] or "no scan"
    if data["statusDescription"]:
        status += f": {cell(data['statusDescription'])}"
    rows = [
        ["Image", report.image],
        ["Scan type", kind],
        ["Status", status],
        ["Outcome", f"{report.outcome}: {report.decision.reason}"],
    ]
    if data["imageScanCompletedAt"]:
        rows.insert(3, ["Completed", fmt_time(data["imageScanCompletedAt"])])
    return Table(["FIELD", "VALUE"], rows)


def _counts(gate: GateResult) -> Table:
    rows = [
        [severity, str(c["findings"]), str(c["excluded"]), str(c["counted"])]
        for severity, c in gate.counts().items()
    ]
    right = dict.fromkeys(("FINDINGS", "EXCLUDED", "COUNTED"), "right")
    return Table(["SEVERITY", "FINDINGS", "EXCLUDED", "COUNTED"], rows, justify=right)


def show_report(app: App, report: ScanReport) -> None:
    """The report for people: fields, counts, the failing findings; notes on stderr."""
    for note in report.notes:
        notice(app, note)
    gate = report.gate
    if gate is not None:
        for entry in gate.gate.expired_ignores():
            warn(
                app,
                f"ignore entry {entry.id} expired on {entry.expires.isoformat()} "
                f"(line {entry.line}): its findings count again",
            )
        if gate.basic_without_fix_data:
            notice(app, "basic findings have no fix data: --fixable-only counts every one")
    if not app.out.as_table:
        from ecrctl.cli.render import emit

        emit(app, report.to_json())
        _verdict(app, report)
        return
    print_table(app, _fields(report))
    if gate is not None:
        print_table(app, _counts(gate))
        failing = [j.to_json() for j in gate.failing]
        if failing:
            print_table(app, Table(FINDING_COLUMNS, finding_rows(failing)))
    _verdict(app, report)


def _verdict(app: App, report: ScanReport) -> None:
    gate = report.gate
    if gate is None or gate.gate.fail_on is None:
        return
    threshold = gate.gate.fail_on
    if gate.passed:
        notice(app, f"gate passed: no counted finding at or above {threshold}")
    else:
        notice(app, f"gate failed: {len(gate.failing)} finding(s) at or above {threshold}")


def check_sarif_path(path: str | None) -> Path | None:
    """The --sarif path, its directory checked before any call."""
    if path is None:
        return None
    target = Path(path)
    if target.is_dir():
        raise InvalidInput(f"--sarif {path!r} is a directory", hint="give a file name")
    parent = target.parent
    if not parent.is_dir():
        raise InvalidInput(
            f"--sarif {path!r}: the directory {str(parent)!r} does not exist",
            hint="create it, or write the file elsewhere",
        )
    return target


def write_sarif(app: App, path: Path, report: ScanReport) -> None:
    from ecrctl.image.sarif import sarif_log

    if report.gate is None:
        notice(app, f"no SARIF written to {path}: the scan has no final result to judge")
        return
    try:
        path.write_text(to_json(sarif_log(report, report.gate)) + "\n", encoding="utf-8")
    except OSError as exc:
        raise ServiceError(f"cannot write --sarif {str(path)!r}: {exc.strerror}") from None
    notice(app, f"SARIF written to {path} ({len(report.gate.judged)} result(s))")


@contextmanager
def waiting(app: App, shown: str, timeout: float) -> Iterator[OnWait]:
    """A progress line on a terminal (stderr); one notice line otherwise (none with -q)."""
    if app.out.quiet or not sys.stderr.isatty():
        said: list[bool] = []

        def once(decision: ScanDecision, waited: float) -> None:
            if not said:
                said.append(True)
                notice(app, f"waiting for the scan of {shown} (timeout {timeout:g} s)")

        yield once
        return
    from ecrctl.cli.render import console

    label = f"waiting for the scan of {shown}"
    with console(app, stderr=True).status(label) as status:

        def update(decision: ScanDecision, waited: float) -> None:
            status.update(f"{label}: {decision.reason} ({waited:.0f} of {timeout:g} s)")

        yield update
