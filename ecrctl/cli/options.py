"""The option and argument decorators several commands share: ``--yes``, ``--dry-run``,
``FILE|-`` arguments and options (read with :func:`ecrctl.cli.common.read_source`),
repeatable options, options passed as one value, numbers with a lower bound, and the
copies' ``--create``, ``--jobs`` and ``--referrers``."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def yes_option(func: F) -> F:
    return click.option(
        "-y",
        "--yes",
        is_flag=True,
        help="Do not ask for confirmation (needed when stdin is not a terminal).",
    )(func)


def dry_run_option(func: F) -> F:
    return click.option("--dry-run", is_flag=True, help="Show what would be done; change nothing.")(
        func
    )


def file_argument(func: F) -> F:
    """``FILE|-`` (the parameter ``source``): a file to read with :func:`read_source`."""
    decorated: F = click.argument("source", metavar="FILE|-")(func)
    return decorated


def optional_file_argument(func: F) -> F:
    """``FILE|-`` that may be left out (``source`` is None then): for the commands
    that build their input from flags instead."""
    decorated: F = click.argument("source", metavar="FILE|-", required=False)(func)
    return decorated


def read_file_or_flags(
    source: str | None, flags: bool, *, what: str, refusal: str, hint: str
) -> str | None:
    """The text of an :func:`optional_file_argument`'s FILE|-, or None when the
    command's flags build its input instead; FILE given with ``flags`` is ``refusal``."""
    from ecrctl.cli.common import read_source
    from ecrctl.errors import InvalidInput

    if source is None:
        return None
    if flags:
        raise InvalidInput(refusal, hint=hint)
    return read_source(source, what=what)


def file_option(flag: str, dest: str, help: str) -> Callable[[F], F]:
    """``--flag FILE|-`` (the parameter ``dest``): a file to read with :func:`read_source`."""
    return click.option(flag, dest, metavar="FILE|-", help=help)


def repeatable_option(
    flag: str, metavar: str, help: str, *, dest: str | None = None
) -> Callable[[F], F]:
    """``--flag METAVAR`` given any number of times: a tuple, empty when not given
    (the parameter ``dest``, else the flag's name)."""
    return click.option(flag, *([dest] if dest else []), multiple=True, metavar=metavar, help=help)


def number_option(
    flag: str, metavar: str, least: float, default: float, help: str
) -> Callable[[F], F]:
    """``--flag METAVAR``: a number of at least ``least``, an int when ``default`` is one
    (else a float), with its default shown in the help."""
    kind = click.IntRange(min=int(least)) if isinstance(default, int) else click.FloatRange(least)
    return click.option(
        flag, metavar=metavar, type=kind, default=default, show_default=True, help=help
    )


def options_as_one(
    name: str, build: Callable[..., Any], *options: Callable[[Any], Any]
) -> Callable[[F], F]:
    """``options`` (in their help order) passed to the command as one parameter
    ``name``: what ``build`` makes of their values (its parameters are their names)."""
    keys = tuple(inspect.signature(build).parameters)

    def decorator(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            values = {key: kwargs.pop(key) for key in keys}
            return func(*args, **{name: build(**values)}, **kwargs)

        decorated: Any = wrapper
        for option in reversed(options):
            decorated = option(decorated)
        result: F = decorated
        return result

    return decorator


def create_option(func: F) -> F:
    """``--create`` of the copies: the destination repository, when it is missing."""
    decorated: F = click.option(
        "--create", is_flag=True, help="Create the destination ECR repository if missing."
    )(func)
    return decorated


def jobs_option(func: F) -> F:
    """``--jobs N`` of the copies: how many blobs move at once."""
    decorated: F = click.option(
        "--jobs",
        type=click.IntRange(1, 32),
        default=4,
        show_default=True,
        help="Blobs in parallel.",
    )(func)
    return decorated


def referrers_option(func: F) -> F:
    """``--referrers/--no-referrers`` of the copies: carry signatures, SBOMs, attestations."""
    decorated: F = click.option(
        "--referrers/--no-referrers",
        default=True,
        help="Copy the image's referrers too: signatures, SBOMs, attestations (the default).",
    )(func)
    return decorated
