"""Atomic, locked writes of small private files (docker's config.json, ecrctl's
cache index and login records).

A writer takes an exclusive ``flock`` on the file's directory, re-reads the
file, writes a temporary file in the same directory (mode 0600), fsyncs it and
renames it over the old one. A reader never sees a half-written file, a writer
killed before the rename leaves the old file as it was, and two writers never
lose each other's entries.

A symlinked file is written through the link (the target is replaced in its own
directory, the link kept), a file's mode is never loosened (the new file gets
the old one's permissions, at most 0600), and the temporary files a killed
writer left behind are removed by the next writer holding the lock.
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
STALE_TEMP_AGE = 60.0  # seconds; a temp file that old with no lock held is a crash's
_held: set[Path] = set()  # directories this process holds the lock of


def target_of(path: Path) -> Path:
    """The file a write of ``path`` replaces: the end of its symlinks, if any."""
    return path.resolve() if path.is_symlink() else path


def ensure_dir(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)


@contextlib.contextmanager
def locked(directory: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold an exclusive lock on ``directory`` (created 0700 when missing)."""
    try:
        ensure_dir(directory)
        fd = os.open(directory, os.O_RDONLY)
    except OSError as exc:
        from ecrctl.paths import override_for

        raise ServiceError(
            f"cannot use the directory {directory}: {exc.strerror or exc}; nothing was changed",
            hint=f"make {directory} a writable directory, or point {override_for(directory)} "
            "elsewhere",
        ) from None
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
        _held.add(directory.resolve())
        try:
            yield
        finally:
            _held.discard(directory.resolve())
    finally:
        os.close(fd)


def _remove_stale_temps(path: Path) -> None:
    """Temp files of ``path`` left by a writer that was killed before its rename."""
    locked_here = path.parent.resolve() in _held
    now = time.time()
    for temp in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            if locked_here or now - temp.stat().st_mtime > STALE_TEMP_AGE:
                temp.unlink()


def _mode_for(path: Path) -> int:
    try:
        return os.stat(path).st_mode & 0o600
    except FileNotFoundError:
        return 0o600


def _create_temp(directory: Path, prefix: str) -> tuple[int, str]:
    """A new file ``PREFIX<random>.tmp`` in ``directory``, created 0600 and exclusively,
    as ``tempfile.mkstemp`` makes one (without its import, which costs a login 3 ms)."""
    for _ in range(100):
        name = os.path.join(directory, f"{prefix}{os.urandom(6).hex()}.tmp")
        try:
            return os.open(name, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600), name
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name in {directory}")


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` (through its symlinks) with ``data``: temp file in the same
    dir, fsync, rename; the old mode kept, never looser than 0600."""
    path = target_of(path)
    try:
        ensure_dir(path.parent)
        _remove_stale_temps(path)
        mode = _mode_for(path)
        fd, tmp = _create_temp(path.parent, f".{path.name}.")
    except OSError as exc:
        raise ServiceError(
            f"cannot write {path}: {exc.strerror or exc}; it was left as it was",
            hint=f"make {path.parent} writable, then retry",
        ) from None
    try:
        os.fchmod(fd, mode)
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


def check_writable(directory: Path) -> None:
    """Fail now, before anything else is done, when files cannot be written in ``directory``."""
    try:
        ensure_dir(directory)
        fd, probe = _create_temp(directory, ".ecrctl-probe.")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise ServiceError(
            f"cannot write in {directory}: {exc.strerror or exc}; nothing was changed",
            hint=f"make {directory} writable (or point XDG_STATE_HOME elsewhere), then retry",
        ) from None
