"""Regenerate what is generated from the click command tree:

- completions/ecrctl.bash, completions/ecrctl.zsh, completions/ecrctl.fish
  (the text ``ecrctl completion SHELL`` prints);
- the README's command reference (everything after the ``<!-- reference: ... -->``
  marker under ``## Command reference``).

Run ``python scripts/gen_docs.py`` after changing commands;
``python scripts/gen_docs.py --check`` exits 1 and names the stale files.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
COMPLETIONS = ROOT / "completions"
MARKER = "<!-- reference:"
WIDTH = 88


def completion_files() -> dict[Path, str]:
    from ecrctl.cli.completion import SHELLS, script

    return {COMPLETIONS / f"ecrctl.{shell}": script(shell) for shell in SHELLS}


def _context(command: click.Command, name: str, parent: click.Context | None) -> click.Context:
    settings = {**command.context_settings, "terminal_width": WIDTH, "max_content_width": WIDTH}
    return click.Context(command, info_name=name, parent=parent, **settings)


def _missing_module(group: click.Group, name: str) -> str | None:
    """The module a lazily loaded subcommand lives in, when it does not exist (yet)."""
    from ecrctl.cli.common import EcrctlGroup

    if not isinstance(group, EcrctlGroup) or name not in group.lazy:
        return None
    module = group.lazy[name].split(":")[0]
    return None if importlib.util.find_spec(module) is not None else module


def _subcommand(group: click.Group, ctx: click.Context, name: str) -> click.Command | None:
    """The subcommand; None (with a warning) when it, or a group under it, is not there yet.

    A group with a missing module cannot even print its own help.
    """
    missing = _missing_module(group, name)
    command = None if missing else group.get_command(ctx, name)
    if isinstance(command, click.Group):
        sub_ctx = _context(command, name, ctx)
        missing = next(
            (m for sub in command.list_commands(sub_ctx) if (m := _missing_module(command, sub))),
            None,
        )
    if missing:
        print(f"gen_docs: skipping {ctx.command_path} {name}: no module {missing}", file=sys.stderr)
        return None
    return command


def walk(
    command: click.Command | None = None, name: str = "ecrctl", parent: click.Context | None = None
) -> Iterator[click.Context]:
    """A context for every command of the tree, depth first, subcommands sorted."""
    if command is None:
        from ecrctl.cli.main import cli

        command = cli
    ctx = _context(command, name, parent)
    yield ctx
    if isinstance(command, click.Group):
        for sub_name in command.list_commands(ctx):
            sub = _subcommand(command, ctx, sub_name)
            if sub is not None and not sub.hidden:
                yield from walk(sub, sub_name, ctx)


def _anchor(path: str) -> str:
    return path.replace(" ", "-")


def reference() -> str:
    """The Markdown command reference."""
    contexts = list(walk())
    lines = [
        "",
        "Generated from the command tree: `ecrctl COMMAND --help` prints the same text. "
        "The global options of `ecrctl --help` are accepted before or after any subcommand.",
        "",
    ]
    for ctx in contexts:
        depth = ctx.command_path.count(" ")
        lines.append(f"{'  ' * depth}- [`{ctx.command_path}`](#{_anchor(ctx.command_path)})")
    for ctx in contexts:
        help_text = "\n".join(line.rstrip() for line in ctx.command.get_help(ctx).splitlines())
        lines += ["", f"### `{ctx.command_path}`", "", "```text", help_text, "```"]
    return "\n".join(lines) + "\n"


def readme_with_reference(text: str) -> str:
    """``text`` (the README) with the reference section regenerated."""
    start = text.index(MARKER)
    start = text.index("\n", start) + 1
    end = text.find("\n## ", start)
    tail = "" if end == -1 else text[end:]
    return text[:start] + reference() + tail


def generated() -> dict[Path, str]:
    files = completion_files()
    files[README] = readme_with_reference(README.read_text(encoding="utf-8"))
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale files (exit 1)")
    args = parser.parse_args(argv)
    stale = []
    for path, content in generated().items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == content:
            continue
        stale.append(path)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
    verb = "stale" if args.check else "regenerated"
    for path in stale:
        print(f"{verb}: {path.relative_to(ROOT)}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
