"""Running checks concurrently, each within a bounded time.

Every check runs in its own daemon thread; all start together, so the whole
run takes about as long as its slowest check, and never longer than the
timeout: a check still running then is reported as ``fail`` ("no answer")
and left behind (its thread cannot keep the process alive).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ecrctl.doctor.facts import CHECK_TIMEOUT, DoctorFacts
from ecrctl.doctor.model import Check, CheckOutcome, Request, Skipped, always, failure, skip

OnDone = Callable[[Check], None]


@dataclass(frozen=True)
class Spec:
    """A check: its stable id, its title, when it applies, and the function that runs it."""

    id: str
    title: str
    run: Callable[[DoctorFacts], CheckOutcome]
    applies: Callable[[Request], bool] = always


def _outcome(spec: Spec, facts: DoctorFacts) -> CheckOutcome:
    from ecrctl.translate import expected

    try:
        return spec.run(facts)
    except Skipped as exc:
        return skip(str(exc))
    except Exception as exc:
        error = expected(exc)
        return failure(error.message, error.hint)


def run_checks(
    specs: Sequence[Spec],
    facts: DoctorFacts,
    *,
    timeout: float = CHECK_TIMEOUT,
    on_done: OnDone | None = None,
) -> list[Check]:
    """Run ``specs`` concurrently; the checks in the order of ``specs``."""
    lock = threading.Lock()
    results: dict[str, Check] = {}
    closed = False

    def work(spec: Spec) -> None:
        outcome = _outcome(spec, facts)
        check = Check(spec.id, spec.title, outcome.status, outcome.detail, outcome.fix)
        with lock:
            if closed:
                return
            results[spec.id] = check
        if on_done is not None:
            on_done(check)

    threads = [
        threading.Thread(target=work, args=(spec,), name=f"doctor {spec.id}", daemon=True)
        for spec in specs
    ]
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    with lock:
        closed = True
        found = dict(results)
    return [found.get(spec.id) or _late(spec, timeout) for spec in specs]


def _late(spec: Spec, timeout: float) -> Check:
    return Check(
        spec.id,
        spec.title,
        "fail",
        f"no answer within {timeout:g} s",
        "check the network and the service it talks to, then retry",
    )
