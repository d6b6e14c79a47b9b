"""The completers, and which one a parameter gets from its type, name or metavar."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import pytest
from click.shell_completion import CompletionItem

from ecrctl.aws.settings import AwsSettings
from ecrctl.cli import completers as c
from ecrctl.cli import paramtypes, shells
from ecrctl.cli.app import App
from ecrctl.cli.common import EcrctlCommand
from ecrctl.completion import cache as cc
from ecrctl.completion.cache import CacheScope, ImageId

TAGGED = "sha256:" + "a" * 64
OTHER = "sha256:" + "b" * 64


def values(items: list[CompletionItem]) -> list[str]:
    return [i.value for i in items]


@pytest.fixture
def seeded() -> CacheScope:
    scope = CacheScope.of(AwsSettings())
    cc.remember_repositories(scope, ["team/app", "team/api"])
    cc.remember_images(
        scope,
        "team/app",
        [ImageId("latest", TAGGED), ImageId("v1", TAGGED), ImageId(None, OTHER)],
    )
    return scope


def context(command: click.Command, args: list[str]) -> click.Context:
    return command.make_context("ecrctl x", args, resilient_parsing=True, obj=App())


def param(command: click.Command, name: str) -> click.Parameter:
    return next(p for p in command.params if p.name == name)


# -- rules ------------------------------------------


@click.command(cls=EcrctlCommand)
@click.argument("repo")
@click.argument("source")
@click.argument("new_tags", nargs=-1)
@click.option("--policy", metavar="FILE|-")
@click.option("--images", metavar="FILE")
@click.option("--repository", metavar="ARN")
@click.option("--host")
@click.option("--target", metavar="REPO[:TAG|@DIGEST]")
@click.option("--count", type=int)
@click.option("--file", "path_file", type=click.Path())
@click.option("--name", metavar="NAME")
def sample(**kwargs: Any) -> None:
    """A command shaped like the real ones."""


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("repo", c.complete_repositories),
        ("source", c.complete_image_refs),  # next to a repository: a tag or digest
        ("new_tags", None),
        ("policy", c.complete_files),
        ("images", c.complete_files),
        ("repository", None),  # metavar ARN wins over the name
        ("host", c.complete_hosts),
        ("target", c.complete_image_spec),
        ("count", None),  # not a string
        ("path_file", None),  # click.Path completes files itself
        ("name", None),
        ("profile", None),  # has its own completer
    ],
)
def test_completer_chosen_by_name_or_metavar(name: str, expected: Any) -> None:
    ctx = context(sample, [])
    assert shells.completer_for(ctx, param(sample, name)) is expected


def test_source_without_a_repository_is_not_a_ref() -> None:
    @click.command()
    @click.argument("source", metavar="SOURCE")
    def other(source: str) -> None:
        """x"""

    assert shells.completer_for(context(other, []), param(other, "source")) is None


def test_explicit_types_are_respected() -> None:
    @click.command()
    @click.argument("name", type=paramtypes.REPOSITORY)
    @click.argument("ref", type=paramtypes.IMAGE_REF)
    @click.argument("repo", shell_complete=lambda ctx, p, i: [CompletionItem("mine")])
    def cmd(**kwargs: Any) -> None:
        """x"""

    ctx = context(cmd, [])
    assert all(shells.completer_for(ctx, p) is None for p in cmd.params)
    assert c._is_repository_param(param(cmd, "name"))
    assert values(param(cmd, "repo").shell_complete(ctx, "")) == ["mine"]


# -- repository names, tags and digests ------------------------------------------


@click.command()
@click.argument("repository", type=paramtypes.REPOSITORY)
@click.argument("ref", type=paramtypes.IMAGE_REF)
def retag(repository: str, ref: str) -> None:
    """x"""


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


# -- hosts, regions, files, names ------------------------------------------


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


def test_names_from_a_module_attribute_or_a_callable() -> None:
    ctx = context(sample, [])
    by_path = paramtypes.complete_names("ecrctl.cli.completion:SHELLS")
    assert values(by_path(ctx, param(sample, "name"), "")) == ["bash", "fish", "zsh"]
    by_call = paramtypes.complete_names(lambda: {"keep-10": 1, "expire-untagged": 2})
    assert values(by_call(ctx, param(sample, "name"), "e")) == ["expire-untagged"]


# -- side-effect helpers and the guard ------------------------------------------


def test_remember_images_takes_details_or_ids(isolated: Path) -> None:
    app = App()
    c.remember_images(
        app,
        "app",
        [{"imageDigest": TAGGED, "imageTags": ["v1", "v2"]}, {"imageDigest": OTHER}],
    )
    assert cc.image_ids(CacheScope.of(AwsSettings()), "app") == [
        ImageId("v1", TAGGED),
        ImageId("v2", TAGGED),
        ImageId(None, OTHER),
    ]
    c.remember_images(app, "ids", [{"imageDigest": OTHER, "imageTag": "t"}])
    assert cc.image_ids(CacheScope.of(AwsSettings()), "ids") == [ImageId("t", OTHER)]


def test_remembering_never_fails_the_command(isolated: Path) -> None:
    c.remember_repositories(App(), [{"no": "name"}])
    c.remember_images(App(), "app", [{"no": "digest"}])
    assert cc.load(CacheScope.of(AwsSettings())) == {}


def test_a_failing_completer_yields_no_candidates() -> None:
    def boom(ctx: click.Context, p: click.Parameter, incomplete: str) -> list[CompletionItem]:
        raise RuntimeError("bug")

    @click.command()
    @click.argument("thing", shell_complete=boom)
    def cmd(thing: str) -> None:
        """x"""

    shell = shells.EcrctlBash(cmd, {}, "ecrctl", "_ECRCTL_COMPLETE")
    assert shell.get_completions([], "") == []


def test_bash_answers_only_what_follows_the_last_colon(
    seeded: CacheScope, monkeypatch: Any
) -> None:
    """bash replaces only the text after ``:`` (COMP_WORDBREAKS); the answers must match."""
    line = "ecrctl team/app sha256:a"
    monkeypatch.setenv("COMP_LINE", line)
    monkeypatch.setenv("COMP_POINT", str(len(line)))
    monkeypatch.setenv("COMP_WORDS", "ecrctl team/app sha256 : a")
    monkeypatch.setenv("COMP_CWORD", "4")
    shell = shells.EcrctlBash(retag, {"obj": App()}, "ecrctl", "_ECRCTL_COMPLETE")
    assert shell.complete() == f"plain,{TAGGED.removeprefix('sha256:')}"
    line = "ecrctl x --target team/app:"
    monkeypatch.setenv("COMP_LINE", line)
    monkeypatch.setenv("COMP_POINT", str(len(line)))
    shell = shells.EcrctlBash(sample, {"obj": App()}, "ecrctl", "_ECRCTL_COMPLETE")
    assert shell.complete().splitlines() == ["plain,latest", "plain,v1"]
