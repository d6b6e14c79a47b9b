"""The one place that accounts for batch work: what was done, what failed (with
its code), what was never attempted, and what cannot be known.

Every batch command (image delete, image retag, repo delete, repo copy, login
with several registries, image delete --public) keeps its items as :class:`Item`
records, runs its calls through :func:`run_chunks` (calls of many items),
:func:`run_each` (one item per call, on a pool of workers) or, for one atomic
call, :class:`InFlight`, and adds :func:`report` to its JSON: one shape for all.
A call that raises stops the batch: the items of that call are settled from the
service's state when ``reconcile`` can read it, else they are ``unknown``; the
rest stay ``not-attempted``. Ctrl-C and SIGTERM settle the same way (calls
already sent get :data:`IN_FLIGHT_WAIT` seconds to answer) and leave as
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

UNKNOWN_CODE = "Unconfirmed"
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

    def take(self) -> None:
        """The item's call is about to be sent: unknown until its answer settles it,
        so that no item is ever in flight while reported not attempted."""
        self.settle(UNKNOWN, UNKNOWN_CODE, UNKNOWN_REASON)

    def failure_fields(self) -> dict[str, str | None]:
        """``failureCode`` and ``failureReason`` for an item's JSON, when it failed."""
        if not self.failure_code:
            return {}
        return {"failureCode": self.failure_code, "failureReason": self.failure_reason}

    def detail(self) -> dict[str, Any]:
        """The command's own fields of this item (a copy's digest, a tag's previous
        digest, ...): the ``detail`` of its entry in :func:`report`."""
        return {}


ItemT = TypeVar("ItemT", bound=Item)


def count(items: Iterable[Item], status: str) -> int:
    return sum(1 for item in items if item.status == status)


def complete(items: Sequence[Item]) -> bool:
    """The batch ran to its end: every item done, or failed by the service's answer."""
    return all(
        item.status == DONE or (item.status == FAILED and item.failure_code != CALL_FAILED)
        for item in items
    )


# the report's list of each status, in the order the report gives them
LISTS = {DONE: "done", FAILED: "failed", NOT_ATTEMPTED: "notAttempted", UNKNOWN: "unknown"}


def entry(item: Item, detail: dict[str, Any]) -> dict[str, Any]:
    """One item in its report list: ``{"id", "detail"}``, and for a failed or unknown
    item ``failureCode`` and ``failureReason`` before the detail."""
    data: dict[str, Any] = {"id": item.key}
    if item.status in (FAILED, UNKNOWN):
        data["failureCode"] = item.failure_code
        data["failureReason"] = item.failure_reason
    data["detail"] = detail
    return data


