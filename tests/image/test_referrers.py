"""Copies that carry an image's referrers, between real docker-registry servers
(no referrers API there: the tag schema and cosign's tags), from and to a registry
that offers the API (:class:`ReferrersFront` before a real one), and into one that
refuses a referrer (405, as ECR answers some referrers of an index). skopeo reads
what the destination holds."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from tests.conftest import Runner, backends
from tests.distribution.copy_support import (  # noqa: F401 - fixtures
    CopyEnv,
    Skopeo,
    copy_env_fixture,
    proxy_b_fixture,
    registries_fixture,
    skopeo_fixture,
)
from tests.distribution.images import Pushed, Registry
from tests.distribution.proxy import Proxy
from tests.distribution.referrers_front import (
    COSIGN_SIG,
    PROVENANCE,
    SBOM,
    SIGNATURE,
    ReferrersFront,
    entry,
    push_cosign,
    push_referrer,
    push_tag_schema,
)
from tests.support.names import unique


def tag_of(digest: str) -> str:
    return digest.replace(":", "-")


def listed(registry: Registry, repository: str, subject: str) -> list[str]:
    """The digests the tag schema's index of ``subject`` lists there."""
    answer = registry.manifest(repository, tag_of(subject))
    assert answer.status_code == 200, answer.text
    return [e["digest"] for e in json.loads(answer.content)["manifests"]]


def signed_image(registry: Registry, repository: str) -> tuple[Pushed, list[Pushed]]:
    """An image with an SBOM (in the tag schema), a signature of that SBOM, and a
    cosign signature: as cosign and oras leave them on a registry without the API."""
    image = registry.push_image(repository, "1", oci=True)
    sbom = push_referrer(registry, repository, image, SBOM, b'{"spdxVersion": "SPDX-2.3"}')
    push_tag_schema(registry, repository, image.digest, [sbom])
    signed = push_referrer(registry, repository, sbom, SIGNATURE, os.urandom(64))
    push_tag_schema(registry, repository, sbom.digest, [signed])
    cosign = push_cosign(registry, repository, image.digest)
    return image, [sbom, cosign, signed]


@pytest.mark.skipif(not shutil.which("skopeo"), reason="skopeo is not installed")
def test_signatures_and_sboms_travel_by_default(
    copy_env: CopyEnv, proxy_b: Proxy, cli: Runner, skopeo: Skopeo
) -> None:
    a, b = copy_env.a, copy_env.b
    src, dst = unique(), unique()
    image, (sbom, cosign, signed) = signed_image(a, src)
    copy_env.create_repo(dst, second=True)
    result = cli("image", "copy", f"{a.host}/{src}:1", f"{proxy_b.host}/{dst}:1", "-o", "json")
    assert result.exit_code == 0, result.stderr
    report = result.json["referrers"]
    assert report["complete"] is True and report["failed"] == []
    done = {e["id"]: e["detail"] for e in report["done"]}
    assert list(done) == [sbom.digest, cosign.digest, signed.digest]
    assert done[sbom.digest] == {
        "subject": image.digest,
        "artifactType": SBOM,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "size": len(sbom.body),
        "via": "tag-schema",
        "tag": None,
        "outcome": "copied",
    }
    assert done[cosign.digest]["via"] == "cosign-tag"
    assert done[cosign.digest]["artifactType"] == COSIGN_SIG
    assert done[signed.digest]["subject"] == sbom.digest

    auth = ["--tls-verify=false", "--authfile", skopeo.authfile]
    for name in (f"@{sbom.digest}", f"@{signed.digest}", f":{cosign.tag}"):
        raw = skopeo("inspect", *auth, "--raw", f"docker://{b.host}/{dst}{name}")
        assert raw.encode() in (sbom.body, signed.body, cosign.body)
    index = json.loads(
        skopeo("inspect", *auth, "--raw", f"docker://{b.host}/{dst}:{tag_of(image.digest)}")
    )
    assert [e["digest"] for e in index["manifests"]] == [sbom.digest]
    assert index["manifests"][0] == entry(sbom)
    assert listed(b, dst, sbom.digest) == [signed.digest]
    assert all(b.has_blob(dst, d) for d in [*sbom.blobs, *cosign.blobs, *signed.blobs])

    proxy_b.reset()
    again = cli("image", "copy", f"{a.host}/{src}:1", f"{proxy_b.host}/{dst}:1", "-o", "json")
    assert again.exit_code == 0, again.stderr
    outcomes = [e["detail"]["outcome"] for e in again.json["referrers"]["done"]]
    assert outcomes == ["unchanged"] * 3
    assert [m for m, _, _ in proxy_b.counters.requests if m not in ("GET", "HEAD")] == []


