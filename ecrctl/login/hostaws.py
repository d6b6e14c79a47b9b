"""Which AWS settings and token-cache key serve a registry host.

Light on purpose: the credential helper asks this on its cache-hit path, so it
imports no dataclass-heavy module, and never botocore.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecrctl.distribution.hosts import PUBLIC_REGION, EcrHost
from ecrctl.login.cache_entries import CacheKey

if TYPE_CHECKING:
    from ecrctl.aws.clients import Aws
    from ecrctl.aws.settings import AwsSettings
    from ecrctl.login.cache_entries import Identity

PUBLIC_KEY_ACCOUNT = "public"  # ECR Public's tokens are the caller's, for every alias


def aws_for_host(settings: AwsSettings, host: EcrHost) -> Aws:
    """AWS settings that serve ``host``: its region (so its partition) and account;
    a FIPS or dual-stack host gets its API endpoint unless one is configured."""
    from ecrctl.aws.clients import Aws

    mine = settings.replace(region=host.region, registry_id=host.account)
    aws = Aws(mine)
    endpoint = host.api_endpoint()
    if endpoint and aws.resolved.endpoint_url is None:
        aws = Aws(mine.replace(endpoint_url=endpoint))
    return aws


def registry_aws(aws: Aws, address: str) -> tuple[Aws, str] | None:
    """The AWS side and registry id that serve the registry at ``address``, or None.

    A host mapped in ecrctl's config: its account, region, profile and endpoint. An
    ECR host of any form: its account and region (a FIPS or dual-stack host its API
    endpoint); the caller's endpoint setting is kept for the same region, or when it
    is an emulator (one address for every region), never for another AWS region.
    Any other host: None (docker's credentials serve it, or nothing does).
    """
    from ecrctl.aws.clients import Aws as AwsClients
    from ecrctl.distribution.hosts import parse_ecr_host
    from ecrctl.login.mappings import load_config

    settings = aws.settings
    mapping = load_config().mapping_for(address)
    if mapping is not None and not mapping.public:
        mapped = settings.replace(
            profile=mapping.profile or settings.profile,
            region=mapping.region,
            endpoint_url=mapping.endpoint_url or settings.endpoint_url,
            registry_id=mapping.account,
            given_by=f"the mapping of {address} in ecrctl's config",
        )
        return AwsClients(mapped), mapping.account
    parsed = parse_ecr_host(address)
    if parsed is None:
        return None
    endpoint = settings.endpoint_url
    emulator = endpoint is not None and ".amazonaws.com" not in endpoint
    if endpoint and parsed.region != aws.known_region() and not emulator:
        settings = settings.replace(endpoint_url=None)
    return aws_for_host(settings, parsed), parsed.account


def public_key(identity: Identity) -> CacheKey:
    """The cache key of the caller's ECR Public token."""
    return CacheKey("aws", PUBLIC_KEY_ACCOUNT, PUBLIC_REGION, identity.principal)


def is_public_address(host: str | None) -> bool:
    """Whether ``host`` is ECR Public: one of its hosts, or mapped with ``public = true``."""
    if host is None:
        return False
    from ecrctl.distribution.hosts import is_public_host, server_host
    from ecrctl.login.mappings import load_config

    address = server_host(host)
    mapping = load_config().mapping_for(address)
    return mapping.public if mapping is not None else is_public_host(address)
