"""Manifests, tags and small blobs over the registry client, against a real
docker-registry: exact bytes read back and written, a digest reference verified, a tag
resolved to its digest, ``Link`` pages followed, and what is missing named."""

from __future__ import annotations

import json

import pytest

from ecrctl.distribution import manifest as m
from ecrctl.distribution.content import (
    Manifest,
    get_small_blob,
    link_pages,
    manifest_digest,
    next_link,
    put_manifest,
    read_manifest,
    tags,
)
from ecrctl.errors import NotFound
from tests.distribution.copy_support import (  # noqa: F401 - fixture
    Registries,
    registries_fixture,
    wire_clients,
)
from tests.support.names import unique


def test_a_manifest_is_read_as_stored_by_tag_and_by_digest(registries: Registries) -> None:
    repo = unique()
    pushed = registries.a.push_image(repo, "1.0", oci=True)
    client = wire_clients(registries)[0]
    by_tag = read_manifest(client, repo, "1.0")
    assert by_tag == Manifest(pushed.body, m.OCI_MANIFEST, pushed.digest)
    assert read_manifest(client, repo, pushed.digest) == by_tag
    assert by_tag.document["schemaVersion"] == 2 and not by_tag.is_index


def test_an_index_is_an_index(registries: Registries) -> None:
    repo = unique()
    pushed = registries.a.push_index(repo, "multi")
    found = read_manifest(wire_clients(registries)[0], repo, "multi")
    assert (found.media_type, found.is_index, found.digest) == (m.OCI_INDEX, True, pushed.digest)


def test_a_missing_manifest_is_named(registries: Registries) -> None:
    repo = unique()
    registries.a.push_image(repo, "1.0")
    client = wire_clients(registries)[0]
    with pytest.raises(NotFound) as info:
        read_manifest(client, repo, "2.0")
    assert info.value.one_line().startswith(f"no image {registries.a.host}/{repo}:2.0; ")
    assert manifest_digest(client, repo, "2.0") is None
    assert manifest_digest(client, repo, "1.0") == read_manifest(client, repo, "1.0").digest


def test_a_manifest_is_put_byte_for_byte(registries: Registries) -> None:
    repo = unique()
    pushed = registries.a.push_image(repo, "1.0")
    client = wire_clients(registries)[0]
    stored = read_manifest(client, repo, "1.0")
    put_manifest(client, repo, "copy", stored)
    assert registries.a.manifest(repo, "copy").content == pushed.body
    assert sorted(tags(client, repo)) == ["1.0", "copy"]


def test_every_tag_is_listed(registries: Registries) -> None:
    repo = unique()
    pushed = registries.a.push_image(repo, "a")
    for tag in ("b", "c"):
        registries.a.put_manifest(repo, tag, pushed.body, m.DOCKER_SCHEMA2)
    assert sorted(tags(wire_clients(registries)[0], repo)) == ["a", "b", "c"]


def test_link_pages_are_followed_to_the_last(registries: Registries) -> None:
    made = {unique("paged") for _ in range(3)}
    for repo in made:
        registries.a.push_image(repo, "1", [b"layer"])
    pages = list(link_pages(wire_clients(registries)[0], "/v2/_catalog?n=2", "registry:catalog:*"))
    listed = [page.json()["repositories"] for page in pages]
    assert len(pages) >= 2
    assert all(len(names) == 2 for names in listed[:-1])
    assert made <= {name for names in listed for name in names}


def test_the_tags_of_a_missing_repository_are_named(registries: Registries) -> None:
    repo = unique()
    with pytest.raises(NotFound) as info:
        tags(wire_clients(registries)[0], repo)
    assert info.value.one_line() == (
        f"no repository {repo} at {registries.a.host}; check the repository name"
    )


def test_a_config_blob_is_read_and_verified(registries: Registries) -> None:
    repo = unique()
    pushed = registries.a.push_image(repo, "1.0")
    config = json.loads(pushed.body)["config"]
    data = get_small_blob(wire_clients(registries)[0], repo, config["digest"])
    assert len(data) == config["size"]
    assert json.loads(data)["os"] == "linux"


def test_next_link() -> None:
    current = "http://127.0.0.1:5000/v2/_catalog?n=1"
    assert next_link('</v2/_catalog?last=a&n=1>; rel="next"', current, "h") == (
        "http://127.0.0.1:5000/v2/_catalog?last=a&n=1"
    )
    assert next_link("", current, "h") is None
    assert next_link('<https://x.invalid/p>; rel="prev"', current, "h") is None
