"""The Linux kernel's key retention service as the token cache's secret store.

Each token is a ``user`` key in the caller's user keyring (``@u``), made and read
through the ``add_key`` and ``keyctl`` system calls (ctypes on libc's ``syscall``:
no package, no daemon). A key lives in kernel memory only, never in a file or in
swap; it is readable by processes of the same user only (possessor: all; user:
view, read, write, search, setattr; group and others: nothing), and the kernel
drops it by itself when its timeout, the token's expiry, has passed.

A key's description is ``ecrctl:<cache>:<name>``, ``<cache>`` a checksum of the
cache index's path, so two caches of one user (two ``$XDG_CACHE_HOME``) never
read each other's keys.

Where the kernel refuses these calls (EPERM, ENOSYS or EACCES: a container's
default seccomp profile blocks them) :func:`open_store` raises :class:`Refused`.

Only the standard library: the credential helper's cache hit reads keys here.
"""

from __future__ import annotations

import errno
import os
import sys
import time
from collections.abc import Callable, Iterable
from datetime import datetime

KEY_SPEC_USER_KEYRING = -4
KEYCTL_GET_KEYRING_ID = 0
KEYCTL_SETPERM = 5
KEYCTL_UNLINK = 9
KEYCTL_SEARCH = 10
KEYCTL_READ = 11
KEYCTL_SET_TIMEOUT = 15
KEYCTL_INVALIDATE = 21

POSSESSOR_ALL = 0x3F000000
USER_VIEW_READ_WRITE_SEARCH_SETATTR = 0x002F0000
PERMISSIONS = POSSESSOR_ALL | USER_VIEW_READ_WRITE_SEARCH_SETATTR

# (add_key, keyctl) by the machine and the width of this process's pointers
SYSCALLS = {
    ("x86_64", 64): (248, 250),
    ("x86_64", 32): (286, 288),
    ("i686", 32): (286, 288),
    ("i386", 32): (286, 288),
    ("aarch64", 64): (217, 219),
    ("aarch64", 32): (309, 311),
    ("armv7l", 32): (309, 311),
    ("armv6l", 32): (309, 311),
    ("riscv64", 64): (217, 219),
    ("loongarch64", 64): (217, 219),
    ("ppc64le", 64): (269, 271),
    ("ppc64", 64): (269, 271),
    ("s390x", 64): (278, 280),
}
REFUSALS = {errno.EPERM, errno.ENOSYS, errno.EACCES}
MISSING = {errno.ENOKEY, errno.EKEYEXPIRED, errno.EKEYREVOKED, errno.EACCES}
READ_BUFFER = 16384
QUOTA_FULL = "this user's kernel key quota is full (/proc/sys/kernel/keys/maxbytes)"
QUOTA_RETRIES = 12  # about 1.5 s for the kernel to free the keys dropped


