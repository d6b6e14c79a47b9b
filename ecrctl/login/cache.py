"""The registry token cache: secrets in a secret store, an index without secrets
beside it.

A token is cached under ``partition/account/region/principal[@endpoint]``
where *principal* is the caller's ARN from STS GetCallerIdentity (an assumed
role's session name dropped), so every session of the same role shares its
tokens. The identity itself is remembered per credential source (profile name
or access key id, and the AWS config files' modification times) in the index,
so a cache hit makes no AWS call at all.

The secrets go where :mod:`ecrctl.login.token_store` chooses: the OS keyring,
else the kernel keyring, else a file in a private tmpfs; or where the user asks
(``ECRCTL_TOKEN_CACHE``, ``token_cache`` in config.toml). The index
(``$XDG_CACHE_HOME/ecrctl/tokens.json``, 0600) stays bounded: every write drops
the expired tokens (and their secrets) and the expired identities.

A token is reused until half its lifetime has passed and never after it
expires. With ``--no-cache``/``ECRCTL_NO_CACHE``, or no store at all,
:func:`open_cache` returns a :class:`NullCache` that stores nothing and says why;
a store that fails later turns the cache off for the rest of the process with
one warning. :meth:`StoreCache.filling` serialises the processes that miss the
same token at once, so that they ask AWS once between them.

Only the standard library is imported at module level (logging only where it is
already in use): the credential helper's cache hit must stay fast.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecrctl import paths
from ecrctl.distribution.hosts import partition_of
from ecrctl.login.cache_entries import (
    CachedToken,
    CacheEntry,
    CacheKey,
    Identity,
    now_utc,
    principal_of,
)
from ecrctl.login.cache_index import IDENTITY_TTL, Index
from ecrctl.login.cache_index import debug as _debug
from ecrctl.login.token_store import KEYRING_SERVICE, KeyringStore

if TYPE_CHECKING:
    from ecrctl.login.mappings import Config
    from ecrctl.login.token_store import SecretStore

_TRUE = {"1", "true", "yes", "on"}

Warn = Callable[[str], None]


def _stderr_warning(message: str) -> None:
    sys.stderr.write(f"ecrctl: warning: {message}\n")


def _warning_once(message: str) -> None:
    """A warning about the cache's state, told once until that state changes."""
    from ecrctl.login.told import tell_once

    tell_once(f"ecrctl: warning: {message}", lambda line: sys.stderr.write(line + "\n"))


def cache_disabled_by_env() -> bool:
    return os.environ.get("ECRCTL_NO_CACHE", "").strip().lower() in _TRUE


def index_path() -> Path:
    return paths.token_index()


class TokenCache:
    """The interface, and the behaviour of a cache that stores nothing."""

    usable = False
    kind = "none"

    def __init__(self, reason: str = "the token cache is off") -> None:
        self.reason = reason

    def where(self) -> str:
        return "nowhere"

    def identity(self, source: str, now: datetime | None = None) -> Identity | None:
        return None

    def remember_identity(self, source: str, identity: Identity) -> None:
        return None

    def get(self, key: CacheKey, now: datetime | None = None) -> CachedToken | None:
        return None

    def put(self, key: CacheKey, token: CachedToken, now: datetime | None = None) -> bool:
        return False

    def drop(self, key_name: str) -> None:
        return None

    def entries(self) -> list[CacheEntry]:
        return []

    def held(self) -> list[CacheEntry]:
        """The index entries whose token the store really holds."""
        return []

    def drop_where(self, keep: Callable[[CacheEntry], bool]) -> list[CacheEntry]:
        return []

    @contextlib.contextmanager
    def filling(self, scope: str) -> Iterator[bool]:
        """Held while a token missing from the cache is fetched and stored."""
        yield False


NullCache = TokenCache


