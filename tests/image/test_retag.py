"""Retag by manifest against moto's ECR (digests fixed to sha256 of the bytes),
with Stubber for ECR's ImageTagAlreadyExistsException."""

from __future__ import annotations

import threading
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from ecrctl.distribution import manifest as m
from ecrctl.distribution.reference import parse_image_ref
from ecrctl.distribution.refs import ImageRef
from ecrctl.errors import InvalidInput, NotFound
from ecrctl.image.retag import MAX_WORKERS, parse_new_tag, plan_retag, retag
from tests import image_samples as s
from tests.conftest import REGION


def _stored(ecr: Any, repo: str, tag: str) -> dict[str, Any]:
    found = ecr.batch_get_image(
        repositoryName=repo, imageIds=[{"imageTag": tag}], acceptedMediaTypes=m.ACCEPTED_MEDIA_TYPES
    )["images"]
    assert len(found) == 1, found
    return dict(found[0])


@pytest.mark.parametrize("kind", ["schema2", "oci", "list", "index"])
@pytest.mark.parametrize("by", ["tag", "digest"])
def test_retag_every_media_type_byte_for_byte(ecr: Any, repo: str, kind: str, by: str) -> None:
    tag, digest, text = s.put_every_type(ecr, repo)[kind]
    media_type = _stored(ecr, repo, tag)["imageManifestMediaType"]
    source = parse_image_ref(tag if by == "tag" else digest)
    result = retag(plan_retag(ecr, repo, source, ["v2", "stable"]))
    assert [(o.tag, o.shown) for o in result.outcomes] == [
        ("v2", "created"),
        ("stable", "created"),
    ]
    assert result.digest == digest == s.sha(text)
    assert result.media_type == media_type
    for new in ("v2", "stable"):
        stored = _stored(ecr, repo, new)
        assert stored["imageManifest"] == text  # the same bytes, not a re-encoding
        assert stored["imageId"]["imageDigest"] == digest == s.sha(stored["imageManifest"])
        assert stored["imageManifestMediaType"] == media_type
    detail = ecr.describe_images(repositoryName=repo, imageIds=[{"imageDigest": digest}])
    assert sorted(detail["imageDetails"][0]["imageTags"]) == sorted([kind, "v2", "stable"])


def test_put_image_gets_manifest_media_type_and_digest(ecr: Any, repo: str) -> None:
    _, digest, text = s.put_every_type(ecr, repo)["oci"]
    sent: list[dict[str, Any]] = []
    ecr.meta.events.register(
        "before-parameter-build.ecr.PutImage", lambda params, **_: sent.append(dict(params))
    )
    retag(plan_retag(ecr, repo, ImageRef(tag="oci"), ["v9"]))
    assert sent == [
        {
            "repositoryName": repo,
            "imageManifest": text,
            "imageTag": "v9",
            "imageDigest": digest,
            "imageManifestMediaType": m.OCI_MANIFEST,
        }
    ]


def test_unchanged_and_moved_tags(ecr: Any, repo: str) -> None:
    v1 = s.put(ecr, repo, s.schema2("one"), m.DOCKER_SCHEMA2, tag="v1")
    old = s.put(ecr, repo, s.schema2("two"), m.DOCKER_SCHEMA2, tag="latest")
    puts: list[str] = []
    ecr.meta.events.register(
        "before-parameter-build.ecr.PutImage", lambda params, **_: puts.append(params["imageTag"])
    )
    result = retag(plan_retag(ecr, repo, ImageRef(tag="v1"), ["v1", "latest"]))
    assert [(o.tag, o.shown, o.previous_digest) for o in result.outcomes] == [
        ("v1", "unchanged", None),
        ("latest", "moved", old),
    ]
    assert puts == ["latest"]  # nothing is put for a tag already on the image
    assert _stored(ecr, repo, "latest")["imageId"]["imageDigest"] == v1


def test_immutable_repository_fails_that_tag_only(ecr: Any) -> None:
    ecr.create_repository(repositoryName="locked", imageTagMutability="IMMUTABLE")
    v1 = s.put(ecr, "locked", s.schema2("one"), m.DOCKER_SCHEMA2, tag="v1")
    other = s.put(ecr, "locked", s.schema2("two"), m.DOCKER_SCHEMA2, tag="prod")
    result = retag(plan_retag(ecr, "locked", ImageRef(tag="v1"), ["prod", "v1", "new"]))
    by_tag = {o.tag: o for o in result.outcomes}
    assert by_tag["new"].shown == "created"
    assert by_tag["v1"].shown == "unchanged"
    assert by_tag["prod"].shown == "failed"
    assert by_tag["prod"].previous_digest == other
    assert by_tag["prod"].reason is not None
    assert "'locked' is IMMUTABLE" in by_tag["prod"].reason
    assert "'prod'" in by_tag["prod"].reason
    assert [o.tag for o in result.failed] == ["prod"]
    assert _stored(ecr, "locked", "prod")["imageId"]["imageDigest"] == other
    assert _stored(ecr, "locked", "new")["imageId"]["imageDigest"] == v1


