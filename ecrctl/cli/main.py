"""The root command and the ``main()`` wrapper that turns errors into one line
and an exit code."""

from __future__ import annotations

import sys
import traceback
from typing import NoReturn

import click

from ecrctl import __version__
from ecrctl.cli import render
from ecrctl.cli.app import App
from ecrctl.cli.common import group
from ecrctl.errors import Aborted, EcrctlError, ExitCode
from ecrctl.redact import redact

SUBCOMMANDS = {
    "repo": "ecrctl.cli.repo:repo",
    "policy": "ecrctl.cli.policy:policy",
    "image": "ecrctl.cli.image:image",
    "completion": "ecrctl.cli.completion:completion",
    "login": "ecrctl.cli.login:login",
    "logout": "ecrctl.cli.login:logout",
    "registry": "ecrctl.cli.registry:registry",
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


def main(argv: list[str] | None = None) -> NoReturn:
    """Console-script entry point."""
    sys.exit(run(argv, App()))


def run(argv: list[str] | None, app: App) -> int:
    """Run one command line with ``app``; return the exit code (never raises)."""
    try:
        result = cli.main(args=argv, prog_name="ecrctl", standalone_mode=False, obj=app)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.Abort:
        return fail(app, Aborted("aborted"))
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away: nothing more to say to anybody
        return int(ExitCode.FAILED)
    except (Exception, KeyboardInterrupt) as exc:
        return fail(app, exc)
    return result if isinstance(result, int) else int(ExitCode.OK)


def fail(app: App, exc: BaseException) -> int:
    """The one error path: translate, print one line (a traceback with --debug), exit code."""
    from ecrctl.translate import translate

    error = translate(exc, region=app.aws.known_region(), profile=app.settings.profile)
    if app.out.debug and not isinstance(exc, Aborted):
        sys.stderr.write(redact("".join(traceback.format_exception(exc))))
    if error is None:
        hint = "" if app.out.debug else " (run with --debug for the traceback)"
        render.error(f"unexpected {type(exc).__name__}: {exc}{hint}")
        return int(ExitCode.FAILED)
    render.error(error.one_line())
    return int(error.exit_code)


__all__ = ["EcrctlError", "cli", "main"]
