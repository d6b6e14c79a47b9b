"""The token cache's files beside its index: secrets in a 0600 JSON file, and the
locks that keep concurrent cache fills from asking AWS all at once.

A secrets file lives either in ``$XDG_RUNTIME_DIR`` (``ecrctl/tokens-<cache>.json``),
only when that directory is this user's (owned, mode 0700) and on a tmpfs
(memory, gone at logout or reboot): the fallback where the kernel refuses its
keyring; or, when the user asks for it (``token_cache = "file"``), on disk in
``$XDG_CACHE_HOME/ecrctl/token-secrets.json``. Writes are locked and atomic
(:mod:`ecrctl.atomicfile`); every write drops the expired tokens.

Only the standard library at import: the credential helper's cache hit reads here.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
import zlib
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

MEMORY_FILESYSTEMS = ("tmpfs", "ramfs")
LOCK_WAIT = 60.0  # seconds a cache fill waits for another process's fill
LOCK_BUCKETS = 64


def cache_label(index: Path) -> str:
    """A short name for one cache (its index's path), for names shared by every cache."""
    return f"{zlib.crc32(str(index).encode('utf-8')):08x}"


def _unescape(field: str) -> str:
    """A mountinfo field: spaces, tabs, newlines and backslashes are octal escapes."""
    for code in ("040", "011", "012", "134"):
        field = field.replace("\\" + code, chr(int(code, 8)))
    return field


def filesystem_of(path: str, mountinfo: str = "/proc/self/mountinfo") -> str | None:
    """The filesystem type of the mount that holds ``path`` (a resolved path), from
    the kernel's mount table; ``None`` when that cannot be read."""
    best, kind = "", None
    try:
        with open(mountinfo, encoding="utf-8") as lines:
            for line in lines:
                head, _, tail = line.partition(" - ")
                fields = head.split()
                if len(fields) < 5 or not tail:
                    continue
                point = _unescape(fields[4])
                inside = path == point or path.startswith(point.rstrip("/") + "/")
                if inside and len(point) >= len(best):
                    best, kind = point, tail.split()[0]
    except OSError:
        return None
    return kind


def private_runtime_dir() -> tuple[Path | None, str]:
    """``$XDG_RUNTIME_DIR`` when it is this user's private tmpfs; else ``None`` and why."""
    from ecrctl.paths import runtime_dir

    given = runtime_dir()
    if given is None:
        return None, "XDG_RUNTIME_DIR is not set"
    real = os.path.realpath(given)
    try:
        info = os.stat(real)
    except OSError as exc:
        return None, f"XDG_RUNTIME_DIR {given} cannot be used ({exc.strerror})"
    if not os.path.isdir(real):
        return None, f"XDG_RUNTIME_DIR {given} is not a directory"
    if info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None, f"XDG_RUNTIME_DIR {given} is not private to this user (owner and mode 0700)"
    kind = filesystem_of(real)
    if kind not in MEMORY_FILESYSTEMS:
        return None, f"XDG_RUNTIME_DIR {given} is not on a tmpfs ({kind or 'unknown'})"
    return Path(real), ""


class FileStore:
    """Secrets by name in one 0600 JSON file: ``{"tokens": {name: {secret, expiresAt}}}``."""

    def __init__(self, path: Path, kind: str) -> None:
        self.path = path
        self.kind = kind  # "runtime file" (tmpfs) or "file" (on disk, asked for)

    def where(self) -> str:
        if self.kind == "file":
            return f'a file on disk, {self.path} (mode 0600; token_cache = "file")'
        return f"a file in memory, {self.path} (tmpfs, mode 0600)"

    def _tokens(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            return {}
        tokens = data.get("tokens") if isinstance(data, dict) else None
        return tokens if isinstance(tokens, dict) else {}

    def read(self, name: str) -> str | None:
        entry = self._tokens().get(name)
        secret = entry.get("secret") if isinstance(entry, dict) else None
        return secret if isinstance(secret, str) else None

    def _change(self, name: str, entry: dict[str, str] | None, now: datetime) -> None:
        from ecrctl.atomicfile import locked, write_atomic

        with locked(self.path.parent):
            tokens = {k: v for k, v in self._tokens().items() if _alive(v, now)}
            if entry is None:
                tokens.pop(name, None)
            else:
                tokens[name] = entry
            write_atomic(self.path, json.dumps({"tokens": tokens}, sort_keys=True).encode())

    def write(
        self, name: str, value: str, expires_at: datetime, now: datetime, spare: Iterable[str] = ()
    ) -> None:
        self._change(name, {"secret": value, "expiresAt": expires_at.isoformat()}, now)

    def delete(self, name: str) -> None:
        from datetime import UTC

        self._change(name, None, datetime.now(UTC))


def _alive(entry: object, now: datetime) -> bool:
    if not isinstance(entry, dict):
        return False
    try:
        return datetime.fromisoformat(str(entry["expiresAt"])) > now
    except (KeyError, ValueError, TypeError):
        return False


def lock_dir(cache_dir: Path) -> Path:
    """Where fill locks live: the private runtime dir, else the cache's own dir."""
    runtime, _ = private_runtime_dir()
    return (runtime / "ecrctl" if runtime else cache_dir) / "locks"


@contextlib.contextmanager
def fill_lock(directory: Path, scope: str, wait: float = LOCK_WAIT) -> Iterator[bool]:
    """Hold the lock of ``scope`` (one of 64 lock files, by checksum) while a token is
    fetched and cached, so that processes missing the same token at once wait for
    the first one's answer instead of each asking AWS. Yields whether the lock is
    held: after ``wait`` seconds, or when no lock file can be made, the caller goes
    on without it (a slow or hung fill never blocks the others for good)."""
    bucket = zlib.crc32(scope.encode("utf-8")) % LOCK_BUCKETS
    try:
        import fcntl

        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(directory / f"fill-{bucket:02d}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    except (ImportError, OSError):
        yield False
        return
    try:
        deadline = time.monotonic() + wait
        held = False
        while not held:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                held = True
            except BlockingIOError:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.01)
        yield held
    finally:
        os.close(fd)  # closing the file releases the lock
