"""``image scan --sarif``: the judged findings as SARIF 2.1.0, checked with the
``jsonschema`` package against the standard's schema for every object ecrctl writes
(tests/image/data/sarif-2.1.0-subset.schema.json: written for these tests from the
OASIS SARIF 2.1.0 schema, with its types, enums, required members and
additionalProperties false)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ecrctl.distribution.reference import parse_reference
from ecrctl.image.gate import Gate, IgnoreEntry
from ecrctl.image.sarif import sarif_log
from ecrctl.image.scan import ScanOptions, scan_image
from ecrctl.image.scanreport import ScanReport
from tests.conftest import Runner
from tests.image.scan_standin import (
    DIGEST,
    EcrStandIn,
    basic_finding,
    enhanced_finding,
    scan_answer,
)
from tests.image.test_scan import FakeClock

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-2.1.0-subset.schema.json").read_text())
VALIDATOR = jsonschema.Draft4Validator(SCHEMA)


def _judged(standin: EcrStandIn, gate: Gate) -> ScanReport:
    options = ScanOptions(wait=True, settle=10, gate=gate, clock=FakeClock().clock())
    report = scan_image(standin.registries, parse_reference("team/app:1.0"), options)
    assert report.gate is not None
    return report


def test_every_judged_finding_is_a_result_and_the_log_is_valid(standin: EcrStandIn) -> None:
    standin.scans = [
        scan_answer(
            "ACTIVE",
            enhanced=[
                enhanced_finding("CVE-2023-0464", "CRITICAL", score=9.8),
                enhanced_finding("CVE-2023-0465", "MEDIUM", score=5.3),
                enhanced_finding("CVE-2023-0466", "LOW", fix="NO", fixed=None, score=2.0),
                enhanced_finding("CVE-2023-0467", "HIGH", status="SUPPRESSED"),
                enhanced_finding("CVE-2023-0468", "HIGH"),
            ],
        )
    ]
    ignore = IgnoreEntry("CVE-2023-0468", date(2030, 1, 1), "not reachable")
    report = _judged(standin, Gate(date(2025, 1, 1), "HIGH", True, (ignore,)))
    log = sarif_log(report, report.gate)  # type: ignore[arg-type]
    errors = sorted(VALIDATOR.iter_errors(log), key=str)
    assert errors == []
    [run] = log["runs"]
    results = {r["ruleId"]: r for r in run["results"]}
    assert set(results) == {f"CVE-2023-046{i}" for i in range(4, 9)}
    assert results["CVE-2023-0464"]["level"] == "error"  # fails the gate
    assert results["CVE-2023-0465"]["level"] == "warning"  # counted, below HIGH
    assert "suppressions" not in results["CVE-2023-0465"]
    assert results["CVE-2023-0466"]["suppressions"] == [
        {"kind": "external", "justification": "no fix available (--fixable-only)"}
    ]
    assert results["CVE-2023-0468"]["suppressions"][0]["justification"].startswith("ignored")
    rules = run["tool"]["driver"]["rules"]
    critical = rules[results["CVE-2023-0464"]["ruleIndex"]]
    assert critical["id"] == "CVE-2023-0464"
    assert critical["properties"]["security-severity"] == "9.8"
    assert critical["helpUri"] == "https://nvd.nist.gov/vuln/detail/CVE-2023-0464"
    location = results["CVE-2023-0464"]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == f"team/app@{DIGEST}"


def test_basic_findings_make_a_valid_log_too(standin: EcrStandIn) -> None:
    standin.scan_type, standin.frequency = "BASIC", "MANUAL"
    standin.scans = [scan_answer("COMPLETE", basic=[basic_finding("CVE-2019-0001", "HIGH")])]
    report = _judged(standin, Gate(date(2025, 1, 1), "CRITICAL"))
    log = sarif_log(report, report.gate)  # type: ignore[arg-type]
    assert list(VALIDATOR.iter_errors(log)) == []
    assert [r["level"] for r in log["runs"][0]["results"]] == ["warning"]


def test_the_schema_check_can_fail() -> None:
    bad: dict[str, Any] = {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "ecrctl"}},
                "results": [{"message": {"text": "x"}, "level": "fatal", "severity": "HIGH"}],
            }
        ],
    }
    messages = {e.message for e in VALIDATOR.iter_errors(bad)}
    assert any("'fatal' is not one of" in m for m in messages)
    assert any("'severity' was unexpected" in m for m in messages)


def test_the_cli_writes_the_file_even_when_the_gate_fails(
    standin: EcrStandIn, cli: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    standin.scan_type, standin.frequency = "BASIC", "MANUAL"
    standin.scans = [scan_answer("COMPLETE", basic=[basic_finding("CVE-2019-0002", "CRITICAL")])]
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", standin.url)
    target = tmp_path / "scan.sarif"
    result = cli(
        "image", "scan", "team/app:1.0", "--wait", "--fail-on", "HIGH", "--sarif", str(target)
    )
    assert result.exit_code == 1, result.stderr
    assert f"SARIF written to {target} (1 result(s))" in result.stderr
    log = json.loads(target.read_text())
    assert list(VALIDATOR.iter_errors(log)) == []
    assert log["runs"][0]["results"][0]["level"] == "error"
