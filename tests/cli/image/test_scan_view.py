"""``ecrctl image scan`` and ``image findings`` as people and files see them
(ecrctl/cli/image/scan_view.py): the report's tables, the failing findings, the notes,
the progress line on a terminal and the SARIF file; the cells of remote text with their
control characters escaped. The commands run through the real main() wrapper against
the loopback stand-in of ECR's scanning calls (tests/image/scan_standin.py)."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ecrctl.cli.image.scan_view import FINDING_COLUMNS, cell, check_sarif_path, finding_rows
from ecrctl.errors import InvalidInput
from tests.conftest import Runner
from tests.image.scan_standin import (
    DIGEST,
    EcrStandIn,
    basic_finding,
    enhanced_finding,
    scan_answer,
)


def test_findings_over_the_threshold_exit_1_with_the_failing_table(
    standin: EcrStandIn, cli: Runner
) -> None:
    standin.scans = [
        scan_answer(
            "ACTIVE",
            enhanced=[
                enhanced_finding("CVE-2023-0464", "HIGH"),
                enhanced_finding("CVE-2023-0001", "LOW", package="zlib", fixed=None, fix="NO"),
            ],
        )
    ]
    result = cli("image", "scan", "team/app:1.0", "--wait", "--settle", "1", "--fail-on", "high")
    assert result.exit_code == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[lines.index(next(x for x in lines if x.startswith("SEVERITY"))) + 3].split() == [
        "HIGH",
        "1",
        "0",
        "1",
    ]
    failing = [x for x in lines if x.startswith("CVE-")]
    assert len(failing) == 1
    assert failing[0].split() == [
        "CVE-2023-0464",
        "HIGH",
        "openssl",
        "3.0.8-r0",
        "3.0.8-r1",
        "https://nvd.nist.gov/vuln/detail/CVE-2023-0464",
    ]
    assert "gate failed: 1 finding(s) at or above HIGH" in result.stderr
    assert "waiting for the scan of team/app:1.0 (timeout 900 s)" in result.stderr  # not a TTY
    assert "ecrctl: error" not in result.stderr


def test_fixable_only_says_basic_findings_have_no_fix_data(
    standin: EcrStandIn, cli: Runner
) -> None:
    standin.scan_type, standin.frequency = "BASIC", "MANUAL"
    standin.scans = [scan_answer("COMPLETE", basic=[basic_finding("CVE-C", "HIGH")])]
    result = cli("image", "scan", "team/app:1.0", "--wait", "--fail-on", "HIGH", "--fixable-only")
    assert result.exit_code == 1
    assert "basic findings have no fix data: --fixable-only counts every one" in result.stderr


def test_a_terminal_gets_a_progress_line(standin: EcrStandIn, tmp_path: Path) -> None:
    """The installed ecrctl with stderr on a pseudo-terminal: rich's status line."""
    standin.scans = [scan_answer("PENDING", completed=None), scan_answer("ACTIVE", enhanced=[])]
    primary, secondary = pty.openpty()
    env = {**os.environ, "AWS_ENDPOINT_URL_ECR": standin.url, "TERM": "xterm"}
    argv = [str(Path(sys.executable).parent / "ecrctl"), "image", "scan", "team/app:1.0"]
    proc = subprocess.Popen(
        [*argv, "--wait", "--settle", "1", "--timeout", "30", "-o", "json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=secondary,
    )
    os.close(secondary)
    shown = b""
    try:  # read while it runs: a full terminal buffer would block its writes
        while chunk := os.read(primary, 65536):
            shown += chunk
    except OSError:  # EIO: the terminal's other end is closed
        pass
    os.close(primary)
    out = proc.stdout.read() if proc.stdout else b""
    assert proc.wait(timeout=60) == 0
    assert json.loads(out)["outcome"] == "passed"
    text = shown.decode("utf-8", "replace")
    assert "waiting for the scan of team/app:1.0" in text
    assert "Amazon Inspector has not scanned the image yet" in text


# -- the cells and rows of remote text ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "-"),
        ("", "-"),
        (0, "0"),
        (7.5, "7.5"),
        ("CVE-2023-0464", "CVE-2023-0464"),
        ("a\x1b[31mred", "a\\x1b[31mred"),
        ("line\nbreak\ttab", "line\\x0abreak\\x09tab"),
        ("del\x7f c1\x9b", "del\\x7f c1\\x9b"),
        ("naïve – ok", "naïve – ok"),
    ],
)
def test_a_cell_escapes_control_characters(value: Any, shown: str) -> None:
    assert cell(value) == shown


def _finding(**given: Any) -> dict[str, Any]:
    return {"id": "CVE-1", "severity": "HIGH", "packages": [], "uri": None, **given}


