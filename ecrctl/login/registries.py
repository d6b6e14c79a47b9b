"""Who serves a registry host, with which AWS side and which credential: the one
resolver every command and the credential helper ask.

:meth:`Registries.serve` answers a host (or ``None``: the caller's own
registry) once, as one :class:`Registry`, in this order:

1. no host: the caller's registry, at ``--registry-url``/``ECRCTL_REGISTRY_URL``
   when given (an unmapped ECR host given as that address brings its own region,
   account and API endpoint), else where its token says;
2. a host mapped in ecrctl's config.toml: its account, region, profile and
   endpoint (``public = true``: ECR Public);
3. the host ``--registry-url``/``ECRCTL_REGISTRY_URL`` names: the caller's registry;
4. a private ECR host of any partition: its account and region, a FIPS or
   dual-stack host its API endpoint;
5. ECR Public (``public.ecr.aws``, ``ecr-public.aws.com``);
6. any other host (Docker Hub is ``registry-1.docker.io``).

One :class:`Registries` serves one command (or one credential-helper call):
config.toml is read once, on the first question, and every answer, every
:class:`~ecrctl.aws.clients.Aws` (one per profile, region, account and
endpoint) and every token fetched through :meth:`Registries.once` is kept for
the rest of it. Nothing is kept between two resolvers.

Light on purpose: the credential helper asks this on its cache-hit path, so
only the standard library and ecrctl's light modules load at import.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from ecrctl.distribution.hosts import (
    PUBLIC_HOSTS,
    PUBLIC_REGION,
    EcrHost,
    parse_registry_host,
    partition_of,
    server_host,
)
from ecrctl.errors import InvalidInput
from ecrctl.login.cache_entries import CacheKey

if TYPE_CHECKING:
    from ecrctl.aws.clients import Aws
    from ecrctl.aws.settings import AwsSettings
    from ecrctl.login.cache_entries import Identity
    from ecrctl.login.mappings import Config, RegistryMapping

T = TypeVar("T")

# what serves a host
PRIVATE = "private"  # a private ECR registry: an ECR API and its token
PUBLIC = "public"  # ECR Public
OTHER = "other"  # any other registry

# where its credential comes from
ECR_TOKEN = "ECR token"  # GetAuthorizationToken of the registry's Aws, through the token cache
PUBLIC_TOKEN = "ECR Public token"  # the caller's, from ecr-public in us-east-1
DOCKER_CONFIG = "docker config"  # credHelpers, credsStore, auths; anonymous when none has it

DOCKER_HUB_API = "registry-1.docker.io"
PUBLIC_KEY_ACCOUNT = "public"  # ECR Public's tokens are the caller's, for every alias


class Registry(NamedTuple):
    """One answer: what serves a host, its AWS side and where its credential comes from."""

    host: str | None  # the host asked about; None: the caller's own registry
    kind: str  # PRIVATE, PUBLIC or OTHER
    source: str  # ECR_TOKEN, PUBLIC_TOKEN or DOCKER_CONFIG
    address: str | None  # where to talk; None: from the token (proxyEndpoint or a mapping)
    aws: Aws | None = None  # the registry's AWS side (ECR Public's: us-east-1); None: OTHER
    account: str | None = None  # the registry id; None: the caller's account
    parsed: EcrHost | None = None  # the host's parts (partition, FIPS, dual stack)
    mapping: RegistryMapping | None = None  # its table in ecrctl's config.toml

    @property
    def region(self) -> str | None:
        """The region of the AWS side (read from the settings, no client built)."""
        return self.aws.region if self.aws is not None else None

    @property
    def partition(self) -> str | None:
        if self.parsed is not None:
            return self.parsed.partition
        region = self.region
        return partition_of(region) if region else None

    @property
    def docker_key(self) -> str:
        """The key of its credential in the docker config (Docker Hub's is docker.io)."""
        address = self.address or ""
        return "docker.io" if address == DOCKER_HUB_API else address


def host_of(endpoint: str) -> str:
    """``https://host:port/path`` -> ``host:port`` (a bare host stays as it is)."""
    if "://" not in endpoint:
        return endpoint.rstrip("/")
    from urllib.parse import urlparse

    parsed = urlparse(endpoint)
    return parsed.netloc or endpoint


def token_key(aws: Aws, account: str, identity: Identity) -> CacheKey:
    """The token cache's key of a private registry's token, as ``aws`` fetches it."""
    region = aws.region
    return CacheKey(
        partition_of(region), account, region, identity.principal, aws.resolved.endpoint_url
    )


def public_token_key(identity: Identity) -> CacheKey:
    """The token cache's key of the caller's ECR Public token."""
    return CacheKey("aws", PUBLIC_KEY_ACCOUNT, PUBLIC_REGION, identity.principal)


class Registries:
    """The resolver of one command: ``aws`` is the caller's side; ``registry_url``
    the caller's registry address when a command gives none (see :meth:`of`)."""

    def __init__(
        self, aws: Aws, *, registry_url: str | None = None, config: Config | None = None
    ) -> None:
        self.aws = aws
        self.registry_url = registry_url or None
        self._config = config
        self._lock = threading.Lock()
        self._kept: dict[Hashable, Any] = {}
        self._locks: dict[Hashable, threading.Lock] = {}
        self._sides: dict[tuple[Any, ...], Aws] = {_side_key(aws.settings): aws}

    @classmethod
    def of(cls, aws: Aws) -> Registries:
        """The resolver of a command: the caller's registry address from ``ECRCTL_REGISTRY_URL``."""
        return cls(aws, registry_url=os.environ.get("ECRCTL_REGISTRY_URL"))

    @property
    def config(self) -> Config:
        """ecrctl's config.toml, read and parsed on first use, once."""
        if self._config is None:
            from ecrctl.login.mappings import load_config

            with self._lock:
                if self._config is None:
                    self._config = load_config()
        return self._config

    def once(self, key: Hashable, make: Callable[[], T]) -> T:
        """``make()``'s answer for ``key``, made once (callers of one key wait for it)."""
        with self._lock:
            if key in self._kept:
                return self._kept[key]  # type: ignore[no-any-return]
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            with self._lock:
                if key in self._kept:
                    return self._kept[key]  # type: ignore[no-any-return]
            value = make()
            with self._lock:
                self._kept[key] = value
            return value

    def aws_for(self, settings: AwsSettings) -> Aws:
        """The one :class:`Aws` of these settings' profile, region, account and endpoint."""
        from ecrctl.aws.clients import Aws

        key = _side_key(settings)
        with self._lock:
            if key not in self._sides:
                self._sides[key] = Aws(settings, sessions=self.aws.sessions)
            return self._sides[key]

    # -- the answers -----------------------------------------------------------------------

    def serve(
        self, host: str | None, *, registry_url: str | None = None, write: bool = False
    ) -> Registry:
        """Who serves ``host`` (``None``: the caller's registry); ``registry_url``: the
        command's ``--registry-url``. ``write``: ECR Public is written to with the
        caller's ECR Public token (it is read with the docker config's credential)."""
        given = registry_url or self.registry_url
        address = server_host(host) if host is not None else None
        key = ("serve", address, given, write)
        return self.once(key, lambda: self._answer(address, given, write))

    def _answer(self, address: str | None, given: str | None, write: bool) -> Registry:
        if address is None:
            return self._own(given)
        mapping = self.config.mapping_for(address)
        if mapping is not None:
            if mapping.public:
                return self._public(address, mapping, write)
            return self._mapped(address, mapping)
        if given is not None and server_host(given) == address:
            return self._own(given)
        parsed = parse_registry_host(address)
        if parsed is not None and parsed.public:
            return self._public(address.lower(), None, write)
        if parsed is not None:
            return self._ecr(address.lower(), parsed)
        from ecrctl.distribution.reference import DOCKER_HUB

        api = DOCKER_HUB_API if address in DOCKER_HUB else address
        return Registry(address, OTHER, DOCKER_CONFIG, api)

    def _own(self, given: str | None) -> Registry:
        """The caller's registry; an unmapped ECR host as its address brings its own side."""
        named = server_host(given) if given else None
        parsed = parse_registry_host(named) if named else None
        mapped = named is not None and self.config.mapping_for(named) is not None
        if named and parsed is not None and not parsed.public and not mapped:
            side = self._ecr(named.lower(), parsed)
            account = self.aws.registry_id or parsed.account
            return side._replace(host=None, address=host_of(str(given)), account=account)
        address = host_of(given) if given else None
        return Registry(None, PRIVATE, ECR_TOKEN, address, self.aws, self.aws.registry_id)

    def _mapped(self, address: str, mapping: RegistryMapping) -> Registry:
        settings = self.aws.settings
        mapped = settings.replace(
            profile=mapping.profile or settings.profile,
            region=mapping.region,
            endpoint_url=mapping.endpoint_url or settings.endpoint_url,
            registry_id=mapping.account,
            given_by=f"the mapping of {address} in ecrctl's config",
        )
        aws = self.aws_for(mapped)
        return Registry(address, PRIVATE, ECR_TOKEN, address, aws, mapping.account, None, mapping)

    def _ecr(self, address: str, parsed: EcrHost) -> Registry:
        """A private ECR host: its region (so its partition) and account. The caller's
        endpoint setting is kept for the same region, or when it is an emulator (one
        address for every region), never for another AWS region; a FIPS or dual-stack
        host gets its API endpoint unless one is configured."""
        from ecrctl.aws.settings import resolve

        settings = self.aws.settings
        endpoint = settings.endpoint_url
        emulator = endpoint is not None and ".amazonaws.com" not in endpoint
        if endpoint and parsed.region != self.aws.known_region() and not emulator:
            settings = settings.replace(endpoint_url=None)
        mine = settings.replace(region=parsed.region, registry_id=parsed.account)
        api = parsed.api_endpoint()
        if api and resolve(mine).endpoint_url is None:
            mine = mine.replace(endpoint_url=api)
        aws = self.aws_for(mine)
        return Registry(address, PRIVATE, ECR_TOKEN, address, aws, parsed.account, parsed)

    def _public(self, address: str, mapping: RegistryMapping | None, write: bool) -> Registry:
        """ECR Public: its token is the caller's, from us-east-1 (a mapping's profile
        and endpoint, when it names them)."""
        settings = self.aws.settings.replace(region=PUBLIC_REGION, registry_id=None)
        if mapping is not None and (mapping.profile or mapping.endpoint_url):
            settings = settings.replace(
                profile=mapping.profile or settings.profile,
                endpoint_url=mapping.endpoint_url or settings.endpoint_url,
                given_by=f"the mapping of {address} in ecrctl's config",
            )
        source = PUBLIC_TOKEN if write else DOCKER_CONFIG
        parsed = parse_registry_host(PUBLIC_HOSTS[0] if mapping else address)
        aws = self.aws_for(settings)
        return Registry(address, PUBLIC, source, address, aws, None, parsed, mapping)

    def public(self) -> Registry:
        """The caller's ECR Public side, written to (``image push --public`` and the like)."""
        return self.once(("public",), lambda: self._public(PUBLIC_HOSTS[0], None, True))

    # -- questions the answers settle -------------------------------------------------------

    def is_public(self, host: str | None) -> bool:
        """Whether ``host`` is ECR Public: one of its hosts, or mapped with ``public = true``."""
        return host is not None and self.serve(host).kind == PUBLIC

    def private(self, host: str | None, *, registry_url: str | None = None) -> Registry:
        """A private registry for ``image push`` and ``image pull``: ECR Public and
        hosts neither ECR nor mapped are refused (exit 2)."""
        served = self.serve(host, registry_url=registry_url)
        if served.kind == PUBLIC:
            raise InvalidInput(
                f"{host} is ECR Public, not a private registry",
                hint=f"push or pull {host}/ALIAS/REPO with ecrctl image push/pull (or --public)",
            )
        if served.kind == OTHER:
            raise InvalidInput(
                f"{host} is not an ECR registry host and is not mapped in ecrctl's config",
                hint=f"use docker for it (docker pull/push {host}/...), or map it with "
                "ecrctl login --helper --registry-url",
            )
        return served

    def owner(self, host: str) -> tuple[str, str] | None:
        """The account and region a host's tokens belong to, from config.toml or the
        host itself; ``None`` when neither says (no AWS call is made)."""
        mapping = self.config.mapping_for(host)
        if mapping is not None:
            return mapping.account, mapping.region
        parsed = parse_registry_host(host)
        if parsed is None or parsed.public:
            return None
        return parsed.account, parsed.region

    def address_for(
        self, account: str, region: str, proxy_endpoint: str, given: str | None = None
    ) -> str:
        """Where docker talks to ``account``'s registry in ``region``: ``given``, else
        the host config.toml maps to them, else the proxyEndpoint's host."""
        if given:
            return given
        return self.config.host_for(account, region) or host_of(proxy_endpoint)

    def own_address(self, account: str, region: str, proxy_endpoint: str) -> str:
        """The caller's registry address: ``ECRCTL_REGISTRY_URL``, a mapping, the proxyEndpoint."""
        given = host_of(self.registry_url) if self.registry_url else None
        return self.address_for(account, region, proxy_endpoint, given)

    def public_address(self, registry_url: str | None, default: str) -> str:
        """ECR Public's address: ``--registry-url``, else the host mapped with
        ``public = true``, else ``default``."""
        if registry_url:
            return server_host(registry_url)
        mapped = [m.host for m in self.config.registries.values() if m.public]
        return mapped[0] if mapped else default


def _side_key(settings: AwsSettings) -> tuple[Any, ...]:
    return (
        settings.profile,
        settings.region,
        settings.registry_id,
        settings.endpoint_url,
        settings.max_attempts,
    )