def test_dry_run_changes_nothing(ecr: Any, repo: str) -> None:
    s.put(ecr, repo, s.schema2("one"), m.DOCKER_SCHEMA2, tag="v1")
    other = s.put(ecr, repo, s.schema2("two"), m.DOCKER_SCHEMA2, tag="latest")
    result = retag(plan_retag(ecr, repo, ImageRef(tag="v1"), ["v1", "latest", "new"], dry_run=True))
    assert [o.shown for o in result.outcomes] == ["unchanged", "would-move", "would-create"]
    assert _stored(ecr, repo, "latest")["imageId"]["imageDigest"] == other
    assert "new" not in str(ecr.list_images(repositoryName=repo)["imageIds"])


def test_dry_run_in_an_immutable_repository_reports_the_conflict(ecr: Any) -> None:
    ecr.create_repository(repositoryName="locked", imageTagMutability="IMMUTABLE")
    s.put(ecr, "locked", s.schema2("one"), m.DOCKER_SCHEMA2, tag="v1")
    s.put(ecr, "locked", s.schema2("two"), m.DOCKER_SCHEMA2, tag="prod")
    result = retag(plan_retag(ecr, "locked", ImageRef(tag="v1"), ["prod"], dry_run=True))
    assert result.outcomes[0].shown == "would-be-refused"  # a dry run never says failed


def test_many_tags_are_put_concurrently_within_the_bound(ecr: Any, repo: str) -> None:
    s.put(ecr, repo, s.schema2(), m.DOCKER_SCHEMA2, tag="v1")
    threads: set[int] = set()
    ecr.meta.events.register(
        "before-parameter-build.ecr.PutImage", lambda **_: threads.add(threading.get_ident())
    )
    tags = [f"build-{n}" for n in range(60)]
    result = retag(plan_retag(ecr, repo, ImageRef(tag="v1"), tags))
    assert all(o.shown == "created" for o in result.outcomes)
    assert [o.tag for o in result.outcomes] == tags  # reported in the order given
    assert 1 < len(threads) <= MAX_WORKERS


def test_unknown_source(ecr: Any, repo: str) -> None:
    with pytest.raises(NotFound, match="no image with tag v1 in repository 'team/app'"):
        retag(plan_retag(ecr, repo, ImageRef(tag="v1"), ["v2"]))


