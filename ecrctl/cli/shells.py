"""The shells' side of completion: click's completion classes made quiet and
bash-safe, and the completer a plain parameter gets from its name or metavar.

Loaded only when a shell asks (``_ECRCTL_COMPLETE``) or a script is printed.
"""

from __future__ import annotations

import os
import sys

import click
from click.shell_completion import (
    BashComplete,
    CompletionItem,
    FishComplete,
    ShellComplete,
    ZshComplete,
)

from ecrctl.cli.completers import (
    FILE_NAMES,
    HOST_NAMES,
    REF_NAMES,
    REPOSITORY_NAMES,
    _is_repository_param,
    _metavar_word,
    _plain,
    complete_files,
    complete_hosts,
    complete_image_refs,
    complete_image_spec,
    complete_repositories,
)
from ecrctl.cli.paramtypes import Completer

# -- completion by name or metavar -----------------------------------------------------------


def completer_for(ctx: click.Context, param: click.Parameter) -> Completer | None:
    """The completer a plain string parameter gets from its name or metavar."""
    if not _plain(param) or getattr(param, "is_flag", False):
        return None
    word = _metavar_word(param)
    name = param.name or ""
    if word is not None:
        if "FILE" in word:
            return complete_files
        if word.startswith(("REPO[:", "REPO:", "REPO@", "IMAGE[:", "REPOSITORY[:")):
            return complete_image_spec
        if _is_repository_param(param):
            return complete_repositories
        if word in {"REF", "IMAGE_REF", "TAG|DIGEST", "SOURCE"} and _has_repository(ctx, param):
            return complete_image_refs
        if word.split("[")[0] in {"HOST", "REGISTRY", "HOST:PORT"}:
            return complete_hosts
        return None
    if name in FILE_NAMES:
        return complete_files
    if name in REPOSITORY_NAMES:
        return complete_repositories
    if (name in REF_NAMES or name == "source") and _has_repository(ctx, param):
        return complete_image_refs
    if name in HOST_NAMES:
        return complete_hosts
    return None


def _has_repository(ctx: click.Context, param: click.Parameter) -> bool:
    params = ctx.command.get_params(ctx)
    return any(p is not param and _is_repository_param(p) for p in params)


# -- the shells --------------------------------------------------------------------------------


def _get_completions(
    shell: ShellComplete, args: list[str], incomplete: str
) -> list[CompletionItem]:
    """click's resolution, then a completer chosen by name when the parameter has none.

    click has no public way to learn which context and parameter a request is for:
    ``ShellComplete.get_completions`` finds them with the private
    ``click.shell_completion._resolve_context(cli, ctx_args, prog_name, args)`` and
    ``_resolve_incomplete(ctx, args, incomplete)`` and hands the result only to the
    parameter's own completer. Both are used as click 8.5.1 defines them;
    tests/cli/test_click_private_api.py fails when their shape changes. Should they
    go, completion falls back to click's own, without the completers by name.
    """
    from click import shell_completion as sc

    resolve_context = getattr(sc, "_resolve_context", None)
    resolve_incomplete = getattr(sc, "_resolve_incomplete", None)
    if resolve_context is None or resolve_incomplete is None:
        return ShellComplete.get_completions(shell, args, incomplete)
    ctx = resolve_context(shell.cli, shell.ctx_args, shell.prog_name, args)
    obj, incomplete = resolve_incomplete(ctx, args, incomplete)
    if isinstance(obj, click.Parameter):
        completer = completer_for(ctx, obj)
        if completer is not None:
            return completer(ctx, obj, incomplete)
    items: list[CompletionItem] = obj.shell_complete(ctx, incomplete)
    return items


class _Guarded(ShellComplete):
    """Completion that never prints a traceback into the prompt."""

    def get_completions(self, args: list[str], incomplete: str) -> list[CompletionItem]:
        try:
            return _get_completions(self, args, incomplete)
        except Exception:
            return []


class EcrctlBash(_Guarded, BashComplete):
    """bash splits words at ``:`` (COMP_WORDBREAKS), which breaks ``sha256:...`` digests
    and ``REPO:TAG``: the script also sends the line up to the cursor, ecrctl completes
    the whole word and answers only the part after its last ``:``, which is what bash
    replaces."""

    source_template = BashComplete.source_template.replace(
        "COMP_CWORD=$COMP_CWORD ",
        'COMP_CWORD=$COMP_CWORD COMP_LINE="$COMP_LINE" COMP_POINT=$COMP_POINT ',
    )
    _strip = ""

    def get_completion_args(self) -> tuple[list[str], str]:
        line = os.environ.get("COMP_LINE")
        point = os.environ.get("COMP_POINT", "")
        if line is None or not point.isdigit():
            return super().get_completion_args()
        from click.shell_completion import split_arg_string

        before = line[: int(point)]
        words = split_arg_string(before)
        if not words or before[-1:].isspace():
            words.append("")
        args, incomplete = words[1:-1], words[-1]
        self._strip = incomplete[: incomplete.rfind(":") + 1]
        return args, incomplete

    def format_completion(self, item: CompletionItem) -> str:
        if self._strip and item.type == "plain" and item.value.startswith(self._strip):
            item = CompletionItem(item.value[len(self._strip) :], help=item.help)
        return super().format_completion(item)


class EcrctlZsh(_Guarded, ZshComplete):
    pass


class EcrctlFish(_Guarded, FishComplete):
    # click's script splits each answer at every comma, cutting help texts that
    # contain one ("repo<TAB>Create, list, ..."): split at the first comma only.
    source_template = FishComplete.source_template.replace(
        '(string split "," $completion)', '(string split -m 1 "," $completion)'
    )


SHELL_CLASSES: dict[str, type[ShellComplete]] = {
    "bash": EcrctlBash,
    "zsh": EcrctlZsh,
    "fish": EcrctlFish,
}


def install(instruction: str) -> None:
    """Take over click's completion classes for this process; silence stderr while answering.

    ``instruction`` is the value of ``_ECRCTL_COMPLETE`` (e.g. ``bash_complete``).
    """
    from click.shell_completion import add_completion_class

    for name, cls in SHELL_CLASSES.items():
        add_completion_class(cls, name)
    if instruction.endswith("_complete"):
        _silence_stderr()


def _silence_stderr() -> None:
    """Anything written to stderr would land in the user's prompt: send it nowhere."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:
        pass
    sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