def test_no_referrers_copies_the_image_alone(copy_env: CopyEnv, cli: Runner) -> None:
    a, b = copy_env.a, copy_env.b
    src, dst = unique(), unique()
    image, _ = signed_image(a, src)
    copy_env.create_repo(dst, second=True)
    args = ("image", "copy", f"{a.host}/{src}:1", f"{b.host}/{dst}:1", "-o", "json")
    result = cli(*args, "--no-referrers")
    assert result.exit_code == 0, result.stderr
    assert "referrers" not in result.json
    assert b.tags(dst) == ["1"]
    assert b.manifest(dst, tag_of(image.digest)).status_code == 404


def test_a_signature_added_later_travels_on_the_next_copy(copy_env: CopyEnv, cli: Runner) -> None:
    a, b = copy_env.a, copy_env.b
    src, dst, image = copy_env.image_to_copy("1", oci=True)
    args = ("image", "copy", f"{a.host}/{src}:1", f"{b.host}/{dst}:1")
    first = cli(*args, "-o", "json")
    assert first.exit_code == 0, first.stderr
    assert first.json["referrers"]["done"] == []
    cosign = push_cosign(a, src, image.digest, "att")
    second = cli(*args)
    assert second.exit_code == 0, second.stderr
    assert "unchanged" in second.stderr and "referrers: 1 copied" in second.stderr
    assert b.manifest(dst, cosign.tag).content == cosign.body


