"""The image graph: indexes and their children, referrers by subject and by cosign
tag; what goes with a deletion and in which pass; which digests stand together.
Read from moto's ECR."""

from __future__ import annotations

from typing import Any

import pytest

from ecrctl.image.graph import (
    CHILDREN,
    IMAGES,
    REFERRERS,
    Graph,
    cosign_subject,
    from_details,
    read_graph,
)
from tests.image import graph_world as g

A, B, C, D = ("sha256:" + c * 64 for c in "abcd")


@pytest.mark.parametrize(
    ("tag", "subject"),
    [
        ("sha256-" + "a" * 64 + ".sig", A),
        ("sha256-" + "a" * 64 + ".att", A),
        ("sha256-" + "a" * 64 + ".sbom", A),
        ("sha256-" + "a" * 64 + ".sig2", None),
        ("sha256-" + "A" * 64 + ".sig", None),
        ("v1", None),
    ],
)
def test_cosign_tags(tag: str, subject: str | None) -> None:
    assert cosign_subject(tag) == subject


def test_what_describe_images_alone_says() -> None:
    details = [
        {"imageDigest": A, "imageTags": ["v1"]},
        {"imageDigest": B, "imageTags": ["sha256-" + "a" * 64 + ".sig"]},
        {"imageDigest": C, "subjectManifestDigest": A},
        {"imageDigest": D, "imageTags": ["sha256-" + "e" * 64 + ".att"]},  # subject gone
    ]
    graph = from_details(details)
    assert graph.subjects == {B: A, C: A}
    assert sorted(graph.referrers(A)) == [B, C] and graph.holders(C) == [A]


def test_what_goes_with_a_deletion_and_when() -> None:
    graph = Graph(
        tags={A: ("app",), B: (), C: (), D: ("other",), "sha256:sig": ()},
        children={A: [B, C], D: [C]},
        subjects={"sha256:sig": A},
    )
    assert graph.goes_with([A]) == {"sha256:sig": (REFERRERS, A), B: (CHILDREN, A)}
    both = graph.goes_with([A, D])
    assert both[C][0] == CHILDREN and both[B] == (CHILDREN, A)
    assert (graph.pass_of(A), graph.pass_of(B), graph.pass_of("sha256:sig")) == (
        IMAGES,
        CHILDREN,
        REFERRERS,
    )
    links = graph.links()
    assert sorted(links[C]) == [A, D] and B in links[A] and links["sha256:sig"] == [A]


def test_read_from_ecr(ecr: Any) -> None:
    ecr.create_repository(repositoryName="team/app")
    scene = g.build(ecr, "team/app")
    details = ecr.describe_images(repositoryName="team/app")["imageDetails"]
    graph = read_graph(ecr, "team/app", details)
    assert sorted(graph.children[scene.app]) == sorted([scene.amd, scene.arm, scene.attestation])
    assert sorted(graph.children[scene.other]) == sorted([scene.other_amd, scene.arm])
    assert graph.subjects == {scene.signature: scene.app, scene.cosign: scene.other}
    assert sorted(graph.parents(scene.arm)) == sorted([scene.app, scene.other])
    assert graph.unread == []
    gone = graph.goes_with([scene.app])
    assert gone == {
        scene.signature: (REFERRERS, scene.app),
        scene.amd: (CHILDREN, scene.app),
        scene.attestation: (CHILDREN, scene.app),
    }  # arm stays: the other index references it
    assert graph.goes_with([scene.other])[scene.cosign] == (REFERRERS, scene.other)
