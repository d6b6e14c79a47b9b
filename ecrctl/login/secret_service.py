"""Reading the token cache's secrets straight from the Secret Service (gnome-keyring
and the like) over the session bus, with jeepney and a ``plain`` session.

keyring's own SecretService backend reaches the same items through secretstorage,
which opens an encrypted session (Diffie-Hellman and AES from ``cryptography``)
after keyring has imported and tried each of its backends: most of a cache hit's
time. The bus is a local socket of this user's, so the secret travels in the
clear only between this process and the daemon, as it does to any client of the
daemon that asks for a plain session.

The items are keyring's (service ``ecrctl``, username the cache key's name, in
the default collection): tokens written through keyring are read here, and the
other way round. Writes and deletes still go through keyring (they may need a
prompt, or a collection made); so does a read this reader cannot finish: a locked
item, or a daemon that offers only encrypted sessions (:class:`NeedsKeyring`).

Only the standard library is imported at module level; jeepney when a bus is
there to talk to.
"""

from __future__ import annotations

import os
from typing import Any

BUS_NAME = "org.freedesktop.secrets"
SERVICE_PATH = "/org/freedesktop/secrets"
DEFAULT_COLLECTION = "/org/freedesktop/secrets/aliases/default"
INTERFACE = "org.freedesktop.Secret."
TIMEOUT = 25.0  # seconds, D-Bus's own default for a method call
NO_OBJECT = {
    "org.freedesktop.DBus.Error.UnknownObject",
    "org.freedesktop.DBus.Error.UnknownMethod",
    "org.freedesktop.DBus.Error.NoSuchObject",
    "org.freedesktop.Secret.Error.NoSuchObject",
}
NEEDS_KEYRING = {
    "org.freedesktop.Secret.Error.IsLocked",
    "org.freedesktop.DBus.Error.NotSupported",
}


class Unavailable(Exception):
    """No session bus, or no Secret Service on it (running or activatable)."""


class NeedsKeyring(Exception):
    """This read needs keyring (and perhaps a prompt): the item is locked, or the
    daemon refuses a plain session."""


class Reader:
    """One connection to the session bus, kept for the rest of the process."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self._session: str | None = None

    @classmethod
    def connect(cls) -> Reader:
        """The Secret Service on the session bus; raises :class:`Unavailable`."""
        if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
            raise Unavailable("no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set")
        try:
            from jeepney.io.blocking import open_dbus_connection
        except ImportError as exc:
            raise Unavailable(f"jeepney is not installed: {exc}") from None
        try:
            connection = open_dbus_connection(bus="SESSION")
        except Exception as exc:
            raise Unavailable(f"cannot reach the D-Bus session bus: {exc}") from None
        reader = cls(connection)
        try:
            reader._check_service()
        except BaseException:
            connection.close()
            raise
        return reader

    def _check_service(self) -> None:
        from jeepney import message_bus

        (owned,) = self._call(message_bus.NameHasOwner(BUS_NAME))
        if owned:
            return
        (names,) = self._call(message_bus.ListActivatableNames())
        if BUS_NAME not in names:
            raise Unavailable("no Secret Service on the D-Bus session bus")

    def _call(self, message: Any) -> Any:
        from jeepney.wrappers import unwrap_msg

        return unwrap_msg(self.connection.send_and_get_reply(message, timeout=TIMEOUT))

    def _method(self, path: str, interface: str, method: str, signature: str, *body: Any) -> Any:
        from jeepney import DBusAddress, new_method_call

        address = DBusAddress(path, bus_name=BUS_NAME, interface=INTERFACE + interface)
        return self._call(new_method_call(address, method, signature, body))

    def _plain_session(self) -> str:
        if self._session is None:
            _, path = self._method(SERVICE_PATH, "Service", "OpenSession", "sv", "plain", ("s", ""))
            self._session = str(path)
        return self._session

    def read(self, service: str, username: str) -> str | None:
        """The secret of the first item with these attributes in the default
        collection, as keyring's SecretService backend stores it; ``None`` when
        there is none (or no default collection yet)."""
        from jeepney import DBusErrorResponse

        try:
            (items,) = self._method(
                DEFAULT_COLLECTION, "Collection", "SearchItems", "a{ss}",
                {"service": service, "username": username},
            )  # fmt: skip
            if not items:
                return None
            session = self._plain_session()
            (secret,) = self._method(items[0], "Item", "GetSecret", "o", session)
        except DBusErrorResponse as exc:
            if exc.name in NO_OBJECT:
                return None
            if exc.name in NEEDS_KEYRING:
                raise NeedsKeyring(exc.name) from None
            raise
        value: bytes = secret[2]
        return value.decode("utf-8")

    def close(self) -> None:
        self.connection.close()
