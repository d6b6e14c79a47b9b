"""The tag schema at a destination: whether the registry has the referrers API
(the front offers it, Debian's docker-registry does not), and the ``sha256-<hex>``
index merged with what it lists, written only when something is new."""

from __future__ import annotations

import json

from ecrctl.distribution.client import Credential, RegistryClient
from ecrctl.distribution.content import read_manifest
from ecrctl.distribution.referrers import schema_tag
from ecrctl.distribution.tagschema import has_api, merge_tag_schema
from tests.conftest import backends
from tests.distribution.copy_support import Registries, registries_fixture  # noqa: F401
from tests.distribution.referrers_front import (
    SBOM,
    SIGNATURE,
    ReferrersFront,
    entry,
    push_referrer,
    push_tag_schema,
)
from tests.support.names import unique


def test_whether_the_registry_has_the_api(registries: Registries) -> None:
    repo = unique()
    image = registries.a.push_image(repo, "1", oci=True)
    credential = Credential("AWS", backends.MOTO_PASSWORD, "the test")
    assert (
        has_api(RegistryClient(registries.a.host, credential, basic=True), repo, image.digest)
        is False
    )
    with ReferrersFront(registries.a.host) as front:
        assert has_api(RegistryClient(front.host, credential, basic=True), repo, image.digest)


def test_merging_the_tag_schema_keeps_what_it_lists(registries: Registries) -> None:
    repo = unique()
    b = registries.b
    image = b.push_image(repo, "1", oci=True)
    first = push_referrer(b, repo, image, SBOM, b"one")
    second = push_referrer(b, repo, image, SIGNATURE, b"two")
    push_tag_schema(b, repo, image.digest, [first])
    client = RegistryClient(
        b.host, Credential("AWS", backends.SECOND_PASSWORD, "the test"), basic=True
    )
    digest, written = merge_tag_schema(client, repo, image.digest, [entry(second), entry(first)])
    assert written
    listed = json.loads(b.manifest(repo, schema_tag(image.digest)).content)["manifests"]
    assert [e["digest"] for e in listed] == [first.digest, second.digest]
    assert read_manifest(client, repo, schema_tag(image.digest)).digest == digest
    assert merge_tag_schema(client, repo, image.digest, [entry(second)]) == (digest, False)
