"""``ecrctl.batch``: the one report shape, what ``complete`` means, the errors a
stopped batch leaves with, and the two ways batch work runs (calls of many items,
one item per call on a pool of workers), under real signals too."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from ecrctl import batch
from ecrctl.errors import Interrupted, ServiceError, Signalled, Terminated

# -- the report ------------------------------------------------------------------------


@dataclass
class Copy(batch.Item):
    """An item with fields of its own, as a command's items have."""

    digest: str = ""

    def detail(self) -> dict[str, Any]:
        return {"digest": self.digest}


def items_of_every_status() -> list[Copy]:
    done, failed, waiting, lost = Copy("v1", digest="d1"), Copy("v2"), Copy("v3"), Copy("v4")
    done.settle(batch.DONE)
    failed.settle(batch.FAILED, "ImageTagAlreadyExistsException", "tag 'v2' exists")
    lost.take()
    return [done, failed, waiting, lost]


def test_the_report_lists_every_item_under_its_status_with_its_detail() -> None:
    assert batch.report(items_of_every_status()) == {
        "complete": False,
        "done": [{"id": "v1", "detail": {"digest": "d1"}}],
        "failed": [
            {
                "id": "v2",
                "failureCode": "ImageTagAlreadyExistsException",
                "failureReason": "tag 'v2' exists",
                "detail": {"digest": ""},
            }
        ],
        "notAttempted": [{"id": "v3", "detail": {"digest": ""}}],
        "unknown": [
            {
                "id": "v4",
                "failureCode": "Unconfirmed",
                "failureReason": batch.UNKNOWN_REASON,
                "detail": {"digest": ""},
            }
        ],
    }


def test_the_report_keeps_the_batch_order_within_each_list() -> None:
    items = [batch.Item(key) for key in ("c", "a", "b")]
    for item in items:
        item.settle(batch.DONE)
    assert [e["id"] for e in batch.report(items)["done"]] == ["c", "a", "b"]


def test_a_detail_the_item_cannot_say_is_given_by_the_caller() -> None:
    item = batch.Item("host")
    item.settle(batch.DONE)
    data = batch.report([item], detail=lambda i: {"host": i.key})
    assert data["done"] == [{"id": "host", "detail": {"host": "host"}}]


def test_an_empty_batch_is_complete_with_every_list_empty() -> None:
    empty: list[batch.Item] = []
    assert batch.report(empty) == {
        "complete": True,
        "done": [],
        "failed": [],
        "notAttempted": [],
        "unknown": [],
    }


@pytest.mark.parametrize(
    ("status", "code", "complete"),
    [
        (batch.DONE, None, True),
        (batch.FAILED, "AccessDeniedException", True),  # the service's own answer
        (batch.FAILED, batch.CALL_FAILED, False),  # the call raised: the batch stopped
        (batch.NOT_ATTEMPTED, None, False),
        (batch.UNKNOWN, batch.UNKNOWN_CODE, False),
    ],
)
def test_complete_means_the_batch_ran_to_its_end(
    status: str, code: str | None, complete: bool
) -> None:
    item = batch.Item("x")
    item.settle(status, code)
    assert batch.report([item])["complete"] is complete


def test_summary_and_the_exit_1_error_count_every_status() -> None:
    items = items_of_every_status()
    text = "1 of 4 tagged, 1 failed, 1 not attempted, 1 unknown (sent, answer lost)"
    assert batch.summary(items, "tagged") == text
    error = batch.outcome_error(items, "tagged")
    assert error is not None and error.message == text and error.exit_code == 1
    done = [batch.Item("a", batch.DONE)]
    assert batch.outcome_error(done) is None


@pytest.mark.parametrize(
    ("exc", "kind", "start"),
    [
        (Signalled(Signalled.SIGTERM), Terminated, "terminated (SIGTERM): stopped; "),
        (Signalled(Signalled.SIGINT), Interrupted, "interrupted: stopped; "),
        (KeyboardInterrupt(), Interrupted, "interrupted; "),
        (RuntimeError("boom"), ServiceError, "RuntimeError: boom; "),
    ],
)
def test_a_stopped_batch_names_its_cause_then_the_count(
    exc: BaseException, kind: type[Exception], start: str
) -> None:
    error = batch.stopped(exc, items_of_every_status())
    assert type(error) is kind
    assert error.message == start + batch.summary(items_of_every_status())


# -- run_chunks ------------------------------------------------------------------------


def test_run_chunks_settles_a_raising_call_from_the_state_and_leaves_the_rest() -> None:
    items = [batch.Item(str(n)) for n in range(7)]
    calls: list[list[str]] = []

    def call(chunk: list[batch.Item]) -> None:
        calls.append([i.key for i in chunk])
        if len(calls) == 2:
            raise RuntimeError("connection reset")

    def reconcile(chunk: list[batch.Item]) -> None:
        chunk[0].settle(batch.DONE)  # the state says the first one went

    with pytest.raises(ServiceError, match="connection reset; 4 of 7 done"):
        batch.run_chunks(items, 3, call, reconcile)
    assert calls == [["0", "1", "2"], ["3", "4", "5"]]
    assert [i.status for i in items] == [batch.DONE] * 4 + [batch.UNKNOWN] * 2 + [
        batch.NOT_ATTEMPTED
    ]


