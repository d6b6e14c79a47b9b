"""Findings and reports: where a finding points, its text and the JSON shape."""

from __future__ import annotations

from ecrctl.policy.report import LintFinding, ValidationReport
from ecrctl.policy.validate import validate_text
from tests.policy.samples import policy, stmt


def test_a_finding_names_the_statement_by_sid_else_by_position() -> None:
    assert str(LintFinding("error", "Version", "bad")) == "policy: Version: bad"
    assert str(LintFinding("error", "Effect", "bad", 0, "Ü")) == 'statement "Ü": Effect: bad'
    assert str(LintFinding("warning", "Effect", "bad", 2)) == "statement #3: Effect: bad"


def test_errors_and_warnings() -> None:
    report = ValidationReport(
        "repository", [LintFinding("warning", "a", "w"), LintFinding("error", "b", "e")]
    )
    assert [f.field for f in report.errors] == ["b"]
    assert [f.field for f in report.warnings] == ["a"]
    assert not report.valid
    assert ValidationReport("iam", report.warnings).valid


def test_report_json_shape() -> None:
    data = validate_text(policy(stmt(Effect="x"))).to_dict()
    assert data["valid"] is False
    assert data["warnings"] == []
    assert data["errors"] == [
        {
            "severity": "error",
            "statement": 0,
            "sid": "S",
            "field": "Effect",
            "message": '"x" is not "Allow" or "Deny"',
            "text": 'statement "S": Effect: "x" is not "Allow" or "Deny"',
        }
    ]
