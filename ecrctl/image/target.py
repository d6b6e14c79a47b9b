"""Which registry an image reference names: its host decides the account, the
region and the token (``image push`` and ``image pull``), or that it is ECR
Public (``public.ecr.aws``, ``ecr-public.aws.com``, or a host mapped in
ecrctl's config with ``public = true``).

Pure: the AWS side is built lazily from the caller's settings; no click, no rich.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ecrctl.errors import InvalidInput
from ecrctl.login.hostaws import is_public_address

if TYPE_CHECKING:
    from ecrctl.aws.clients import Aws


def aws_for_host(
    aws: Aws, host: str | None, registry_url: str | None
) -> tuple[Aws, str | None, str | None]:
    """The AWS side, registry id and registry address that serve ``host``.

    No host (or the ``--registry-url`` one): the caller's. A host mapped in
    ecrctl's config: its account, region, profile and endpoint. Another ECR
    host: that account and region. ECR Public is refused here (its pushes and
    pulls are :mod:`ecrctl.public.transfer`'s), and so is any other host: docker
    serves it.
    """
    from ecrctl.distribution.hosts import server_host
    from ecrctl.login.hostaws import registry_aws

    given = registry_url or os.environ.get("ECRCTL_REGISTRY_URL")
    if host is None or (given and server_host(given) == host):
        return aws, aws.registry_id, registry_url
    if is_public_address(host):
        raise InvalidInput(
            f"{host} is ECR Public, not a private registry",
            hint=f"push or pull {host}/ALIAS/REPO with ecrctl image push/pull (or --public)",
        )
    served = registry_aws(aws, host)
    if served is None:
        raise InvalidInput(
            f"{host} is not an ECR registry host and is not mapped in ecrctl's config",
            hint=f"use docker for it (docker pull/push {host}/...), or map it with "
            "ecrctl login --helper --registry-url",
        )
    from ecrctl.login.mappings import load_config

    mapped = load_config().mapping_for(host) is not None
    return served[0], served[1], host if mapped else registry_url
