"""The private parts of click that shell completion leans on where click has no
public API (checked against click 8.5.1): ``ecrctl/cli/shells.py`` resolves a
request's context and parameter with ``_resolve_context`` and
``_resolve_incomplete``, ``ecrctl/cli/completers.py`` reads whether a parameter
was given its own completer from ``_custom_shell_complete``. These tests fail when
an upgrade of click changes their shape."""

from __future__ import annotations

import inspect

import click
from click import shell_completion as sc
from click.shell_completion import CompletionItem


@click.group()
def root() -> None:
    """x"""


@root.command()
@click.option("--repo")
@click.argument("ref")
def sub(repo: str | None, ref: str) -> None:
    """x"""


def test_resolve_context_follows_the_words_to_the_subcommand() -> None:
    resolve = sc._resolve_context
    assert list(inspect.signature(resolve).parameters) == ["cli", "ctx_args", "prog_name", "args"]
    ctx = resolve(root, {}, "ecrctl", ["sub", "--repo", "team/app"])
    assert isinstance(ctx, click.Context)
    assert ctx.command is sub
    assert ctx.params["repo"] == "team/app"
    assert ctx.parent is not None and ctx.parent.command is root


def test_resolve_incomplete_names_the_parameter_being_completed() -> None:
    resolve = sc._resolve_incomplete
    assert list(inspect.signature(resolve).parameters) == ["ctx", "args", "incomplete"]
    option, word = resolve(
        sc._resolve_context(root, {}, "ecrctl", ["sub", "--repo"]), ["sub", "--repo"], "te"
    )
    assert isinstance(option, click.Option) and option.name == "repo" and word == "te"
    argument, word = resolve(sc._resolve_context(root, {}, "ecrctl", ["sub"]), ["sub"], "v")
    assert isinstance(argument, click.Argument) and argument.name == "ref" and word == "v"
    command, word = resolve(sc._resolve_context(root, {}, "ecrctl", []), [], "s")
    assert command is root and word == "s"


def test_a_parameters_own_completer_is_kept_in_custom_shell_complete() -> None:
    def mine(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        return []

    assert click.Option(["--given"], shell_complete=mine)._custom_shell_complete is mine
    assert click.Argument(["given"], shell_complete=mine)._custom_shell_complete is mine
    assert click.Option(["--plain"])._custom_shell_complete is None
    assert click.Argument(["plain"])._custom_shell_complete is None