def test_an_index_carries_its_childrens_referrers_merged_into_the_tag_schema(
    copy_env: CopyEnv, cli: Runner
) -> None:
    """buildx's provenance and an SBOM refer to a child; the destination already lists
    one referrer of that child in its tag schema: the copy adds to it."""
    a, b = copy_env.a, copy_env.b
    src, dst = unique(), unique()
    index = a.push_index(src, "multi")
    child = Pushed(src, "", index.children[1], a.manifest(src, index.children[1]).content)
    provenance = push_referrer(a, src, child, PROVENANCE, os.urandom(100))
    push_tag_schema(a, src, child.digest, [provenance])
    copy_env.create_repo(dst, second=True)
    earlier = push_referrer(b, dst, child, SBOM, b"earlier sbom")  # its subject yet to come
    push_tag_schema(b, dst, child.digest, [earlier])

    result = cli("image", "copy", f"{a.host}/{src}:multi", f"{b.host}/{dst}:multi", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert [e["id"] for e in result.json["referrers"]["done"]] == [provenance.digest]
    assert listed(b, dst, child.digest) == [earlier.digest, provenance.digest]
    assert b.manifest(dst, provenance.digest).content == provenance.body

    one = unique()  # one platform is tagged as itself: its referrers go with it
    copy_env.create_repo(one, second=True)
    args = ("image", "copy", f"{a.host}/{src}:multi", f"{b.host}/{one}:arm", "-o", "json")
    arm = cli(*args, "--platform", "linux/arm64")
    assert arm.exit_code == 0, arm.stderr
    assert [e["id"] for e in arm.json["referrers"]["done"]] == [provenance.digest]
    amd = cli(*args[:-3], f"{b.host}/{one}:amd", "-o", "json", "--platform", "linux/amd64")
    assert amd.exit_code == 0, amd.stderr
    assert amd.json["referrers"]["done"] == []


def test_from_a_registry_with_the_referrers_api(copy_env: CopyEnv, cli: Runner) -> None:
    """The source lists them through the API (no tag schema there); docker-registry,
    the destination, has no API: they are listed in its tag schema."""
    a, b = copy_env.a, copy_env.b
    src, dst = unique(), unique()
    image = a.push_image(src, "1", oci=True)
    with ReferrersFront(a.host, page=1) as front:
        copy_env.map_host(front.host)
        through = Registry(front.host, backends.MOTO_PASSWORD)
        sboms = [push_referrer(through, src, image, SBOM, os.urandom(50)) for _ in range(2)]
        copy_env.create_repo(dst, second=True)
        result = cli("image", "copy", f"{front.host}/{src}:1", f"{b.host}/{dst}:1", "-o", "json")
        assert result.exit_code == 0, result.stderr
        assert len(front.asked("GET", f"/referrers/{image.digest}")) == 2  # two pages
    done = result.json["referrers"]["done"]
    assert [(e["id"], e["detail"]["via"]) for e in done] == [
        (s.digest, "referrers-api") for s in sboms
    ]
    assert listed(b, dst, image.digest) == [s.digest for s in sboms]


def test_a_refused_referrer_is_named_and_the_exit_code_says_so(
    copy_env: CopyEnv, cli: Runner
) -> None:
    """The destination offers the API and refuses one referrer with 405: the image and
    the other referrer are there (listed by the API, no tag schema written), the
    refused one is named with the registry's reason, and the copy exits 1."""
    a, b = copy_env.a, copy_env.b
    src, dst = unique(), unique()
    image = a.push_image(src, "1", oci=True)
    sbom = push_referrer(a, src, image, SBOM, b"sbom")
    signature = push_referrer(a, src, image, SIGNATURE, b"signature")
    push_tag_schema(a, src, image.digest, [sbom, signature])
    copy_env.create_repo(dst, second=True)
    with ReferrersFront(b.host, refuse={signature.digest}) as front:
        copy_env.map_host(front.host, second=True)
        args = ("image", "copy", f"{a.host}/{src}:1", f"{front.host}/{dst}:1")
        result = cli(*args, "-o", "json")
        text = cli(*args)
        noted = front.noted.get((dst, image.digest), [])
    assert result.exit_code == 1, result.stderr
    report = result.json["referrers"]
    assert [e["id"] for e in report["done"]] == [sbom.digest]
    [refused] = report["failed"]
    assert refused["id"] == signature.digest and refused["failureCode"] == "ServiceError"
    assert "HTTP 405" in refused["failureReason"]
    assert "this referrer is not supported here" in refused["failureReason"]
    assert refused["detail"]["artifactType"] == SIGNATURE
    assert report["complete"] is True
    assert "1 of 2 referrers not carried" in result.stderr
    assert b.manifest(dst, "1").content == image.body
    assert [e["digest"] for e in noted] == [sbom.digest]
    assert b.manifest(dst, tag_of(image.digest)).status_code == 404  # the API lists them

    assert text.exit_code == 1
    assert f"referrer {signature.digest} ({SIGNATURE}) of {image.digest}: not carried" in (
        text.stderr
    )
    assert "referrers: 1 unchanged, 1 not carried" in text.stderr
    assert text.stdout.strip() == f"{front.host}/{dst}@{image.digest}"


def test_a_copy_rewritten_by_format_names_the_referrers_it_leaves(
    copy_env: CopyEnv, cli: Runner
) -> None:
    a, b = copy_env.a, copy_env.b
    src, dst = unique(), unique()
    image = a.push_image(src, "1")  # Docker schema 2: --format oci gives it a new digest
    cosign = push_cosign(a, src, image.digest)
    copy_env.create_repo(dst, second=True)
    args = ("image", "copy", f"{a.host}/{src}:1", f"{b.host}/{dst}:1", "--format", "oci")
    result = cli(*args, "-o", "json")
    assert result.exit_code == 1, result.stderr
    [left] = result.json["referrers"]["failed"]
    assert left["id"] == cosign.digest and left["failureCode"] == "DigestChanged"
    assert b.manifest(dst, cosign.tag).status_code == 404
    assert cli(*args, "--no-referrers").exit_code == 0


def test_what_carrying_costs_an_image_without_referrers(copy_env: CopyEnv, cli: Runner) -> None:
    """One referrers GET and one tag list at the source per image copy, nothing at the
    destination; a repo copy asks a registry without the API once and lists no tags
    again."""
    a, b = copy_env.a, copy_env.b
    src = unique()
    for tag in ("1", "2", "3"):
        a.push_image(src, tag, oci=True)
    with Proxy(a.host) as source, Proxy(b.host) as target:
        copy_env.map_host(source.host)
        copy_env.map_host(target.host, second=True)

        def asked(*args: str) -> tuple[list[str], list[str]]:
            source.reset()
            target.reset()
            result = cli(*args, "--create")
            assert result.exit_code == 0, result.stderr
            shapes = [
                (m, p.split("?")[0].replace(src, "R")) for m, p, _ in source.counters.requests
            ]
            there = [m for m, _, _ in target.counters.requests]
            return [f"{m} {p}" for m, p in shapes], there

        plain, plain_there = asked(
            "image",
            "copy",
            f"{source.host}/{src}:1",
            f"{target.host}/{unique()}:1",
            "--no-referrers",
        )
        carried, carried_there = asked(
            "image", "copy", f"{source.host}/{src}:1", f"{target.host}/{unique()}:1"
        )
        extra = list(carried)
        for request in plain:
            extra.remove(request)
        digest = a.manifest(src, "1").headers["Docker-Content-Digest"]
        assert extra == [f"GET /v2/R/referrers/{digest}", "GET /v2/R/tags/list"]
        assert sorted(carried_there) == sorted(plain_there)

        plain, _ = asked(
            "repo", "copy", f"{source.host}/{src}", f"{target.host}/{unique()}", "--no-referrers"
        )
        carried, _ = asked("repo", "copy", f"{source.host}/{src}", f"{target.host}/{unique()}")
        extra = list(carried)
        for request in plain:
            extra.remove(request)
        assert [e.split("/referrers/")[0] for e in extra] == ["GET /v2/R"]