@pytest.mark.parametrize(
    ("finding", "row"),
    [
        (_finding(), ["CVE-1", "HIGH", "-", "-", "-", "-"]),
        (
            _finding(
                packages=[
                    {"name": "openssl", "installedVersion": "3.0.8", "fixedVersion": "3.0.9"}
                ],
                uri="https://nvd.nist.gov/vuln/detail/CVE-1",
            ),
            [
                "CVE-1",
                "HIGH",
                "openssl",
                "3.0.8",
                "3.0.9",
                "https://nvd.nist.gov/vuln/detail/CVE-1",
            ],
        ),
        (
            _finding(
                packages=[
                    {"name": "zlib", "installedVersion": "1.2", "fixedVersion": None},
                    {"name": None, "installedVersion": "2.0"},
                ]
            ),
            ["CVE-1", "HIGH", "zlib, -", "1.2, 2.0", "-, -", "-"],
        ),
        (
            _finding(id="CVE-\x1b]0;owned\x07", uri="http://x/\r"),
            ["CVE-\\x1b]0;owned\\x07", "HIGH", "-", "-", "-", "http://x/\\x0d"],
        ),
    ],
)
def test_finding_rows(finding: dict[str, Any], row: list[str]) -> None:
    assert finding_rows([finding]) == [row]
    assert len(row) == len(FINDING_COLUMNS)


def test_the_sarif_path_is_checked_before_any_call(tmp_path: Path) -> None:
    assert check_sarif_path(None) is None
    assert check_sarif_path(str(tmp_path / "out.sarif")) == tmp_path / "out.sarif"
    with pytest.raises(InvalidInput, match="is a directory"):
        check_sarif_path(str(tmp_path))
    with pytest.raises(InvalidInput, match=r"the directory .* does not exist") as caught:
        check_sarif_path(str(tmp_path / "no" / "out.sarif"))
    assert caught.value.hint == "create it, or write the file elsewhere"


# -- the SARIF file, the findings table, -q ------------------------------------------------------


def test_sarif_is_written_with_every_judged_finding(
    standin: EcrStandIn, cli: Runner, tmp_path: Path
) -> None:
    standin.scans = [
        scan_answer(
            "ACTIVE",
            enhanced=[enhanced_finding("CVE-S1", "HIGH"), enhanced_finding("CVE-S2", "LOW")],
        )
    ]
    out = tmp_path / "scan.sarif"
    args = ["--wait", "--settle", "1", "--fail-on", "HIGH", "--sarif", str(out)]
    result = cli("image", "scan", "team/app:1.0", *args)
    assert result.exit_code == 1, result.stderr
    assert f"SARIF written to {out} (2 result(s))" in result.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["version"] == "2.1.0"
    [run] = document["runs"]
    assert len(run["results"]) == 2
    assert run["properties"]["imageDigest"] == DIGEST
    assert run["properties"]["passed"] is False and run["properties"]["failOn"] == "HIGH"


def test_no_sarif_without_a_final_result(standin: EcrStandIn, cli: Runner, tmp_path: Path) -> None:
    standin.scans = [scan_answer("FAILED", description="The scan failed.")]
    out = tmp_path / "scan.sarif"
    result = cli("image", "scan", "team/app:1.0", "--wait", "--sarif", str(out))
    assert result.exit_code == 4
    assert f"no SARIF written to {out}: the scan has no final result to judge" in result.stderr
    assert not out.exists()


def test_the_findings_table_counts_and_lists(standin: EcrStandIn, cli: Runner) -> None:
    standin.scans = [
        scan_answer(
            "ACTIVE",
            enhanced=[enhanced_finding("CVE-T1", "CRITICAL"), enhanced_finding("CVE-T2", "LOW")],
        )
    ]
    result = cli("image", "findings", "team/app:1.0")
    assert result.exit_code == 0, result.stderr
    assert "enhanced scanning: Amazon Inspector may still add or update findings" in result.stderr
    lines = result.stdout.splitlines()
    counts = {x.split()[0]: x.split()[1] for x in lines if x.split()[:1] in (["CRITICAL"], ["LOW"])}
    assert counts == {"CRITICAL": "1", "LOW": "1"}
    assert [x.split()[:3] for x in lines if x.startswith("CVE-")] == [
        ["CVE-T1", "CRITICAL", "openssl"],
        ["CVE-T2", "LOW", "openssl"],
    ]


def test_quiet_leaves_out_the_notes_but_not_the_report(standin: EcrStandIn, cli: Runner) -> None:
    standin.scan_type, standin.frequency = "BASIC", "MANUAL"
    standin.scans = [scan_answer("COMPLETE", basic=[basic_finding("CVE-Q", "HIGH")])]
    args = ["--wait", "--fail-on", "HIGH", "--fixable-only", "-q"]
    result = cli("image", "scan", "team/app:1.0", *args)
    assert result.exit_code == 1
    assert result.stderr == ""
    assert any(line.startswith("CVE-Q") for line in result.stdout.splitlines())
