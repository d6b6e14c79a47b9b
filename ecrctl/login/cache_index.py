"""The token cache's index: ``$XDG_CACHE_HOME/ecrctl/tokens.json`` (0600), never a
secret. It records each cached token (key, account, region, principal, host,
expiry) and the caller identity remembered per credential source, so that a cache
hit needs no AWS call. Writes are locked and atomic (:mod:`ecrctl.atomicfile`),
and each drops the expired tokens and identities: the file stays as small as
what is still usable.

Only the standard library at import: the credential helper's cache hit reads it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ecrctl.login.cache_entries import (
    CacheEntry,
    Identity,
    _parse_time,
    entry_from_record,
    now_utc,
)

IDENTITY_TTL = timedelta(hours=12)


def debug(message: str, *args: object) -> None:
    """A ``--debug`` line of the token cache. logging is never imported for it:
    where nothing has imported logging, nothing has set it to show debug lines."""
    logging = sys.modules.get("logging")
    if logging is not None:
        logging.getLogger("ecrctl.cache").debug(message, *args)


class Index:
    """The index file at ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (ValueError, OSError) as exc:
            debug("token cache index %s unreadable (%s): starting afresh", self.path, exc)
            return {}
        return data if isinstance(data, dict) else {}

    def update(self, change: Callable[[dict[str, Any]], None]) -> list[str]:
        """Apply ``change`` and drop what has expired; the names of the tokens dropped
        (their secrets are the caller's to delete). An unwritable cache dir costs
        only the cache."""
        from ecrctl.atomicfile import locked, write_atomic

        expired: list[str] = []
        try:
            with locked(self.path.parent):
                data = self.read()
                change(data)
                expired = prune(data, now_utc())
                write_atomic(self.path, json.dumps(data, indent=1, sort_keys=True).encode())
        except Exception as exc:
            debug("cannot update the token cache index %s: %s", self.path, exc)
        return expired

    def identity(self, source: str, now: datetime) -> Identity | None:
        entry = self.read().get("identities", {}).get(source)
        if not isinstance(entry, dict):
            return None
        try:
            if _parse_time(entry["expiresAt"]) <= now:
                return None
            return Identity(arn=entry["Arn"], account=entry["Account"])
        except (KeyError, TypeError, ValueError):
            return None

    def remember(self, source: str, identity: Identity) -> list[str]:
        expires = (now_utc() + IDENTITY_TTL).isoformat()

        def change(data: dict[str, Any]) -> None:
            data.setdefault("identities", {})[source] = {
                "Arn": identity.arn,
                "Account": identity.account,
                "expiresAt": expires,
            }

        return self.update(change)

    def record(self, entry: CacheEntry) -> list[str]:
        def change(data: dict[str, Any]) -> None:
            record = entry._asdict()
            record["expires_at"] = entry.expires_at.isoformat()
            record["refresh_at"] = entry.refresh_at.isoformat()
            data.setdefault("tokens", {})[entry.key] = record

        return self.update(change)

    def forget(self, name: str) -> list[str]:
        return self.update(lambda data: data.get("tokens", {}).pop(name, None))

    def entries(self) -> list[CacheEntry]:
        found = []
        for record in self.read().get("tokens", {}).values():
            entry = entry_from_record(record)
            if entry is not None:
                found.append(entry)
        return sorted(found, key=lambda e: e.key)


def prune(data: dict[str, Any], now: datetime) -> list[str]:
    """Drop expired tokens and identities from the index; the names of the tokens."""
    expired: list[str] = []
    tokens = data.get("tokens")
    if isinstance(tokens, dict):
        for name, record in list(tokens.items()):
            entry = entry_from_record(record)
            if entry is None or entry.expires_at <= now:
                del tokens[name]
                expired.append(name)
    identities = data.get("identities")
    if isinstance(identities, dict):
        for source, record in list(identities.items()):
            try:
                alive = _parse_time(record["expiresAt"]) > now
            except (KeyError, TypeError, ValueError):
                alive = False
            if not alive:
                del identities[source]
    return expired
