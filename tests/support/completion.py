"""What the completion tests share: commands shaped like the real ones, a context to
complete in, and the names of the candidates."""

from __future__ import annotations

from typing import Any

import click
from click.shell_completion import CompletionItem

from ecrctl.cli import paramtypes
from ecrctl.cli.app import App
from ecrctl.cli.common import EcrctlCommand

TAGGED = "sha256:" + "a" * 64
OTHER = "sha256:" + "b" * 64


def values(items: list[CompletionItem]) -> list[str]:
    return [i.value for i in items]


def context(command: click.Command, args: list[str]) -> click.Context:
    return command.make_context("ecrctl x", args, resilient_parsing=True, obj=App())


def param(command: click.Command, name: str) -> click.Parameter:
    return next(p for p in command.params if p.name == name)


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


@click.command()
@click.argument("repository", type=paramtypes.REPOSITORY)
@click.argument("ref", type=paramtypes.IMAGE_REF)
def retag(repository: str, ref: str) -> None:
    """x"""
