"""The credential docker would use for the registry, through docker's own lookup
order (``credHelpers[host]``, else ``credsStore``, else ``auths``): that it
exists, that the registry accepts it (a real authenticated ``GET /v2/``), that
it was issued for the registry's account and region, and ecrctl's own login
record with its expiry; and where ecrctl's token cache keeps its tokens.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ecrctl import paths
from ecrctl.doctor.facts import DoctorFacts
from ecrctl.doctor.model import CheckOutcome, Skipped, failure, ok, skip, warning
from ecrctl.doctor.registry import login_fix, v2_answer

WARN_HOURS = 1.0


@dataclass(frozen=True)
class TargetCredential:
    """What docker would send to the registry checked, and where docker keeps it
    (the secret never shown)."""

    where: str
    username: str
    secret: str = field(repr=False)


def _from_auths(config: dict[str, Any], host: str) -> tuple[str, str] | None:
    auths = config.get("auths") or {}
    for key in (host, f"https://{host}", f"http://{host}", f"https://{host}/v1/"):
        entry = auths.get(key)
        if not isinstance(entry, dict):
            continue
        if entry.get("auth"):
            user, _, secret = base64.b64decode(entry["auth"]).decode("utf-8").partition(":")
            return user, secret
        if entry.get("username") and entry.get("password"):
            return str(entry["username"]), str(entry["password"])
    return None


def lookup(config: dict[str, Any], host: str) -> TargetCredential | None:
    """docker's credential for ``host``; ``None`` when it has none."""
    from ecrctl import redact
    from ecrctl.errors import ServiceError
    from ecrctl.login import dockerconfig

    location = dockerconfig.location_for(config, host)
    if location.program is None:
        found = _from_auths(config, host)
    else:
        try:
            raw = dockerconfig.run_helper(location.program, "get", host.encode())
        except ServiceError as exc:
            if "not found" in exc.message.lower():
                return None
            raise
        answer = json.loads(raw or b"{}")
        found = (str(answer.get("Username", "")), str(answer.get("Secret", "")))
        found = found if found[1] else None
    if found is None:
        return None
    redact.register(found[1])
    return TargetCredential(location.describe(), found[0], found[1])


def target_credential(facts: DoctorFacts) -> TargetCredential | None:
    config = facts.docker_config()
    host = facts.target().host
    return facts.once("docker credential", lambda: lookup(config, host))


def token_expiry(secret: str) -> datetime | None:
    """The expiry an ECR registry password carries (base64 JSON with ``expiration``)."""
    try:
        data = json.loads(base64.b64decode(secret + "=" * (-len(secret) % 4)))
        return datetime.fromtimestamp(float(data["expiration"]), UTC)
    except (ValueError, TypeError, KeyError, UnicodeDecodeError):
        return None


def check_credential(facts: DoctorFacts) -> CheckOutcome:
    from ecrctl.errors import ServiceError
    from ecrctl.login import dockerconfig

    host = facts.target().host
    try:
        credential = target_credential(facts)
    except ServiceError as exc:
        return failure(
            exc.message,
            f"fix the helper, or remove credsStore/credHelpers from {paths.docker_config_file()}",
        )
    if credential is None:
        where = dockerconfig.location_for(facts.docker_config(), host).describe()
        return failure(f"docker has no credential for {host} (looked in {where})", login_fix(facts))
    expires = token_expiry(credential.secret)
    if expires is not None and expires <= datetime.fromtimestamp(facts.clock(), UTC):
        return failure(
            f"docker's token for {host} ({credential.where}) expired at "
            f"{expires:%Y-%m-%d %H:%M} UTC (tokens last 12 hours)",
            login_fix(facts),
        )
    until = f", valid until {expires:%Y-%m-%d %H:%M} UTC" if expires else ""
    return ok(f"{credential.where}, user {credential.username}{until}")


def check_login(facts: DoctorFacts) -> CheckOutcome:
    import requests

    try:
        credential = target_credential(facts)
    except Exception:
        credential = None
    if credential is None:
        raise Skipped("needs docker's credential (see registry.credential)")
    try:
        v2_answer(facts)
    except Exception:
        raise Skipped("needs an answer from the registry (see registry.reachable)") from None
    target = facts.target()
    response = requests.get(
        f"{target.url}/v2/",
        auth=(credential.username, credential.secret),
        timeout=facts.net_timeout,
        allow_redirects=False,
    )
    response.close()
    if response.status_code == 200:
        return ok(f"{target.host} accepted docker's credential (GET /v2/: HTTP 200)")
    return failure(
        f"{target.host} rejected docker's credential (GET /v2/: HTTP {response.status_code}): "
        "it is stale, or for another account or region",
        login_fix(facts),
    )


def _record(facts: DoctorFacts) -> dict[str, Any] | None:
    from ecrctl.login.workflow import read_records

    record = read_records().get(facts.target().host)
    return record if isinstance(record, dict) else None


def check_match(facts: DoctorFacts) -> CheckOutcome:
    target = facts.target()
    record = _record(facts)
    if record is None:
        return skip(f"ecrctl has no record of whom docker's credential for {target.host} is for")
    account, region = str(record.get("registryId")), str(record.get("region"))
    issued = f"docker's credential for {target.host} was issued for account {account} in {region}"
    if account != target.account:
        return failure(f"{issued}, but the registry is account {target.account}", login_fix(facts))
    if region != target.region:
        return failure(f"{issued}, but the registry is in {target.region}", login_fix(facts))
    return ok(f"{issued}, as the registry")


def check_ecrctl_login(facts: DoctorFacts) -> CheckOutcome:
    from ecrctl.login.workflow import hours_left

    target = facts.target()
    record = _record(facts)
    if record is None:
        return skip(f"ecrctl has not logged docker in to {target.host}")
    if record.get("storedIn") == "helper":
        return ok(f"docker-credential-{record.get('program')} serves {target.host} on demand")
    try:
        expires = datetime.fromisoformat(str(record.get("expiresAt")))
    except ValueError:
        return skip(f"ecrctl's login record for {target.host} has no expiry")
    left = hours_left(expires, datetime.fromtimestamp(facts.clock(), UTC))
    said = f"logged in by ecrctl; the token expires {expires:%Y-%m-%d %H:%M} UTC"
    if left <= 0:
        return failure(f"{said} (expired; tokens last 12 hours)", login_fix(facts))
    if left < WARN_HOURS:
        return warning(f"{said} ({left:g} h left)", login_fix(facts))
    return ok(f"{said} ({left:g} h left)")


def check_token_cache(facts: DoctorFacts) -> CheckOutcome:
    """Where the token cache keeps tokens; a warning when nowhere (every docker pull
    through the credential helper then asks AWS) or not where the user asked."""
    from ecrctl.login.cache import open_cache

    cache = open_cache(warn=lambda message: None)  # this check is the one place it is said
    fix = 'export ECRCTL_TOKEN_CACHE=file  # or token_cache = "file" in ecrctl\'s config'
    if not cache.usable:
        if "the token cache is off" in cache.reason:
            return skip(f"{cache.reason}: every credential-helper call asks AWS")
        return warning(cache.reason, fix)
    if cache.reason:
        return warning(cache.reason, "unset PYTHON_KEYRING_BACKEND")
    return ok(f"tokens are cached in {cache.where()}")
