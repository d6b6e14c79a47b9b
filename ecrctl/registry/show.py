"""The caller's private registry as ECR describes it (DescribeRegistry): its id and
replication rules, with the region and the registry host docker talks to.

(ECR Public's registries and their aliases are :mod:`ecrctl.public.registry`'s.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ecrctl.aws.clients import Aws
    from ecrctl.login.registries import Registries


def describe_registry(aws: Aws) -> dict[str, Any]:
    """DescribeRegistry: ``{"registryId", "replicationConfiguration"}`` (no rules: empty)."""
    answer = aws.ecr.describe_registry()
    return {
        "registryId": str(answer["registryId"]),
        "replicationConfiguration": answer["replicationConfiguration"],
    }


def show_registry(registries: Registries) -> dict[str, Any]:
    """``{"registryId", "region", "registryUri", "replicationConfiguration"}``."""
    from ecrctl.distribution.hosts import partition_named, partition_of

    aws = registries.aws
    answer = describe_registry(aws)
    registry_id = answer["registryId"]
    region = aws.region
    partition = partition_named(partition_of(region))
    suffix = partition.dns_suffix if partition else "amazonaws.com"
    proxy = f"https://{registry_id}.dkr.ecr.{region}.{suffix}"
    return {
        "registryId": registry_id,
        "region": region,
        "registryUri": registries.own_address(registry_id, region, proxy),
        "replicationConfiguration": answer["replicationConfiguration"],
    }
