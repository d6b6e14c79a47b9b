"""The scan gate's findings as a SARIF 2.1.0 log (OASIS Static Analysis Results
Interchange Format), for code-scanning dashboards.

One run; one rule per finding id (its severity, score as ``security-severity`` and
URI); one result per finding the gate judged: every counted finding, at level
``error`` when it fails the gate and ``warning`` or ``note`` below it, and every
excluded finding with a ``suppressions`` entry saying why (ignored, not fixable,
suppressed or closed in Amazon Inspector). The location is the image
(``REPOSITORY@DIGEST``).
"""

from __future__ import annotations

from typing import Any

from ecrctl import __version__
from ecrctl.image.findings import RANK, ScanFinding
from ecrctl.image.gate import GateResult, Judged
from ecrctl.image.scanreport import ScanReport

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _level(judged: Judged) -> str:
    if judged.fails:
        return "error"
    return "warning" if RANK[judged.finding.severity] >= RANK["MEDIUM"] else "note"


def _rule(finding: ScanFinding) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": finding.id,
        "shortDescription": {"text": f"{finding.id} ({finding.severity})"},
        "properties": {"tags": ["security", "vulnerability", finding.severity.lower()]},
    }
    if finding.description:
        rule["fullDescription"] = {"text": finding.description}
    if finding.uri:
        rule["helpUri"] = finding.uri
    if finding.score is not None:
        rule["properties"]["security-severity"] = f"{finding.score:.1f}"
    return rule


def _message(finding: ScanFinding) -> str:
    packages = ", ".join(
        f"{p.name} {p.installed_version or '?'}"
        + (f" (fixed in {p.fixed_version})" if p.fixed_version else "")
        for p in finding.packages
    )
    return f"{finding.id} ({finding.severity})" + (f" in {packages}" if packages else "")


def _result(judged: Judged, index: int, location: str) -> dict[str, Any]:
    finding = judged.finding
    result: dict[str, Any] = {
        "ruleId": finding.id,
        "ruleIndex": index,
        "level": _level(judged),
        "message": {"text": _message(finding)},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": location}}}],
        "properties": {
            "severity": finding.severity,
            "scanType": finding.kind,
            "fixAvailable": finding.fix_available,
            "packages": [p.to_json() for p in finding.packages],
        },
    }
    if judged.excluded:
        result["suppressions"] = [{"kind": "external", "justification": judged.excluded}]
    return result


def sarif_log(report: ScanReport, gate: GateResult) -> dict[str, Any]:
    """The SARIF 2.1.0 document of a judged scan."""
    rules: dict[str, int] = {}
    descriptors: list[dict[str, Any]] = []
    for judged in gate.judged:
        if judged.finding.id not in rules:
            rules[judged.finding.id] = len(descriptors)
            descriptors.append(_rule(judged.finding))
    location = f"{report.repository}@{report.digest}"
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ecrctl",
                        "version": __version__,
                        "rules": descriptors,
                    }
                },
                "results": [_result(j, rules[j.finding.id], location) for j in gate.judged],
                "properties": {
                    "repositoryName": report.repository,
                    "imageDigest": report.digest,
                    "scanType": report.decision.kind,
                    "failOn": gate.gate.fail_on,
                    "passed": gate.passed,
                },
            }
        ],
    }
