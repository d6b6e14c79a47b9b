"""Running checks at once: a check that hangs is reported within the timeout, the others
keep their answers, in the order given."""

from __future__ import annotations

import time

from ecrctl.aws.clients import Aws
from ecrctl.doctor.facts import DoctorFacts
from ecrctl.doctor.model import FAIL, OK, CheckOutcome, Request
from ecrctl.doctor.runner import Spec, run_checks


def test_a_check_that_hangs_is_reported_within_the_timeout() -> None:
    def hang(facts: DoctorFacts) -> CheckOutcome:
        time.sleep(5)
        return CheckOutcome(OK, "too late")

    def quick(facts: DoctorFacts) -> CheckOutcome:
        return CheckOutcome(OK, "fine")

    specs = [Spec("test.hang", "Hangs", hang), Spec("test.quick", "Quick", quick)]
    started = time.monotonic()
    checks = run_checks(specs, DoctorFacts(Aws(), Request()), timeout=0.5)
    assert time.monotonic() - started < 1.5
    assert [(c.id, c.status) for c in checks] == [("test.hang", FAIL), ("test.quick", OK)]
    assert checks[0].detail == "no answer within 0.5 s"


def test_skips_failures_and_errors_become_rows_in_the_order_given() -> None:
    from ecrctl.doctor.model import SKIP, Skipped
    from ecrctl.errors import NotFound

    def skipped(facts: DoctorFacts) -> CheckOutcome:
        raise Skipped("needs the engine (see docker.engine)")

    def expected_error(facts: DoctorFacts) -> CheckOutcome:
        raise NotFound("no such thing", hint="create it")

    def bug(facts: DoctorFacts) -> CheckOutcome:
        raise ValueError("surprise")

    def fine(facts: DoctorFacts) -> CheckOutcome:
        return CheckOutcome(OK, "fine", None)

    specs = [
        Spec("t.fine", "Fine", fine),
        Spec("t.skip", "Skip", skipped),
        Spec("t.error", "Error", expected_error),
        Spec("t.bug", "Bug", bug),
    ]
    done: list[str] = []
    checks = run_checks(specs, DoctorFacts(Aws(), Request()), on_done=lambda c: done.append(c.id))
    assert [(c.id, c.title, c.status, c.detail, c.fix) for c in checks] == [
        ("t.fine", "Fine", OK, "fine", None),
        ("t.skip", "Skip", SKIP, "needs the engine (see docker.engine)", None),
        ("t.error", "Error", FAIL, "no such thing", "create it"),
        ("t.bug", "Bug", FAIL, "ValueError: surprise", None),
    ]
    assert sorted(done) == sorted(c.id for c in checks)


def test_a_late_check_says_what_to_do() -> None:
    def hang(facts: DoctorFacts) -> CheckOutcome:
        time.sleep(2)
        return CheckOutcome(OK, "too late")

    late: list[str] = []
    (check,) = run_checks(
        [Spec("t.hang", "Hangs", hang)],
        DoctorFacts(Aws(), Request()),
        timeout=0.1,
        on_done=lambda c: late.append(c.id),
    )
    assert check.fix == "check the network and the service it talks to, then retry"
    time.sleep(2.2)
    assert late == []  # a check answering after the report is left out of it
