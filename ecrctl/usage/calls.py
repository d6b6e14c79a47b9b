"""How the usage scan calls AWS: botocore's paginators, a few calls at a time, and
every call that does not answer kept as a gap (the action it names, why, and the
account and region) instead of an error: refused for permission, throttled past
botocore's retries, failed (a server error, a page that never came, a connection
that dropped). A gap makes usage unknown; it never reads as "not in use".

Clients come from :class:`ecrctl.aws.clients.Aws`. When ECR is pointed at an
emulator (``--endpoint-url`` or ``AWS_ENDPOINT_URL_ECR`` on loopback) and a
service has no endpoint of its own, it uses that emulator too, as STS does: the
scan never reaches AWS while ECR is emulated.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from ecrctl.aws.access import error_code, error_message, pages
from ecrctl.aws.errors import BOTOCORE_THROTTLED
from ecrctl.usage.causes import DENIED, FAILED, THROTTLED, Gap, RepositoryKey
from ecrctl.usage.scope import Scope

T = TypeVar("T")
R = TypeVar("R")

# botocore keeps 10 connections per client (max_pool_connections): stay below it
WORKERS = 8

DENIED_CODES = {"AccessDeniedException", "AccessDenied", "UnauthorizedOperation"}
GONE_CODES = {
    "ClusterNotFoundException",
    "ServiceNotFoundException",
    "ResourceNotFoundException",
    "RepositoryNotFoundException",
}
Progress = Callable[[str, int, int], None]
"""``(what, done, total)``: called as each step of the scan advances."""


def service_client(aws: Any, service: str) -> Any:
    """A client of ``service`` (on ECR's emulator endpoint when that is one: see
    :meth:`ecrctl.aws.clients.Aws.lent_endpoint`)."""
    return aws.client(service)


def action(prefix: str, operation: str) -> str:
    """The IAM action of a botocore operation: ``ecs:ListClusters``."""
    return prefix + ":" + "".join(part.title() for part in operation.split("_"))


def _reason(exc: Exception) -> str | None:
    """DENIED, THROTTLED or FAILED for an AWS call that did not answer; None for a
    bug or a setting (bad parameters, no credentials), which stays an error."""
    code = error_code(exc)
    if code in DENIED_CODES:
        return DENIED
    if code in BOTOCORE_THROTTLED:
        return THROTTLED
    if code:
        return FAILED
    from botocore.exceptions import ConnectionError, HTTPClientError

    return FAILED if isinstance(exc, ConnectionError | HTTPClientError) else None


class Calls:
    """One scan's API access in one account and region: its gaps, and a pool of
    workers shared by every step and every account and region (:meth:`at`)."""

    def __init__(self, progress: Progress | None = None, workers: int = WORKERS) -> None:
        self.gaps: list[Gap] = []
        self.account = ""
        self.region = ""
        self.where = ""  # "" for the registry's own account and region
        self.key: RepositoryKey | None = None  # the one repository its gaps concern
        self._lock = threading.Lock()
        self._progress = progress
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ecrctl-usage")

    def at(self, account: str, region: str, where: str, key: RepositoryKey | None = None) -> Calls:
        """The same pool and gaps, with gaps placed in ``account`` and ``region``
        (and concerning only the repository ``key``, when given)."""
        bound = object.__new__(Calls)
        bound.__dict__.update(self.__dict__)
        bound.account, bound.region, bound.where, bound.key = account, region, where, key
        return bound

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def gap(self, gap: Gap) -> None:
        """Keep ``gap`` (once per action, reason and place)."""
        with self._lock:
            if gap not in self.gaps:
                self.gaps.append(gap)

    def _refused(self, prefix: str, operation: str, exc: Exception) -> bool:
        if error_code(exc) in GONE_CODES:
            return True
        reason = _reason(exc)
        if reason is None:
            return False
        message = error_message(exc) or error_code(exc) or str(exc)
        self.gap(
            Gap(
                action(prefix, operation),
                message,
                reason,
                self.where,
                self.account,
                self.region,
                key=self.key,
            )
        )
        return True

    def call(self, client: Any, prefix: str, operation: str, **kwargs: Any) -> dict[str, Any]:
        """One call; ``{}`` when it did not answer (a gap) or the thing is gone."""
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
        """Every item under ``key`` of every page (``stop_after``: enough items); the
        items of the pages before one that did not answer (a gap)."""
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

    def tokens(
        self, client: Any, prefix: str, operation: str, key: str, **kwargs: Any
    ) -> list[Any]:
        """:meth:`items` of an operation botocore has no paginator for: ``NextToken``
        followed by hand."""
        found: list[Any] = []
        token: str | None = None
        while True:
            extra = {"NextToken": token} if token else {}
            page = self.call(client, prefix, operation, **kwargs, **extra)
            found.extend(page.get(key) or [])
            token = page.get("NextToken")
            if not token:
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


class ServiceScan:
    """One service's part of the scan in one account and region: its client, the
    scan's :class:`Calls`, and the :class:`Scope` it counts what it reads into."""

    prefix = ""  # the service's IAM prefix, as its gaps name actions: "ecs", "lambda", ...

    def __init__(self, client: Any, calls: Calls, scope: Scope) -> None:
        self.client = client
        self.calls = calls
        self.scope = scope

    def items(self, operation: str, key: str, **kwargs: Any) -> list[Any]:
        """:meth:`Calls.items` of this service's client."""
        return self.calls.items(self.client, self.prefix, operation, key, **kwargs)

    def call(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        """:meth:`Calls.call` of this service's client."""
        return self.calls.call(self.client, self.prefix, operation, **kwargs)


def chunks(values: list[T], size: int) -> list[list[T]]:
    """``values`` in lists of at most ``size`` (DescribeServices takes 10, DescribeTasks 100)."""
    return [values[start : start + size] for start in range(0, len(values), size)]
