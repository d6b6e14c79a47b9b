"""What the token cache stores: the key a token is filed under, the token itself
(secret), the index entry beside it (no secret), and the caller identity; and
which keyring backend holds the secrets (only an OS store, used directly).

Only the standard library at import (keyring inside the functions that need it):
the credential helper's cache hit reads these.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import Any, NamedTuple


def principal_of(arn: str) -> str:
    """The caller ARN, with an assumed role's session name dropped."""
    head, sep, rest = arn.partition(":assumed-role/")
    if not sep:
        return arn
    role = rest.split("/", 1)[0]
    return f"{head}:assumed-role/{role}"


class Identity(NamedTuple):
    arn: str
    account: str

    @property
    def principal(self) -> str:
        return principal_of(self.arn)


class CacheKey(NamedTuple):
    partition: str
    account: str
    region: str
    principal: str
    endpoint: str | None = None

    @property
    def name(self) -> str:
        name = f"{self.partition}/{self.account}/{self.region}/{self.principal}"
        return f"{name}@{self.endpoint}" if self.endpoint else name


class CachedToken(NamedTuple):
    username: str
    password: str
    proxy_endpoint: str
    expires_at: datetime
    issued_at: datetime
    host: str = ""

    def __repr__(self) -> str:  # never show the secret
        return f"CachedToken(host={self.host!r}, expires_at={self.expires_at!r})"

    def refresh_at(self) -> datetime:
        """Half-way through the token's lifetime."""
        return self.issued_at + (self.expires_at - self.issued_at) / 2

    def fresh(self, now: datetime) -> bool:
        return now < self.refresh_at() and now < self.expires_at

    def to_json(self) -> str:
        return json.dumps(
            {
                "username": self.username,
                "password": self.password,
                "proxyEndpoint": self.proxy_endpoint,
                "expiresAt": self.expires_at.isoformat(),
                "issuedAt": self.issued_at.isoformat(),
                "host": self.host,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> CachedToken:
        data = json.loads(text)
        return cls(
            username=data["username"],
            password=data["password"],
            proxy_endpoint=data["proxyEndpoint"],
            expires_at=_parse_time(data["expiresAt"]),
            issued_at=_parse_time(data["issuedAt"]),
            host=data.get("host", ""),
        )


class CacheEntry(NamedTuple):
    """What the index knows about a cached token (no secret)."""

    key: str
    account: str
    region: str
    principal: str
    host: str
    expires_at: datetime
    refresh_at: datetime
    endpoint: str | None = None


def _parse_time(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def now_utc() -> datetime:
    return datetime.now(UTC)


# keyring's backends that keep secrets in the operating system's store
OS_STORES = (
    "keyring.backends.SecretService",
    "keyring.backends.libsecret",
    "keyring.backends.kwallet",
    "keyring.backends.macOS",
    "keyring.backends.Windows",
)


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
