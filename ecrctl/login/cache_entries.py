"""What the token cache stores: the key a token is filed under, the token itself
(secret), the index entry beside it (no secret), and the caller identity.

Only the standard library: the credential helper's cache hit reads these. The
annotations are evaluated (no ``from __future__ import annotations``): typing's
NamedTuple compiles each field's annotation when it is a string, about 1 ms of
the credential helper's hit for these four classes.
"""

import json
from datetime import UTC, datetime
from typing import NamedTuple


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
    def from_json(cls, text: str) -> "CachedToken":
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


def entry_from_record(record: object) -> CacheEntry | None:
    """An index record as a :class:`CacheEntry`; ``None`` when it is not one."""
    if not isinstance(record, dict):
        return None
    try:
        return CacheEntry(
            **{
                **record,
                "expires_at": _parse_time(record["expires_at"]),
                "refresh_at": _parse_time(record["refresh_at"]),
            }
        )
    except (KeyError, TypeError, ValueError):
        return None


def _parse_time(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def now_utc() -> datetime:
    return datetime.now(UTC)
