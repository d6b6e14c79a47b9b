"""The caller's private registry as ECR describes it (DescribeRegistry): its id and
replication rules, with the region and the registry host docker talks to.

(ECR Public's registries and their aliases are :mod:`ecrctl.public.registry`'s.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ecrctl.aws.clients import Aws


def show_registry(aws: Aws) -> dict[str, Any]:
    """``{"registryId", "region", "registryUri", "replicationConfiguration"}``."""
    from ecrctl.distribution.hosts import partition_named, partition_of
    from ecrctl.login.token import registry_address

    answer = aws.ecr.describe_registry()
    registry_id = str(answer["registryId"])
    region = aws.region
    partition = partition_named(partition_of(region))
    suffix = partition.dns_suffix if partition else "amazonaws.com"
    proxy = f"https://{registry_id}.dkr.ecr.{region}.{suffix}"
    return {
        "registryId": registry_id,
        "region": region,
        "registryUri": registry_address(registry_id, region, proxy),
        "replicationConfiguration": answer.get("replicationConfiguration") or {"rules": []},
    }
