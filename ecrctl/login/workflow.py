"""Logging the docker CLI in to ECR registries, out again, and what is logged in.

``login`` gets a token per registry (through the token cache), then either
stores it where the docker CLI looks (credHelpers/credsStore program, else
config.json) or, with ``helper``, points ``credHelpers[host]`` at
``docker-credential-ecrctl``. What ecrctl logged in to is recorded in
``$XDG_STATE_HOME/ecrctl/logins.json`` (no secrets) so that ``logout`` with no
host knows what to undo.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ecrctl import paths
from ecrctl.errors import AuthError, InvalidInput, Signalled
from ecrctl.jsonrecord import record_json
from ecrctl.login import cache as tokencache
from ecrctl.login import dockerconfig
from ecrctl.login.mappings import RegistryMapping, remove_mapping, save_mapping
from ecrctl.login.token import RegistryAuth, parse_ecr_host, registry_auths, server_host

if TYPE_CHECKING:
    from ecrctl.aws.clients import Aws
    from ecrctl.login.registries import Registries


def hours_left(expires_at: datetime, now: datetime | None = None) -> float:
    now = now or datetime.now(UTC)
    return round((expires_at - now).total_seconds() / 3600, 1)


class LoginResult(NamedTuple):  # records, not dataclasses: a login on a hit skips their cost
    auth: RegistryAuth
    location: dockerconfig.Location
    mapping: RegistryMapping | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "registryId": self.auth.registry_id,
            "host": self.auth.host,
            "proxyEndpoint": self.auth.proxy_endpoint,
            "storedIn": self.location.describe(),
            "expiresAt": self.auth.expires_at,
            "hoursLeft": hours_left(self.auth.expires_at),
            "cached": self.auth.from_cache,
            "status": "done",
        }


class LoginReport:
    """What a login did so far: each registry's result, and its batch item (the
    caller keeps it, so that a login stopped halfway can still say what it did)."""

    def __init__(self) -> None:
        self.results: list[LoginResult] = []
        self.items: list[Any] = []  # ecrctl.batch.Item, one per registry

    def unfinished(self) -> list[dict[str, Any]]:
        """The registries not logged in: failed (with the code) or not attempted."""
        return [
            {"host": i.key, "status": i.status, "failureCode": i.failure_code}
            for i in self.items
            if i.status != "done"
        ]


# -- login records ---------------------------------------------------------------------


def records_path() -> Path:
    return paths.login_records()


def read_records() -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(records_path().read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _update_records(change: Callable[[dict[str, Any]], None]) -> None:
    from ecrctl.atomicfile import locked, write_atomic

    path = records_path()
    with locked(path.parent):
        data = read_records()
        before = json.dumps(data, indent=1, sort_keys=True, default=str)
        change(data)
        after = json.dumps(data, indent=1, sort_keys=True, default=str)
        if after != before or not path.exists():  # a login again on a hit changes nothing
            write_atomic(path, after.encode())


# -- login -------------------------------------------------------------------------------


def fetch(
    registries: Registries, registry_ids: list[str], *, registry_url: str | None, use_cache: bool
) -> list[RegistryAuth]:
    """A token per registry (the caller's when none is given), from the AWS side that
    serves the caller's registry (that of the ECR host ``registry_url`` names); an
    expired one is refused (:func:`refuse_expired`)."""
    wanted: list[str | None] = list(registry_ids) or [None]
    if registry_url and len(wanted) > 1:
        raise InvalidInput(
            f"--registry-url {registry_url} names one address but {len(wanted)} registries "
            "were given",
            hint="log in to one registry per --registry-url, or map hosts in the config file",
        )
    own = registries.serve(None, registry_url=registry_url)
    wanted = [rid or own.account for rid in wanted]
    auths = registry_auths(registries, own, wanted, use_cache=use_cache)
    for auth in auths:
        refuse_expired(auth)
    return auths


def refuse_expired(auth: RegistryAuth, now: datetime | None = None) -> None:
    """Fail when ``auth`` expired before it could be used: ECR's tokens last 12 hours
    from issue, so one already past says this clock or the endpoint is wrong, and
    docker would only be refused with it later."""
    if auth.expires_at > (now or datetime.now(UTC)):
        return
    raise AuthError(
        f"the token ECR issued for {auth.host} had expired when it arrived "
        f"({auth.expires_at:%Y-%m-%d %H:%M} UTC; ECR's tokens last 12 hours): refused, "
        "nothing stored",
        hint="check this machine's clock (timedatectl), and that the endpoint is ECR's "
        "API (--endpoint-url, AWS_ENDPOINT_URL_ECR)",
    )


def log_in(
    registries: Registries,
    registry_ids: list[str],
    *,
    registry_url: str | None,
    use_cache: bool,
    helper: bool,
    verify: bool,
    report: LoginReport | None = None,
) -> list[LoginResult]:
    """``ecrctl login``: a token per registry, checked by the engine with ``verify``,
    then stored (or the helper installed) and recorded, into ``report``."""
    auths = fetch(registries, registry_ids, registry_url=registry_url, use_cache=use_cache)
    if verify:
        verify_with_engine(auths)
    return login(registries.aws, auths, helper=helper, report=report)


def verify_with_engine(auths: list[RegistryAuth]) -> None:
    """Have the Docker Engine log in with each credential (nothing is stored by it)."""
    import tempfile

    from ecrctl import docker_engine as engine

    client = engine.client()
    with tempfile.TemporaryDirectory() as scratch:
        # an empty docker config: docker-py must not consult the user's credsStore
        empty = Path(scratch) / "config.json"
        empty.write_text("{}")
        for auth in auths:
            _engine_login(client, auth, empty)


def _engine_login(client: Any, auth: RegistryAuth, dockercfg: Path) -> None:
    try:
        client.login(
            username=auth.username,
            password=auth.password,
            registry=auth.host,
            reauth=True,
            dockercfg_path=str(dockercfg),
        )
    except Exception as exc:
        text = str(getattr(exc, "explanation", "") or exc)
        if "401" in text or "unauthorized" in text.lower():
            raise AuthError(
                f"the registry {auth.host} rejected the credential ECR issued for account "
                f"{auth.registry_id}",
                hint="check --registry-url and the region; nothing was stored; "
                "to see why: ecrctl doctor",
            ) from None
        raise


def _mapping_for_helper(aws: Aws, auth: RegistryAuth, region: str) -> RegistryMapping | None:
    """The config-file mapping the helper needs to serve ``auth.host``, if any."""
    endpoint = aws.resolved.endpoint_url
    profile = aws.resolved.named_profile
    parsed = parse_ecr_host(auth.host)
    plain_ecr = parsed is not None and parsed.account == auth.registry_id
    if plain_ecr and not profile and not endpoint:
        return None
    return RegistryMapping(
        host=auth.host,
        account=auth.registry_id,
        region=region,
        profile=profile,
        endpoint_url=endpoint,
    )


def _record(aws: Aws, result: LoginResult, region: str) -> None:
    """Record one stored credential at once, so that ``logout`` can undo it even
    when a later registry of the same login fails."""

    def change(data: dict[str, Any]) -> None:
        data[result.auth.host] = {
            "registryId": result.auth.registry_id,
            "region": region,
            "storedIn": result.location.kind,
            "program": result.location.program,
            "expiresAt": result.auth.expires_at.isoformat(),
            "profile": aws.resolved.named_profile,
        }

    _update_records(change)


def login(
    aws: Aws, auths: list[RegistryAuth], *, helper: bool, report: LoginReport | None = None
) -> list[LoginResult]:
    """Store each credential (or install the helper for its host) and record it.

    The state dir is checked first: nothing is stored that could not be recorded.
    A registry that fails stops the login with an error counting what was done.
    """
    from ecrctl import batch
    from ecrctl.atomicfile import check_writable

    check_writable(records_path().parent)
    report = report if report is not None else LoginReport()
    results = report.results
    items = report.items
    items[:] = [batch.Item(auth.host) for auth in auths]
    for auth, item in zip(auths, items, strict=True):
        region = auth.region or aws.region  # a named host's own region, not the caller's
        try:
            mapping = None
            if helper:
                location = dockerconfig.use_helper(auth.host)
                mapping = _mapping_for_helper(aws, auth, region)
                if mapping is not None:
                    save_mapping(mapping)
            else:
                location = dockerconfig.store(auth.host, auth.username, auth.password)
            result = LoginResult(auth, location, mapping)
            _record(aws, result, region)
        except (Exception, KeyboardInterrupt, Signalled) as exc:
            if isinstance(exc, Exception):
                item.settle(batch.FAILED, type(batch.expected_error(exc)).__name__)
            else:
                item.settle(batch.UNKNOWN, "Unconfirmed")
            raise batch.stopped(exc, items, "logged in") from exc
        item.settle(batch.DONE)
        results.append(result)
    return results


# -- logout ------------------------------------------------------------------------------


class LogoutResult(NamedTuple):
    host: str
    erased_from: str | None  # None: nothing erased (none stored, or the helper entry kept)
    helper_entry_kept: bool
    cached_tokens_dropped: int

    def to_json(self) -> dict[str, Any]:
        return record_json(self, *self._fields)


def account_region(
    registries: Registries, host: str, records: dict[str, dict[str, Any]]
) -> tuple[str, str] | None:
    """Whose tokens serve ``host``: the resolver's answer, else what its login recorded."""
    owner = registries.owner(host)
    if owner is not None:
        return owner
    record = records.get(host)
    if record and record.get("registryId") and record.get("region"):
        return str(record["registryId"]), str(record["region"])
    return None


def _not_for(host: str, owner: tuple[str, str] | None) -> Callable[[tokencache.CacheEntry], bool]:
    def keep(entry: tokencache.CacheEntry) -> bool:
        return entry.host != host and (owner is None or (entry.account, entry.region) != owner)

    return keep


def logout(
    registries: Registries, hosts: list[str], *, helper_entry: bool, cache: tokencache.TokenCache
) -> list[LogoutResult]:
    """Erase each host's credential and cached tokens (default: every recorded login)."""
    records = read_records()
    targets = [server_host(h) for h in hosts] or sorted(records)
    results = []
    for host in targets:
        where = dockerconfig.erase(host, helper_entry=helper_entry)
        kept = where is not None and where.kind == "helper" and not helper_entry
        if helper_entry and where is not None and where.kind == "helper":
            remove_mapping(host)
        dropped = cache.drop_where(_not_for(host, account_region(registries, host, records)))
        results.append(
            LogoutResult(
                host=host,
                erased_from=where.describe() if where is not None and not kept else None,
                helper_entry_kept=kept,
                cached_tokens_dropped=len(dropped),
            )
        )

    def change(data: dict[str, Any]) -> None:
        for result in results:
            if not result.helper_entry_kept:  # the helper still serves a kept entry
                data.pop(result.host, None)

    _update_records(change)
    return results
