"""Moving blobs from one registry to another: skipped when the destination has
them, mounted across repositories of one registry, else streamed.

Every blob goes up in the distribution spec's monolithic upload: a POST opens
the upload, and one PUT ?digest= carries the bytes and commits them (one request
fewer than docker push's PATCH and empty PUT). A blob over 1 MiB goes straight
from the source's GET into that PUT (no temp file, two 1 MiB chunks in memory),
hashed on the way: its last chunk is sent only once the blob matches its digest
and size, so a blob that does not is never committed (its PUT is cut short of its
Content-Length; its upload is cancelled where the registry lets it, else left for
the registry to purge). A small blob is read whole and checked before its PUT. A
:class:`BlobMover` moves each (destination repository, digest) once per run, from
any number of threads, and remembers where in a destination registry a blob
already is, so that later repositories mount it instead of moving bytes.
"""

from __future__ import annotations

import copy
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from ecrctl.distribution.blobsource import SMALL_BLOB, BlobSource
from ecrctl.distribution.client import DigestMismatch, RegistryClient
from ecrctl.distribution.content import get_blob, scope
from ecrctl.distribution.transport import Stalled
from ecrctl.errors import EcrctlError, Interrupted, ServiceError

log = logging.getLogger("ecrctl")


@dataclass(frozen=True)
class BlobEvent:
    """Progress of one blob: ``status`` checking|copying|copied|mounted|exists|failed."""

    digest: str
    size: int
    status: str
    done: int = 0


BlobCallback = Callable[[BlobEvent], None]


@dataclass(frozen=True)
class Route:
    """Where blobs move: from a repository of the source registry to one of the
    destination's (the same registry, or another)."""

    src: RegistryClient
    src_repo: str
    dst: RegistryClient
    dst_repo: str


def _ignore(_: BlobEvent) -> None:
    return None


def _check(stop: threading.Event | None, digest: str) -> None:
    if stop is not None and stop.is_set():
        raise Interrupted(f"blob {digest}: not finished, the copy stopped")


def has_blob(client: RegistryClient, repository: str, digest: str) -> bool:
    """Whether ``repository`` at ``client``'s registry holds the blob (HEAD)."""
    head = client.request(
        "HEAD",
        f"/v2/{repository}/blobs/{digest}",
        scope=scope(repository, "pull,push"),
        ok=(200, 404),
    )
    return head.status_code == 200


def _landed(client: RegistryClient, repository: str, digest: str) -> bool:
    """Whether the blob is at the destination after all (False when that cannot be read)."""
    try:
        return has_blob(client, repository, digest)
    except EcrctlError:
        return False


class _Asked:
    """One destination's answer about one blob, shared by the images that ask."""

    def __init__(self) -> None:
        self.answered = threading.Event()
        self.present: bool | None = None


