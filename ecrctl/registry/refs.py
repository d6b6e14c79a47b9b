"""Checks made before any AWS call, so that bad input creates nothing.

Each check raises :class:`InvalidInput` naming the bad value and the fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ecrctl.errors import InvalidInput

# ECR's API model: 2-256 characters of this pattern.
REPOSITORY_NAME = re.compile(r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*")
REPOSITORY_ARN = re.compile(r"arn:aws[a-z-]*:ecr:[a-z0-9-]+:\d{12}:repository/(?P<name>.+)")
REGISTRY_ID = re.compile(r"\d{12}")
IMAGE_TAG = re.compile(r"[\w][\w.-]{0,299}")
DIGEST = re.compile(r"sha256:[a-f0-9]{64}")
TAG_KEY_CHARS = re.compile(r"[\w\s+\-=.:/@]*", re.UNICODE)

MAX_TAGS = 50
MAX_TAG_KEY = 128
MAX_TAG_VALUE = 256


def check_repository_name(name: str) -> str:
    """A repository name, or the name inside a repository ARN."""
    match = REPOSITORY_ARN.fullmatch(name)
    candidate = match["name"] if match else name
    if not 2 <= len(candidate) <= 256:
        raise InvalidInput(
            f"invalid repository name {name!r}: it must be 2 to 256 characters long",
            hint="e.g. team/app",
        )
    if not REPOSITORY_NAME.fullmatch(candidate):
        lowered = candidate.lower()
        fix = (
            f"use lowercase: {lowered!r}"
            if REPOSITORY_NAME.fullmatch(lowered)
            else "use lowercase letters and digits, separated by single . _ - or / (e.g. team/app)"
        )
        raise InvalidInput(f"invalid repository name {name!r}", hint=fix)
    return candidate


def check_registry_id(value: str) -> str:
    if not REGISTRY_ID.fullmatch(value):
        raise InvalidInput(
            f"invalid registry id {value!r}: it must be a 12-digit AWS account id",
            hint="e.g. --registry-id 123456789012",
        )
    return value


def check_image_tag(tag: str) -> str:
    if not IMAGE_TAG.fullmatch(tag):
        raise InvalidInput(
            f"invalid image tag {tag!r}",
            hint="a tag is 1-300 characters: letters, digits, _ . - (not starting with . or -)",
        )
    return tag


def check_digest(digest: str) -> str:
    if not DIGEST.fullmatch(digest):
        raise InvalidInput(
            f"invalid image digest {digest!r}",
            hint="a digest is sha256: followed by 64 lowercase hex digits",
        )
    return digest


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
