"""The completers: repository names, tags and digests, image specs, hosts, regions and
files; and what a listing leaves in the completion cache."""

from __future__ import annotations

import json
from pathlib import Path

from ecrctl.aws.settings import AwsSettings
from ecrctl.cli import completers as c
from ecrctl.cli.app import App
from ecrctl.completion import cache as cc
from ecrctl.completion.cache import CacheScope, ImageId
from tests.support.completion import OTHER, TAGGED, context, param, retag, sample, values


def test_repositories_by_prefix(seeded: CacheScope) -> None:
    ctx = context(retag, [])
    assert values(c.complete_repositories(ctx, param(retag, "repository"), "team/ap")) == [
        "team/api",
        "team/app",
    ]


def test_refs_are_tags_then_digests_once_typed(seeded: CacheScope) -> None:
    ctx = context(retag, ["team/app"])
    ref = param(retag, "ref")
    items = ref.shell_complete(ctx, "")
    assert values(items) == ["latest", "v1"]
    assert items[0].help == TAGGED[:19]
    items = ref.shell_complete(ctx, "sha")
    assert values(items) == [TAGGED, OTHER]
    assert [i.help for i in items] == ["latest, v1", "untagged"]
    assert values(ref.shell_complete(ctx, "sha256:b")) == [OTHER]


def test_refs_need_the_repository_first(seeded: CacheScope) -> None:
    assert c.complete_image_refs(context(retag, []), param(retag, "ref"), "") == []


def test_refs_follow_the_registry_id_given(seeded: CacheScope) -> None:
    cc.remember_images(
        CacheScope.of(AwsSettings(registry_id="111122223333")), "team/app", [ImageId("x", OTHER)]
    )
    ctx = context(retag, ["team/app"])
    ctx.ensure_object(App).settings = AwsSettings(registry_id="111122223333")
    assert values(param(retag, "ref").shell_complete(ctx, "")) == ["x"]


def test_image_spec(seeded: CacheScope) -> None:
    ctx = context(sample, [])
    target = param(sample, "target")
    assert values(c.complete_image_spec(ctx, target, "team/a")) == ["team/api", "team/app"]
    assert values(c.complete_image_spec(ctx, target, "team/app:")) == [
        "team/app:latest",
        "team/app:v1",
    ]
    assert values(c.complete_image_spec(ctx, target, "team/app:l")) == ["team/app:latest"]
    assert values(c.complete_image_spec(ctx, target, "team/app@")) == [
        f"team/app@{TAGGED}",
        f"team/app@{OTHER}",
    ]
    assert values(c.complete_image_spec(ctx, target, "team/app@sha256:b")) == [f"team/app@{OTHER}"]


def test_hosts_from_the_docker_config_and_ecrctl_config(isolated: Path) -> None:
    docker = isolated / ".docker"
    docker.mkdir()
    (docker / "config.json").write_text(
        json.dumps(
            {
                "auths": {
                    "https://111122223333.dkr.ecr.us-east-1.amazonaws.com": {},
                    "docker.io": {},
                },
                "credHelpers": {
                    "222233334444.dkr.ecr.eu-west-1.amazonaws.com": "ecrctl",
                    "gcr.io": "gcloud",
                    "127.0.0.1:5000": "ecrctl",
                },
            }
        )
    )
    config = isolated / ".config" / "ecrctl"
    config.mkdir(parents=True)
    (config / "config.toml").write_text(
        '[registries."localhost:5001"]\naccount = "123456789012"\nregion = "us-east-1"\n'
    )
    assert c.registry_hosts() == [
        "111122223333.dkr.ecr.us-east-1.amazonaws.com",
        "127.0.0.1:5000",
        "222233334444.dkr.ecr.eu-west-1.amazonaws.com",
        "localhost:5001",
    ]


def test_hosts_of_every_ecr_form_complete(isolated: Path) -> None:
    forms = [
        "111122223333.dkr-ecr.us-west-2.on.aws",
        "111122223333.dkr-ecr-fips.us-gov-east-1.on.aws",
        "111122223333.dkr.ecr-fips.us-gov-west-1.amazonaws.com",
        "111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn",
        "111122223333.dkr.ecr.us-isof-south-1.csp.hci.ic.gov",
        "111122223333.dkr.ecr.eusc-de-east-1.amazonaws.eu",
        "public.ecr.aws",
    ]
    rejected = ["111122223333.dkr.ecr.xx-fake-9.amazonaws.com", "ghcr.io"]
    (isolated / ".docker").mkdir()
    auths = {f"https://{host}": {} for host in forms + rejected}
    (isolated / ".docker" / "config.json").write_text(json.dumps({"auths": auths}))
    assert c.registry_hosts() == sorted(forms)


def test_hosts_survive_broken_files(isolated: Path) -> None:
    (isolated / ".docker").mkdir()
    (isolated / ".docker" / "config.json").write_text("{broken")
    config = isolated / ".config" / "ecrctl"
    config.mkdir(parents=True)
    (config / "config.toml").write_text("not = [toml")
    assert c.registry_hosts() == []


def test_regions_come_from_botocore_data() -> None:
    ctx = context(sample, [])
    items = c.complete_regions(ctx, param(sample, "region"), "")
    names = values(items)
    assert {"us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1"} <= set(names)
    assert not [n for n in names if n.endswith("-global")]
    assert dict(zip(names, [i.help for i in items], strict=True))["eu-west-1"] == "Europe (Ireland)"


def test_files_are_left_to_the_shell() -> None:
    items = c.complete_files(context(sample, []), param(sample, "policy"), "pol")
    assert [(i.value, i.type) for i in items] == [("pol", "file")]


def test_remember_images_takes_details_or_ids(isolated: Path) -> None:
    app = App()
    c.remember_images(
        app,
        "app",
        [{"imageDigest": TAGGED, "imageTags": ["v1", "v2"]}, {"imageDigest": OTHER}],
    )
    assert cc.known_images(CacheScope.of(AwsSettings()), "app") == [
        ImageId("v1", TAGGED),
        ImageId("v2", TAGGED),
        ImageId(None, OTHER),
    ]
    c.remember_images(app, "ids", [{"imageDigest": OTHER, "imageTag": "t"}])
    assert cc.known_images(CacheScope.of(AwsSettings()), "ids") == [ImageId("t", OTHER)]


def test_remembering_never_fails_the_command(isolated: Path) -> None:
    c.remember_repositories(App(), [{"no": "name"}])
    c.remember_images(App(), "app", [{"no": "digest"}])
    assert cc.load(CacheScope.of(AwsSettings())) == {}
