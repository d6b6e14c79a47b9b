"""``ecrctl login status``: every ECR (or mapped) host docker, ecrctl's records and
the token cache know of, where its credential lives and when it expires. Never a secret."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ecrctl.distribution.hosts import parse_ecr_host, server_host
from ecrctl.jsonrecord import record_json
from ecrctl.login import cache as tokencache
from ecrctl.login import dockerconfig
from ecrctl.login.workflow import account_region, hours_left, read_records

if TYPE_CHECKING:
    from ecrctl.login.registries import Registries


@dataclass(frozen=True)
class StatusRow:
    host: str
    registry_id: str | None
    region: str | None
    stored_in: str
    expires_at: datetime | None
    cached: bool
    profile: str | None

    @property
    def hours_left(self) -> float | None:
        return hours_left(self.expires_at) if self.expires_at else None

    def to_json(self) -> dict[str, Any]:
        names = [f.name for f in fields(self)]
        names.insert(names.index("expires_at") + 1, "hours_left")
        return record_json(self, *names)


def status(
    registries: Registries, cache: tokencache.TokenCache, now: datetime | None = None
) -> list[StatusRow]:
    """Every ECR (or mapped) host in the docker config, the cache and the records."""
    now = now or datetime.now(UTC)
    docker = dockerconfig.read_config()
    config = registries.config
    records = read_records()
    entries = cache.held()  # what the keyring really holds, not only what the index says
    hosts: set[str] = set(records) | set(config.registries) | {e.host for e in entries if e.host}
    for section in ("auths", "credHelpers"):
        keys = docker.get(section) or {}
        hosts |= {server_host(k) for k in keys if parse_ecr_host(k)}
    rows = []
    for host in sorted(hosts):
        owner = account_region(registries, host, records)
        mine = [e for e in entries if e.host == host or (owner and (e.account, e.region) == owner)]
        fresh = [e for e in mine if now < e.refresh_at and now < e.expires_at]
        expiry = max((e.expires_at for e in mine), default=None)
        if expiry is None and host in records and records[host].get("expiresAt"):
            expiry = datetime.fromisoformat(records[host]["expiresAt"])
        known = dockerconfig.has_credential(docker, host)
        where = dockerconfig.location_for(docker, host).describe() if known else "not in docker"
        mapping = config.mapping_for(host)
        rows.append(
            StatusRow(
                host=host,
                registry_id=owner[0] if owner else None,
                region=owner[1] if owner else None,
                stored_in=where,
                expires_at=expiry,
                cached=bool(fresh),
                profile=mapping.profile if mapping else records.get(host, {}).get("profile"),
            )
        )
    return rows