class Refused(Exception):
    """The kernel (or this machine) offers no key store: ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _error_text(exc: OSError) -> str:
    name = errno.errorcode.get(exc.errno or 0, str(exc.errno))
    return f"{name}, {exc.strerror}"


class Syscalls:
    """``add_key`` and ``keyctl`` as Python functions raising OSError."""

    def __init__(self) -> None:
        import ctypes

        machine = os.uname().machine
        numbers = SYSCALLS.get((machine, ctypes.sizeof(ctypes.c_void_p) * 8))
        if numbers is None:
            raise Refused(f"no system call numbers for the kernel keyring on {machine}")
        self.add_key_nr, self.keyctl_nr = numbers
        self.ctypes = ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        self.syscall: Callable[..., int] = libc.syscall
        libc.syscall.restype = ctypes.c_long

    def _call(self, number: int, *args: object) -> int:
        c = self.ctypes
        converted = [c.c_long(a) if isinstance(a, int) else a for a in args]
        result = self.syscall(c.c_long(number), *converted)
        if result == -1:
            code = c.get_errno()
            raise OSError(code, os.strerror(code))
        return result

    def keyctl(self, operation: int, *args: object) -> int:
        return self._call(self.keyctl_nr, operation, *args)

    def add_key(self, description: bytes, payload: bytes, keyring: int) -> int:
        c = self.ctypes
        data = c.create_string_buffer(payload, len(payload))
        return self._call(
            self.add_key_nr, c.c_char_p(b"user"), c.c_char_p(description), data,
            c.c_size_t(len(payload)), keyring,
        )  # fmt: skip

    def read(self, key: int) -> bytes:
        c = self.ctypes
        size = READ_BUFFER
        while True:
            buffer = c.create_string_buffer(size)
            length = self.keyctl(KEYCTL_READ, key, buffer, size)
            if length <= size:
                raw: bytes = buffer.raw
                return raw[:length]
            size = length


class KernelStore:
    """The token cache's secrets as keys in the user keyring."""

    kind = "kernel"

    def __init__(self, calls: Syscalls, scope: str) -> None:
        self.calls = calls
        self.prefix = f"ecrctl:{scope}:"

    def where(self) -> str:
        return "the kernel keyring (this user's keyring @u, in kernel memory only)"

    def _description(self, name: str) -> bytes:
        return (self.prefix + name).encode("utf-8")

    def _find(self, name: str) -> int | None:
        try:
            return self.calls.keyctl(
                KEYCTL_SEARCH, KEY_SPEC_USER_KEYRING, self.calls.ctypes.c_char_p(b"user"),
                self.calls.ctypes.c_char_p(self._description(name)), 0,
            )  # fmt: skip
        except OSError as exc:
            if exc.errno in MISSING:
                return None
            raise

    def read(self, name: str) -> str | None:
        key = self._find(name)
        if key is None:
            return None
        try:
            return self.calls.read(key).decode("utf-8")
        except OSError as exc:
            if exc.errno in MISSING:  # expired or dropped since it was found
                return None
            raise

    def write(
        self, name: str, value: str, expires_at: datetime, now: datetime, spare: Iterable[str] = ()
    ) -> None:
        """Store ``value`` until ``expires_at``. When the user's key quota is full
        (EDQUOT: 20,000 bytes by default, ``/proc/sys/kernel/keys/maxbytes``), the
        keys named in ``spare`` (the cache's other tokens) are dropped and the write
        tried again while the kernel frees them (in the background, within moments)."""
        seconds = int((expires_at - now).total_seconds())
        if seconds <= 0:
            return
        description, payload = self._description(name), value.encode("utf-8")
        spare = list(spare)
        for attempt in range(QUOTA_RETRIES + 1):
            try:
                key = self.calls.add_key(description, payload, KEY_SPEC_USER_KEYRING)
                break
            except OSError as exc:
                if exc.errno != errno.EDQUOT:
                    raise
                if not spare or attempt == QUOTA_RETRIES:
                    raise OSError(exc.errno, f"{exc.strerror}: {QUOTA_FULL}") from None
                if attempt == 0:
                    for other in spare:
                        self.delete(other)
                time.sleep(0.02 * (attempt + 1))
        self.calls.keyctl(KEYCTL_SETPERM, key, PERMISSIONS)
        self.calls.keyctl(KEYCTL_SET_TIMEOUT, key, seconds)

    def delete(self, name: str) -> None:
        key = self._find(name)
        if key is None:
            return
        try:
            self.calls.keyctl(KEYCTL_INVALIDATE, key)
        except OSError as exc:
            if exc.errno in MISSING:
                return
            if exc.errno != errno.EOPNOTSUPP:  # kernels before 3.5: unlink it instead
                raise
            self.calls.keyctl(KEYCTL_UNLINK, key, KEY_SPEC_USER_KEYRING)


def open_store(scope: str) -> KernelStore:
    """The user keyring, after one harmless call that the kernel must answer; raises
    :class:`Refused` where it does not (seccomp, an old or foreign kernel)."""
    if not sys.platform.startswith("linux"):
        raise Refused("the kernel keyring is Linux's")
    calls = Syscalls()
    try:
        calls.keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_USER_KEYRING, 1)
    except OSError as exc:
        how = "a seccomp profile (a container's default one) blocks keyctl"
        if exc.errno not in REFUSALS:
            how = "keyctl failed"
        raise Refused(f"the kernel refused its keyring ({_error_text(exc)}): {how}") from None
    return KernelStore(calls, scope)
