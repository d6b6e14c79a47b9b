"""How the usage scan calls ECS, Lambda and ECR: botocore's paginators, a few
calls at a time, and a refusal for lack of permission recorded as a gap (the
action it names) instead of an error.

Clients come from :class:`ecrctl.aws.clients.Aws`. When ECR is pointed at an
emulator (``--endpoint-url`` or ``AWS_ENDPOINT_URL_ECR`` on loopback) and ECS or
Lambda has no endpoint of its own, they use that emulator too, as STS does:
the scan never reaches AWS while ECR is emulated.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from ecrctl.aws.access import error_code, error_message, pages
from ecrctl.usage.model import Gap

T = TypeVar("T")
R = TypeVar("R")

# botocore keeps 10 connections per client (max_pool_connections): stay below it
WORKERS = 8

DENIED = {"AccessDeniedException", "AccessDenied", "UnauthorizedOperation"}
GONE = {
    "ClusterNotFoundException",
    "ServiceNotFoundException",
    "ResourceNotFoundException",
    "RepositoryNotFoundException",
}

Progress = Callable[[str, int, int], None]
"""``(what, done, total)``: called as each step of the scan advances."""


def service_client(aws: Any, service: str) -> Any:
    """The ECS or Lambda client (on ECR's emulator endpoint when that is one: see
    :meth:`ecrctl.aws.clients.Aws.lent_endpoint`)."""
    return aws.client(service)


def _action(prefix: str, operation: str) -> str:
    return prefix + ":" + "".join(part.title() for part in operation.split("_"))


class Calls:
    """One scan's API access: gaps and a pool of workers shared by every step."""

    def __init__(self, progress: Progress | None = None, workers: int = WORKERS) -> None:
        self.gaps: list[Gap] = []
        self._lock = threading.Lock()
        self._progress = progress
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ecrctl-usage")

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _refused(self, prefix: str, operation: str, exc: Exception) -> bool:
        code = error_code(exc)
        if code in GONE:
            return True
        if code not in DENIED:
            return False
        gap = Gap(_action(prefix, operation), error_message(exc) or code)
        with self._lock:
            if all(g.action != gap.action for g in self.gaps):
                self.gaps.append(gap)
        return True

    def call(self, client: Any, prefix: str, operation: str, **kwargs: Any) -> dict[str, Any]:
        """One call; ``{}`` when refused for permission (a gap) or the thing is gone."""
        try:
            response: dict[str, Any] = getattr(client, operation)(**kwargs)
            return response
        except Exception as exc:
            if self._refused(prefix, operation, exc):
                return {}
            raise

    def items(
        self,
        client: Any,
        prefix: str,
        operation: str,
        key: str,
        *,
        stop_after: int | None = None,
        **kwargs: Any,
    ) -> list[Any]:
        """Every item under ``key`` of every page (``stop_after``: enough items)."""
        found: list[Any] = []
        try:
            for page in pages(client, operation, **kwargs):
                found.extend(page.get(key) or [])
                if stop_after is not None and len(found) >= stop_after:
                    break
        except Exception as exc:
            if self._refused(prefix, operation, exc):
                return found
            raise
        return found

    def map(self, what: str, function: Callable[[T], R], values: Iterable[T]) -> list[R]:
        """``function`` over ``values``, WORKERS at a time, results in order."""
        listed = list(values)
        results: list[R] = []
        self._report(what, 0, len(listed))
        for done, result in enumerate(self._pool.map(function, listed), start=1):
            results.append(result)
            self._report(what, done, len(listed))
        return results

    def _report(self, what: str, done: int, total: int) -> None:
        if self._progress is not None and total:
            self._progress(what, done, total)


def chunks(values: list[T], size: int) -> list[list[T]]:
    """``values`` in lists of at most ``size`` (DescribeServices takes 10, DescribeTasks 100)."""
    return [values[start : start + size] for start in range(0, len(values), size)]
