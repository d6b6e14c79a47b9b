"""``ecrctl image copy --format`` end to end: two real docker-registry servers,
the converted manifests read back with skopeo, the printed digest checked
against the bytes skopeo reads and the registry's Docker-Content-Digest."""

from __future__ import annotations

import hashlib
import json
import shutil
from typing import Any

import pytest

from ecrctl.distribution import convert as cv
from ecrctl.distribution import manifest as mt
from tests.conftest import Runner
from tests.distribution.copy_support import (  # noqa: F401 - fixtures
    CopyEnv,
    Skopeo,
    copy_env_fixture,
    registries_fixture,
    skopeo_fixture,
)
from tests.support.names import unique

pytestmark = pytest.mark.skipif(not shutil.which("skopeo"), reason="skopeo is not installed")


def sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def raw(skopeo: Skopeo, host: str, name: str) -> bytes:
    text = skopeo("inspect", "--tls-verify=false", "--authfile", skopeo.authfile, "--raw",
                  f"docker://{host}/{name}")  # fmt: skip
    return text.encode()


def rewrite(body: bytes, table: dict[str, str]) -> bytes:
    text = body.decode()
    for old, new in table.items():
        text = text.replace(f'"{old}"', f'"{new}"')
    return text.encode()


def copy(cli: Runner, src: str, dst: str, *extra: str) -> dict[str, Any]:
    result = cli("image", "copy", src, dst, "-o", "json", *extra)
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = result.json
    return data


def test_docker_image_to_oci_keeps_every_other_byte(
    copy_env: CopyEnv, cli: Runner, skopeo: Skopeo
) -> None:
    a, b = copy_env.a, copy_env.b
    src, dst, pushed = copy_env.image_to_copy("1.0")
    data = copy(cli, f"{a.host}/{src}:1.0", f"{b.host}/{dst}:oci", "--format", "oci")
    expected = rewrite(pushed.body, cv.TO_OCI)
    assert expected != pushed.body
    read = raw(skopeo, b.host, f"{dst}:oci")
    assert read == expected
    answer = b.manifest(dst, "oci")
    assert answer.headers["Docker-Content-Digest"] == data["digest"] == sha(read)
    assert answer.headers["Content-Type"] == mt.OCI_MANIFEST
    assert data["sourceDigest"] == pushed.digest and data["mediaType"] == mt.OCI_MANIFEST
    assert data["imageUri"] == f"{b.host}/{dst}@{sha(read)}"
    assert all(b.has_blob(dst, d) for d in pushed.blobs)  # the blobs, unchanged
    again = copy(cli, f"{a.host}/{src}:1.0", f"{b.host}/{dst}:oci", "--format", "oci")
    assert again["status"] == "unchanged" and again["digest"] == data["digest"]
    dry = copy(cli, f"{a.host}/{src}:1.0", f"{b.host}/{dst}:dry", "--format", "oci", "--dry-run")
    assert dry["status"] == "would-copy" and dry["digest"] == data["digest"]
    assert b.tags(dst) == ["oci"]

    back = copy(cli, f"{b.host}/{dst}:oci", f"{a.host}/{src}:back", "--format", "docker")
    assert back["digest"] == pushed.digest  # the round trip gives the original bytes
    assert raw(skopeo, a.host, f"{src}:back") == pushed.body