# -- run_each --------------------------------------------------------------------------


def statuses(items: list[batch.Item]) -> list[str]:
    return [i.status for i in items]


def test_run_each_works_every_item_within_the_worker_bound() -> None:
    items = [batch.Item(str(n)) for n in range(40)]
    lock = threading.Lock()
    busy = peak = 0

    def work(item: batch.Item) -> None:
        nonlocal busy, peak
        assert item.status == batch.UNKNOWN  # taken: never in flight as not attempted
        with lock:
            busy += 1
            peak = max(peak, busy)
        time.sleep(0.01)
        with lock:
            busy -= 1

    batch.run_each(items, work, workers=6)
    assert statuses(items) == [batch.DONE] * 40  # left unknown by work: done
    assert 1 < peak <= 6


def test_run_each_counts_settled_items_without_working_them() -> None:
    items = [batch.Item("kept", batch.DONE), batch.Item("new")]
    worked: list[str] = []
    batch.run_each(items, lambda item: worked.append(item.key) or None)
    assert worked == ["new"] and statuses(items) == [batch.DONE, batch.DONE]


def test_run_each_work_returning_false_ends_the_taking() -> None:
    items = [batch.Item(str(n)) for n in range(5)]

    def work(item: batch.Item) -> bool:
        if item.key == "1":
            item.settle(batch.FAILED, "AuthError", "credentials refused")
            return False
        return True

    batch.run_each(items, work)  # one worker: the items in order
    assert statuses(items) == [batch.DONE, batch.FAILED] + [batch.NOT_ATTEMPTED] * 3


def test_run_each_stops_on_a_raising_work_and_reconciles_what_is_unsettled() -> None:
    items = [batch.Item(str(n)) for n in range(5)]
    handed: list[tuple[list[str], BaseException]] = []

    def work(item: batch.Item) -> None:
        if item.key == "2":
            raise RuntimeError("no answer")

    def reconcile(unsettled: list[batch.Item], exc: BaseException) -> None:
        handed.append(([i.key for i in unsettled], exc))

    with pytest.raises(ServiceError, match=r"RuntimeError: no answer; 2 of 5 done, 2 not at"):
        batch.run_each(items, work, reconcile, grace=1)
    [(keys, exc)] = handed
    assert keys == ["2", "3", "4"] and isinstance(exc, RuntimeError)
    assert statuses(items)[2:] == [batch.UNKNOWN] + [batch.NOT_ATTEMPTED] * 2


@pytest.fixture
def raise_signalled() -> Iterator[None]:
    """ecrctl's own handlers (cli.main): SIGINT and SIGTERM raise Signalled."""

    def handler(signum: int, frame: object) -> None:
        raise Signalled(signum)

    old = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, previous in old.items():
            signal.signal(signum, previous)


@pytest.mark.usefixtures("raise_signalled")
@pytest.mark.parametrize(
    ("signum", "kind", "name"),
    [(signal.SIGINT, Interrupted, "interrupted"), (signal.SIGTERM, Terminated, r"\(SIGTERM\)")],
    ids=["SIGINT", "SIGTERM"],
)
def test_a_signal_waits_for_the_call_in_flight(
    signum: int, kind: type[Exception], name: str
) -> None:
    """A real signal while item 1 is in flight: its answer, 0.3 s later, still counts
    (done), the rest are not attempted, and the error says what was done."""
    items = [batch.Item(str(n)) for n in range(4)]
    handed: list[str] = []

    def work(item: batch.Item) -> None:
        if item.key == "1":
            os.kill(os.getpid(), signum)  # handled by the main thread, as in ecrctl
            time.sleep(0.3)

    def reconcile(unsettled: list[batch.Item], exc: BaseException) -> None:
        handed.extend(i.key for i in unsettled)
        assert isinstance(exc, Signalled)

    with pytest.raises(kind, match=f"{name}: stopped; 2 of 4 done, 2 not attempted$") as caught:
        batch.run_each(items, work, reconcile, grace=5)
    assert type(caught.value) is kind
    assert statuses(items) == [batch.DONE, batch.DONE, batch.NOT_ATTEMPTED, batch.NOT_ATTEMPTED]
    assert handed == ["2", "3"]


@pytest.mark.usefixtures("raise_signalled")
def test_sigterm_with_a_call_unanswered_past_the_grace_leaves_it_unknown() -> None:
    items = [batch.Item(str(n)) for n in range(3)]
    release = threading.Event()

    def work(item: batch.Item) -> None:
        if item.key == "0":
            os.kill(os.getpid(), signal.SIGTERM)
            release.wait(10)  # answered only after the report is made

    try:
        with pytest.raises(Terminated) as caught:
            batch.run_each(items, work, grace=0.3)
    finally:
        release.set()
    assert caught.value.exit_code == 143
    assert "0 of 3 done, 2 not attempted, 1 unknown (sent, answer lost)" in caught.value.message
    assert statuses(items) == [batch.UNKNOWN, batch.NOT_ATTEMPTED, batch.NOT_ATTEMPTED]