class BlobMover:
    """Moves blobs to destinations, each (host, repository, digest) once per run."""

    def __init__(self, on_event: BlobCallback | None = None) -> None:
        self.on_event = on_event or _ignore
        self._lock = threading.Lock()
        self._keys: dict[tuple[str, str, str], threading.Lock] = {}
        self._done: set[tuple[str, str, str]] = set()
        self._asked: dict[tuple[str, str, str], _Asked] = {}
        self._known: dict[tuple[str, str], str] = {}
        self.bytes_sent = 0
        self.counts = {"copied": 0, "mounted": 0, "exists": 0}

    @staticmethod
    def stopped(exc: EcrctlError, done: dict[str, int], sent: int, total: int) -> EcrctlError:
        """``exc`` with what one copy had finished (``done``: copied, mounted, exists;
        ``sent`` bytes): a copy that stops says how far it got (no manifest is put
        before every blob is there)."""
        done = {how: done.get(how, 0) for how in ("copied", "mounted", "exists")}
        there = sum(done.values())
        account = (
            f"{exc.message.rstrip('.')} (the copy stopped with {there} of {total} blobs at the "
            f"destination: {done['copied']} copied, {done['mounted']} mounted, "
            f"{done['exists']} there already; {sent} bytes sent"
            + ("; no manifest put)" if there < total else ")")
        )
        stopped = copy.copy(exc)
        stopped.message = account
        stopped.args = (account,)
        return stopped

    def probe(self, dst: RegistryClient, dst_repo: str, digest: str) -> bool | None:
        """Whether ``dst_repo`` has the blob, asked once per run however many images
        share it (and however many ask at once): ``None`` when this run has made it
        exist (:meth:`move` knows, and skips it) or the ask failed (:meth:`move` asks
        again). A blob found missing is brought by the first image written that has
        it; the others find it done."""
        key = (dst.host, dst_repo, digest)
        with self._lock:
            if key in self._done:
                return None
            asked = self._asked.get(key)
            if asked is None:
                asked = self._asked[key] = _Asked()
                mine = True
            else:
                mine = False
        if not mine:
            asked.answered.wait()
            return asked.present
        try:
            asked.present = has_blob(dst, dst_repo, digest)
        finally:
            asked.answered.set()  # a failed ask answers None: the move asks again
        return asked.present

    def _count(self, how: str, sent: int = 0) -> None:
        with self._lock:
            self.counts[how] += 1
            self.bytes_sent += sent

    def move(
        self,
        route: Route,
        digest: str,
        size: int,
        present: bool | None = None,
        stop: threading.Event | None = None,
    ) -> str:
        """Make the blob exist in the destination's repository; returns copied|mounted|exists.
        ``present``: whether the destination had it when the caller asked
        (:func:`has_blob`); ``None``: ask now. Once ``stop`` is set (another blob of
        the copy failed), the move ends at its next step, its upload cancelled, so
        that the copy can say what is at the destination."""
        key = (route.dst.host, route.dst_repo, digest)
        with self._lock:
            key_lock = self._keys.setdefault(key, threading.Lock())
        with key_lock:
            if key in self._done:
                return "exists"
            how = self._move_once(route, digest, size, present, stop)
            with self._lock:
                self._done.add(key)
                self._known.setdefault((route.dst.host, digest), route.dst_repo)
            return how

    def _move_once(
        self,
        route: Route,
        digest: str,
        size: int,
        present: bool | None,
        stop: threading.Event | None,
    ) -> str:
        dst = route.dst
        _check(stop, digest)
        self.on_event(BlobEvent(digest, size, "checking"))
        if present is None:
            present = has_blob(dst, route.dst_repo, digest)
        if present:
            self._count("exists")
            self.on_event(BlobEvent(digest, size, "exists", size))
            return "exists"
        for attempt in range(1, dst.attempts + 1):
            _check(stop, digest)
            location = self._start(route, digest)
            if location is None:
                self._count("mounted")
                self.on_event(BlobEvent(digest, size, "mounted", size))
                return "mounted"
            try:
                sent = self._stream(route, location, digest, size, stop)
            except ServiceError as exc:
                final = isinstance(exc, DigestMismatch | Stalled) or attempt == dst.attempts
                if final:
                    self.on_event(BlobEvent(digest, size, "failed"))
                    raise
                log.debug("blob %s: attempt %d failed (%s); retrying", digest, attempt, exc)
                dst.pause(attempt)
                continue
            except EcrctlError:
                self.on_event(BlobEvent(digest, size, "failed"))
                raise
            self._count("copied", sent)
            self.on_event(BlobEvent(digest, size, "copied", size))
            return "copied"
        raise AssertionError("unreachable")

    def _start(self, route: Route, digest: str) -> str | None:
        """Open an upload (a mount where one may work): ``None`` when mounted."""
        src, src_repo, dst, dst_repo = route.src, route.src_repo, route.dst, route.dst_repo
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
        self, route: Route, location: str, digest: str, size: int, stop: threading.Event | None
    ) -> int:
        """GET from the source into the PUT ?digest= that commits the blob at the
        destination (the distribution spec's monolithic upload: POST, then PUT). Any
        failure cancels the upload, once its PUT is no longer in flight."""
        done = [0, 0]  # bytes read, bytes last reported

        def on_bytes(count: int) -> None:
            done[0] += count
            if done[0] - done[1] >= 1 << 20 or done[0] == size:
                done[1] = done[0]
                self.on_event(BlobEvent(digest, size, "copying", done[0]))

        src, src_repo, dst, dst_repo = route.src, route.src_repo, route.dst, route.dst_repo
        final = dst.url(location)
        final += ("&" if "?" in final else "?") + f"digest={digest}"
        headers = {"Content-Length": str(size)}
        if size:
            headers["Content-Type"] = "application/octet-stream"
        try:
            timer = src.deadline(size)
            source = get_blob(src, src_repo, digest, stream=True, deadline=timer)
            with source:
                label = f"blob {digest} of {src.host}/{src_repo}"
                blob = BlobSource(source, timer, digest, size, on_bytes, label, stop)
                # a small blob is read whole and checked first (its PUT can be sent
                # again); a larger one streams into the PUT, its end held back until
                # checked; the registry may check the blob once it has it all
                small = size <= SMALL_BLOB
                data = blob.whole() if small else blob.body()
                try:
                    dst.request(
                        "PUT",
                        final,
                        scope=scope(dst_repo, "pull,push"),
                        headers=headers,
                        data=data,
                        replayable=small,
                        ok=(201, 204),
                        deadline=dst.deadline(size) if small else dst.deadline(after=timer),
                    )
                except EcrctlError:
                    blob.check()  # the source's failure, named as the source's
                    # an answer lost after the registry took the blob: its retry finds
                    # the upload gone (404 BLOB_UPLOAD_UNKNOWN); what the registry holds
                    # decides
                    if not _landed(dst, dst_repo, digest):
                        raise
                    log.debug("blob %s: the PUT's answer was lost; it is there", digest)
        except BaseException:
            self._cancel(dst, location, dst_repo)
            raise
        return blob.count

    @staticmethod
    def _cancel(dst: RegistryClient, location: str, dst_repo: str) -> None:
        try:
            dst.request(
                "DELETE", location, scope=scope(dst_repo, "pull,push"), ok=(200, 202, 204, 404)
            )
        except Exception as exc:
            log.debug("could not cancel the upload at %s: %s", dst.host, exc)
