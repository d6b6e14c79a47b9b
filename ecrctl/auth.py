"""Registry credentials from GetAuthorizationToken, and the registry address
to use them at.

``registry_auth`` is what ``login``, ``image push/pull``, the credential helper
and completion share.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from ecrctl import redact
from ecrctl.config import load_config
from ecrctl.errors import AuthError

if TYPE_CHECKING:
    from ecrctl.app import App


@dataclass(frozen=True)
class RegistryAuth:
    registry_id: str
    host: str  # the address docker talks to, without a scheme
    proxy_endpoint: str  # what ECR returned, with its scheme
    username: str
    password: str
    expires_at: datetime

    def __repr__(self) -> str:  # never show the secret
        return (
            f"RegistryAuth(registry_id={self.registry_id!r}, host={self.host!r}, "
            f"username={self.username!r}, expires_at={self.expires_at!r})"
        )


def decode_token(token: str) -> tuple[str, str]:
    """``base64("AWS:<password>")`` as (user, password), split on the first colon."""
    try:
        decoded = base64.b64decode(token, validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError) as exc:
        raise AuthError("ECR returned an authorization token that is not base64 text") from exc
    user, sep, password = decoded.partition(":")
    if not sep or not user or not password:
        raise AuthError("ECR returned an authorization token without user:password")
    redact.register(password)
    redact.register(token)
    return user, password


def host_of(endpoint: str) -> str:
    """``https://host:port/path`` -> ``host:port`` (a bare host stays as it is)."""
    if "://" not in endpoint:
        return endpoint.rstrip("/")
    parsed = urlparse(endpoint)
    return parsed.netloc or endpoint


def registry_address(
    registry_id: str, region: str, proxy_endpoint: str, override: str | None = None
) -> str:
    """Where docker should talk to this registry: --registry-url, ECRCTL_REGISTRY_URL,
    a config-file mapping, else the proxyEndpoint's host."""
    explicit = override or os.environ.get("ECRCTL_REGISTRY_URL")
    if explicit:
        return host_of(explicit)
    mapped = load_config().host_for(registry_id, region)
    return mapped or host_of(proxy_endpoint)


def fetch_tokens(ecr: Any, registry_ids: list[str] | None = None) -> list[dict[str, Any]]:
    kwargs: dict[str, Any] = {"registryIds": registry_ids} if registry_ids else {}
    data: list[dict[str, Any]] = ecr.get_authorization_token(**kwargs)["authorizationData"]
    return data


def registry_auth(
    app: App, registry_id: str | None = None, *, registry_url: str | None = None
) -> RegistryAuth:
    """Credentials for one registry (default: --registry-id, else the caller's)."""
    wanted = registry_id or app.settings.registry_id
    data = fetch_tokens(app.ecr, [wanted] if wanted else None)[0]
    user, password = decode_token(data["authorizationToken"])
    endpoint = data["proxyEndpoint"]
    account = wanted or host_of(endpoint).split(".")[0]
    return RegistryAuth(
        registry_id=account,
        host=registry_address(account, app.region, endpoint, registry_url),
        proxy_endpoint=endpoint,
        username=user,
        password=password,
        expires_at=data["expiresAt"],
    )
