"""``ecrctl completion``: print the shell completion script for bash, zsh or fish.

The scripts are click's own (the ``_ECRCTL_COMPLETE`` protocol): the shell asks
``ecrctl`` for candidates at each TAB, so new commands complete without a new
script. The same text is committed under ``completions/``.
"""

from __future__ import annotations

import os
import sys

import click

from ecrctl.cli.common import EcrctlCommand

SHELLS = ("bash", "zsh", "fish")  # the keys of shells.SHELL_CLASSES
PROG_NAME = "ecrctl"
COMPLETE_VAR = "_ECRCTL_COMPLETE"


def script(shell: str) -> str:
    """The completion script for ``shell``, exactly as committed in completions/."""
    from ecrctl.cli.main import cli
    from ecrctl.cli.shells import SHELL_CLASSES

    cls = SHELL_CLASSES[shell]
    text = cls(cli, {}, PROG_NAME, COMPLETE_VAR).source()
    return text if text.endswith("\n") else text + "\n"


def _default_shell() -> str | None:
    name = os.path.basename(os.environ.get("SHELL", ""))
    return name if name in SHELLS else None


EPILOG = """\b
Examples:
  ecrctl completion bash > ~/.local/share/bash-completion/completions/ecrctl
  ecrctl completion zsh > ~/.zfunc/_ecrctl
  ecrctl completion fish > ~/.config/fish/completions/ecrctl.fish
  eval "$(ecrctl completion bash)"
\b
Repository names, tags and digests come from a cache refreshed by
`repo list`, `image list` and, when older than 5 minutes, by one AWS call
(timeout 1 s) at TAB."""


@click.command("completion", cls=EcrctlCommand, epilog=EPILOG)
@click.argument("shell", type=click.Choice(SHELLS), required=False, metavar="[SHELL]")
def completion(shell: str | None) -> None:
    """Print the shell completion script for bash, zsh or fish.

    Without SHELL, for the shell named in $SHELL.
    """
    chosen = shell or _default_shell()
    if chosen is None:
        from ecrctl.errors import InvalidInput

        raise InvalidInput(
            "cannot tell which shell to complete for",
            hint="name it: ecrctl completion bash|zsh|fish",
        )
    sys.stdout.write(script(chosen))
