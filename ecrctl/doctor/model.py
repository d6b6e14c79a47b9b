"""What a doctor check reports, and the report of a whole run.

A check's ``id`` is stable (scripts match on it); ``status`` is one of
``ok``, ``warn``, ``fail``, ``skip``; ``fix`` is a command where there is one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ecrctl.network.model import FAIL as FAIL
from ecrctl.network.model import OK as OK
from ecrctl.network.model import SKIP as SKIP
from ecrctl.network.model import STATUSES as STATUSES
from ecrctl.network.model import WARN as WARN
from ecrctl.network.model import Condition, summarize

# one row of the report: the same record as a line of `network check`'s report
Check = Condition


@dataclass(frozen=True)
class CheckOutcome:
    """What a check found: its status, what it saw, and the fix (a command where possible)."""

    status: str
    detail: str
    fix: str | None = None


def ok(detail: str) -> CheckOutcome:
    return CheckOutcome(OK, detail)


def warning(detail: str, fix: str | None = None) -> CheckOutcome:
    return CheckOutcome(WARN, detail, fix)


def failure(detail: str, fix: str | None = None) -> CheckOutcome:
    return CheckOutcome(FAIL, detail, fix)


def skip(detail: str) -> CheckOutcome:
    return CheckOutcome(SKIP, detail)


class Skipped(Exception):
    """Raised by a check that cannot run because something it needs is missing."""


@dataclass(frozen=True)
class Request:
    """What the user asked to check: a repository (and a tag), for push, pull or both."""

    repository: str | None = None
    tag: str | None = None
    push: bool = False
    pull: bool = False

    @property
    def wants_push(self) -> bool:
        return self.push or not self.pull

    @property
    def wants_pull(self) -> bool:
        return self.pull or not self.push


def always(request: Request) -> bool:
    return True


def with_repository(request: Request) -> bool:
    return request.repository is not None


def pulling_repository(request: Request) -> bool:
    return bool(request.repository) and request.wants_pull


def pushing_repository(request: Request) -> bool:
    return bool(request.repository) and request.wants_push


@dataclass
class DoctorReport:
    """Every check that applied, in a stable order, and how many ended in each status."""

    checks: list[Check] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, int]:
        return summarize(self.checks)

    @property
    def failed(self) -> bool:
        return any(check.status == FAIL for check in self.checks)

    def to_json(self) -> dict[str, Any]:
        return {"checks": [c.to_json() for c in self.checks], "summary": self.summary}
