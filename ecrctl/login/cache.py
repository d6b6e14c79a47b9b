"""The registry token cache: secrets in the OS keyring, an index without secrets
beside it.

A token is cached under ``partition/account/region/principal[@endpoint]``
where *principal* is the caller's ARN from STS GetCallerIdentity (an assumed
role's session name dropped), so every session of the same role shares its
tokens. The identity itself is remembered per credential source (profile name
or access key id, and the AWS config files' modification times) in the index,
so a cache hit makes no AWS call at all.

A token is reused until half its lifetime has passed and never after it
expires. With ``--no-cache``/``ECRCTL_NO_CACHE``, or without a keyring backend
that keeps secrets in an OS store (:mod:`ecrctl.login.keyring_backend`),
:func:`open_cache` returns a :class:`NullCache` that stores nothing; a keyring
that fails later turns the cache off for the rest of the process with one warning.

Only the standard library is imported at module level: the credential helper's
cache hit must stay fast. keyring itself is imported when :func:`open_cache` runs.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ecrctl import paths
from ecrctl.distribution.hosts import partition_of
from ecrctl.login.cache_entries import (
    CachedToken,
    CacheEntry,
    CacheKey,
    Identity,
    _parse_time,
    now_utc,
    principal_of,
)
from ecrctl.login.keyring_backend import NoOsStore, os_store

log = logging.getLogger("ecrctl.cache")

SERVICE = "ecrctl"
IDENTITY_TTL = timedelta(hours=12)
_TRUE = {"1", "true", "yes", "on"}

Warn = Callable[[str], None]


def _stderr_warning(message: str) -> None:
    sys.stderr.write(f"ecrctl: warning: {message}\n")


def cache_disabled_by_env() -> bool:
    return os.environ.get("ECRCTL_NO_CACHE", "").strip().lower() in _TRUE


def index_path() -> Path:
    return paths.token_index()


class TokenCache:
    """The interface, and the behaviour of a cache that stores nothing."""

    usable = False

    def __init__(self, reason: str = "the token cache is off") -> None:
        self.reason = reason

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
        """The index entries whose token the keyring really holds."""
        return []

    def drop_where(self, keep: Callable[[CacheEntry], bool]) -> list[CacheEntry]:
        return []


NullCache = TokenCache


class KeyringCache(TokenCache):
    """Tokens in ``keyring`` (service ``ecrctl``), the index in a 0600 JSON file."""

    usable = True

    def __init__(self, backend: Any, index: Path | None = None, warn: Warn | None = None) -> None:
        super().__init__("")
        self.backend = backend
        self.index = index or index_path()
        self.warn = warn or _stderr_warning

    # -- the index ---------------------------------------------------------------
    def _read_index(self) -> dict[str, Any]:
        try:
            data = json.loads(self.index.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (ValueError, OSError) as exc:
            log.debug("token cache index %s unreadable (%s): starting afresh", self.index, exc)
            return {}
        return data if isinstance(data, dict) else {}

    def _update_index(self, change: Callable[[dict[str, Any]], None]) -> None:
        from ecrctl.atomicfile import locked, write_atomic

        try:
            with locked(self.index.parent):
                data = self._read_index()
                change(data)
                write_atomic(self.index, json.dumps(data, indent=1, sort_keys=True).encode())
        except Exception as exc:  # an unwritable cache dir costs only the cache
            log.debug("cannot update the token cache index %s: %s", self.index, exc)

    # -- keyring, with failures turned into "no cache" ---------------------------
    def _fail(self, action: str, exc: BaseException) -> None:
        self.usable = False
        if type(exc).__name__ == "KeyringLocked":
            self.reason = "the keyring is locked: tokens are not cached; unlock it to cache them"
            log.debug(self.reason)
            return
        self.reason = f"the keyring failed to {action} ({type(exc).__name__}: {exc})"
        self.warn(f"{self.reason}; working without the token cache")

    def _keyring_get(self, name: str) -> str | None:
        if not self.usable:
            return None
        try:
            value: str | None = self.backend.get_password(SERVICE, name)
            return value
        except Exception as exc:
            self._fail("read a token", exc)
            return None

    # -- identities --------------------------------------------------------------
    def identity(self, source: str, now: datetime | None = None) -> Identity | None:
        now = now or now_utc()
        entry = self._read_index().get("identities", {}).get(source)
        if not isinstance(entry, dict):
            return None
        try:
            if _parse_time(entry["expiresAt"]) <= now:
                return None
            return Identity(arn=entry["Arn"], account=entry["Account"])
        except (KeyError, TypeError, ValueError):
            return None

    def remember_identity(self, source: str, identity: Identity) -> None:
        expires = (now_utc() + IDENTITY_TTL).isoformat()

        def change(data: dict[str, Any]) -> None:
            data.setdefault("identities", {})[source] = {
                "Arn": identity.arn,
                "Account": identity.account,
                "expiresAt": expires,
            }

        self._update_index(change)

    # -- tokens ------------------------------------------------------------------
    def get(self, key: CacheKey, now: datetime | None = None) -> CachedToken | None:
        now = now or now_utc()
        raw = self._keyring_get(key.name)
        if raw is None:
            return None
        try:
            token = CachedToken.from_json(raw)
        except (ValueError, KeyError, TypeError):
            log.debug("cached token %s is unreadable: dropping it", key.name)
            self.drop(key.name)
            return None
        if not token.fresh(now):
            log.debug(
                "cached token %s is past its refresh time %s: fetching a new one",
                key.name,
                token.refresh_at().isoformat(),
            )
            return None
        return token

    def put(self, key: CacheKey, token: CachedToken, now: datetime | None = None) -> bool:
        now = now or now_utc()
        if token.expires_at <= now:
            log.debug(
                "not caching the token for %s: ECR says it expired at %s",
                key.name,
                token.expires_at.isoformat(),
            )
            return False
        if not self.usable:
            return False
        try:
            self.backend.set_password(SERVICE, key.name, token.to_json())
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

        def change(data: dict[str, Any]) -> None:
            record = entry._asdict()
            record["expires_at"] = entry.expires_at.isoformat()
            record["refresh_at"] = entry.refresh_at.isoformat()
            data.setdefault("tokens", {})[key.name] = record

        self._update_index(change)
        log.debug("cached the token for %s until %s", key.name, entry.refresh_at.isoformat())
        return True

    def drop(self, key_name: str) -> None:
        if self.usable:
            try:
                self.backend.delete_password(SERVICE, key_name)
            except Exception as exc:
                if type(exc).__name__ != "PasswordDeleteError":  # not there: fine
                    self._fail("delete a token", exc)
        self._update_index(lambda data: data.get("tokens", {}).pop(key_name, None))

    def entries(self) -> list[CacheEntry]:
        found = []
        for record in self._read_index().get("tokens", {}).values():
            try:
                found.append(
                    CacheEntry(
                        **{
                            **record,
                            "expires_at": _parse_time(record["expires_at"]),
                            "refresh_at": _parse_time(record["refresh_at"]),
                        }
                    )
                )
            except (KeyError, TypeError, ValueError):
                continue
        return sorted(found, key=lambda e: e.key)

    def held(self) -> list[CacheEntry]:
        return [e for e in self.entries() if self._keyring_get(e.key) is not None]

    def drop_where(self, keep: Callable[[CacheEntry], bool]) -> list[CacheEntry]:
        """Drop every entry for which ``keep`` is false; return those dropped."""
        dropped = [entry for entry in self.entries() if not keep(entry)]
        for entry in dropped:
            self.drop(entry.key)
        return dropped


def open_cache(*, disabled: bool = False, warn: Warn | None = None) -> TokenCache:
    """The keyring-backed cache, or a NullCache saying why there is none."""
    if disabled:
        return NullCache("the token cache is off (--no-cache)")
    if cache_disabled_by_env():
        return NullCache("the token cache is off (ECRCTL_NO_CACHE)")
    try:
        backend = os_store()
    except NoOsStore as refused:
        if refused.loud:
            (warn or _stderr_warning)(f"{refused.reason}; working without the token cache")
        else:
            log.debug(refused.reason)
        return NullCache(refused.reason)
    log.debug("token cache: keyring backend %s", type(backend).__module__)
    return KeyringCache(backend, warn=warn)


__all__ = [
    "CacheEntry",
    "CacheKey",
    "CachedToken",
    "Identity",
    "KeyringCache",
    "NullCache",
    "TokenCache",
    "now_utc",
    "open_cache",
    "partition_of",
    "principal_of",
]
