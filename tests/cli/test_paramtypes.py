"""The completion hooks command modules declare: the repository and ref types, names
from a module attribute or a callable, and the listings kept for completion."""

from __future__ import annotations

from pathlib import Path

from ecrctl.aws.settings import AwsSettings
from ecrctl.cli import paramtypes
from ecrctl.cli.app import App
from ecrctl.completion import cache as cc
from ecrctl.completion.cache import CacheScope, ImageId
from tests.support.completion import OTHER, context, param, retag, sample, values


def test_names_from_a_module_attribute_or_a_callable() -> None:
    ctx = context(sample, [])
    by_path = paramtypes.complete_names("ecrctl.cli.completion:SHELLS")
    assert values(by_path(ctx, param(sample, "name"), "")) == ["bash", "fish", "zsh"]
    by_call = paramtypes.complete_names(lambda: {"keep-10": 1, "expire-untagged": 2})
    assert values(by_call(ctx, param(sample, "name"), "e")) == ["expire-untagged"]


def test_the_types_pass_values_through_unchanged() -> None:
    for kind in (paramtypes.REPOSITORY, paramtypes.IMAGE_REF):
        assert kind.convert("Any Value:x", None, None) == "Any Value:x"
    assert (paramtypes.REPOSITORY.name, paramtypes.IMAGE_REF.name) == ("repository", "ref")


def test_the_types_complete_from_the_cache(seeded: CacheScope) -> None:
    repository, ref = retag.params
    assert values(repository.shell_complete(context(retag, []), "team/")) == [
        "team/api",
        "team/app",
    ]
    assert values(ref.shell_complete(context(retag, ["team/app"]), "v")) == ["v1"]


def test_names_from_a_module_callable_are_read_only_when_completing() -> None:
    complete = paramtypes.complete_names("ecrctl.aws.settings:profile_names")
    assert values(complete(context(sample, []), param(sample, "name"), "zz")) == []


def test_listings_are_remembered_through_the_hooks(isolated: Path) -> None:
    app = App()
    paramtypes.remember_repositories(app, [{"repositoryName": "team/web"}])
    paramtypes.remember_repositories(app, [{"repositoryName": "team/api"}], prefix="team/a")
    paramtypes.remember_images(app, "team/web", [{"imageDigest": OTHER, "imageTags": ["v9"]}])
    scope = CacheScope.of(AwsSettings())
    assert cc.known_repositories(scope) == ["team/api", "team/web"]
    assert cc.known_images(scope, "team/web") == [ImageId("v9", OTHER)]
