"""ECR registry hosts: ``<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]``.

Pure functions on strings, importing only ``re``: the credential helper calls
them on its fast path.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_ECR_HOST = re.compile(
    r"(?P<account>\d{12})\.dkr\.ecr(?P<fips>-fips)?\."
    r"(?P<region>[a-z]{2}(?:-[a-z]+)+-\d{1,2})\.amazonaws\.com(?P<cn>\.cn)?"
)


class EcrHost(NamedTuple):
    account: str
    region: str
    fips: bool
    partition: str


def partition_of(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("us-iso-"):
        return "aws-iso"
    if region.startswith("us-isob-"):
        return "aws-iso-b"
    return "aws"


def server_host(server: str) -> str:
    """A docker server address as a config key: no scheme, no path, no :443."""
    text = server.strip()
    if "://" in text:
        text = text.split("://", 1)[1]
    text = text.split("/", 1)[0]
    return text[:-4] if text.endswith(":443") else text


def parse_ecr_host(server: str) -> EcrHost | None:
    """The parts of an ECR host (scheme, path and :443 allowed); ``None`` for any other."""
    match = _ECR_HOST.fullmatch(server_host(server).lower())
    if not match:
        return None
    region = match["region"]
    if region.startswith("cn-") != bool(match["cn"]):
        return None
    return EcrHost(
        account=match["account"],
        region=region,
        fips=bool(match["fips"]),
        partition=partition_of(region),
    )