def test_index_to_manifest_list_converts_children_first(
    copy_env: CopyEnv, cli: Runner, skopeo: Skopeo
) -> None:
    a, b = copy_env.a, copy_env.b
    src, dst, index = copy_env.index_to_copy("multi", oci=True)
    result = cli("image", "copy", f"{a.host}/{src}:multi", f"{b.host}/{dst}", "--format", "docker")
    assert result.exit_code == 0, result.stderr
    top = raw(skopeo, b.host, f"{dst}:multi")
    assert result.stdout.strip() == f"{b.host}/{dst}@{sha(top)}"
    assert f"converted to docker: {index.digest} -> {sha(top)}" in result.stderr
    assert b.manifest(dst, "multi").headers["Docker-Content-Digest"] == sha(top)
    document = json.loads(top)
    assert document["mediaType"] == mt.DOCKER_LIST
    for entry, old in zip(document["manifests"], index.children, strict=True):
        child = raw(skopeo, b.host, f"{dst}@{entry['digest']}")
        assert sha(child) == entry["digest"] != old and len(child) == entry["size"]
        assert entry["mediaType"] == json.loads(child)["mediaType"] == mt.DOCKER_SCHEMA2
        assert child == rewrite(a.manifest(src, old).content, cv.TO_DOCKER)
    expected = index.body.decode()  # the same text with media types, digests and sizes replaced
    source = json.loads(index.body)["manifests"]
    for entry, old in zip(document["manifests"], source, strict=True):
        expected = expected.replace(old["digest"], entry["digest"])
        expected = expected.replace(f'"size": {old["size"]},', f'"size": {entry["size"]},')
    assert top == rewrite(expected.encode(), cv.TO_DOCKER)


def test_already_in_the_format_is_copied_as_it_is(copy_env: CopyEnv, cli: Runner) -> None:
    a, b = copy_env.a, copy_env.b
    src, dst, index = copy_env.index_to_copy("multi", oci=False)
    result = cli("image", "copy", f"{a.host}/{src}:multi", f"{b.host}/{dst}", "--format", "docker")
    assert result.exit_code == 0, result.stderr
    assert "already docker" in result.stderr
    assert b.manifest(dst, "multi").content == index.body


@pytest.mark.parametrize("extra", ['"artifactType": "application/x-demo"', '"subject": {}'])
def test_an_artifact_is_not_made_docker(copy_env: CopyEnv, cli: Runner, extra: str) -> None:
    a, b = copy_env.a, copy_env.b
    src, dst = unique(), unique()
    pushed = a.push_image(src, "1.0", oci=True)
    body = pushed.body.replace(
        b'"schemaVersion": 2,', b'"schemaVersion": 2, ' + extra.encode() + b","
    )
    a.put_manifest(src, "art", body, mt.OCI_MANIFEST)
    copy_env.create_repo(dst, second=True)
    result = cli("image", "copy", f"{a.host}/{src}:art", f"{b.host}/{dst}", "--format", "docker")
    assert result.exit_code == 2
    assert "which Docker schema 2 cannot carry" in result.stderr
    assert "Traceback" not in result.stderr
    assert b.tags(dst) == []  # nothing half-done


def test_inspect_says_the_stored_format_and_what_a_client_receives(
    copy_env: CopyEnv, cli: Runner
) -> None:
    a = copy_env.a
    src = unique()
    a.push_image(src, "1.0")
    copy(cli, f"{a.host}/{src}:1.0", f"{a.host}/{src}:oci", "--format", "oci")
    docker = cli("image", "inspect", f"{a.host}/{src}:1.0", "-o", "json").json
    oci = cli("image", "inspect", f"{a.host}/{src}:oci", "-o", "json").json
    assert (docker["storedFormat"], oci["storedFormat"]) == ("schema 2", "OCI manifest")
    assert docker["byTag"][2] == {
        "client": "OCI manifest", "receives": "OCI manifest", "conversion": "converted to OCI"
    }  # fmt: skip
    assert oci["byTag"][1] == {
        "client": "schema 2", "receives": "schema 2", "conversion": "converted to schema 2"
    }  # fmt: skip
    assert oci["byDigest"]["receives"] == "OCI manifest"
    text = cli("image", "inspect", f"{a.host}/{src}:oci")
    assert text.exit_code == 0, text.stderr
    assert "(OCI manifest)" in text.stdout
    assert "By tag, schema 2 client" in text.stdout and "converted to schema 2" in text.stdout
    index = a.push_index(src, "multi", oci=False)
    listing = cli("image", "inspect", f"{a.host}/{src}:multi", "-o", "json").json
    assert listing["digest"] == index.digest and listing["storedFormat"] == "manifest list"
