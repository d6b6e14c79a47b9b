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


# -- a repository given the way the user has it ------------------------------------------
#
# A repository argument (``type=REPOSITORY``) takes ``team/app`` and also the URI
# ``repo create`` printed (``ACCOUNT.dkr.ecr.REGION.amazonaws.com/team/app``) when
# its host is the registry this command calls; a command that takes a repository
# and then a tag or digest (``type=IMAGE_REF``) takes docker's ``REPO:TAG`` and
# ``REPO@DIGEST`` too. :func:`split_reference_args` runs before click parses the
# command line, :func:`own_repositories` after (every option is known by then).


def split_reference_args(command: click.Command, args: list[str]) -> list[str]:
    """``REPO:TAG`` / ``REPO@DIGEST`` as the first argument of a command taking
    ``REPOSITORY TAG|DIGEST``: the two arguments it stands for."""
    arguments = [p for p in command.params if isinstance(p, click.Argument)]
    if len(arguments) < 2 or not isinstance(arguments[0].type, RepositoryName):
        return args
    if not isinstance(arguments[1].type, TagOrDigest):
        return args
    index = _first_positional(command, args)
    if index is None:
        return args
    split = _split_reference(args[index])
    return [*args[:index], *split, *args[index + 1 :]] if split else args


def _first_positional(command: click.Command, args: list[str]) -> int | None:
    valued = {
        name
        for p in command.params
        if isinstance(p, click.Option) and not p.is_flag and not p.count
        for name in (*p.opts, *p.secondary_opts)
    }
    index = 0
    while index < len(args):
        word = args[index]
        if word == "--":
            return index + 1 if index + 1 < len(args) else None
        if word.startswith("-") and word != "-":
            index += 2 if word in valued else 1
            continue
        return index
    return None


def _split_reference(word: str) -> tuple[str, str] | None:
    from ecrctl.distribution.reference import parse_reference
    from ecrctl.errors import InvalidInput

    if ":" not in word and "@" not in word:
        return None
    try:
        parsed = parse_reference(word, what="image reference")
    except InvalidInput:
        return None  # the command reports it, as for any bad repository
    ref = parsed.digest or parsed.tag
    return (parsed.name, ref) if ref else None


def own_repositories(ctx: click.Context) -> None:
    """Every repository argument of the parsed command, as ECR names it: the host of
    the registry this command calls removed; another registry refused in one line."""
    for param in ctx.command.params:
        value = ctx.params.get(param.name or "")
        if isinstance(param.type, RepositoryName) and isinstance(value, str) and value:
            ctx.params[param.name or ""] = _own_repository(ctx, param, value)


def _own_repository(ctx: click.Context, param: click.Parameter, value: str) -> str:
    from ecrctl.distribution.reference import is_host, parse_reference
    from ecrctl.errors import InvalidInput

    if value.startswith("arn:"):
        return value  # the commands that take an ARN check it themselves
    first, slash, _ = value.partition("/")
    has_host = bool(slash) and is_host(first)
    if not has_host and ":" not in value and "@" not in value:
        return value  # a plain name: the command checks it with ECR's rule
    parsed = parse_reference(value, what="repository")
    name = parsed.repository
    if parsed.host is not None:
        _check_host(ctx, value, parsed.host, name)
    if parsed.tag or parsed.digest:
        command = ctx.command_path
        raise InvalidInput(
            f"{command} takes a repository, and {value!r} names an image "
            f"({parsed.digest or parsed.tag})",
            hint=f"give the repository alone: {command} {name}",
        )
    return name


def _check_host(ctx: click.Context, value: str, host: str, name: str) -> None:
    """Whether ``host`` is the registry this command calls (``app.registries`` says
    who serves it); the account it names becomes the command's registry id."""
    from ecrctl.cli.app import App
    from ecrctl.errors import InvalidInput
    from ecrctl.login.registries import PRIVATE, PUBLIC

    app = ctx.ensure_object(App)
    served = app.registries.serve(host)
    if served.kind == PUBLIC:
        raise InvalidInput(
            f"{host} is ECR Public, not the private registry of {value!r}",
            hint=f"give the name with --public: {ctx.command_path} --public NAME",
        )
    if served.kind != PRIVATE:
        raise InvalidInput(
            f"{host} in {value!r} is not an ECR registry (nor mapped in ecrctl's config)",
            hint=f"give the repository name alone: {name}",
        )
    region, mine = served.region, app.aws.known_region()
    if region and region != mine:
        raise InvalidInput(
            f"{value!r} is in region {region}, and ecrctl calls {mine or 'no region'}",
            hint=f"select its region with --region {region}",
        )
    account, given = served.account, app.settings.registry_id
    if account and given and account != given:
        raise InvalidInput(
            f"{value!r} is in account {account}'s registry, and --registry-id says {given}",
            hint=f"select its registry with --registry-id {account}",
        )
    if account and not given:
        app.settings.registry_id = account
