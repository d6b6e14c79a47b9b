"""Atomic, locked writes: the mode kept and never loosened, symlinks written through,
a killed writer's temp files removed, the lock exclusive with a deadline, and a
directory that cannot be used named before anything changes."""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

import pytest

from ecrctl.atomicfile import check_writable, locked, target_of, write_atomic
from ecrctl.errors import ServiceError


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_a_new_file_is_private_and_its_directory_created(tmp_path: Path) -> None:
    path = tmp_path / "new" / "config.json"
    write_atomic(path, b"{}")
    assert path.read_bytes() == b"{}"
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700


@pytest.mark.parametrize(("before", "after"), [(0o644, 0o600), (0o400, 0o400), (0o600, 0o600)])
def test_the_old_mode_is_kept_but_never_looser_than_0600(
    tmp_path: Path, before: int, after: int
) -> None:
    path = tmp_path / "config.json"
    path.write_text("old")
    path.chmod(before)
    write_atomic(path, b"new")
    assert path.read_bytes() == b"new"
    assert _mode(path) == after


def test_a_symlinked_file_is_written_through_the_link(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "config.json"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "config.json"
    link.symlink_to(real)
    assert target_of(link) == real.resolve()
    assert target_of(real) == real
    write_atomic(link, b"new")
    assert link.is_symlink()
    assert real.read_bytes() == b"new"
    assert not list(tmp_path.glob(".config.json.*"))


def test_temp_files_a_killed_writer_left_are_removed(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    stale = tmp_path / ".tokens.json.abc123.tmp"
    stale.write_text("half")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    fresh = tmp_path / ".tokens.json.def456.tmp"
    fresh.write_text("another writer's, just now")
    write_atomic(path, b"{}")
    assert not stale.exists()
    assert fresh.exists()  # it may be a live writer's: not ours to remove without the lock
    with locked(tmp_path):
        write_atomic(path, b"{}")
    assert not fresh.exists()  # under the lock no other writer can be midway


def test_the_lock_is_exclusive_and_gives_up_with_a_clear_error(tmp_path: Path) -> None:
    fd = os.open(tmp_path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        started = time.monotonic()
        with pytest.raises(ServiceError) as caught, locked(tmp_path, timeout=0.2):
            pass
        assert time.monotonic() - started < 2
        assert caught.value.one_line() == (
            f"another process has held the lock on {tmp_path} for 0s; "
            "wait for the other ecrctl to finish, then retry"
        )
    finally:
        os.close(fd)
    with locked(tmp_path, timeout=0.2):
        pass


def test_a_directory_that_cannot_be_used_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with (
        pytest.raises(ServiceError, match=r"cannot use the directory .*file/sub"),
        locked(blocker / "sub"),
    ):
        pass
    with pytest.raises(ServiceError, match=r"cannot write .*file/sub/x\.json.*left as it was"):
        write_atomic(blocker / "sub" / "x.json", b"{}")
    with pytest.raises(ServiceError, match=r"cannot write in .*file/sub.*nothing was changed"):
        check_writable(blocker / "sub")
    check_writable(tmp_path / "fine")
    assert (tmp_path / "fine").is_dir() and not list((tmp_path / "fine").iterdir())
