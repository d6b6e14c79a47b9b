"""``ecrctl repo`` against moto's ECR, through the real main() wrapper."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import ACCOUNT, REGION, Runner
from tests.lifecycle.policies import UNTAGGED_BEYOND_ONE

pytestmark = pytest.mark.usefixtures("moto")


def test_create_prints_uri_and_applies_options(cli: Runner, ecr: Any) -> None:
    result = cli(
        "repo",
        "create",
        "team/app",
        "--tag",
        "env=dev",
        "--tag",
        "owner=ops",
        "--immutable",
        "--scan-on-push",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/team/app\n"
    repo = ecr.describe_repositories(repositoryNames=["team/app"])["repositories"][0]
    assert repo["imageTagMutability"] == "IMMUTABLE"
    assert repo["imageScanningConfiguration"] == {"scanOnPush": True}
    tags = ecr.list_tags_for_resource(resourceArn=repo["repositoryArn"])["tags"]
    assert tags == [{"Key": "env", "Value": "dev"}, {"Key": "owner", "Value": "ops"}]


def test_create_json_is_the_repository_object(cli: Runner) -> None:
    result = cli("repo", "create", "app", "-o", "json")
    data = result.json
    assert data["repositoryName"] == "app"
    assert data["repositoryArn"] == f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/app"
    assert data["createdAt"].endswith("+00:00")  # ISO 8601 with offset


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Team/App"], "invalid repository name 'Team/App'; use lowercase: 'team/app'"),
        (["a"], "invalid repository name 'a': it must be 2 to 256 characters long"),
        (["team//app"], "invalid repository name 'team//app'; use lowercase letters and digits"),
        (["app", "--tag", "env"], "malformed tag 'env': expected KEY=VALUE"),
        (["app", "--tag", "aws:x=1"], "invalid tag key 'aws:x': the aws: prefix is reserved"),
        (["app", "--tag", "a=1", "--tag", "a=2"], "duplicate tag key 'a'"),
        (["app", "--tag", "k=" + "v" * 257], "invalid value for tag 'k': 257 characters"),
        (["app", "--tag", "k" * 129 + "=v"], "a key is 1 to 128 characters"),
        (["app", "--tag", "bad!key=v"], "invalid tag key 'bad!key'"),
        (["app", "--kms-key", "arn:aws:kms:x"], "--kms-key 'arn:aws:kms:x' needs --encryption KMS"),
        (["app", "--registry-id", "12"], "invalid registry id '12'"),
    ],
)
def test_create_rejects_bad_input_before_any_call(
    cli: Runner, ecr: Any, args: list[str], message: str
) -> None:
    result = cli("repo", "create", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("ecrctl: error: ")
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert ecr.describe_repositories()["repositories"] == []


def test_too_many_tags_rejected(cli: Runner, ecr: Any) -> None:
    args = [a for i in range(51) for a in ("--tag", f"k{i}=v")]
    result = cli("repo", "create", "app", *args)
    assert result.exit_code == 2
    assert "51 tags given: a repository takes at most 50" in result.stderr


def test_create_existing_is_a_one_line_error(cli: Runner) -> None:
    assert cli("repo", "create", "app").exit_code == 0
    result = cli("repo", "create", "app")
    assert result.exit_code == 1
    assert "already exists" in result.stderr
    assert "Traceback" not in result.stderr


def test_list_table_and_json(cli: Runner, ecr: Any) -> None:
    for name in ("b/two", "a/one", "b/three"):
        ecr.create_repository(repositoryName=name)
    table = cli("repo", "list")
    assert table.exit_code == 0
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["NAME", "URI", "CREATED", "MUTABILITY", "SCAN", "ON", "PUSH"]
    assert [line.split()[0] for line in lines[2:]] == ["a/one", "b/three", "b/two"]
    data = cli("repo", "list", "b/", "-o", "json").json
    assert [r["repositoryName"] for r in data] == ["b/three", "b/two"]
    assert {"repositoryArn", "registryId", "repositoryUri", "createdAt"} <= set(data[0])


def _put_image(ecr: Any, repo: str, tag: str | None, layer_size: int = 1000) -> str:
    import hashlib

    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "size": 100,
                "digest": "sha256:" + hashlib.sha256(repo.encode() + str(tag).encode()).hexdigest(),
            },
            "layers": [
                {
                    "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                    "size": layer_size,
                    "digest": "sha256:" + "a" * 64,
                }
            ],
        }
    )
    kwargs = {"imageTag": tag} if tag else {}
    ecr.put_image(repositoryName=repo, imageManifest=manifest, **kwargs)
    return "sha256:" + hashlib.sha256(manifest.encode()).hexdigest()


def test_show_counts_images_size_tags_and_policies(cli: Runner, ecr: Any) -> None:
    ecr.create_repository(repositoryName="app", tags=[{"Key": "env", "Value": "dev"}])
    _put_image(ecr, "app", "v1", layer_size=1000)
    _put_image(ecr, "app", "v2", layer_size=2000)
    ecr.put_lifecycle_policy(
        repositoryName="app",
        lifecyclePolicyText=json.dumps(UNTAGGED_BEYOND_ONE),
    )
    data = cli("repo", "show", "app", "-o", "json").json
    assert data["imageCount"] == 2
    assert data["totalSizeInBytes"] == 1100 + 2100
    assert data["tags"] == [{"Key": "env", "Value": "dev"}]
    assert data["hasLifecyclePolicy"] is True
    assert data["hasRepositoryPolicy"] is False
    table = cli("repo", "show", "app").stdout
    assert "Images" in table and " 2 " in table.replace("\n", " ")


def test_show_missing_repository_names_registry_and_region(cli: Runner) -> None:
    result = cli("repo", "show", "nope")
    assert result.exit_code == 1
    assert f"registry with id '{ACCOUNT}'" in result.stderr
    assert f"region {REGION}" in result.stderr
    assert "ecrctl repo create" in result.stderr


def test_delete_refuses_non_empty_without_force(cli: Runner, ecr: Any) -> None:
    ecr.create_repository(repositoryName="app")
    _put_image(ecr, "app", "v1")
    _put_image(ecr, "app", "v2")
    result = cli("repo", "delete", "app")
    assert result.exit_code == 1
    assert "repository 'app' holds 2 images; pass --force" in result.stderr
    assert len(ecr.describe_repositories()["repositories"]) == 1


def test_delete_counts_images_not_tags(cli: Runner, ecr: Any) -> None:
    ecr.create_repository(repositoryName="app")
    _put_image(ecr, "app", "v1")
    manifest = ecr.batch_get_image(repositoryName="app", imageIds=[{"imageTag": "v1"}])
    text = manifest["images"][0]["imageManifest"]
    for tag in ("v2", "latest"):
        ecr.put_image(repositoryName="app", imageManifest=text, imageTag=tag)
    _put_image(ecr, "app", None)  # and one untagged image
    result = cli("repo", "delete", "app")
    assert result.exit_code == 1
    assert "repository 'app' holds 2 images; pass --force" in result.stderr


def test_delete_force_without_tty_needs_yes(cli: Runner, ecr: Any) -> None:
    ecr.create_repository(repositoryName="app")
    _put_image(ecr, "app", "v1")
    result = cli("repo", "delete", "app", "--force")
    assert result.exit_code == 2
    assert "pass --yes" in result.stderr and "1 image" in result.stderr
    assert len(ecr.describe_repositories()["repositories"]) == 1
    done = cli("repo", "delete", "app", "--force", "--yes")
    assert done.exit_code == 0
    assert done.stdout == "deleted app and its 1 image\n"
    assert ecr.describe_repositories()["repositories"] == []


def test_delete_empty_repository(cli: Runner, ecr: Any) -> None:
    ecr.create_repository(repositoryName="app")
    result = cli("repo", "delete", "app", "-o", "json")
    assert result.exit_code == 0
    assert result.json["repositoryName"] == "app"
    assert result.json["status"] == "done" and result.json["images"] == []
    assert result.json["complete"] is True and result.json["done"] == []


def test_delete_force_json_keeps_the_repository_and_adds_the_images(cli: Runner, ecr: Any) -> None:
    created = ecr.create_repository(repositoryName="team/app")["repository"]
    v1, untagged = _put_image(ecr, "team/app", "v1"), _put_image(ecr, "team/app", None)
    result = cli("repo", "delete", "team/app", "--force", "--yes", "-o", "json")
    assert result.exit_code == 0, result.stderr
    data = result.json
    assert data["repositoryArn"] == created["repositoryArn"]
    assert data["repositoryUri"] == created["repositoryUri"]
    assert data["status"] == "done" and "reconciled" not in data
    assert sorted(data["images"], key=lambda i: i["imageTags"]) == [
        {"imageDigest": untagged, "imageTags": [], "status": "done"},
        {"imageDigest": v1, "imageTags": ["v1"], "status": "done"},
    ]
    assert data["complete"] is True
    assert sorted(d["id"] for d in data["done"]) == sorted([v1, untagged])
    assert data["failed"] == data["notAttempted"] == data["unknown"] == []
    assert ecr.describe_repositories()["repositories"] == []


def test_delete_missing_repository_prints_no_report(cli: Runner) -> None:
    result = cli("repo", "delete", "nope", "--force", "--yes", "-o", "json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "ecrctl repo create" in result.stderr


def test_tag_untag_tags_by_name_and_arn(cli: Runner, ecr: Any) -> None:
    arn = ecr.create_repository(repositoryName="app")["repository"]["repositoryArn"]
    assert cli("repo", "tag", "app", "env=dev", "owner=ops").exit_code == 0
    assert cli("repo", "tags", arn, "-o", "json").json == [
        {"Key": "env", "Value": "dev"},
        {"Key": "owner", "Value": "ops"},
    ]
    assert cli("repo", "untag", arn, "env", "-o", "json").json == [{"Key": "owner", "Value": "ops"}]
    bad = cli("repo", "tag", "app", "novalue")
    assert bad.exit_code == 2 and "malformed tag 'novalue'" in bad.stderr


def test_tag_limit_counts_existing_tags(cli: Runner, ecr: Any) -> None:
    ecr.create_repository(
        repositoryName="app", tags=[{"Key": f"k{i}", "Value": "v"} for i in range(49)]
    )
    result = cli("repo", "tag", "app", "x=1", "y=2")
    assert result.exit_code == 2
    assert "has 49 tags; 2 more would exceed 50" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["repo", "tags", "Bad/Name"],
        ["repo", "tag", "Bad/Name", "k=v"],
        ["repo", "untag", "Bad/Name", "k"],
        ["image", "show", "app", "sha256:abc"],
        ["policy", "lifecycle", "get", "Bad/Name"],
        ["policy", "repo", "explain", "Bad/Name", "--principal", "111122223333"],
    ],
)
def test_bad_input_is_named_even_without_a_region(
    cli: Runner, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    result = cli(*args)
    assert result.exit_code == 2
    assert "region" not in result.stderr
    assert "'Bad/Name'" in result.stderr or "'sha256:abc'" in result.stderr
