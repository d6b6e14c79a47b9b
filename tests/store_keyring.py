"""A keyring backend that stands in for an OS secret store in tests.

Chosen on purpose: the token cache refuses plaintext backends (keyrings.alt's
PlaintextKeyring writes secrets base64 into a file), and a real Secret Service
needs a D-Bus session per test (tests/login/test_keyring_backend.py runs one). Like an OS
store it serialises concurrent writers (an flock around each read-modify-write),
so 20 processes storing at once keep every secret; it declares itself with
``keeps_secrets_in_os_store``. Its file lives in the test's private
``$XDG_DATA_HOME``. Select it with
``PYTHON_KEYRING_BACKEND=tests.store_keyring.StoreKeyring``.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class StoreKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]
    keeps_secrets_in_os_store = True

    @property
    def path(self) -> Path:
        return Path(os.environ.get("XDG_DATA_HOME", "/nonexistent")) / "test-os-store.json"

    def _locked(self, change: Callable[[dict[str, Any]], Any]) -> Any:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_suffix(".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                data = json.loads(self.path.read_text())
            except (FileNotFoundError, ValueError):
                data = {}
            result = change(data)
            self.path.write_text(json.dumps(data))
            return result

    def get_password(self, service: str, username: str) -> str | None:
        return self._locked(lambda data: data.get(f"{service}\0{username}"))  # type: ignore[no-any-return]

    def set_password(self, service: str, username: str, password: str) -> None:
        self._locked(lambda data: data.__setitem__(f"{service}\0{username}", password))

    def delete_password(self, service: str, username: str) -> None:
        if self._locked(lambda data: data.pop(f"{service}\0{username}", None)) is None:
            raise PasswordDeleteError(username)
