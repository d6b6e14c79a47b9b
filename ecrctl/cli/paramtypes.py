"""The completion hooks command modules declare at import time.

Kept apart from :mod:`ecrctl.cli.completers` so that loading a command group
costs nothing for completion: the completers (and the completion cache) are
imported only when the shell asks for candidates or a listing is remembered.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

    from ecrctl.cli.app import App

    StringType = click.ParamType[str]
else:
    StringType = click.ParamType

Completer = Callable[[click.Context, click.Parameter, str], "list[CompletionItem]"]


class _CompletedString(StringType):
    """A string passed through unchanged whose candidates come from the completer
    named ``completer`` in :mod:`ecrctl.cli.completers` (imported only at TAB)."""

    completer = ""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        return value

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        completers = importlib.import_module("ecrctl.cli.completers")
        found: list[CompletionItem] = getattr(completers, self.completer)(ctx, param, incomplete)
        return found


class RepositoryName(_CompletedString):
    """A repository name argument or option: completes the names ECR knows.

    The value is passed through unchanged; commands check it themselves
    (``distribution.refs.check_repository_name``) for ecrctl's own error messages.
    """

    name = "repository"
    completer = "complete_repositories"


class TagOrDigest(_CompletedString):
    """A tag or ``sha256:`` digest in the repository given before it on the command line.

    Passed through unchanged: commands parse it with
    ``distribution.reference.parse_image_ref``, as every reference is parsed.
    """

    name = "ref"
    completer = "complete_image_refs"


REPOSITORY = RepositoryName()
IMAGE_REF = TagOrDigest()


def complete_names(source: str | Callable[[], Iterable[str]]) -> Completer:
    """A completer over fixed names, e.g. templates.

    ``source`` is a callable returning names, or ``"module:attribute"`` naming a
    mapping, a list or a callable; the module is imported only when completing.
    """

    def names() -> Iterable[str]:
        if callable(source):
            return source()
        module_name, _, attr = source.partition(":")
        value = getattr(importlib.import_module(module_name), attr)
        found: Iterable[str] = value() if callable(value) else value
        return found

    def complete(
        ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        from click.shell_completion import CompletionItem

        return [CompletionItem(n) for n in sorted(names()) if n.startswith(incomplete)]

    return complete


def remember_repositories(
    app: App, repositories: Iterable[dict[str, Any]], *, prefix: str | None = None
) -> None:
    """Keep the names a ``repo list`` returned for completion (never fails the command)."""
    from ecrctl.cli import completers

    completers.remember_repositories(app, repositories, prefix=prefix)


def remember_images(
    app: App, repository: str, images: Iterable[dict[str, Any]], *, complete: bool = True
) -> None:
    """Keep the tags and digests an ``image list`` returned for completion."""
    from ecrctl.cli import completers

    completers.remember_images(app, repository, images, complete=complete)
