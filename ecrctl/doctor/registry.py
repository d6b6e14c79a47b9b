"""Registry checks that need no credential: the registry host answers over
HTTPS (``/v2/`` answering 401 is healthy), and docker's config holds no
conflicting entries for it (an ECR helper for the host while ``auths`` still
holds a token; the guide's ``credsStore: wincred`` note).
"""

from __future__ import annotations

from typing import Any

from ecrctl import paths
from ecrctl.doctor.facts import DoctorFacts, proxy_fix, proxy_note
from ecrctl.doctor.model import CheckOutcome, failure, ok, warning

S3_NOTE = "layers download from S3: allow *.s3.amazonaws.com too"


def login_fix(facts: DoctorFacts) -> str:
    """The ``ecrctl login`` that gets docker a fresh credential for the target registry."""
    target = facts.target()
    command = f"ecrctl login --region {target.region}"
    if facts.aws.settings.registry_id:
        command += f" --registry-id {facts.aws.settings.registry_id}"
    return command


def v2_answer(facts: DoctorFacts) -> Any:
    """The registry's answer to an anonymous ``GET /v2/`` (a requests Response)."""

    def ask() -> Any:
        import requests

        response = requests.get(
            f"{facts.target().url}/v2/", timeout=facts.net_timeout, allow_redirects=False
        )
        response.close()
        return response

    return facts.once("registry answer", ask)


def check_reachable(facts: DoctorFacts) -> CheckOutcome:
    from ecrctl.doctor.aws import short_reason

    target = facts.target()
    url = f"{target.url}/v2/"
    note = proxy_note(url, facts.environ)
    try:
        response = v2_answer(facts)
    except Exception as exc:
        return failure(
            f"cannot reach {url}: {short_reason(exc)}{note}",
            proxy_fix(url, facts.environ)
            or f"check the network and firewall for {target.host} (HTTPS); {S3_NOTE}",
        )
    if response.status_code in (200, 401):
        return ok(f"{url} answers HTTP {response.status_code}, as a registry does{note}")
    return warning(
        f"{url} answers HTTP {response.status_code}: not what a registry answers{note}",
        f"check that {target.host} is the registry (--registry-url, ECRCTL_REGISTRY_URL)",
    )


def _scheme_keys(config: dict[str, Any], host: str) -> list[str]:
    auths = config.get("auths") or {}
    return [k for k in auths if k != host and k.startswith("https://") and host in k]


def check_conflicts(facts: DoctorFacts) -> CheckOutcome:
    from ecrctl.login import dockerconfig

    config = facts.docker_config()
    host = facts.target().host
    path = paths.docker_config_file()
    location = dockerconfig.location_for(config, host)
    entry = (config.get("auths") or {}).get(host) or {}
    if location.kind == "helper" and isinstance(entry, dict) and entry.get("auth"):
        fix = (
            f"ecrctl login --helper --region {facts.target().region}"
            if location.program == "ecrctl"
            else f'remove "auths"."{host}" from {path}'
        )
        return warning(
            f"credHelpers sends {host} to docker-credential-{location.program}, but auths "
            "still holds a token for it that other tools (podman, skopeo) may use after it expires",
            fix,
        )
    if str(config.get("credsStore", "")) == "wincred":
        keys = _scheme_keys(config, host)
        if keys:
            return warning(
                f"credsStore: wincred with the registry stored as {keys[0]}: some Docker for "
                "Windows versions then fail to push and pull (the guide's wincred note)",
                f"docker logout {keys[0]}; then log in without https://: {login_fix(facts)}",
            )
        return ok("credsStore: wincred, registry names stored without https://")
    return ok(f"no conflicting entries for {host} in {path}")
