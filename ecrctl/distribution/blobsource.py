"""A source blob read as it arrives: hashed and counted on the way, its last
chunk held back until the whole blob is checked, and a source that breaks off
or stalls named as the source (never blamed on the destination)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from ecrctl.distribution.client import DigestMismatch
from ecrctl.distribution.transport import Deadline
from ecrctl.errors import EcrctlError, Interrupted, ServiceError

if TYPE_CHECKING:
    import threading

SMALL_BLOB = 1 << 20  # read into memory (and retried as bytes) below this size
READ_SIZE = 1 << 20  # a chunk; the last one is sent only once the blob is checked


class SourceError(ServiceError):
    """The source failed in the middle of a blob: named, so the destination is not blamed."""


class BlobSource:
    """A source blob's bytes as they arrive, hashed and counted on the way.

    :meth:`body` is the body of the PUT that commits the blob, sent with its
    ``Content-Length``: each chunk is handed over once the next has arrived, and
    the last only once the whole blob matches its digest and size. A wrong blob,
    or a source that breaks off or stalls, raises from inside the body, so the
    request is cut short of its length and the registry never has the whole
    blob; :meth:`check` raises it again. :meth:`whole` reads a small blob into
    memory, checked before any of it is sent."""

    def __init__(
        self,
        response: Any,
        deadline: Deadline,
        digest: str,
        size: int,
        on_bytes: Callable[[int], None],
        label: str,
        stop: threading.Event | None = None,
    ) -> None:
        self.raw = response.raw
        self.stop = stop
        self.deadline = deadline
        self.digest = digest
        self.size = size
        self.count = 0
        self.hash = hashlib.sha256()
        self.on_bytes = on_bytes
        self.label = label
        self.failure: EcrctlError | None = None

    def body(self) -> Body:
        """The blob as a request body of ``size`` bytes."""
        return Body(self._chunks(), self.size)

    def _chunks(self) -> Iterator[memoryview]:
        held = b""
        while True:
            try:
                self._check_stop()
                if self.count >= self.size:
                    self._verify()
                    break
                chunk = self._read(min(READ_SIZE, self.size - self.count))
                if not chunk:
                    raise self._short()
            except EcrctlError as exc:
                self.failure = exc
                raise  # the held chunk, the blob's end, is never sent
            if held:
                yield memoryview(held)
            held = chunk
        yield memoryview(held)

    def check(self) -> None:
        """Raise what cut :meth:`body` short, if anything did."""
        if self.failure is not None:
            raise self.failure

    def whole(self) -> bytes:
        """All the bytes, checked."""
        parts = []
        while self.count < self.size:
            chunk = self._read(min(READ_SIZE, self.size - self.count))
            if not chunk:
                raise self._short()
            parts.append(chunk)
        self._verify()
        self._check_stop()
        return b"".join(parts)

    def _check_stop(self) -> None:
        """Another blob of the copy failed: end here, so the upload can be cancelled."""
        if self.stop is not None and self.stop.is_set():
            raise Interrupted(f"{self.label}: not finished, the copy stopped")

    def _verify(self) -> None:
        if self._read(1):
            raise DigestMismatch(f"{self.label}: more bytes than the {self.size} declared")
        actual = "sha256:" + self.hash.hexdigest()
        if actual != self.digest:
            raise DigestMismatch(
                f"{self.label}: the source sent {self.count} bytes hashing to {actual}, "
                f"not {self.size} bytes of {self.digest}",
                hint="nothing was tagged; retry, and check the source registry or any proxy",
            )

    def _read(self, amount: int) -> bytes:
        try:
            chunk: bytes = self.raw.read(amount, decode_content=False)
        except Exception as exc:  # urllib3's and the socket's: the source broke off
            if self.deadline.passed:
                raise self.deadline.stalled() from None
            raise self._short(type(exc).__name__) from None
        if chunk:
            self.count += len(chunk)
            self.hash.update(chunk)
            self.on_bytes(len(chunk))
        return chunk

    def _short(self, cause: str = "") -> SourceError:
        said = f" ({cause})" if cause else ""
        return SourceError(
            f"{self.label}: the source broke off after {self.count} of {self.size} bytes{said}",
            hint="nothing was committed at the destination; retry, and check the source "
            "registry or any proxy in front of it",
        )


class Body:
    """A streamed request body of known length: both HTTP stacks send it with its
    ``Content-Length`` (requests asks ``len``), not in the chunked encoding."""

    def __init__(self, chunks: Iterator[memoryview], size: int) -> None:
        self.chunks = chunks
        self.size = size

    def __iter__(self) -> Iterator[memoryview]:
        return self.chunks

    def __len__(self) -> int:
        return self.size
