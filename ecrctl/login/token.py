"""Registry credentials from GetAuthorizationToken, through the token cache.

A token is always fetched from the :class:`~ecrctl.aws.clients.Aws` the resolver
(:mod:`ecrctl.login.registries`) answered for its registry: that host's region,
partition and account, a FIPS or dual-stack host's API endpoint, a mapping's
profile and endpoint. :func:`served_auth` is one registry's token, fetched once
per command; :func:`registry_auths` several of one side (``login``).
:func:`public_registry_auth` is ECR Public's token, from ``ecr-public`` in
us-east-1. Both go through the token cache (:mod:`ecrctl.login.cache`) unless
``use_cache=False``.

Only the standard library is imported at module level.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ecrctl import redact
from ecrctl.distribution.hosts import (
    PUBLIC_HOSTS,
    PUBLIC_REGION,
    EcrHost,
    parse_ecr_host,
    server_host,
)
from ecrctl.errors import AuthError
from ecrctl.login import cache as tokencache
from ecrctl.login.cache_index import debug
from ecrctl.login.registries import host_of, public_token_key, token_key

if TYPE_CHECKING:
    from ecrctl.aws.clients import Aws
    from ecrctl.login.registries import Registries, Registry

__all__ = [
    "EcrHost",
    "RegistryAuth",
    "decode_token",
    "host_of",
    "parse_ecr_host",
    "public_auth",
    "public_registry_auth",
    "registry_auths",
    "served_auth",
    "server_host",
]


@dataclass(frozen=True)
class RegistryAuth:
    registry_id: str
    host: str  # the address docker talks to, without a scheme
    proxy_endpoint: str  # what ECR returned, with its scheme
    username: str
    password: str
    expires_at: datetime
    from_cache: bool = False
    region: str = ""  # the region whose API issued the token ("" when unknown)

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


def fetch_tokens(ecr: Any, registry_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """GetAuthorizationToken through ``ecr``, a botocore client."""
    kwargs: dict[str, Any] = {"registryIds": registry_ids} if registry_ids else {}
    data: list[dict[str, Any]] = ecr.get_authorization_token(**kwargs)["authorizationData"]
    return data


def aws_tokens(aws: Aws, registry_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """GetAuthorizationToken for ``aws``'s side: signed here in the plain case (no
    botocore to import, see :mod:`ecrctl.login.direct_token`), else through its client."""
    from ecrctl.aws.session import timeouts
    from ecrctl.login.direct_token import direct_tokens

    found = direct_tokens(aws.resolved, registry_ids, timeouts())
    return found if found is not None else fetch_tokens(aws.ecr, registry_ids)


def served_auth(
    registries: Registries, served: Registry, *, use_cache: bool = True
) -> RegistryAuth:
    """The token of one private registry the resolver answered, fetched once per
    command from that answer's own Aws (both sides of a copy within one registry,
    or a source read twice, share it)."""
    key = ("ECR token", served.aws, served.account, served.address, use_cache)
    return registries.once(key, lambda: registry_auths(registries, served, use_cache=use_cache)[0])


def registry_auths(
    registries: Registries,
    served: Registry,
    registry_ids: Sequence[str | None] | None = None,
    *,
    use_cache: bool = True,
    cache: tokencache.TokenCache | None = None,
) -> list[RegistryAuth]:
    """Credentials for each registry of ``served``'s AWS side (default: ``served``'s
    own; ``None``: the caller's account), from the token cache where it holds a
    fresh token, else from one GetAuthorizationToken call."""
    aws = served.aws
    assert aws is not None, "a private registry has an AWS side"
    wanted = list(dict.fromkeys(registry_ids or [served.account]))
    cache = cache or tokencache.open_cache(disabled=not use_cache, config=registries.config)
    if not cache.usable:
        debug("token cache not used: %s", cache.reason)
    region = aws.region
    identity = caller_identity(aws, cache) if cache.usable else None
    found: dict[str | None, RegistryAuth] = {}
    keys: dict[str | None, tokencache.CacheKey] = {}
    for rid in wanted:
        account = rid or (identity.account if identity else None)
        if identity is None or account is None:
            continue
        keys[rid] = key = token_key(aws, account, identity)
        token = cache.get(key)
        if token is not None:
            debug("token for %s served from the cache", key.name)
            redact.register(token.password)
            found[rid] = RegistryAuth(
                registry_id=account,
                host=registries.address_for(account, region, token.proxy_endpoint, served.address),
                proxy_endpoint=token.proxy_endpoint,
                username=token.username,
                password=token.password,
                expires_at=token.expires_at,
                from_cache=True,
                region=region,
            )
    missing = [rid for rid in wanted if rid not in found]
    if missing:
        issued = datetime.now(UTC)
        for rid, data in _fetch(aws, missing, identity):
            auth = _auth_from(rid, data, region, registries.address_for, served.address)
            found[rid] = auth
            if rid in keys:
                cache.put(keys[rid], _cached(auth, issued))
    return [found[rid] for rid in wanted]


def _fetch(
    aws: Aws, missing: list[str | None], identity: tokencache.Identity | None
) -> list[tuple[str | None, dict[str, Any]]]:
    """GetAuthorizationToken for the missing registries (one call when every account
    is known), paired with the ids asked for."""
    accounts = {rid: rid or (identity.account if identity else None) for rid in missing}
    explicit = sorted({account for account in accounts.values() if account})
    by_account: dict[str, dict[str, Any]] = {}
    if explicit:
        for data in aws_tokens(aws, explicit):
            by_account[host_of(data["proxyEndpoint"]).split(".")[0]] = data
    pairs: list[tuple[str | None, dict[str, Any]]] = []
    for rid, account in accounts.items():
        if account and account in by_account:
            pairs.append((rid, by_account[account]))
        else:
            pairs.append((rid, aws_tokens(aws, [account] if account else None)[0]))
    return pairs


def _auth_from(
    rid: str | None,
    data: dict[str, Any],
    region: str,
    address_for: Callable[[str, str, str, str | None], str],
    given: str | None,
) -> RegistryAuth:
    user, password = decode_token(data["authorizationToken"])
    endpoint = data["proxyEndpoint"]
    account = rid or host_of(endpoint).split(".")[0]
    expires = data["expiresAt"]
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    return RegistryAuth(
        registry_id=account,
        host=address_for(account, region, endpoint, given),
        proxy_endpoint=endpoint,
        username=user,
        password=password,
        expires_at=expires,
        region=region,
    )


def _cached(auth: RegistryAuth, issued: datetime) -> tokencache.CachedToken:
    return tokencache.CachedToken(
        username=auth.username,
        password=auth.password,
        proxy_endpoint=auth.proxy_endpoint,
        expires_at=auth.expires_at,
        issued_at=issued,
        host=auth.host,
    )


def caller_identity(aws: Aws, cache: tokencache.TokenCache) -> tokencache.Identity | None:
    """The caller's ARN and account: remembered, else from STS GetCallerIdentity.

    ``None`` (work uncached) when STS cannot answer; the token request then
    reports any credential problem itself.
    """
    source = aws.resolved.credential_source()
    known = cache.identity(source)
    if known is not None:
        return known
    try:
        answer = aws.sts.get_caller_identity()
    except Exception as exc:
        debug("no caller identity from STS (%s): tokens are not cached", exc)
        return None
    identity = tokencache.Identity(arn=answer["Arn"], account=answer["Account"])
    cache.remember_identity(source, identity)
    return identity


def public_auth(
    registries: Registries, served: Registry, *, use_cache: bool = True
) -> RegistryAuth:
    """The caller's ECR Public token for an ECR Public answer, fetched once per command."""
    public = served.aws
    assert public is not None, "ECR Public has an AWS side"
    key = ("ECR Public token", public, use_cache)
    return registries.once(key, lambda: public_registry_auth(public, use_cache=use_cache))