@pytest.mark.parametrize(
    ("value", "tag"),
    [
        ("v2", "v2"),
        ("team/app:v2", "v2"),
        ("123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:v2", "v2"),
        ("127.0.0.1:5000/team/app:v2", "v2"),
    ],
)
def test_parse_new_tag_same_repository(value: str, tag: str) -> None:
    assert parse_new_tag(value, "team/app") == tag


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("other/app:v2", "cannot retag into another repository \\('other/app'"),
        ("123456789012.dkr.ecr.us-east-1.amazonaws.com/other:v2", "another repository"),
        ("team/app", "no tag in 'team/app'"),
        ("team/app:", "no tag"),
        ("bad tag", "invalid image tag"),
        ("Other/App:v2", "invalid repository name"),
    ],
)
def test_parse_new_tag_refuses(value: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_new_tag(value, "team/app")


def _client_with_stub() -> tuple[Any, Stubber]:
    client = boto3.client("ecr", region_name=REGION)
    return client, Stubber(client)


def _stub_source(stub: Stubber, text: str) -> None:
    digest = s.sha(text)
    stub.add_response(
        "describe_images",
        {"imageDetails": [{"imageDigest": digest, "imageTags": ["v1"]}]},
        {"repositoryName": "app", "imageIds": [{"imageTag": "v1"}]},
    )
    stub.add_response(
        "batch_get_image",
        {
            "images": [
                {
                    "imageId": {"imageDigest": digest},
                    "imageManifest": text,
                    "imageManifestMediaType": m.DOCKER_SCHEMA2,
                }
            ],
            "failures": [],
        },
    )


@pytest.mark.parametrize("now_points_at_source", [False, True])
def test_ecr_tag_already_exists_is_decided_by_the_current_digest(
    now_points_at_source: bool,
) -> None:
    """ECR's name for the immutable conflict; when the tag was meanwhile put on
    the same image (a concurrent retag), it is unchanged, not an error."""
    text = s.schema2()
    digest, elsewhere = s.sha(text), "sha256:" + "ee" * 32
    client, stub = _client_with_stub()
    with stub:
        _stub_source(stub, text)
        stub.add_response(
            "batch_get_image",
            {
                "images": [{"imageId": {"imageTag": "prod", "imageDigest": elsewhere}}],
                "failures": [],
            },
        )
        stub.add_response(
            "describe_images", {"imageDetails": [{"imageDigest": elsewhere, "imageTags": ["prod"]}]}
        )
        stub.add_client_error(
            "put_image",
            "ImageTagAlreadyExistsException",
            "The image tag 'prod' already exists in the 'app' repository "
            "and cannot be overwritten because the repository is immutable.",
        )
        now = digest if now_points_at_source else elsewhere
        stub.add_response(
            "batch_get_image",
            {"images": [{"imageId": {"imageTag": "prod", "imageDigest": now}}], "failures": []},
        )
        stub.add_response(
            "describe_images", {"imageDetails": [{"imageDigest": now, "imageTags": ["prod"]}]}
        )
        if not now_points_at_source:
            stub.add_response(
                "describe_repositories",
                {
                    "repositories": [
                        {"repositoryName": "app", "imageTagMutability": "IMMUTABLE_WITH_EXCLUSION"}
                    ]
                },
            )
        else:
            stub.add_response(
                "describe_images",
                {"imageDetails": [{"imageDigest": digest, "imageTags": ["v1", "prod"]}]},
            )
        result = retag(plan_retag(client, "app", ImageRef(tag="v1"), ["prod"]))
        stub.assert_no_pending_responses()
    outcome = result.outcomes[0]
    if now_points_at_source:
        assert outcome.shown == "moved"  # put by this retag (or a concurrent one): done
    else:
        assert outcome.shown == "failed"
        assert outcome.failure_code == "ImageTagAlreadyExistsException"
        assert "is IMMUTABLE_WITH_EXCLUSION" in str(outcome.reason)


def test_a_tag_that_does_not_resolve_after_put_fails_verification() -> None:
    text = s.schema2()
    client, stub = _client_with_stub()
    with stub:
        _stub_source(stub, text)
        stub.add_response("batch_get_image", {"images": [], "failures": []})
        stub.add_response("put_image", {"image": {"imageId": {"imageTag": "v2"}}})
        stub.add_response(
            "describe_images", {"imageDetails": [{"imageDigest": s.sha(text), "imageTags": ["v1"]}]}
        )
        stub.add_response(
            "batch_get_image",
            {
                "images": [],
                "failures": [{"imageId": {"imageTag": "v2"}, "failureCode": "ImageNotFound"}],
            },
        )
        result = retag(plan_retag(client, "app", ImageRef(tag="v1"), ["v2"]))
    assert result.outcomes[0].shown == "failed"
    assert result.outcomes[0].failure_code == "VerificationFailed"


def test_a_manifest_that_does_not_hash_to_its_digest_is_refused() -> None:
    text = s.schema2()
    client, stub = _client_with_stub()
    with stub:
        stub.add_response(
            "describe_images",
            {"imageDetails": [{"imageDigest": "sha256:" + "00" * 32, "imageTags": ["v1"]}]},
        )
        stub.add_response(
            "batch_get_image",
            {
                "images": [
                    {"imageId": {"imageDigest": "sha256:" + "00" * 32}, "imageManifest": text}
                ],
                "failures": [],
            },
        )
        with pytest.raises(Exception, match="hashes to"):
            retag(plan_retag(client, "app", ImageRef(tag="v1"), ["v2"]))


def test_tags_are_looked_up_from_the_image_tag_list(ecr: Any, repo: str) -> None:
    """moto answers BatchGetImage by tag with another tag of the image (v1 asked,
    stable answered): the lookup must use the image's tag list, not the answer."""
    digest = s.put(ecr, repo, s.schema2("one"), m.DOCKER_SCHEMA2, tag="v1")
    for tag in ("stable", "latest"):
        s.put(ecr, repo, s.schema2("one"), m.DOCKER_SCHEMA2, tag=tag)
    other = s.put(ecr, repo, s.schema2("two"), m.DOCKER_SCHEMA2, tag="prod")
    result = retag(plan_retag(ecr, repo, ImageRef(tag="v1"), ["latest", "stable", "prod"]))
    assert [(o.tag, o.shown, o.previous_digest) for o in result.outcomes] == [
        ("latest", "unchanged", None),
        ("stable", "unchanged", None),
        ("prod", "moved", other),
    ]
    assert result.to_dict()["complete"] is True
    assert _stored(ecr, repo, "prod")["imageId"]["imageDigest"] == digest
