"""Finding referrers on the wire: the referrers API (pages, the artifactType filter,
whether the registry applied it) on a registry that offers it, the tag schema and
cosign's tags on Debian's docker-registry, which has no API; referrers of referrers
followed once each and no deeper than the cap."""

from __future__ import annotations

import os

import pytest

from ecrctl.distribution.client import Credential, RegistryClient
from ecrctl.distribution.content import INDEX_DEPTH
from ecrctl.distribution.referrers import (
    API,
    COSIGN,
    TAG_SCHEMA,
    Finder,
    schema_tag,
)
from ecrctl.errors import InvalidInput, ServiceError
from tests.conftest import backends
from tests.distribution.copy_support import Registries, registries_fixture  # noqa: F401
from tests.distribution.hostile import Answer, Hostile
from tests.distribution.images import Registry
from tests.distribution.proxy import Fault, Proxy
from tests.distribution.referrers_front import (
    COSIGN_SIG,
    SBOM,
    SIGNATURE,
    ReferrersFront,
    entry,
    push_cosign,
    push_referrer,
    push_tag_schema,
)
from tests.support.names import unique


def client_of(host: str) -> RegistryClient:
    return RegistryClient(
        host, Credential("AWS", backends.MOTO_PASSWORD, "the test"), basic=True, attempts=2
    )


@pytest.mark.parametrize("filters", [True, False], ids=["filtered-there", "filtered-here"])
def test_the_api_every_page_and_the_artifact_type(registries: Registries, filters: bool) -> None:
    repo = unique()
    image = registries.a.push_image(repo, "1", oci=True)
    with ReferrersFront(registries.a.host, page=1, filters=filters) as front:
        through = Registry(front.host, backends.MOTO_PASSWORD)
        pushed = [
            push_referrer(through, repo, image, kind, os.urandom(100))
            for kind in (SBOM, SIGNATURE, SBOM)
        ]
        finder = Finder(client_of(front.host), repo)
        found = finder.of(image.digest)
        assert [r.digest for r in found] == [p.digest for p in pushed]
        assert {r.via for r in found} == {API} and finder.api is True
        assert found[0].descriptor() == entry(pushed[0])
        pages = front.asked("GET", "/referrers/")
        assert len(pages) == 3 and pages[1].endswith("?p=1") and pages[2].endswith("?p=2")

        sboms = Finder(client_of(front.host), repo, artifact_type=SBOM).of(image.digest)
        assert [r.digest for r in sboms] == [pushed[0].digest, pushed[2].digest]
        assert front.asked("GET", "artifactType=application%2Fspdx%2Bjson")


def test_without_the_api_the_tag_schema_and_cosign_tags(registries: Registries) -> None:
    """docker-registry answers 404 to the API: the tag schema's index and cosign's
    tags, from one tag list of the repository, and no second API question."""
    repo = unique()
    a = registries.a
    image = a.push_image(repo, "1", oci=True)
    sbom = push_referrer(a, repo, image, SBOM, b'{"spdxVersion": "SPDX-2.3"}')
    push_tag_schema(a, repo, image.digest, [sbom])
    signature = push_cosign(a, repo, image.digest)
    other = a.push_image(repo, "2", oci=True)
    with Proxy(a.host) as proxy:
        finder = Finder(client_of(proxy.host), repo)
        found = finder.of(image.digest)
        assert finder.of(other.digest) == []
        asked = [(m, p.split("?")[0]) for m, p, _ in proxy.counters.requests]
    assert [(r.digest, r.via) for r in found] == [
        (sbom.digest, TAG_SCHEMA),
        (signature.digest, COSIGN),
    ]
    assert found[0].artifact_type == SBOM and found[1].artifact_type == COSIGN_SIG
    assert found[1].tag == f"{schema_tag(image.digest)}.sig"
    assert finder.api is False
    assert asked == [
        ("GET", f"/v2/{repo}/referrers/{image.digest}"),
        ("GET", f"/v2/{repo}/tags/list"),
        ("GET", f"/v2/{repo}/manifests/{schema_tag(image.digest)}"),
        ("GET", f"/v2/{repo}/manifests/{schema_tag(image.digest)}.sig"),
    ]


