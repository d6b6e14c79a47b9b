"""Which keyring backend holds the token cache's secrets: the one keyring chooses
(``PYTHON_KEYRING_BACKEND``, else its config file, else its own detection),
accepted only when it keeps secrets in an operating system's store, and then used
directly rather than through keyring's chainer.

Where keyring would use its SecretService backend (named, or the only OS store
its detection can find: Linux without the KWallet or libsecret bindings), ecrctl
finds the Secret Service itself (:func:`route`) and reads it straight over D-Bus
(:mod:`ecrctl.login.secret_service`), importing keyring only to write. Where it
finds none, keyring would find none either, and keyring is not imported at all.

Only the standard library at import: the credential helper's cache hit asks
:func:`route`; keyring is imported by :func:`os_store` and
:func:`secret_service_backend`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

# keyring's backends that keep secrets in the operating system's store
OS_STORES = (
    "keyring.backends.SecretService",
    "keyring.backends.libsecret",
    "keyring.backends.kwallet",
    "keyring.backends.macOS",
    "keyring.backends.Windows",
)
SECRET_SERVICE_BACKEND = "keyring.backends.SecretService.Keyring"

# how the token cache reaches the OS keyring (route())
SECRET_SERVICE = "secret service"  # straight over D-Bus, keyring only to write
KEYRING = "keyring"  # keyring's backend, for reads too


class NoOsStore(Exception):
    """keyring offers no backend the token cache may use.

    ``reason`` says why, ``fact`` without the consequence and fix; ``loud`` when
    keyring itself failed, which the user is warned of, rather than a choice of
    backend, which only ``--debug`` tells."""

    def __init__(self, reason: str, *, loud: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.fact = reason.split(": tokens are not cached", 1)[0]
        self.loud = loud


def keyring_config_file() -> Path:
    """keyring's own config file on Linux (``default-keyring`` names a backend there)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "python_keyring" / "keyringrc.cfg"


def configured() -> bool:
    """Whether the user named a backend: ``PYTHON_KEYRING_BACKEND`` or keyring's config."""
    return bool(os.environ.get("PYTHON_KEYRING_BACKEND")) or keyring_config_file().exists()


def route() -> str:
    """How to reach the OS keyring, decided without importing keyring: through
    keyring when a backend other than its SecretService is named (environment or
    config file), off Linux, or when keyring could detect KWallet or libsecret (their
    Python bindings are installed); else straight to the Secret Service, as the one
    OS store keyring's detection could find."""
    named = os.environ.get("PYTHON_KEYRING_BACKEND", "").strip()
    if named:
        return SECRET_SERVICE if named == SECRET_SERVICE_BACKEND else KEYRING
    if sys.platform != "linux" or keyring_config_file().exists():
        return KEYRING
    from importlib.util import find_spec

    if find_spec("dbus") is not None or find_spec("gi") is not None:
        return KEYRING
    return SECRET_SERVICE


def secret_service_backend() -> Any:
    """keyring's SecretService backend (for writes), made without keyring's detection."""
    try:
        skip_foreign_keychain()
        from keyring.backends.SecretService import Keyring

        Keyring.priority  # noqa: B018 - raises when the Secret Service is unusable
    except Exception as exc:
        raise NoOsStore(f"keyring could not start ({type(exc).__name__}: {exc})") from exc
    return Keyring()  # type: ignore[no-untyped-call]


def direct_reader(backend: Any) -> Any:
    """A direct D-Bus reader for keyring's own SecretService backend (default
    collection, default scheme), else ``None`` (keyring reads)."""
    if type(backend).__module__ != "keyring.backends.SecretService":
        return None
    if getattr(backend, "scheme", "default") != "default":
        return None
    if hasattr(backend, "preferred_collection"):
        return None
    from ecrctl.login.secret_service import Reader, Unavailable

    try:
        return Reader.connect()
    except Unavailable:
        return None


def os_store() -> Any:
    """keyring's backend for the token cache, used directly; raises :class:`NoOsStore`
    when keyring cannot start, or its backend would write secrets outside an OS
    store, or it has none (its fail backend, an empty chain)."""
    try:
        skip_foreign_keychain()
        import keyring
        import keyring.backends.fail

        backend = own_backend(keyring.get_keyring())
    except Exception as exc:
        reason = f"keyring could not start ({type(exc).__name__}: {exc})"
        raise NoOsStore(reason, loud=True) from exc
    plaintext = not_an_os_store(backend)
    if plaintext:
        raise NoOsStore(
            f"the keyring backend {plaintext} does not keep secrets in an OS store: tokens are "
            "not cached; run a Secret Service (e.g. gnome-keyring) or choose another backend"
        )
    if isinstance(backend, keyring.backends.fail.Keyring) or not _has_backends(backend):
        raise NoOsStore(
            "no usable keyring backend (keyring chose its fail backend): tokens are not cached; "
            "run a Secret Service (e.g. gnome-keyring) or set PYTHON_KEYRING_BACKEND"
        )
    return backend


def not_an_os_store(backend: Any) -> str | None:
    """The name of a backend (or of a chained one) that would write secrets
    anywhere but an OS store (keyrings.alt's files, ...); ``None`` when none would.

    A backend may declare ``keeps_secrets_in_os_store = True`` itself."""
    import keyring.backends.fail

    inner = getattr(backend, "backends", None)
    if inner is not None:  # the chainer writes through its first backend
        return not_an_os_store(inner[0]) if inner else None
    if isinstance(backend, keyring.backends.fail.Keyring):
        return None
    if getattr(backend, "keeps_secrets_in_os_store", False):
        return None
    module = type(backend).__module__
    if module.startswith(OS_STORES):
        return None
    return f"{module}.{type(backend).__name__}"


_CHAIN_HEADS: dict[int, tuple[Any, Any]] = {}  # id(chainer) -> (chainer, its first backend)


def own_backend(backend: Any) -> Any:
    """The backend the cache reads and writes: keyring's chainer writes through its
    first member, so that member is used directly, found once per process. The
    chainer finds its members anew on each use, which for the Secret Service is a
    D-Bus connection per member per call: ten for one token read, instead of one."""
    import keyring.backends.chainer

    if not isinstance(backend, keyring.backends.chainer.ChainerBackend):
        return backend
    known = _CHAIN_HEADS.get(id(backend))
    if known is None or known[0] is not backend:
        members = backend.backends
        known = _CHAIN_HEADS[id(backend)] = (backend, members[0] if members else backend)
    return known[1]


def skip_foreign_keychain() -> None:
    """keyring's detection imports every backend it ships. Its macOS one is never
    chosen elsewhere (its priority raises off macOS), but the import of its API
    module calls ctypes.util.find_library, which on Linux runs ldconfig, then gcc
    and ld where they are installed: 40-300 ms of a command such as ``image copy``
    that opens the token cache. Off macOS the module is marked absent, so that
    import fails at once (keyring catches it) instead."""
    if sys.platform != "darwin":
        sys.modules.setdefault("keyring.backends.macOS.api", None)  # type: ignore[arg-type]


def _has_backends(backend: Any) -> bool:
    inner = getattr(backend, "backends", None)
    return inner is None or bool(inner)
