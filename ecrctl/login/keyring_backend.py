"""Which keyring backend holds the token cache's secrets: the one keyring chooses
(``PYTHON_KEYRING_BACKEND``, else its own detection), accepted only when it keeps
secrets in an operating system's store, and then used directly rather than
through keyring's chainer.

Only the standard library at import: keyring is imported by :func:`os_store`,
which the credential helper calls on its cache-hit path.
"""

from __future__ import annotations

import sys
from typing import Any

# keyring's backends that keep secrets in the operating system's store
OS_STORES = (
    "keyring.backends.SecretService",
    "keyring.backends.libsecret",
    "keyring.backends.kwallet",
    "keyring.backends.macOS",
    "keyring.backends.Windows",
)


class NoOsStore(Exception):
    """keyring offers no backend the token cache may use.

    ``reason`` says why; ``loud`` when keyring itself failed, which the user is
    warned of, rather than a choice of backend, which only ``--debug`` tells."""

    def __init__(self, reason: str, *, loud: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.loud = loud


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
