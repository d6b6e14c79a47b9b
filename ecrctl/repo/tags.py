"""Resource tags of repositories: ``KEY=VALUE`` checked as ECR's rules say
(at most 50 per repository, keys 1-128 characters without ``aws:``, values up to
256), and tag, untag and list through an ECR client.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ecrctl.distribution.refs import REPOSITORY_ARN, check_repository_name
from ecrctl.errors import InvalidInput
from ecrctl.repo.repository import describe_repository

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

    from ecrctl.aws.clients import Aws

TAG_KEY_CHARS = re.compile(r"[\w\s+\-=.:/@]*", re.UNICODE)

MAX_TAGS = 50
MAX_TAG_KEY = 128
MAX_TAG_VALUE = 256


def _check_tag_key(key: str, raw: str) -> None:
    if not 1 <= len(key) <= MAX_TAG_KEY:
        raise InvalidInput(f"invalid tag key in {raw!r}: a key is 1 to {MAX_TAG_KEY} characters")
    if key.lower().startswith("aws:"):
        raise InvalidInput(
            f"invalid tag key {key!r}: the aws: prefix is reserved for AWS",
            hint="drop the aws: prefix",
        )
    if not TAG_KEY_CHARS.fullmatch(key):
        raise InvalidInput(
            f"invalid tag key {key!r}", hint="use letters, digits, spaces and + - = . _ : / @"
        )


def _check_tag_value(key: str, value: str) -> None:
    if len(value) > MAX_TAG_VALUE:
        raise InvalidInput(
            f"invalid value for tag {key!r}: {len(value)} characters, at most {MAX_TAG_VALUE}"
        )
    if not TAG_KEY_CHARS.fullmatch(value):
        raise InvalidInput(
            f"invalid value {value!r} for tag {key!r}",
            hint="use letters, digits, spaces and + - = . _ : / @",
        )


def parse_tags(pairs: Iterable[str]) -> list[dict[str, str]]:
    """``KEY=VALUE`` strings as ECR's ``[{"Key": ..., "Value": ...}]``."""
    tags: list[dict[str, str]] = []
    seen: set[str] = set()
    for raw in pairs:
        if "=" not in raw:
            raise InvalidInput(f"malformed tag {raw!r}: expected KEY=VALUE", hint="e.g. env=dev")
        key, value = raw.split("=", 1)
        _check_tag_key(key, raw)
        _check_tag_value(key, value)
        if key in seen:
            raise InvalidInput(f"duplicate tag key {key!r}", hint="give each key once")
        seen.add(key)
        tags.append({"Key": key, "Value": value})
    if len(tags) > MAX_TAGS:
        raise InvalidInput(f"{len(tags)} tags given: a repository takes at most {MAX_TAGS}")
    return tags


def check_tag_keys(keys: Iterable[str]) -> list[str]:
    result: list[str] = []
    for key in keys:
        _check_tag_key(key, key)
        if key in result:
            raise InvalidInput(f"duplicate tag key {key!r}", hint="give each key once")
        result.append(key)
    return result


def check_name_or_arn(name_or_arn: str) -> None:
    """Reject a bad repository name before any client is made (an ARN passes)."""
    if not REPOSITORY_ARN.fullmatch(name_or_arn):
        check_repository_name(name_or_arn)


def repository_arn(ecr: ECRClient, name_or_arn: str, *, registry_id: str | None = None) -> str:
    """The ARN for a repository name (an ARN is returned as given)."""
    if REPOSITORY_ARN.fullmatch(name_or_arn):
        return name_or_arn
    name = check_repository_name(name_or_arn)
    arn: str = describe_repository(ecr, name, registry_id=registry_id)["repositoryArn"]
    return arn


def list_tags(ecr: ECRClient, arn: str) -> list[dict[str, str]]:
    tags = ecr.list_tags_for_resource(resourceArn=arn).get("tags", [])
    return [{"Key": str(t["Key"]), "Value": str(t["Value"])} for t in tags]


def tag_repository(ecr: ECRClient, arn: str, tags: list[dict[str, str]]) -> list[dict[str, str]]:
    existing = {t["Key"] for t in list_tags(ecr, arn)}
    new_keys = {t["Key"] for t in tags} - existing
    if len(existing) + len(new_keys) > 50:
        raise InvalidInput(
            f"the repository has {len(existing)} tags; {len(new_keys)} more would exceed 50",
            hint="remove tags first with: ecrctl repo untag NAME KEY...",
        )
    ecr.tag_resource(resourceArn=arn, tags=tags)  # type: ignore[arg-type]
    return list_tags(ecr, arn)


def untag_repository(ecr: ECRClient, arn: str, keys: list[str]) -> list[dict[str, str]]:
    ecr.untag_resource(resourceArn=arn, tagKeys=keys)
    return list_tags(ecr, arn)


def tag(aws: Aws, name_or_arn: str, pairs: Iterable[str]) -> list[dict[str, str]]:
    """``repo tag``: check every pair and the name before any call, then tag; the tags now."""
    parsed = parse_tags(pairs)
    check_name_or_arn(name_or_arn)
    arn = repository_arn(aws.ecr, name_or_arn, registry_id=aws.registry_id)
    return tag_repository(aws.ecr, arn, parsed)


def untag(aws: Aws, name_or_arn: str, keys: Iterable[str]) -> list[dict[str, str]]:
    """``repo untag``: check the keys and the name before any call, then untag; the tags left."""
    return untag_keys(aws, name_or_arn, keys)[0]


def untag_keys(
    aws: Aws, name_or_arn: str, keys: Iterable[str]
) -> tuple[list[dict[str, str]], list[str]]:
    """``repo untag``: the tags left, and the keys the repository did not have (ECR
    answers the same for both, so they are looked up first)."""
    checked = check_tag_keys(keys)
    check_name_or_arn(name_or_arn)
    arn = repository_arn(aws.ecr, name_or_arn, registry_id=aws.registry_id)
    present = {tag["Key"] for tag in list_tags(aws.ecr, arn)}
    absent = [key for key in checked if key not in present]
    return untag_repository(aws.ecr, arn, checked), absent


def untag_summary(name: str, keys: Iterable[str], absent: list[str]) -> str:
    """What ``repo untag`` did: the keys that were no tags said, not counted as untagged."""
    if absent and len(absent) == len(list(keys)):
        return f"nothing untagged: {name} has no tag {', '.join(absent)}"
    if absent:
        return f"untagged {name} ({', '.join(absent)}: no such tag)"
    return f"untagged {name}"


def tags_of(aws: Aws, name_or_arn: str) -> list[dict[str, str]]:
    """``repo tags``: the resource tags of a repository (NAME or ARN)."""
    check_name_or_arn(name_or_arn)
    return list_tags(aws.ecr, repository_arn(aws.ecr, name_or_arn, registry_id=aws.registry_id))
