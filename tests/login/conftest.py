"""Fixtures of the token-cache tests: a cache where no OS keyring is (the kernel
keyring's, its keys dropped afterwards), and a private tmpfs runtime dir."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.login.cache_support import drop_kernel_keys


@pytest.fixture
def kernel_cache(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """auto mode where no OS keyring is: neither PYTHON_KEYRING_BACKEND nor a session
    bus. Yields the cache index's path; its kernel keys are dropped afterwards."""
    from ecrctl.login.cache import index_path

    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    index = index_path()
    yield index
    drop_kernel_keys(index)


@pytest.fixture
def runtime_dir(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private directory on a real tmpfs (/dev/shm) as XDG_RUNTIME_DIR."""
    path = Path("/dev/shm") / f"ecrctl-test-{uuid.uuid4().hex}"
    path.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(path))
    yield path
    shutil.rmtree(path, ignore_errors=True)
