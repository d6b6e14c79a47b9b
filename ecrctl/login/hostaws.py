"""Which AWS settings and token-cache key serve a registry host.

Light on purpose: the credential helper asks this on its cache-hit path, so it
imports no dataclass-heavy module, and never botocore.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecrctl.login.cache_entries import CacheKey
from ecrctl.registry.hosts import PUBLIC_REGION, EcrHost

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


def public_key(identity: Identity) -> CacheKey:
    """The cache key of the caller's ECR Public token."""
    return CacheKey("aws", PUBLIC_KEY_ACCOUNT, PUBLIC_REGION, identity.principal)
