"""ECR registry hosts, private and public: the one host parser.

Private registries, in every partition botocore knows (``<D>`` is the
partition's DNS suffix, ``<S>`` its dual-stack suffix with ``api.`` read as ``on.``)::

    <account>.dkr.ecr[-fips].<region>.<D>     amazonaws.com, amazonaws.com.cn, c2s.ic.gov, ...
    <account>.dkr-ecr[-fips].<region>.<S>     dual stack: on.aws, on.amazonwebservices.com.cn

and ECR Public: ``public.ecr.aws`` (and its dual-stack name ``ecr-public.aws.com``).
A region must be one botocore's ``partitions.json`` lists, and the suffix must be
its partition's: ``…us-west-2.amazonaws.com.example.com`` or a China region under
``amazonaws.com`` is no ECR host. A new region works on the day botocore lists it.

Pure functions on strings. The partition data is read from botocore's data files
without importing botocore (the credential helper calls this on its fast path):
``$AWS_DATA_PATH`` first, as botocore does, then botocore's own ``data`` directory.
"""

from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

PUBLIC_HOSTS = ("public.ecr.aws", "ecr-public.aws.com")
PUBLIC_DUAL_STACK = "ecr-public.aws.com"
PUBLIC_REGION = "us-east-1"  # ECR Public's API (GetAuthorizationToken) lives only there

_PRIVATE = re.compile(
    r"(?P<account>\d{12})\.dkr(?P<sep>[.-])ecr(?P<fips>-fips)?\."
    r"(?P<region>[a-z0-9]+(?:-[a-z0-9]+)+)\.(?P<suffix>[a-z0-9.-]+)"
)


class Partition(NamedTuple):
    name: str
    dns_suffix: str
    dual_stack_suffix: str | None  # the API's, e.g. api.aws
    region_regex: str
    regions: frozenset[str]

    @property
    def registry_dual_stack_suffix(self) -> str | None:
        """Where dual-stack registries live: ``api.aws`` -> ``on.aws``."""
        suffix = self.dual_stack_suffix
        if suffix and suffix.startswith("api."):
            return "on." + suffix[len("api.") :]
        return None


class EcrHost(NamedTuple):
    account: str  # "" for ECR Public
    region: str
    fips: bool
    partition: str
    dual_stack: bool = False
    public: bool = False

    def api_endpoint(self) -> str | None:
        """The ECR API endpoint that issues this host's tokens when it is not the
        region's default: FIPS and dual-stack hosts get FIPS and dual-stack API
        endpoints. ``None``: botocore's endpoint for the region (and ECR Public)."""
        if self.public or not (self.fips or self.dual_stack):
            return None
        partition = partition_named(self.partition)
        if partition is None:
            return None
        suffix = partition.dns_suffix
        if self.dual_stack and partition.dual_stack_suffix:
            suffix = partition.dual_stack_suffix
        service = "ecr-fips" if self.fips else "ecr"
        return f"https://{service}.{self.region}.{suffix}"


def _data_dirs() -> list[Path]:
    dirs = [Path(p).expanduser() for p in os.environ.get("AWS_DATA_PATH", "").split(os.pathsep)]
    dirs = [d for d in dirs if str(d) not in {"", "."}]
    from importlib.util import find_spec

    spec = find_spec("botocore")
    if spec is not None and spec.origin:
        dirs.append(Path(spec.origin).parent / "data")
    return dirs


@lru_cache(maxsize=1)
def partitions() -> tuple[Partition, ...]:
    """Every partition in botocore's ``partitions.json`` (empty when none is found)."""
    for directory in _data_dirs():
        try:
            data = json.loads((directory / "partitions.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        return tuple(_partition(entry) for entry in data.get("partitions", []))
    return ()


def _partition(entry: dict[str, Any]) -> Partition:
    outputs = entry.get("outputs") or {}
    regions = entry.get("regions") or {}
    return Partition(
        name=str(entry.get("id", "")),
        dns_suffix=str(outputs.get("dnsSuffix", "")),
        dual_stack_suffix=outputs.get("dualStackDnsSuffix") or None,
        region_regex=str(entry.get("regionRegex", "")),
        regions=frozenset(r for r in regions if not str(r).endswith("-global")),
    )


def partition_named(name: str) -> Partition | None:
    return next((p for p in partitions() if p.name == name), None)


def known_partition(region: str) -> Partition | None:
    """The partition that lists ``region``; ``None`` for a region botocore does not know."""
    return next((p for p in partitions() if region in p.regions), None)


def partition_of(region: str) -> str:
    """The partition of a region, as botocore decides it: the one that lists the
    region, else the one whose region pattern matches, else ``aws``."""
    known = known_partition(region)
    if known is not None:
        return known.name
    for partition in partitions():
        if partition.region_regex and re.match(partition.region_regex, region):
            return partition.name
    return "aws"


def server_host(server: str) -> str:
    """A docker server address as a config key: no scheme, no path, no :443."""
    text = server.strip()
    if "://" in text:
        text = text.split("://", 1)[1]
    text = text.split("/", 1)[0]
    return text[:-4] if text.endswith(":443") else text


def parse_registry_host(server: str) -> EcrHost | None:
    """The parts of any ECR registry host, private or public (scheme, path and
    :443 allowed); ``None`` for every other host."""
    host = server_host(server).lower()
    if host in PUBLIC_HOSTS:
        return EcrHost(
            "", PUBLIC_REGION, False, "aws", dual_stack=host == PUBLIC_DUAL_STACK, public=True
        )
    match = _PRIVATE.fullmatch(host)
    if not match:
        return None
    partition = known_partition(match["region"])
    if partition is None:
        return None
    suffix = match["suffix"]
    if suffix == partition.dns_suffix and match["sep"] == ".":
        dual_stack = False
    elif suffix == partition.registry_dual_stack_suffix:
        dual_stack = True
    else:
        return None
    return EcrHost(
        account=match["account"],
        region=match["region"],
        fips=bool(match["fips"]),
        partition=partition.name,
        dual_stack=dual_stack,
    )


def parse_ecr_host(server: str) -> EcrHost | None:
    """The parts of a private ECR registry host; ``None`` for ECR Public and any other."""
    parsed = parse_registry_host(server)
    return None if parsed is None or parsed.public else parsed


def is_public_host(server: str) -> bool:
    parsed = parse_registry_host(server)
    return parsed is not None and parsed.public
