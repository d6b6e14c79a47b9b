"""Moving blobs from one registry to another: skipped when the destination has
them, mounted across repositories of one registry, else streamed.

A streamed blob goes straight from the source's GET into the destination's
PATCH (no temp file, one read buffer in memory), hashed on the way: a blob
whose bytes do not match its digest or size is never committed. A
:class:`BlobMover` moves each (destination repository, digest) once per run,
from any number of threads, and remembers where in a destination registry a
blob already is, so that later repositories mount it instead of moving bytes.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ecrctl.distribution.client import DigestMismatch, RegistryClient
from ecrctl.distribution.content import scope
from ecrctl.errors import AccessDenied, AuthError, ServiceError

log = logging.getLogger("ecrctl")

SMALL_BLOB = 1 << 20  # read into memory (and retried as bytes) below this size
READ_SIZE = 1 << 20


@dataclass(frozen=True)
class BlobEvent:
    """Progress of one blob: ``status`` checking|copying|copied|mounted|exists|failed."""

    digest: str
    size: int
    status: str
    done: int = 0


BlobCallback = Callable[[BlobEvent], None]


def _ignore(_: BlobEvent) -> None:
    return None


class VerifyingReader:
    """A file-like view of a source blob that hashes what passes through and
    raises :class:`DigestMismatch` before the last byte is handed over wrongly."""

    def __init__(
        self, raw: Any, digest: str, size: int, on_bytes: Callable[[int], None], label: str
    ) -> None:
        self.raw = raw
        self.digest = digest
        self.size = size
        self.count = 0
        self.hash = hashlib.sha256()
        self.on_bytes = on_bytes
        self.label = label

    def __len__(self) -> int:  # requests sends Content-Length instead of chunks
        return self.size

    def read(self, amount: int = -1) -> bytes:
        # read more than http.client asks for (it sends whatever it gets): fewer
        # trips through Python per MiB
        chunk: bytes = self.raw.read(max(amount, READ_SIZE), decode_content=False)
        if chunk:
            self.count += len(chunk)
            if self.count > self.size:
                raise DigestMismatch(f"{self.label}: more bytes than the {self.size} declared")
            self.hash.update(chunk)
            self.on_bytes(len(chunk))
            return chunk
        actual = "sha256:" + self.hash.hexdigest()
        if self.count != self.size or actual != self.digest:
            raise DigestMismatch(
                f"{self.label}: the source sent {self.count} bytes hashing to {actual}, "
                f"not {self.size} bytes of {self.digest}",
                hint="nothing was tagged; retry, and check the source registry or any proxy",
            )
        return b""


class BlobMover:
    """Moves blobs to destinations, each (host, repository, digest) once per run."""

    def __init__(self, on_event: BlobCallback | None = None) -> None:
        self.on_event = on_event or _ignore
        self._lock = threading.Lock()
        self._keys: dict[tuple[str, str, str], threading.Lock] = {}
        self._done: set[tuple[str, str, str]] = set()
        self._known: dict[tuple[str, str], str] = {}
        self.bytes_sent = 0
        self.counts = {"copied": 0, "mounted": 0, "exists": 0}

    def _count(self, how: str, sent: int = 0) -> None:
        with self._lock:
            self.counts[how] += 1
            self.bytes_sent += sent

    def move(
        self,
        src: RegistryClient,
        src_repo: str,
        dst: RegistryClient,
        dst_repo: str,
        digest: str,
        size: int,
    ) -> str:
        """Make the blob exist in ``dst_repo``; returns copied|mounted|exists."""
        key = (dst.host, dst_repo, digest)
        with self._lock:
            key_lock = self._keys.setdefault(key, threading.Lock())
        with key_lock:
            if key in self._done:
                return "exists"
            how = self._move_once(src, src_repo, dst, dst_repo, digest, size)
            with self._lock:
                self._done.add(key)
                self._known.setdefault((dst.host, digest), dst_repo)
            return how

    def _move_once(
        self,
        src: RegistryClient,
        src_repo: str,
        dst: RegistryClient,
        dst_repo: str,
        digest: str,
        size: int,
    ) -> str:
        self.on_event(BlobEvent(digest, size, "checking"))
        head = dst.request(
            "HEAD",
            f"/v2/{dst_repo}/blobs/{digest}",
            scope=scope(dst_repo, "pull,push"),
            ok=(200, 404),
        )
        if head.status_code == 200:
            self._count("exists")
            self.on_event(BlobEvent(digest, size, "exists", size))
            return "exists"
        for attempt in range(1, dst.attempts + 1):
            location = self._start(src, src_repo, dst, dst_repo, digest)
            if location is None:
                self._count("mounted")
                self.on_event(BlobEvent(digest, size, "mounted", size))
                return "mounted"
            try:
                sent = self._stream(src, src_repo, dst, dst_repo, location, digest, size)
            except (DigestMismatch, AuthError, AccessDenied):
                self._abandon(dst, location, dst_repo)
                self.on_event(BlobEvent(digest, size, "failed"))
                raise
            except ServiceError as exc:
                self._abandon(dst, location, dst_repo)
                if attempt == dst.attempts:
                    self.on_event(BlobEvent(digest, size, "failed"))
                    raise
                log.debug("blob %s: attempt %d failed (%s); retrying", digest, attempt, exc)
                dst._sleep(attempt)
                continue
            self._count("copied", sent)
            self.on_event(BlobEvent(digest, size, "copied", size))
            return "copied"
        raise AssertionError("unreachable")

    def _start(
        self, src: RegistryClient, src_repo: str, dst: RegistryClient, dst_repo: str, digest: str
    ) -> str | None:
        """Open an upload (a mount where one may work): ``None`` when mounted."""
        origin = src_repo if src.host == dst.host else None
        with self._lock:
            origin = origin or self._known.get((dst.host, digest))
        # else the source's repository name there: a migration that keeps names mounts
        # what an earlier copy brought (a 202 is the upload session the bytes go to)
        origin = origin or src_repo
        path = f"/v2/{dst_repo}/blobs/uploads/"
        extra: list[str] = []
        if origin and origin != dst_repo:
            path += f"?mount={digest}&from={origin}"
            extra.append(scope(origin))
        response = dst.request(
            "POST",
            path,
            scope=scope(dst_repo, "pull,push"),
            extra_scopes=extra,
            ok=(201, 202),
        )
        if response.status_code == 201:
            return None
        location = response.headers.get("Location")
        if not location:
            raise ServiceError(f"registry {dst.host} opened an upload without a Location")
        return dst.url(location) if "://" not in location else location

    def _stream(
        self,
        src: RegistryClient,
        src_repo: str,
        dst: RegistryClient,
        dst_repo: str,
        location: str,
        digest: str,
        size: int,
    ) -> int:
        """GET from the source into PATCH at the destination, then PUT ?digest=."""
        dst_scope = scope(dst_repo, "pull,push")
        source = src.request(
            "GET", f"/v2/{src_repo}/blobs/{digest}", scope=scope(src_repo), stream=True
        )
        label = f"blob {digest} of {src.host}/{src_repo}"
        done = [0, 0]  # bytes read, bytes last reported

        def on_bytes(count: int) -> None:
            done[0] += count
            if done[0] - done[1] >= 1 << 20 or done[0] == size:
                done[1] = done[0]
                self.on_event(BlobEvent(digest, size, "copying", done[0]))

        with source:
            reader = VerifyingReader(source.raw, digest, size, on_bytes, label)
            headers = {"Content-Type": "application/octet-stream"}
            if size <= SMALL_BLOB:
                body: Any = b"".join(iter(reader.read, b""))
                reader.read()  # the check at the end
                headers["Content-Length"] = str(len(body))
            else:
                body = reader
            patched = dst.request(
                "PATCH",
                location,
                scope=dst_scope,
                headers=headers,
                data=body,
                ok=(202, 204),
                replayable=isinstance(body, bytes),
            )
        final = dst.url(patched.headers.get("Location") or location)
        final += ("&" if "?" in final else "?") + f"digest={digest}"
        dst.request(
            "PUT", final, scope=dst_scope, headers={"Content-Length": "0"}, data=b"", ok=(201, 204)
        )
        return reader.count

    @staticmethod
    def _abandon(dst: RegistryClient, location: str, dst_repo: str) -> None:
        try:
            dst.request(
                "DELETE", location, scope=scope(dst_repo, "pull,push"), ok=(200, 202, 204, 404)
            )
        except Exception as exc:
            log.debug("could not cancel the upload at %s: %s", dst.host, exc)
