"""``ecrctl image scan`` and ``image findings`` through the real main() wrapper, against
the loopback stand-in of ECR's scanning calls (why a stand-in: tests/image/scan_standin.py):
the exit codes, the one error line, the tables, the notices, and bad input refused
before any call."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Runner
from tests.image.scan_standin import (
    DIGEST,
    EcrStandIn,
    basic_finding,
    denied,
    enhanced_finding,
    error,
    running,
    scan_answer,
)


@pytest.fixture(scope="module")
def served() -> Iterator[EcrStandIn]:
    with running(EcrStandIn()) as standin:
        yield standin


@pytest.fixture
def standin(served: EcrStandIn, monkeypatch: pytest.MonkeyPatch) -> EcrStandIn:
    served.reset()
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", served.url)
    return served


def _one_error_line(stderr: str, words: str) -> None:
    errors = [line for line in stderr.splitlines() if line.startswith("ecrctl: error: ")]
    assert len(errors) == 1 and words in errors[0], stderr
    assert "Traceback" not in stderr


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


def test_json_is_one_document_with_the_outcome(standin: EcrStandIn, cli: Runner) -> None:
    standin.scans = [scan_answer("ACTIVE", enhanced=[enhanced_finding("CVE-1", "CRITICAL")])]
    result = cli("image", "scan", "team/app:1.0", "--wait", "--settle", "1", "-o", "json")
    assert result.exit_code == 0, result.stderr  # no --fail-on: nothing fails
    data = result.json
    assert data["outcome"] == "passed" and data["scanType"] == "ENHANCED"
    assert data["imageDigest"] == DIGEST and data["scanStarted"] is False
    assert data["counts"]["CRITICAL"] == 1
    assert data["findings"][0]["packages"] == [
        {"name": "openssl", "installedVersion": "3.0.8-r0", "fixedVersion": "3.0.8-r1"}
    ]


def test_a_failed_scan_exits_4_after_printing_the_report(standin: EcrStandIn, cli: Runner) -> None:
    standin.scans = [scan_answer("FAILED", description="The scan failed: layer too large.")]
    result = cli("image", "scan", "team/app:1.0", "--wait", "--fail-on", "HIGH", "-o", "json")
    assert result.exit_code == 4
    assert result.json["outcome"] == "no-result"
    _one_error_line(result.stderr, "the scan failed (status FAILED: The scan failed: layer too")


def test_timing_out_exits_3(standin: EcrStandIn, cli: Runner) -> None:
    standin.scans = [scan_answer("IN_PROGRESS", completed=None)]
    result = cli("image", "scan", "team/app:1.0", "--wait", "--timeout", "1", "--settle", "0")
    assert result.exit_code == 3
    _one_error_line(result.stderr, "was not final after 1 s: the scan is running; raise --timeout")


def test_fail_on_without_wait_on_a_running_scan_exits_3(standin: EcrStandIn, cli: Runner) -> None:
    standin.scans = [scan_answer("IN_PROGRESS", completed=None)]
    result = cli("image", "scan", "team/app:1.0", "--fail-on", "HIGH")
    assert result.exit_code == 3
    _one_error_line(result.stderr, "is not final yet: the scan is running; add --wait")
    started = cli("image", "scan", "team/app:1.0")
    assert started.exit_code == 0
    assert "the result is not final yet: add --wait" in started.stderr


def test_a_missing_permission_exits_5_naming_the_action(standin: EcrStandIn, cli: Runner) -> None:
    standin.answers["DescribeImageScanFindings"] = lambda body: denied("inspector2:ListFindings")
    result = cli("image", "scan", "team/app:1.0", "--wait", "--fail-on", "HIGH")
    assert result.exit_code == 5
    _one_error_line(result.stderr, "the scan gate needs inspector2:ListFindings")
    assert result.stdout == ""


def test_ignore_file_live_and_expired_entries(
    standin: EcrStandIn, cli: Runner, tmp_path: Path
) -> None:
    standin.scans = [
        scan_answer(
            "ACTIVE",
            enhanced=[enhanced_finding("CVE-A", "CRITICAL"), enhanced_finding("CVE-B", "HIGH")],
        )
    ]
    ignore = tmp_path / ".ecr-ignore"
    ignore.write_text("CVE-A 2999-12-31 not reachable\nCVE-B 2001-01-01 fixed upstream\n")
    args = ["image", "scan", "team/app:1.0", "--wait", "--settle", "1", "--fail-on", "HIGH"]
    result = cli(*args, "--ignore", str(ignore))
    assert result.exit_code == 1
    assert (
        "ecrctl: warning: ignore entry CVE-B expired on 2001-01-01 (line 2): "
        "its findings count again" in result.stderr
    )
    ignore.write_text("CVE-A 2999-12-31 not reachable\nCVE-B 2999-12-31 fixed upstream\n")
    assert cli(*args, "--ignore", str(ignore)).exit_code == 0


def test_fixable_only_says_basic_findings_have_no_fix_data(
    standin: EcrStandIn, cli: Runner
) -> None:
    standin.scan_type, standin.frequency = "BASIC", "MANUAL"
    standin.scans = [scan_answer("COMPLETE", basic=[basic_finding("CVE-C", "HIGH")])]
    result = cli("image", "scan", "team/app:1.0", "--wait", "--fail-on", "HIGH", "--fixable-only")
    assert result.exit_code == 1
    assert "basic findings have no fix data: --fixable-only counts every one" in result.stderr


@pytest.mark.parametrize(
    ("args", "files", "words"),
    [
        (["--wait", "--settle", "60", "--timeout", "60"], {}, "--settle 60 is not shorter"),
        (["--ignore", "{d}/ig"], {"ig": "CVE-1 tomorrow why\n"}, "ig:1: 'tomorrow' is not a date"),
        (["--sarif", "{d}/no/such/out.sarif"], {}, "the directory"),
        (["--fail-on", "SEVERE"], {}, "'SEVERE' is not one of"),
    ],
)
def test_bad_input_is_refused_before_any_call(
    standin: EcrStandIn,
    cli: Runner,
    tmp_path: Path,
    args: list[str],
    files: dict[str, str],
    words: str,
) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    given = [a.replace("{d}", str(tmp_path)) for a in args]
    result = cli("image", "scan", "team/app:1.0", *given)
    assert result.exit_code == 2
    _one_error_line(result.stderr, words)
    assert standin.calls == []


def test_findings_sorted_filtered_and_both_shapes(standin: EcrStandIn, cli: Runner) -> None:
    standin.scans = [
        scan_answer(
            "COMPLETE",
            basic=[basic_finding("CVE-L", "LOW")],
            enhanced=[enhanced_finding("CVE-M", "MEDIUM"), enhanced_finding("CVE-C", "CRITICAL")],
        )
    ]
    result = cli("image", "findings", "team/app:1.0", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert [f["id"] for f in result.json["findings"]] == ["CVE-C", "CVE-M", "CVE-L"]
    assert [f["scanType"] for f in result.json["findings"]] == ["ENHANCED", "ENHANCED", "BASIC"]
    assert "StartImageScan" not in standin.operations()
    high = cli("image", "findings", "team/app:1.0", "--severity", "MEDIUM")
    rows = [line.split()[0] for line in high.stdout.splitlines() if line.startswith("CVE-")]
    assert rows == ["CVE-C", "CVE-M"]


def test_findings_of_an_image_never_scanned(standin: EcrStandIn, cli: Runner) -> None:
    standin.scans = [error("ScanNotFoundException", "Image scan does not exist")]
    result = cli("image", "findings", "team/app:1.0")
    assert result.exit_code == 1
    _one_error_line(result.stderr, "team/app:1.0 has no scan result; scan it: ecrctl image scan")


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
