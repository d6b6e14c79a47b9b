"""The root command and the ``main()`` wrapper that turns errors into one line
and an exit code."""

from __future__ import annotations

import gc
import sys
from typing import NoReturn

import click

from ecrctl import __version__
from ecrctl.cli.app import App
from ecrctl.cli.common import group
from ecrctl.cli.examples import examples
from ecrctl.errors import Aborted, EcrctlError, ExitCode, Interrupted, Signalled

SUBCOMMANDS = {
    "repo": "ecrctl.cli.repo:repo",
    "policy": "ecrctl.cli.policy:policy",
    "image": "ecrctl.cli.image:image",
    "completion": "ecrctl.cli.completion:completion",
    "login": "ecrctl.cli.login:login",
    "logout": "ecrctl.cli.login:logout",
    "doctor": "ecrctl.cli.doctor:doctor",
    "registry": "ecrctl.cli.registry:registry",
    "events": "ecrctl.cli.events:events",
    "network": "ecrctl.cli.network:network",
}

EXIT_CODES = """Exit codes: 0 ok, 1 failed, 2 bad usage or input, 130 interrupted,
143 terminated."""


@group(
    "ecrctl",
    lazy=SUBCOMMANDS,
    epilog=examples("", EXIT_CODES),
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
    """Console-script entry point: SIGINT and SIGTERM raise :class:`Signalled`
    in the main thread, so that work in progress settles and reports."""
    import signal

    def raise_signalled(signum: int, frame: object) -> None:
        # once: the report of what was done must not be cut short by a second signal
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise Signalled(signum)

    signal.signal(signal.SIGINT, raise_signalled)
    signal.signal(signal.SIGTERM, raise_signalled)
    code = run(argv, App())
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # done: a late signal changes nothing
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    # what is left is freed with the process: the interpreter's last collection need
    # not walk it (a fifth of a short command's run; atexit handlers still run)
    gc.freeze()
    sys.exit(code)


def run(argv: list[str] | None, app: App) -> int:
    """Run one command line with ``app``; return the exit code (never raises)."""
    from ecrctl.cli.timeouts import install_wait_notice

    install_wait_notice()
    try:
        result = cli.main(args=argv, prog_name="ecrctl", standalone_mode=False, obj=app)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.Abort as exc:
        # click turns Ctrl-C (KeyboardInterrupt) into Abort, like a "no" at a prompt
        if isinstance(exc.__context__, KeyboardInterrupt):
            return fail(app, Interrupted("interrupted"))
        return fail(app, Aborted("not confirmed: nothing changed"))
    except click.UsageError as exc:
        _error(usage_line(exc, sys.argv[1:] if argv is None else argv))
        return int(ExitCode.USAGE)
    except click.ClickException as exc:
        _error(" ".join(exc.format_message().split()))
        return exc.exit_code
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away: nothing more to say to anybody
        return int(ExitCode.FAILED)
    except Signalled as exc:
        return fail(app, exc.as_error())
    except (Exception, KeyboardInterrupt) as exc:
        return fail(app, exc)
    return result if isinstance(result, int) else int(ExitCode.OK)


def usage_line(exc: click.UsageError, args: list[str] | None = None) -> str:
    """click's usage error in ecrctl's one-line form: the message, one did-you-mean
    (ecrctl's spelling of an aws-cli option), and where to read the usage
    (``see: ecrctl repo create -h``)."""
    import re

    from ecrctl.cli import habits

    message = " ".join(exc.format_message().split())
    found = re.search(r"\.?\s*\(?Did you mean (?:one of: )?(?P<s>.+?)\?\)?$", message)
    suggestion = found["s"] if found else ""
    message = (message[: found.start()] if found else message).rstrip(".")
    message = message[:1].lower() + message[1:]
    if isinstance(exc, click.NoSuchOption):
        pointer = habits.option_pointer(exc.ctx, exc.option_name, args or [])
        if pointer:
            return f"{message} (aws-cli's spelling): {pointer}"
        suggestion = _closest_option(exc) or ""
    unknown = re.fullmatch(r"no such command '(?P<name>.+)'", message)
    if unknown and not suggestion:  # click's own is quoted: the same form
        closest = habits.command_suggestion(exc.ctx, unknown["name"])
        suggestion = f"'{closest}'" if closest else ""
    if suggestion:
        message += f" (did you mean {suggestion}?)"
    where = exc.ctx.command_path if exc.ctx is not None else "ecrctl"
    return f"{message}; see: {where} -h"


def _closest_option(exc: click.NoSuchOption) -> str | None:
    import difflib

    names = list(exc.possibilities or [])
    if not names and exc.ctx is not None:
        names = [n for p in exc.ctx.command.params for n in (*p.opts, *p.secondary_opts)]
    close = difflib.get_close_matches(exc.option_name, names, n=1)
    return close[0] if close else None


def fail(app: App, exc: BaseException) -> int:
    """The one error path: translate, print one line (a traceback with --debug), exit code."""
    from ecrctl.translate import translate

    error = translate(exc, region=app.aws.known_region(), profile=app.settings.profile)
    if app.out.debug and not isinstance(exc, Aborted):
        import traceback

        from ecrctl.redact import redact

        sys.stderr.write(redact("".join(traceback.format_exception(exc))))
    if error is None:
        hint = "" if app.out.debug else " (run with --debug for the traceback)"
        _error(f"unexpected {type(exc).__name__}: {exc}{hint}")
        return int(ExitCode.FAILED)
    _error(error.one_line())
    return int(error.exit_code)


def _error(message: str) -> None:
    # render (json, dataclasses, ...) loads only when there is an error to print:
    # --help and shell completion never pay for it
    from ecrctl.cli import render

    render.error(message)


__all__ = ["EcrctlError", "cli", "main"]
