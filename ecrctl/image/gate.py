"""The scan gate: which findings count, and whether one of them fails the threshold.

A finding counts unless (1) Amazon Inspector reports it SUPPRESSED or CLOSED, (2) an
ignore-file entry names its id and has not expired, or (3) ``--fixable-only`` is given and
its enhanced ``fixAvailable`` is NO. Basic findings carry no fix data: with
``--fixable-only`` they all count (a gate that cannot tell must not pass them). A counted
finding at or above ``--fail-on`` fails the gate; without ``--fail-on`` nothing fails.

The ignore file: one entry a line, ``ID EXPIRES REASON``: the finding's id (e.g.
CVE-2023-0464, matched without regard to case), the last day it is ignored
(YYYY-MM-DD, UTC) and why (required); ``#`` starts a comment. From the day after
EXPIRES the entry no longer ignores anything, and the result says so.

Pure: ``today`` is given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ecrctl.errors import InvalidInput
from ecrctl.image.findings import SEVERITIES, ScanFinding, at_or_above

INSPECTOR_CLOSED = frozenset({"SUPPRESSED", "CLOSED"})
IGNORE_FORM = "write ID YYYY-MM-DD REASON, e.g. CVE-2023-0464 2025-12-31 not reachable"


@dataclass(frozen=True)
class IgnoreEntry:
    id: str
    expires: date
    reason: str
    line: int = 0

    def expired(self, today: date) -> bool:
        return today > self.expires

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "expires": self.expires.isoformat(), "reason": self.reason}


def _entry(line: str, number: int, where: str) -> IgnoreEntry:
    parts = line.split(None, 2)
    if len(parts) < 3:
        missing = "expiry date and no reason" if len(parts) == 1 else "reason"
        raise InvalidInput(f"{where}:{number}: {parts[0]!r} has no {missing}", hint=IGNORE_FORM)
    ident, expires, reason = parts
    try:
        if len(expires) != 10:
            raise ValueError(expires)
        day = date.fromisoformat(expires)
    except ValueError:
        raise InvalidInput(
            f"{where}:{number}: {expires!r} is not a date", hint="write it as YYYY-MM-DD"
        ) from None
    return IgnoreEntry(ident, day, reason.strip(), number)


def parse_ignore_file(text: str, source: str) -> tuple[IgnoreEntry, ...]:
    """The entries of an ignore file; a bad line raises :class:`InvalidInput` naming it."""
    where = "stdin" if source == "-" else source
    entries: dict[str, IgnoreEntry] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        entry = _entry(line, number, where)
        key = entry.id.upper()
        if key in entries:
            first = entries[key].line
            raise InvalidInput(
                f"{where}:{number}: {entry.id} is already listed on line {first}",
                hint="keep one entry per id",
            )
        entries[key] = entry
    return tuple(entries.values())


@dataclass(frozen=True)
class Gate:
    """What the user asked the gate to judge by."""

    today: date
    fail_on: str | None = None
    fixable_only: bool = False
    ignores: tuple[IgnoreEntry, ...] = ()

    def active_ignores(self) -> dict[str, IgnoreEntry]:
        return {e.id.upper(): e for e in self.ignores if not e.expired(self.today)}

    def expired_ignores(self) -> list[IgnoreEntry]:
        return [e for e in self.ignores if e.expired(self.today)]


@dataclass(frozen=True)
class Judged:
    """A finding and the gate's word on it."""

    finding: ScanFinding
    excluded: str | None = None  # why it does not count
    fails: bool = False

    def to_json(self) -> dict[str, Any]:
        return {**self.finding.to_json(), "excludedBy": self.excluded, "failsGate": self.fails}


@dataclass
class GateResult:
    gate: Gate
    judged: list[Judged] = field(default_factory=list)

    @property
    def failing(self) -> list[Judged]:
        return [j for j in self.judged if j.fails]

    @property
    def passed(self) -> bool:
        return not self.failing

    @property
    def counted(self) -> list[Judged]:
        return [j for j in self.judged if j.excluded is None]

    @property
    def basic_without_fix_data(self) -> bool:
        """--fixable-only met findings that cannot say whether a fix exists."""
        return self.gate.fixable_only and any(j.finding.kind == "BASIC" for j in self.judged)

    def counts(self) -> dict[str, dict[str, int]]:
        table = {s: {"findings": 0, "excluded": 0, "counted": 0} for s in SEVERITIES}
        for judged in self.judged:
            row = table[judged.finding.severity]
            row["findings"] += 1
            row["excluded" if judged.excluded else "counted"] += 1
        return table

    def to_json(self) -> dict[str, Any]:
        return {
            "failOn": self.gate.fail_on,
            "fixableOnly": self.gate.fixable_only,
            "passed": self.passed,
            "failing": len(self.failing),
            "counts": self.counts(),
            "expiredIgnores": [e.to_json() for e in self.gate.expired_ignores()],
            "basicFindingsWithoutFixData": self.basic_without_fix_data,
        }


def _no_fix(finding: ScanFinding) -> bool:
    return str(finding.fix_available or "").upper() == "NO"


def _exclusion(finding: ScanFinding, gate: Gate, ignores: dict[str, IgnoreEntry]) -> str | None:
    if finding.status in INSPECTOR_CLOSED:
        return f"{finding.status} in Amazon Inspector"
    entry = ignores.get(finding.id.upper())
    if entry is not None:
        return f"ignored until {entry.expires.isoformat()}: {entry.reason}"
    if gate.fixable_only and finding.kind == "ENHANCED" and _no_fix(finding):
        return "no fix available (--fixable-only)"
    return None


def judge(findings: list[ScanFinding], gate: Gate) -> GateResult:
    """Every finding with the gate's word on it, most severe first."""
    ignores = gate.active_ignores()
    result = GateResult(gate)
    for finding in sorted(findings, key=ScanFinding.sort_key):
        excluded = _exclusion(finding, gate, ignores)
        fails = (
            excluded is None
            and gate.fail_on is not None
            and at_or_above(finding.severity, gate.fail_on)
        )
        result.judged.append(Judged(finding, excluded, fails))
    return result
