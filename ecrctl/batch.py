"""The one place that accounts for batch work: what was done, what failed (with
its code), what was never attempted, and what cannot be known.

Every batch command (image delete, image retag, repo delete, login with several
registries) keeps its items as :class:`Item` records and runs its calls through
:func:`run_chunks` (or, for one atomic call, :class:`InFlight`). A call that
raises stops the batch: the items of that call are settled from the service's
state when ``reconcile`` can read it, else they are ``unknown``; the rest stay
``not-attempted``. Ctrl-C and SIGTERM settle the same way and leave as
:class:`ecrctl.errors.Interrupted` / :class:`ecrctl.errors.Terminated`, so the
caller can render the partial report before the error line.

Pure: no click, no rich, no botocore.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from ecrctl.errors import EcrctlError, Interrupted, PartialFailure, Signalled, Terminated

DONE = "done"
FAILED = "failed"
NOT_ATTEMPTED = "not-attempted"
UNKNOWN = "unknown"  # sent, but the answer never came and the state could not be read

UNKNOWN_REASON = "the call was sent but its answer was lost"
# the failureCode of an item whose call raised and whose state, read back, shows it
# was not done: failed, and the batch did not run to its end
CALL_FAILED = "CallFailed"
# seconds a batch stopped by a signal still waits for the answers of calls already
# sent (retag's puts, repo delete's DeleteRepository), so they are reported as answered
IN_FLIGHT_WAIT = 5.0


@dataclass
class Item:
    """One item of a batch and what happened to it."""

    key: str
    status: str = NOT_ATTEMPTED
    failure_code: str | None = None
    failure_reason: str | None = None

    def settle(self, status: str, code: str | None = None, reason: str | None = None) -> None:
        self.status = status
        self.failure_code = code
        self.failure_reason = reason

    @property
    def settled(self) -> bool:
        return self.status != NOT_ATTEMPTED

    def failure_fields(self) -> dict[str, str | None]:
        """``failureCode`` and ``failureReason`` for an item's JSON, when it failed."""
        if not self.failure_code:
            return {}
        return {"failureCode": self.failure_code, "failureReason": self.failure_reason}


ItemT = TypeVar("ItemT", bound=Item)


def count(items: Iterable[Item], status: str) -> int:
    return sum(1 for item in items if item.status == status)


def complete(items: Sequence[Item]) -> bool:
    """The batch ran to its end: every item done, or failed by the service's answer."""
    return all(
        item.status == DONE or (item.status == FAILED and item.failure_code != CALL_FAILED)
        for item in items
    )


def report(items: Sequence[Item]) -> dict[str, Any]:
    """The JSON accounting every batch command adds to its output."""
    return {
        "complete": complete(items),
        "done": [i.key for i in items if i.status == DONE],
        "failed": [
            {"id": i.key, "failureCode": i.failure_code, "failureReason": i.failure_reason}
            for i in items
            if i.status == FAILED
        ],
        "notAttempted": [i.key for i in items if i.status == NOT_ATTEMPTED],
        "unknown": [i.key for i in items if i.status == UNKNOWN],
    }


def summary(items: Sequence[Item], verb: str = "done") -> str:
    """``3 of 10 done, 1 failed, 5 not attempted, 1 unknown`` (zero counts left out)."""
    parts = [f"{count(items, DONE)} of {len(items)} {verb}"]
    for status, label in ((FAILED, "failed"), (NOT_ATTEMPTED, "not attempted"), (UNKNOWN, "")):
        n = count(items, status)
        if n and status == UNKNOWN:
            parts.append(f"{n} unknown (sent, answer lost)")
        elif n:
            parts.append(f"{n} {label}")
    return ", ".join(parts)


def outcome_error(items: Sequence[Item], verb: str = "done") -> PartialFailure | None:
    """The exit-1 error of a batch that finished with anything but every item done."""
    if all(item.status == DONE for item in items):
        return None
    return PartialFailure(summary(items, verb), hint="see the report above")


def stopped(exc: BaseException, items: Sequence[Item], verb: str = "done") -> EcrctlError:
    """The error a batch leaves with when ``exc`` stopped it: the cause, then the count."""
    from ecrctl.translate import expected

    if isinstance(exc, Signalled):
        kind = Terminated if exc.signum == Signalled.SIGTERM else Interrupted
        return kind(f"{exc.name}: stopped; {summary(items, verb)}")
    if isinstance(exc, KeyboardInterrupt):
        return Interrupted(f"interrupted; {summary(items, verb)}")
    cause = expected(exc)
    error = type(cause)(f"{cause.message.rstrip('.')}; {summary(items, verb)}", hint=cause.hint)
    return error


def expected_error(exc: BaseException) -> EcrctlError:
    """``exc`` as the ecrctl error the user is shown (its class names a failure)."""
    from ecrctl.translate import expected

    return expected(exc)


def settle_unsettled(items: Iterable[Item], status: str = UNKNOWN) -> None:
    """Settle every item still unsettled as ``status`` (``unknown``: code Unconfirmed)."""
    for item in items:
        if item.settled:
            continue
        if status == UNKNOWN:
            item.settle(UNKNOWN, "Unconfirmed", UNKNOWN_REASON)
        else:
            item.settle(status)


Call = Callable[[list[ItemT]], None]
Reconcile = Callable[[list[ItemT]], None]


def run_chunks(
    items: list[ItemT],
    size: int,
    call: Call[ItemT],
    reconcile: Reconcile[ItemT] | None = None,
    *,
    verb: str = "done",
) -> int:
    """Run ``call`` on ``items`` ``size`` at a time (it settles each item it was
    given); returns the number of calls. A call that raises stops the batch:
    its items are settled by ``reconcile`` (the service's state) when it can,
    else ``unknown``; the error raised names what was done."""
    calls = 0
    for start in range(0, len(items), size):
        chunk = items[start : start + size]
        try:
            calls += 1
            call(chunk)
        except (Exception, KeyboardInterrupt, Signalled) as exc:
            if reconcile is not None and isinstance(exc, Exception):
                with contextlib.suppress(Exception):  # the service cannot say either
                    reconcile(chunk)
            settle_unsettled(chunk)
            raise stopped(exc, items, verb) from exc
        settle_unsettled(chunk, DONE)
    return calls


T = TypeVar("T")


class InFlight(Generic[T]):
    """One call run in a worker thread, so that a signal in the main thread does
    not cut it off: after Ctrl-C or SIGTERM the caller can still :meth:`wait` a
    bounded time for the answer of a call already sent, instead of guessing.
    Also work done beside the main thread's (``image copy`` reads its destination
    while it reads the source): :meth:`result` joins it.

    The thread is a daemon: a call still unanswered never holds up the exit.
    """

    def __init__(self, call: Callable[[], T]) -> None:
        self.value: T | None = None
        self.error: Exception | None = None
        self._answered = threading.Event()
        threading.Thread(target=self._run, args=(call,), daemon=True).start()

    def _run(self, call: Callable[[], T]) -> None:
        try:
            self.value = call()
        except Exception as exc:  # handed to the caller, who settles the items from it
            self.error = exc
        finally:
            self._answered.set()

    @property
    def answered(self) -> bool:
        """The call returned or raised (its answer, or botocore's last error, is in)."""
        return self._answered.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the answer (interruptible by a signal); whether it came."""
        return self._answered.wait(timeout)

    def result(self) -> T:
        """Wait for the answer: the call's value, or what it raised, raised here."""
        self.wait()
        if self.error is not None:
            raise self.error
        return cast(T, self.value)
