"""``--platform`` of the copies: the value's form, what matches it, and the part of an
index that is taken (the copies' real runs over registries are in test_copy.py)."""

from __future__ import annotations

import json

import pytest

from ecrctl.distribution import manifest as mt
from ecrctl.distribution.client import RegistryClient
from ecrctl.distribution.content import Manifest, sha256_digest
from ecrctl.errors import InvalidInput, NotFound
from ecrctl.image.copy_platforms import check_platform, matches, select_platforms

# never contacted: an index of several platforms is cut without reading anything
SOURCE = RegistryClient("127.0.0.1:9")


def index(*platforms: dict[str, str]) -> Manifest:
    entries = [
        {
            "mediaType": mt.OCI_MANIFEST,
            "digest": "sha256:" + f"{n:x}" * 64,
            "size": 9,
            "platform": p,
        }
        for n, p in enumerate(platforms, start=1)
    ]
    body = json.dumps({"schemaVersion": 2, "mediaType": mt.OCI_INDEX, "manifests": entries})
    return Manifest(body.encode(), mt.OCI_INDEX, sha256_digest(body.encode()))


AMD64 = {"os": "linux", "architecture": "amd64"}
ARM64 = {"os": "linux", "architecture": "arm64", "variant": "v8"}
ARM = {"os": "linux", "architecture": "arm", "variant": "v7"}


@pytest.mark.parametrize("value", ["linux/amd64", "linux/arm/v7", "windows/amd64"])
def test_os_arch_and_a_variant_are_taken(value: str) -> None:
    assert check_platform(value) == value


@pytest.mark.parametrize("value", ["linux", "linux/", "/amd64", "linux/arm/v7/x", ""])
def test_other_forms_are_refused(value: str) -> None:
    with pytest.raises(InvalidInput, match="invalid platform"):
        check_platform(value)


def test_os_arch_matches_every_variant_and_a_variant_only_itself() -> None:
    assert matches(ARM64, "linux/arm64") and matches(ARM64, "linux/arm64/v8")
    assert not matches(ARM64, "linux/arm64/v7") and not matches(ARM, "linux/arm64")
    assert not matches(None, "linux/amd64")


def test_no_platform_takes_the_whole_image_and_several_a_smaller_index() -> None:
    whole = index(AMD64, ARM64, ARM)
    assert select_platforms(SOURCE, "app", whole, []) is whole
    cut = select_platforms(SOURCE, "app", whole, ["linux/amd64", "linux/arm64"])
    kept = [m["platform"] for m in cut.document["manifests"]]
    assert kept == [AMD64, ARM64] and cut.media_type == mt.OCI_INDEX
    assert cut.digest == sha256_digest(cut.body) != whole.digest


def test_a_platform_the_index_lacks_names_what_it_has() -> None:
    with pytest.raises(NotFound, match="has no image for linux/s390x") as raised:
        select_platforms(SOURCE, "app", index(AMD64, ARM), ["linux/s390x"])
    assert raised.value.hint == "it has: linux/amd64, linux/arm/v7"
