"""What a doctor check reports: outcomes, rows and their JSON, which checks a request
asks for, and the report's summary."""

from __future__ import annotations

import pytest

from ecrctl.doctor.model import (
    FAIL,
    OK,
    SKIP,
    WARN,
    Check,
    CheckOutcome,
    DoctorReport,
    Request,
    always,
    failure,
    ok,
    skip,
    warning,
    with_repository,
)


def test_outcome_builders() -> None:
    assert ok("fine") == CheckOutcome(OK, "fine", None)
    assert warning("close", "do x") == CheckOutcome(WARN, "close", "do x")
    assert failure("broken") == CheckOutcome(FAIL, "broken", None)
    assert skip("later") == CheckOutcome(SKIP, "later", None)


@pytest.mark.parametrize(
    ("request_", "push", "pull"),
    [
        (Request("app"), True, True),  # neither flag: both
        (Request("app", push=True), True, False),
        (Request("app", pull=True), False, True),
        (Request("app", push=True, pull=True), True, True),
    ],
)
def test_a_request_wants_push_pull_or_both(request_: Request, push: bool, pull: bool) -> None:
    assert (request_.wants_push, request_.wants_pull) == (push, pull)


def test_repository_checks_apply_only_with_a_repository() -> None:
    assert always(Request()) and always(Request("app"))
    assert not with_repository(Request())
    assert with_repository(Request("app"))


def test_report_counts_every_status_and_fails_on_any_failure() -> None:
    checks = [
        Check("a.one", "One", OK, "fine"),
        Check("a.two", "Two", WARN, "close", "do x"),
        Check("a.three", "Three", SKIP, "later"),
    ]
    report = DoctorReport(list(checks))
    assert report.summary == {OK: 1, WARN: 1, FAIL: 0, SKIP: 1}
    assert not report.failed
    report.checks.append(Check("a.four", "Four", FAIL, "broken", "fix it"))
    assert report.failed
    assert report.to_json() == {
        "checks": [
            {"id": "a.one", "title": "One", "status": "ok", "detail": "fine", "fix": None},
            {"id": "a.two", "title": "Two", "status": "warn", "detail": "close", "fix": "do x"},
            {"id": "a.three", "title": "Three", "status": "skip", "detail": "later", "fix": None},
            {
                "id": "a.four",
                "title": "Four",
                "status": "fail",
                "detail": "broken",
                "fix": "fix it",
            },
        ],
        "summary": {"ok": 1, "warn": 1, "fail": 1, "skip": 1},
    }
    assert (
        DoctorReport().summary == {OK: 0, WARN: 0, FAIL: 0, SKIP: 0} and not DoctorReport().failed
    )
