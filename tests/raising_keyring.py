"""keyring backends that fail, for the token cache's failure paths.

Select one with ``PYTHON_KEYRING_BACKEND=tests.raising_keyring.RaisingKeyring``.
"""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.errors import KeyringError, KeyringLocked


class RaisingKeyring(KeyringBackend):
    """An OS store whose daemon went away."""

    priority = 1  # type: ignore[assignment]
    keeps_secrets_in_os_store = True

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringError("the keyring daemon went away")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError("the keyring daemon went away")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringError("the keyring daemon went away")


class LockedKeyring(RaisingKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("the collection is locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("the collection is locked")
