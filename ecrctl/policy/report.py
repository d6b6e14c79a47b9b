"""What validation finds: findings, the report that collects them, and ``Where``,
the place (document or statement) the checks file a finding against.

Every finding names the statement (by Sid, else by 1-based position) and the
field. Errors make a policy unusable; warnings flag what is legal but risky or
ineffective.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ecrctl.jsonrecord import record_json
from ecrctl.lifecycle.problems import quoted

Kind = Literal["repository", "iam", "registry"]
Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class LintFinding:
    severity: Severity
    field: str
    message: str
    index: int | None = None  # 0-based statement position; None for the document
    sid: str | None = None

    @property
    def where(self) -> str:
        if self.index is None:
            return "policy"
        if self.sid:
            return f"statement {quoted(self.sid)}"
        return f"statement #{self.index + 1}"

    def __str__(self) -> str:
        return f"{self.where}: {self.field}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        names = ("severity", "index", "sid", "field", "message")
        return {**record_json(self, *names, index="statement"), "text": str(self)}


@dataclass
class ValidationReport:
    kind: Kind
    findings: list[LintFinding] = field(default_factory=list)
    document: dict[str, Any] | None = None

    @property
    def errors(self) -> list[LintFinding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[LintFinding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def valid(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "errors": [f.to_dict() for f in self.errors],
            "warnings": [f.to_dict() for f in self.warnings],
        }


@dataclass(frozen=True)
class Where:
    """Files findings in ``report`` against one statement (or, index None, the document)."""

    report: ValidationReport
    index: int | None = None
    sid: str | None = None

    @property
    def kind(self) -> Kind:
        return self.report.kind

    def error(self, field_: str, message: str) -> None:
        self.report.findings.append(LintFinding("error", field_, message, self.index, self.sid))

    def warning(self, field_: str, message: str) -> None:
        self.report.findings.append(LintFinding("warning", field_, message, self.index, self.sid))
