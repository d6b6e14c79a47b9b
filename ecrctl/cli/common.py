"""Shared CLI machinery: the global options (accepted before or after any
subcommand), lazily loaded command groups, and the small helpers every command
uses (``pass_app``, confirmation, FILE|- input). The shared option decorators are
:mod:`ecrctl.cli.options`.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from ecrctl.cli.app import App
from ecrctl.errors import ConfirmationRequired, InvalidInput

F = TypeVar("F", bound=Callable[..., Any])

pass_app = click.make_pass_decorator(App, ensure=True)


_AWS_OPTIONS = {"profile", "region", "endpoint_url", "registry_id", "max_attempts"}


def _setter(attr: str, convert: Callable[[Any], Any] | None = None) -> Any:
    """Set an AWS setting (``app.settings``) or an output option (``app.out``)."""

    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        if value is None or value is False:
            return
        if attr == "registry_timeout":  # read where registry clients are made, as the variable
            os.environ["ECRCTL_REGISTRY_TIMEOUT"] = str(convert(value) if convert else value)
            return
        app = ctx.ensure_object(App)
        target = app.settings if attr in _AWS_OPTIONS else app.out
        setattr(target, attr, convert(value) if convert else value)
        if attr == "debug":
            from ecrctl.aws.session import enable_debug_logging

            enable_debug_logging()

    return callback


def _complete_profiles(ctx: click.Context, param: click.Parameter, incomplete: str) -> Any:
    from ecrctl.cli.completers import complete_profiles

    return complete_profiles(ctx, param, incomplete)


def _complete_regions(ctx: click.Context, param: click.Parameter, incomplete: str) -> Any:
    from ecrctl.cli.completers import complete_regions

    return complete_regions(ctx, param, incomplete)


def _global_params() -> list[click.Parameter]:
    """Fresh Option objects for every command (click keeps per-param state)."""
    from ecrctl.cli.timeouts import timeout_params

    flags: dict[str, Any] = {"is_flag": True, "default": False}
    return timeout_params() + [
        click.Option(
            decls,
            expose_value=False,
            callback=_setter(attr, convert),
            **(flags if flag else {}),
            **extra,
        )
        for decls, attr, convert, flag, extra in _GLOBAL_OPTIONS
    ]


_GLOBAL_OPTIONS: list[tuple[list[str], str, Callable[[Any], Any] | None, bool, dict[str, Any]]] = [
    (
        ["--profile"],
        "profile",
        None,
        False,
        {
            "metavar": "NAME",
            "shell_complete": _complete_profiles,
            "help": "AWS profile from the shared config files (default: AWS_PROFILE).",
        },
    ),
    (
        ["--region"],
        "region",
        None,
        False,
        {
            "metavar": "REGION",
            "shell_complete": _complete_regions,
            "help": "AWS region (default: AWS_REGION or the profile's).",
        },
    ),
    (
        ["--endpoint-url"],
        "endpoint_url",
        None,
        False,
        {"metavar": "URL", "help": "ECR API endpoint (default: AWS_ENDPOINT_URL_ECR or AWS's)."},
    ),
    (
        ["--registry-id"],
        "registry_id",
        lambda value: _check_registry_id(value),
        False,
        {"metavar": "ACCOUNT", "help": "Account whose registry to act on (default: the caller's)."},
    ),
    (
        ["-o", "--output"],
        "output",
        None,
        False,
        {
            "type": click.Choice(["table", "json", "text", "yaml"]),
            "help": "Output format: table, json, text (tab-separated, for shell scripts), "
            "or yaml (the JSON as YAML).",
        },
    ),
    (
        ["--query"],
        "query",
        lambda value: _compile_query(value),
        False,
        {
            "metavar": "JMESPATH",
            "help": "JMESPath expression applied to the JSON output (implies -o json "
            "unless -o text).",
        },
    ),
    (
        ["--max-attempts"],
        "max_attempts",
        None,
        False,
        {
            "type": click.IntRange(min=1),
            "help": "AWS call attempts with backoff (default: ECRCTL_MAX_ATTEMPTS or 5).",
        },
    ),
    (
        ["--registry-timeout"],
        "registry_timeout",
        lambda value: _check_registry_timeout(value),
        False,
        {
            "metavar": "SECONDS",
            "help": "Most seconds one registry API request may take, connect to last byte "
            "(default: ECRCTL_REGISTRY_TIMEOUT or 60; a blob gets 1 s more per 256 KiB).",
        },
    ),
    (
        ["--debug"],
        "debug",
        None,
        True,
        {"help": "Show tracebacks and a redacted AWS wire log on stderr."},
    ),
    (
        ["--no-color"],
        "color",
        lambda _: False,
        True,
        {"help": "No colour (also NO_COLOR, or when not a terminal)."},
    ),
    (["-q", "--quiet"], "quiet", None, True, {"help": "Print only results and errors."}),
]


def _compile_query(value: str) -> str:
    """``--query`` compiled while the options are parsed: a bad one stops the
    command before it calls anything."""
    from ecrctl.cli.render import compile_query

    compile_query(value)
    return value


def _check_registry_timeout(value: str) -> float:
    from ecrctl.distribution.transport import check_timeout

    return check_timeout(value)


def _check_registry_id(value: str) -> str:
    from ecrctl.distribution.refs import check_registry_id

    return check_registry_id(value)


class EcrctlCommand(click.Command):
    """A command that also accepts the global options after its name."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.extend(_global_params())

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        from ecrctl.cli.paramtypes import own_repositories, split_reference_args

        rest = super().parse_args(ctx, split_reference_args(self, args))
        own_repositories(ctx)
        return rest

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        _format_own_options(self, ctx, formatter)


