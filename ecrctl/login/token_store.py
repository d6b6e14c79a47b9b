"""Where the token cache keeps its secrets, and the one this process uses.

``ECRCTL_TOKEN_CACHE``, else ``token_cache`` in ecrctl's config.toml, else ``auto``:

=========  ====================================================================
auto       the OS keyring; where there is none, the kernel keyring; where the
           kernel refuses it, a file in ``$XDG_RUNTIME_DIR`` when that is this
           user's tmpfs; else no cache
keyring    the OS keyring only (``PYTHON_KEYRING_BACKEND`` honoured, plaintext
           backends refused)
kernel     the kernel keyring only
file       a 0600 file on disk, ``$XDG_CACHE_HOME/ecrctl/token-secrets.json``:
           tokens at rest, asked for
off        no cache (as ``--no-cache`` and ``ECRCTL_NO_CACHE=1``)
=========  ====================================================================

Every store reads, writes (with the token's expiry) and deletes a secret by the
cache key's name. Only the standard library is imported at module level, and the
choice imports keyring only when keyring, not ecrctl, must find the OS store.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from ecrctl.errors import InvalidInput

MODES = ("auto", "keyring", "kernel", "file", "off")
KEYRING_SERVICE = "ecrctl"  # the keyring service the tokens are filed under


class SecretStore(Protocol):
    kind: str  # "keyring", "kernel", "runtime file", "file"

    def where(self) -> str: ...

    def read(self, name: str) -> str | None: ...

    def write(
        self, name: str, value: str, expires_at: datetime, now: datetime, spare: Iterable[str] = ()
    ) -> None: ...

    def delete(self, name: str) -> None: ...


class Choice(NamedTuple):
    store: SecretStore | None  # None: no cache
    reason: str  # why not the first choice (a keyring the user named), or why no cache
    warning: str = ""  # keyring itself failed: what the user is told on stderr
    skipped: str = ""  # why the stores before this one are not used (for doctor and --debug)


NOT_CACHED = ": tokens are not cached"


def fact_of(reason: str) -> str:
    """A refusal without its consequence and fix."""
    return reason.split(NOT_CACHED, 1)[0]


def check_mode(value: str, where: str) -> str:
    mode = value.strip().lower()
    if mode not in MODES:
        raise InvalidInput(
            f"{where} {value!r} is not a token cache",
            hint=f"use one of {', '.join(MODES)} (see docs/login.md#the-token-cache)",
        )
    return mode


def wanted_mode(config_value: Callable[[], str | None]) -> tuple[str, str]:
    """The mode asked for and where it was asked: ``ECRCTL_TOKEN_CACHE``, else the
    config file's ``token_cache`` (read only when the variable is not set)."""
    given = os.environ.get("ECRCTL_TOKEN_CACHE", "").strip()
    if given:
        return check_mode(given, "ECRCTL_TOKEN_CACHE"), "ECRCTL_TOKEN_CACHE"
    configured = config_value()
    if configured:
        return configured, "token_cache in ecrctl's config"
    return "auto", "the default"


class KeyringStore:
    """A keyring backend, made on first use; reads of keyring's SecretService
    backend go straight over D-Bus (:mod:`ecrctl.login.secret_service`)."""

    kind = "keyring"

    def __init__(
        self, backend: Any = None, make: Callable[[], Any] | None = None, reader: Any = None
    ) -> None:
        self._backend = backend
        self._make = make
        self.reader = reader

    @property
    def backend(self) -> Any:
        if self._backend is None:
            assert self._make is not None
            self._backend = self._make()
        return self._backend

    def where(self) -> str:
        if self.reader is not None:
            return "the OS keyring (the Secret Service on the D-Bus session bus)"
        backend = type(self.backend)
        return f"the OS keyring ({backend.__module__}.{backend.__name__})"

    def read(self, name: str) -> str | None:
        if self.reader is not None:
            from ecrctl.login.secret_service import NeedsKeyring

            try:
                found: str | None = self.reader.read(KEYRING_SERVICE, name)
                return found
            except NeedsKeyring:
                pass  # keyring reads it (and may ask to unlock)
        value: str | None = self.backend.get_password(KEYRING_SERVICE, name)
        return value

    def write(
        self, name: str, value: str, expires_at: datetime, now: datetime, spare: Iterable[str] = ()
    ) -> None:
        self.backend.set_password(KEYRING_SERVICE, name, value)

    def delete(self, name: str) -> None:
        try:
            self.backend.delete_password(KEYRING_SERVICE, name)
        except Exception as exc:
            if type(exc).__name__ != "PasswordDeleteError":  # not there: fine
                raise


