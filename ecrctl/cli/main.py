"""The root command and the ``main()`` wrapper that turns errors into one line
and an exit code."""

from __future__ import annotations

import sys
import traceback
from typing import NoReturn

import click

from ecrctl import __version__
from ecrctl.cli.app import App
from ecrctl.cli.common import group
from ecrctl.errors import EcrctlError, ExitCode
from ecrctl.redact import redact

SUBCOMMANDS = {
    "repo": "ecrctl.cli.repo:repo",
    "policy": "ecrctl.cli.policy:policy",
    "image": "ecrctl.cli.image:image",
    "completion": "ecrctl.cli.completion:completion",
    "login": "ecrctl.cli.login:login",
    "logout": "ecrctl.cli.login:logout",
}

EPILOG = """\b
Examples:
  ecrctl repo create team/app --tag env=dev
  ecrctl repo list -o json --query '[].repositoryUri'
Exit codes: 0 ok, 1 failed, 2 bad usage or input, 130 interrupted."""


@group(
    "ecrctl",
    lazy=SUBCOMMANDS,
    epilog=EPILOG,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, "--version", prog_name="ecrctl")
def cli() -> None:
    """ecrctl: Amazon ECR from the terminal, safely and fast.

    Repositories, images, login, repository and lifecycle policies, with
    secrets kept out of argv and plaintext. Global options may stand before
    or after the subcommand.
    """


def _print_error(message: str) -> None:
    sys.stderr.write(redact(f"ecrctl: error: {message}") + "\n")


def main(argv: list[str] | None = None) -> NoReturn:
    """Console-script entry point."""
    sys.exit(run(argv, App()))


def run(argv: list[str] | None, app: App) -> int:
    """Run one command line with ``app``; return the exit code (never raises)."""
    code: int = ExitCode.OK
    try:
        result = cli.main(args=argv, prog_name="ecrctl", standalone_mode=False, obj=app)
        if isinstance(result, int):
            code = result
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.Abort:
        _print_error("aborted")
        code = ExitCode.FAILED
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except KeyboardInterrupt:
        _print_error("interrupted")
        code = ExitCode.INTERRUPTED
    except BrokenPipeError:
        sys.stderr.close()
        code = ExitCode.FAILED
    except Exception as exc:  # the one translation point for all errors
        code = _report(app, exc)
    return code


def _report(app: App, exc: Exception) -> int:
    from ecrctl.translate import translate_any

    error = translate_any(app, exc)
    if app.settings.debug:
        sys.stderr.write(redact("".join(traceback.format_exception(exc))))
    if error is None:
        hint = "" if app.settings.debug else " (run with --debug for the traceback)"
        _print_error(f"unexpected {type(exc).__name__}: {exc}{hint}")
        return ExitCode.FAILED
    _print_error(error.one_line())
    return int(error.exit_code)


__all__ = ["EcrctlError", "cli", "main"]
