"""``--connect-timeout`` and ``--read-timeout`` (aws-cli's ``--cli-connect-timeout`` and
``--cli-read-timeout`` too), and the line a terminal shows while a call waits.

The options set ``ECRCTL_CONNECT_TIMEOUT`` / ``ECRCTL_READ_TIMEOUT`` for this process,
which every AWS client reads (:func:`ecrctl.aws.session.timeouts`; defaults 10 s to
connect, 60 s for each read).
"""

from __future__ import annotations

import os
import sys

import click

NAMES = {"connect_timeout", "read_timeout"}


def _timeout_option(name: str, variable: str, help: str) -> click.Option:
    """``--NAME-timeout`` (aws-cli's ``--cli-NAME-timeout`` too): sets ``variable``."""

    def callback(ctx: click.Context, param: click.Parameter, value: float | None) -> None:
        if value is not None:
            os.environ[variable] = repr(value)

    return click.Option(
        [f"--{name}-timeout", f"--cli-{name}-timeout", f"{name}_timeout"],
        type=click.FloatRange(min=0, min_open=True, max=86_400),
        metavar="SECONDS",
        expose_value=False,
        callback=callback,
        help=help,
    )


def timeout_params() -> list[click.Parameter]:
    """Fresh options for every command (global: before or after the subcommand)."""
    return [
        _timeout_option(
            "connect",
            "ECRCTL_CONNECT_TIMEOUT",
            "Seconds to open a connection (default: ECRCTL_CONNECT_TIMEOUT or 10).",
        ),
        _timeout_option(
            "read",
            "ECRCTL_READ_TIMEOUT",
            "Seconds to wait for each answer (default: ECRCTL_READ_TIMEOUT or 60).",
        ),
    ]


def install_wait_notice() -> None:
    """On a terminal, a call that has not answered after a second says what it waits for."""
    if not sys.stderr.isatty():
        return
    from ecrctl.aws import session

    def tell(operation: str, endpoint: str, connect: float, read: float) -> None:
        sys.stderr.write(
            f"ecrctl: waiting for {endpoint} ({operation}): up to {connect:g} s to connect, "
            f"{read:g} s for the answer (--connect-timeout, --read-timeout); Ctrl-C stops\n"
        )

    session.ON_WAIT[:] = [tell]