def _keyring_choice() -> Choice:
    """The OS keyring, the way keyring would find it: straight over D-Bus when that
    is the Secret Service, through keyring otherwise."""
    from ecrctl.login import keyring_backend as kb

    if kb.route() == kb.SECRET_SERVICE:
        from ecrctl.login.secret_service import Reader, Unavailable

        try:
            reader = Reader.connect()
        except Unavailable as exc:
            fix = "run a Secret Service (e.g. gnome-keyring) or set PYTHON_KEYRING_BACKEND"
            return Choice(None, f"no OS keyring ({exc}){NOT_CACHED}; {fix}")
        return Choice(KeyringStore(make=kb.secret_service_backend, reader=reader), "")
    try:
        backend = kb.os_store()
    except kb.NoOsStore as refused:
        warning = f"{refused.reason}; working without the token cache" if refused.loud else ""
        return Choice(None, refused.reason, warning)
    return Choice(KeyringStore(backend, reader=kb.direct_reader(backend)), "")


def _kernel_choice(scope: str) -> Choice:
    from ecrctl.login.kernel_keyring import Refused, open_store

    try:
        return Choice(open_store(scope), "")
    except Refused as exc:
        return Choice(None, exc.reason)


def _runtime_choice(scope: str) -> Choice:
    from ecrctl.login.file_cache import FileStore, private_runtime_dir

    runtime, why = private_runtime_dir()
    if runtime is None:
        return Choice(None, why)
    return Choice(FileStore(runtime / "ecrctl" / f"tokens-{scope}.json", "runtime file"), "")


def _file_choice() -> Choice:
    from ecrctl import paths
    from ecrctl.login.file_cache import FileStore

    return Choice(FileStore(paths.token_secrets(), "file"), "")


def choose(mode: str, index: Path) -> Choice:
    """The store for ``mode``; in ``auto``, the first that works, with why the ones
    before it do not."""
    from ecrctl.login.file_cache import cache_label

    scope = cache_label(index)
    if mode == "keyring":
        return _keyring_choice()
    if mode == "kernel":
        return _kernel_choice(scope)
    if mode == "file":
        return _file_choice()
    first = _keyring_choice()
    if first.store is not None:
        return first
    skipped = [fact_of(first.reason)]
    fallbacks: list[Callable[[str], Choice]] = [_kernel_choice, _runtime_choice]
    for fallback in fallbacks:
        found = fallback(scope)
        if found.store is not None:
            where = found.store.where()
            told = f"{skipped[0]}: tokens are cached in {where} instead" if _keyring_named() else ""
            warning = f"{skipped[0]}; tokens are cached in {where} instead" if first.warning else ""
            return Choice(found.store, told, warning, "; ".join(skipped))
        skipped.append(found.reason)
    reason = (
        f'no token cache: {"; ".join(skipped)}; set token_cache = "file" in ecrctl\'s config '
        "(or ECRCTL_TOKEN_CACHE=file) to cache tokens in a file on disk"
    )
    return Choice(None, reason, first.warning and f"{reason}", "; ".join(skipped))


def _keyring_named() -> bool:
    """Whether the user named a keyring backend (so its refusal is worth telling)."""
    from ecrctl.login.keyring_backend import configured

    return configured()