class StoreCache(TokenCache):
    """Tokens in a secret store by key name, the index in a 0600 JSON file."""

    usable = True

    def __init__(
        self,
        store: SecretStore,
        index: Path | None = None,
        warn: Warn | None = None,
        reason: str = "",
        skipped: str = "",
    ) -> None:
        super().__init__(reason)
        self.store = store
        self.kind = store.kind
        self.skipped = skipped  # why the stores before this one are not used
        self.index = index or index_path()
        self._index = Index(self.index)
        self.warn = warn or _stderr_warning

    def where(self) -> str:
        return self.store.where()

    # -- the store, with failures turned into "no cache" -------------------------
    def _fail(self, action: str, exc: BaseException) -> None:
        self.usable = False
        if type(exc).__name__ == "KeyringLocked":
            self.reason = "the keyring is locked: tokens are not cached; unlock it to cache them"
            _debug(self.reason)
            return
        store = "keyring" if self.kind == "keyring" else f"token cache ({self.kind})"
        self.reason = f"the {store} failed to {action} ({type(exc).__name__}: {exc})"
        self.warn(f"{self.reason}; working without the token cache")

    def _read(self, name: str) -> str | None:
        if not self.usable:
            return None
        try:
            return self.store.read(name)
        except Exception as exc:
            self._fail("read a token", exc)
            return None

    # -- identities --------------------------------------------------------------
    def identity(self, source: str, now: datetime | None = None) -> Identity | None:
        return self._index.identity(source, now or now_utc())

    def remember_identity(self, source: str, identity: Identity) -> None:
        self._forget(self._index.remember(source, identity))

    # -- tokens ------------------------------------------------------------------
    def get(self, key: CacheKey, now: datetime | None = None) -> CachedToken | None:
        now = now or now_utc()
        raw = self._read(key.name)
        if raw is None:
            return None
        try:
            token = CachedToken.from_json(raw)
        except (ValueError, KeyError, TypeError):
            _debug("cached token %s is unreadable: dropping it", key.name)
            self.drop(key.name)
            return None
        if not token.fresh(now):
            _debug(
                "cached token %s is past its refresh time %s: fetching a new one",
                key.name,
                token.refresh_at().isoformat(),
            )
            return None
        return token

    def put(self, key: CacheKey, token: CachedToken, now: datetime | None = None) -> bool:
        now = now or now_utc()
        if token.expires_at <= now:
            _debug(
                "not caching the token for %s: ECR says it expired at %s",
                key.name,
                token.expires_at.isoformat(),
            )
            return False
        if not self.usable:
            return False
        others = sorted((e for e in self.entries() if e.key != key.name), key=_staleness)
        spare = [e.key for e in others]  # dropped when the store is full, stalest first
        try:
            self.store.write(key.name, token.to_json(), token.expires_at, now, spare)
        except Exception as exc:
            self._fail("store a token", exc)
            return False
        entry = CacheEntry(
            key=key.name,
            account=key.account,
            region=key.region,
            principal=key.principal,
            host=token.host,
            expires_at=token.expires_at,
            refresh_at=token.refresh_at(),
            endpoint=key.endpoint,
        )
        self._forget(self._index.record(entry))
        _debug("cached the token for %s until %s", key.name, entry.refresh_at.isoformat())
        return True

    def _forget(self, names: list[str]) -> None:
        """Delete the secrets of expired tokens the index no longer lists."""
        for name in names:
            self._delete(name)

    def _delete(self, name: str) -> None:
        if not self.usable:
            return
        try:
            self.store.delete(name)
        except Exception as exc:
            self._fail("delete a token", exc)

    def drop(self, key_name: str) -> None:
        self._delete(key_name)
        self._forget(self._index.forget(key_name))

    def entries(self) -> list[CacheEntry]:
        return self._index.entries()

    def held(self) -> list[CacheEntry]:
        return [e for e in self.entries() if self._read(e.key) is not None]

    def drop_where(self, keep: Callable[[CacheEntry], bool]) -> list[CacheEntry]:
        """Drop every entry for which ``keep`` is false; return those dropped."""
        dropped = [entry for entry in self.entries() if not keep(entry)]
        for entry in dropped:
            self.drop(entry.key)
        return dropped

    @contextlib.contextmanager
    def filling(self, scope: str) -> Iterator[bool]:
        from ecrctl.login.file_cache import fill_lock, lock_dir

        with fill_lock(lock_dir(self.index.parent), scope) as held:
            yield held


def _staleness(entry: CacheEntry) -> datetime:
    return entry.refresh_at


class KeyringCache(StoreCache):
    """Tokens in ``keyring`` (service ``ecrctl``), the index in a 0600 JSON file."""

    def __init__(
        self,
        backend: Any,
        index: Path | None = None,
        warn: Warn | None = None,
        *,
        store: KeyringStore | None = None,
        reason: str = "",
    ) -> None:
        super().__init__(store or KeyringStore(backend), index, warn, reason)

    @property
    def backend(self) -> Any:
        """keyring's backend (made on first use when reads go straight to D-Bus)."""
        assert isinstance(self.store, KeyringStore)
        return self.store.backend


def open_cache(
    *, disabled: bool = False, warn: Warn | None = None, config: Config | None = None
) -> TokenCache:
    """The token cache in the store this process uses, or a NullCache saying why
    there is none. ``config``: ecrctl's config, when already read."""
    from ecrctl.login.token_store import choose, wanted_mode

    if disabled:
        return NullCache("the token cache is off (--no-cache)")
    if cache_disabled_by_env():
        return NullCache("the token cache is off (ECRCTL_NO_CACHE)")
    mode, source = wanted_mode(lambda: _configured_mode(config))
    if mode == "off":
        return NullCache(f"the token cache is off ({source})")
    index = index_path()
    choice = choose(mode, index)
    if choice.warning:
        (warn or _warning_once)(choice.warning)
    elif choice.store is not None and not choice.reason:
        from ecrctl.login.told import forget

        forget()  # nothing to tell: a problem that comes back is told again
    if choice.store is None:
        _debug(choice.reason)
        return NullCache(choice.reason)
    if choice.skipped:
        _debug("token cache in %s: %s", choice.store.kind, choice.skipped)
    if isinstance(choice.store, KeyringStore):
        return KeyringCache(None, index, warn, store=choice.store, reason=choice.reason)
    return StoreCache(choice.store, index, warn, choice.reason, choice.skipped)


def _configured_mode(config: Config | None) -> str | None:
    if config is None:
        from ecrctl.login.mappings import load_config

        config = load_config()
    return config.token_cache


__all__ = [
    "IDENTITY_TTL",
    "KEYRING_SERVICE",
    "CacheEntry",
    "CacheKey",
    "CachedToken",
    "Identity",
    "KeyringCache",
    "NullCache",
    "StoreCache",
    "TokenCache",
    "now_utc",
    "open_cache",
    "partition_of",
    "principal_of",
]
