"""Running a piece of a test as an unprivileged user, so that file modes mean something.

The test machines run as root, which ignores permission bits: a test of "a directory
ecrctl cannot write" then proves nothing. :func:`run_as_nobody` forks, drops to uid/gid
65534 in the child and runs the check there (when not root, it just runs it).
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

NOBODY = 65534


def private_dir() -> Path:
    """A fresh directory the unprivileged user owns (under /tmp, which anyone may cross)."""
    path = Path(tempfile.mkdtemp(prefix="ecrctl-nobody-", dir="/tmp"))
    if os.geteuid() == 0:
        os.chown(path, NOBODY, NOBODY)
    return path


def run_as_nobody(check: Callable[[], None]) -> None:
    """Run ``check`` as uid/gid 65534 (in a forked child when root); re-raise its failure."""
    if os.geteuid() != 0:
        check()
        return
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child
        code = 0
        try:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            check()
        except BaseException:
            traceback.print_exc()
            code = 1
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the check failed as the unprivileged user"