def test_a_denied_tag_list_asks_for_each_tag(registries: Registries) -> None:
    """A role that may pull but not list (ECR without ecr:ListImages answers 403)."""
    repo = unique()
    image = registries.a.push_image(repo, "1", oci=True)
    signature = push_cosign(registries.a, repo, image.digest, "att")
    with Proxy(registries.a.host) as proxy:
        proxy.faults.append(Fault("GET", "/tags/list", 1, status=403))
        found = Finder(client_of(proxy.host), repo).of(image.digest)
    assert [(r.digest, r.tag) for r in found] == [(signature.digest, signature.tag)]


def test_referrers_of_referrers_each_once_and_no_deeper_than_the_cap(
    registries: Registries,
) -> None:
    """A signature of an SBOM is found; tag-schema indexes that name each other in a
    circle end; a chain deeper than the cap is followed to the cap and named."""
    repo = unique()
    a = registries.a
    image = a.push_image(repo, "1", oci=True)
    sbom = push_referrer(a, repo, image, SBOM, b"sbom")
    signed = push_referrer(a, repo, sbom, SIGNATURE, b"sig")
    push_tag_schema(a, repo, image.digest, [sbom])
    push_tag_schema(a, repo, sbom.digest, [signed])
    push_tag_schema(a, repo, signed.digest, [sbom])  # back to the SBOM: a circle
    found, failures = Finder(client_of(a.host), repo).walk([image.digest])
    assert [(r.digest, r.subject) for r in found] == [
        (sbom.digest, image.digest),
        (signed.digest, sbom.digest),
    ]
    assert failures == []

    chain = [a.push_image(repo, None, oci=True)]
    for _ in range(INDEX_DEPTH + 1):
        chain.append(push_referrer(a, repo, chain[-1], SIGNATURE, os.urandom(8)))
        push_tag_schema(a, repo, chain[-2].digest, [chain[-1]])
    found, failures = Finder(client_of(a.host), repo).walk([chain[0].digest])
    assert [r.digest for r in found] == [p.digest for p in chain[1 : INDEX_DEPTH + 1]]
    assert [subject for subject, _ in failures] == [chain[INDEX_DEPTH].digest]
    assert "nested more than 8 deep" in failures[0][1].message


def test_an_answer_that_is_no_index_is_named() -> None:
    digest = "sha256:" + "c" * 64
    with Hostile() as hostile:
        hostile.on("GET", "/referrers/", Answer(200, {}, b"<html>hello</html>"))
        hostile.on("GET", "/tags/list", Answer(200, {}, b'{"tags": []}'))
        found, failures = Finder(RegistryClient(hostile.host), "team/app").walk([digest])
    assert found == []
    assert [(d, type(e)) for d, e in failures] == [(digest, ServiceError)]
    assert f"the referrers of {digest} are not an image index" in failures[0][1].message


def test_an_artifact_type_must_be_a_media_type() -> None:
    from ecrctl.distribution.referrers import check_artifact_type

    assert check_artifact_type(SBOM) == SBOM
    with pytest.raises(InvalidInput, match="invalid artifact type 'spdx'"):
        check_artifact_type("spdx")


def test_a_page_on_another_origin_is_refused_and_never_asked() -> None:
    """The API's Link follows the client's pagination rule: the registry's origin only."""
    digest = "sha256:" + "e" * 64
    index = b'{"schemaVersion": 2, "manifests": []}'
    with Hostile("127.0.0.2") as other, Hostile() as registry:
        link = {"Link": f'<{other.url("/v2/team/app/referrers/" + digest)}?p=1>; rel="next"'}
        registry.on("GET", "/referrers/", Answer(200, link, index))
        client = RegistryClient(
            registry.host, Credential("AWS", "s3cret-password", "the test"), basic=True
        )
        found, failures = Finder(client, "team/app").walk([digest])
    assert found == [] and other.seen == []
    assert "sent a Link to the next page on another origin" in failures[0][1].message