def report(
    items: Sequence[ItemT], detail: Callable[[ItemT], dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The JSON account every batch command adds to its output (docs/output.md):
    ``complete``, then each status's list of items in batch order. ``detail``:
    an item's own fields, when the item cannot say them (default ``Item.detail``)."""
    data: dict[str, Any] = {"complete": complete(items)}
    data.update({name: [] for name in LISTS.values()})
    for item in items:
        fields = detail(item) if detail is not None else item.detail()
        data[LISTS[item.status]].append(entry(item, fields))
    return data


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
    return type(cause)(f"{cause.message.rstrip('.')}; {summary(items, verb)}", hint=cause.hint)


def expected_error(exc: BaseException) -> EcrctlError:
    """``exc`` as the ecrctl error the user is shown (its class names a failure)."""
    from ecrctl.translate import expected

    return expected(exc)


def settle_unsettled(items: Iterable[Item], status: str = UNKNOWN) -> None:
    """Settle every item still unsettled as ``status`` (``unknown``: code Unconfirmed)."""
    for item in items:
        if not item.settled and status == UNKNOWN:
            item.take()
        elif not item.settled:
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


Work = Callable[[ItemT], bool | None]
Settle = Callable[[list[ItemT], BaseException], None]


def run_each(
    items: list[ItemT],
    work: Work[ItemT],
    reconcile: Settle[ItemT] | None = None,
    *,
    workers: int = 1,
    verb: str = "done",
    grace: float = IN_FLIGHT_WAIT,
) -> None:
    """Run ``work`` on every item not yet settled, one call per item, ``workers`` at
    a time (items settled before, such as tags already in place, are only counted).

    Each item is taken from one shared list and marked unknown as it is taken;
    ``work`` settles it (an item it leaves unknown is done) and returns False to
    end the taking (the rest stay not attempted). A ``work`` that raises, Ctrl-C
    or SIGTERM stops the batch: nothing more is taken, the calls in flight get
    ``grace`` seconds to answer, then ``reconcile`` is handed every item not yet
    done or failed with the exception, to settle from the service's state what it
    can; the error raised names the cause and counts what was done."""
    pool = _Pool([i for i in items if not i.settled], work, workers)
    try:
        pool.run()
    except (Exception, KeyboardInterrupt, Signalled) as exc:
        pool.halt(grace)
        if reconcile is not None:
            with contextlib.suppress(Exception):  # the service cannot say either
                reconcile([i for i in items if i.status in (UNKNOWN, NOT_ATTEMPTED)], exc)
        raise stopped(exc, items, verb) from exc


class _Pool:
    """The workers of :func:`run_each` (daemon threads: a call still hanging never
    holds up the exit once the report is out). The main thread waits on an event,
    never in ``Thread.join``: a signal that interrupts a join makes Python 3.11
    take a running thread for finished."""

    def __init__(self, items: list[ItemT], work: Work[ItemT], workers: int) -> None:
        self.waiting: list[Any] = list(items)
        self.work: Callable[[Any], bool | None] = work
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.go = threading.Event()  # every worker starts at once, so the work spreads
        self.finished = threading.Event()  # set by the last worker to end
        self.errors: list[BaseException] = []
        self.running = max(0, min(workers, len(items)))
        self.threads = [
            threading.Thread(target=self._worker, daemon=True) for _ in range(self.running)
        ]
        if not self.threads:
            self.finished.set()

    def _worker(self) -> None:
        try:
            self.go.wait()
            self._take_and_work()
        finally:
            with self.lock:
                self.running -= 1
                if not self.running:
                    self.finished.set()

    def _take_and_work(self) -> None:
        while not self.stop.is_set():
            with self.lock:
                if not self.waiting:
                    return
                item = self.waiting.pop(0)
                item.take()
            try:
                more = self.work(item)
            except BaseException as exc:  # handed to the main thread
                self.errors.append(exc)
                self.stop.set()
                return
            if item.status == UNKNOWN:
                item.settle(DONE)
            if more is False:
                self.stop.set()

    def run(self) -> None:
        for thread in self.threads:
            thread.start()
        self.go.set()
        while not self.finished.wait(0.1):  # short waits: a signal is handled at once
            pass
        if self.errors:
            raise self.errors[0]

    def halt(self, grace: float) -> None:
        """Take nothing more; wait up to ``grace`` seconds for the calls in flight."""
        self.stop.set()
        self.go.set()
        self.finished.wait(grace)


T = TypeVar("T")


class InFlight(Generic[T]):
    """One call run in a worker thread, so that a signal in the main thread does
    not cut it off: after Ctrl-C or SIGTERM the caller can still :meth:`wait` a
    bounded time for the answer of a call already sent, instead of guessing.
    Also work done beside the main thread's (``image copy`` reads its destination
    while it reads the source): :meth:`result` joins it.

    The thread is a daemon: a call still unanswered never holds up the exit.
    """

    def __init__(self, call: Callable[[], T], *, start: bool = True) -> None:
        """``start=False``: the caller calls :meth:`start` inside its own ``try``, so
        that a signal arriving while the thread starts still finds the call to wait for."""
        self.value: T | None = None
        self.error: Exception | None = None
        self._answered = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(call,), daemon=True)
        if start:
            self.start()

    def start(self) -> None:
        self._thread.start()

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