def public_registry_auth(
    public: Aws, *, use_cache: bool = True, cache: tokencache.TokenCache | None = None
) -> RegistryAuth:
    """ECR Public's registry credentials (``public.ecr.aws``): ecr-public's
    GetAuthorizationToken, served only in us-east-1 (it needs
    ``sts:GetServiceBearerToken`` too), through the token cache. ``public``: the
    ECR Public side the resolver answered (:meth:`Registries.public`)."""
    cache = cache or tokencache.open_cache(disabled=not use_cache)
    identity = caller_identity(public, cache) if cache.usable else None
    host, endpoint = PUBLIC_HOSTS[0], f"https://{PUBLIC_HOSTS[0]}"
    if identity is not None:
        token = cache.get(public_token_key(identity))
        if token is not None:
            redact.register(token.password)
            return RegistryAuth(
                "",
                host,
                endpoint,
                token.username,
                token.password,
                token.expires_at,
                True,
                PUBLIC_REGION,
            )
    issued = datetime.now(UTC)
    data = _public_token(public)
    user, password = decode_token(data["authorizationToken"])
    expires = data["expiresAt"]
    expires = expires if expires.tzinfo else expires.replace(tzinfo=UTC)
    auth = RegistryAuth("", host, endpoint, user, password, expires, region=PUBLIC_REGION)
    if identity is not None:
        cache.put(public_token_key(identity), _cached(auth, issued))
    return auth


def _public_token(public: Aws) -> dict[str, Any]:
    from ecrctl.aws.access import error_code, error_message

    try:
        data: dict[str, Any] = public.client("ecr-public").get_authorization_token()
    except Exception as exc:
        if not error_code(exc).startswith("AccessDenied"):
            raise
        raise AuthError(
            f"ECR Public refused a token: {error_message(exc)}",
            hint="a public login needs sts:GetServiceBearerToken and "
            "ecr-public:GetAuthorizationToken; pulling public images needs no login",
        ) from None
    return dict(data["authorizationData"])
