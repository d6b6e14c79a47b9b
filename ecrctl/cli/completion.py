"""``ecrctl completion``: print the shell completion script for bash, zsh or fish,
or install it where the shell loads it (``completion install``).

The scripts are click's own (the ``_ECRCTL_COMPLETE`` protocol): the shell asks
``ecrctl`` for candidates at each TAB, so new commands complete without a new
script. The same text is committed under ``completions/``.
"""

from __future__ import annotations

import os
import sys

import click

from ecrctl.cli.app import App
from ecrctl.cli.common import group, pass_app
from ecrctl.cli.examples import examples
from ecrctl.cli.render import emit, notice

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


def _chosen(shell: str | None) -> str:
    """``shell``, else the one named in $SHELL."""
    name = shell or os.path.basename(os.environ.get("SHELL", ""))
    if name in SHELLS:
        return name
    from ecrctl.errors import InvalidInput

    raise InvalidInput(
        "cannot tell which shell to complete for",
        hint="name it: ecrctl completion bash|zsh|fish",
    )


CACHE_NOTE = """\b
Repository names, tags and digests come from a cache refreshed by
`repo list`, `image list` and, when older than 5 minutes, by one AWS call
(timeout 1 s) at TAB."""


@group("completion", invoke_without_command=True, epilog=examples("completion", CACHE_NOTE))
@click.pass_context
def completion(ctx: click.Context) -> None:
    """Print the shell completion script for bash, zsh or fish, or install it.

    Without a command, prints the script for the shell named in $SHELL.
    """
    if ctx.invoked_subcommand is None:
        sys.stdout.write(script(_chosen(None)))


def _printer(shell: str) -> None:
    @completion.command(
        shell,
        help=f"Print the completion script for {shell}.",
        epilog=examples(f"completion {shell}"),
    )
    def print_script() -> None:
        sys.stdout.write(script(shell))


for _shell in SHELLS:
    _printer(_shell)


WHERE_INSTALLED = """\b
bash: $XDG_DATA_HOME/bash-completion/completions/ecrctl (~/.local/share; the
bash-completion package loads it), zsh: ${ZDOTDIR:-~}/.zfunc/_ecrctl (the line
that puts it on fpath is printed until ~/.zshrc names it), fish:
$XDG_CONFIG_HOME/fish/completions/ecrctl.fish (~/.config)."""


@completion.command("install", epilog=examples("completion install", WHERE_INSTALLED))
@click.argument("shell", type=click.Choice(SHELLS), required=False, metavar="[SHELL]")
@pass_app
def install(app: App, shell: str | None) -> None:
    """Install the completion script where SHELL loads it, creating the directory.

    Without SHELL, for the shell named in $SHELL. Prints the file written.
    """
    from ecrctl.completion.install import install as install_script

    chosen = _chosen(shell)
    done = install_script(chosen, script(chosen))
    created = f" (created {done.path.parent})" if done.directory_created else ""
    notice(app, f"installed the {chosen} completion{created}; it works in a new {chosen}")
    if done.then:
        notice(app, done.then)
    emit(app, done.to_json(), text=str(done.path))
