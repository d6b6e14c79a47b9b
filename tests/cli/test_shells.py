"""Which completer a parameter gets from its type, name or metavar, and the shells' side:
a failing completer yields nothing, bash gets only what follows the last colon."""

from __future__ import annotations

from typing import Any

import click
import pytest
from click.shell_completion import CompletionItem

from ecrctl.cli import completers as c
from ecrctl.cli import paramtypes, shells
from ecrctl.cli.app import App
from ecrctl.completion.cache import CacheScope
from tests.support.completion import TAGGED, context, param, retag, sample, values


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
