"""Atomic, locked writes of small private files (docker's config.json, ecrctl's
cache index and login records).

A writer takes an exclusive ``flock`` on the file's directory, re-reads the
file, writes a temporary file in the same directory (mode 0600), fsyncs it and
renames it over the old one. A reader never sees a half-written file, a writer
killed before the rename leaves the old file as it was, and two writers never
lose each other's entries.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from ecrctl.errors import ServiceError

LOCK_TIMEOUT = 10.0


def ensure_dir(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)


@contextlib.contextmanager
def locked(directory: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold an exclusive lock on ``directory`` (created 0700 when missing)."""
    ensure_dir(directory)
    fd = os.open(directory, os.O_RDONLY)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise ServiceError(
                        f"another process has held the lock on {directory} for {timeout:.0f}s",
                        hint="wait for the other ecrctl to finish, then retry",
                    ) from None
                time.sleep(0.02)
        yield
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data``: temp file in the same dir, fsync, rename; mode 0600."""
    import tempfile

    ensure_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