def _format_own_options(
    command: click.Command, ctx: click.Context, formatter: click.HelpFormatter
) -> None:
    """A command's own options, and where the global ones are described."""
    own = [p for p in command.get_params(ctx) if isinstance(p, click.Option) and not _is_global(p)]
    rows = [r for p in own if (r := p.get_help_record(ctx)) is not None]
    if rows:
        with formatter.section("Options"):
            formatter.write_dl(rows)
    formatter.write_paragraph()
    formatter.write_text("Global options (--profile, --region, -o json, ...): ecrctl --help")


def _is_global(param: click.Parameter) -> bool:
    return param.expose_value is False and param.name in {
        "profile",
        "region",
        "endpoint_url",
        "registry_id",
        "output",
        "query",
        "max_attempts",
        "registry_timeout",
        "debug",
        "no_color",
        "quiet",
        "connect_timeout",
        "read_timeout",
    }


class EcrctlGroup(click.Group):
    """A group whose subcommands are imported only when used.

    ``lazy`` maps a subcommand name to ``"module:attribute"``.
    """

    command_class = EcrctlCommand

    def __init__(self, *args: Any, lazy: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands first; a subgroup leaves the global options to ``ecrctl --help``."""
        self.format_commands(ctx, formatter)
        if ctx.parent is None:
            click.Command.format_options(self, ctx, formatter)
        else:
            _format_own_options(self, ctx, formatter)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            module_name, attr = self.lazy[cmd_name].split(":")
            command = getattr(importlib.import_module(module_name), attr)
            assert isinstance(command, click.Command)
            return command
        return super().get_command(ctx, cmd_name)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """click's ``main``; when a shell asks for completion (``_ECRCTL_COMPLETE``,
        named after ``prog_name``, else the group), ecrctl's completion classes take
        over first and stderr is silenced."""
        name = (prog_name or self.name or "").replace("-", "_").replace(".", "_")
        instruction = os.environ.get(complete_var or f"_{name}_COMPLETE".upper())
        if instruction:
            from ecrctl.cli.shells import install

            install(instruction)
        return super().main(args, prog_name, complete_var, standalone_mode, **extra)


EcrctlGroup.group_class = EcrctlGroup


def group(
    name: str, *, lazy: dict[str, str] | None = None, **kwargs: Any
) -> Callable[[Callable[..., Any]], EcrctlGroup]:
    """Declare a command group (``lazy`` subcommands optional)."""

    def decorator(func: Callable[..., Any]) -> EcrctlGroup:
        cmd = click.group(name, cls=EcrctlGroup, lazy=lazy, **kwargs)(func)
        assert isinstance(cmd, EcrctlGroup)
        cmd.params.extend(_global_params())
        return cmd

    return decorator


def command(name: str, **kwargs: Any) -> Callable[[Callable[..., Any]], click.Command]:
    """Declare a command that is loaded on its own (a group's ``lazy`` entry)."""
    return click.command(name, cls=EcrctlCommand, **kwargs)


def confirm(question: str, *, yes: bool, what: str = "this") -> None:
    """Ask before a destructive action; fail with exit 2 when nobody can answer."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise ConfirmationRequired(
            f"refusing to {what} without confirmation: stdin is not a terminal",
            hint="pass --yes to confirm",
        )
    if not click.confirm(question, default=False, err=True):
        raise click.Abort()


def read_source(source: str, *, what: str = "file") -> str:
    """The text of FILE, or of standard input for ``-``."""
    if source == "-":
        return sys.stdin.read()
    try:
        with open(source, encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        raise InvalidInput(
            f"{what} {source!r} does not exist", hint="give an existing path, or - for stdin"
        ) from None
    except IsADirectoryError:
        raise InvalidInput(f"{what} {source!r} is a directory", hint="give a file") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"{what} {source!r} is not UTF-8 text") from None
    except OSError as exc:
        raise InvalidInput(f"cannot read {what} {source!r}: {exc.strerror}") from None
