"""Run a command under a seccomp filter that makes the kernel keyring's system calls
(add_key, request_key, keyctl) fail, as a container's default seccomp profile does.

    python tests/login/seccomp_exec.py EPERM|ENOSYS -- COMMAND [ARG]...

The filter is a classic BPF program installed with prctl(PR_SET_SECCOMP) through
ctypes; it survives the exec, so COMMAND (the installed ``ecrctl`` or
``docker-credential-ecrctl``) meets a kernel that refuses those calls for real.
Every other system call, and any call of another architecture, is allowed.
"""

from __future__ import annotations

import ctypes
import errno
import os
import sys

PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
BPF_LD_W_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
BPF_JEQ_K = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
BPF_RET_K = 0x06  # BPF_RET | BPF_K
# audit architecture and (add_key, request_key, keyctl) by machine
KEYRING_CALLS = {
    "x86_64": (0xC000003E, (248, 249, 250)),
    "aarch64": (0xC00000B7, (217, 218, 219)),
}


class SockFilter(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_ushort),
        ("jt", ctypes.c_ubyte),
        ("jf", ctypes.c_ubyte),
        ("k", ctypes.c_uint32),
    ]


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(SockFilter))]


def program(code: int) -> list[tuple[int, int, int, int]]:
    """The filter: other architectures allowed; the three calls answered ``-code``."""
    arch, calls = KEYRING_CALLS[os.uname().machine]
    deny = SECCOMP_RET_ERRNO | code
    steps = [
        (BPF_LD_W_ABS, 0, 0, 4),  # seccomp_data.arch
        (BPF_JEQ_K, 0, 1 + 2 * len(calls), arch),  # another ABI: jump to "allow"
        (BPF_LD_W_ABS, 0, 0, 0),  # seccomp_data.nr
    ]
    for number in calls:
        steps += [(BPF_JEQ_K, 0, 1, number), (BPF_RET_K, 0, 0, deny)]
    steps.append((BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW))
    return steps


def install(code: int) -> None:
    steps = program(code)
    filters = (SockFilter * len(steps))(*[SockFilter(*step) for step in steps])
    prog = SockFprog(len(steps), filters)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS)")
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP)")


def main(argv: list[str]) -> None:
    if len(argv) < 3 or argv[1] != "--":
        sys.exit(__doc__)
    install(getattr(errno, argv[0]))
    os.execvp(argv[2], argv[2:])


if __name__ == "__main__":
    main(sys.argv[1:])
