"""aws-cli habits met with ecrctl's spelling: an ``aws ecr`` option name gets a
pointer to what ecrctl takes instead, and a misspelt command a did-you-mean, as a
misspelt option gets from click.

Read only when a command line is refused (no cost on a command that runs).
"""

from __future__ import annotations

import click

# aws-cli's option -> what ecrctl takes; "{usage}" is the command with the value in place
POINTERS = {
    "--repository-name": "{arg} is positional: {usage}",
    "--image-ids": "tags and digests are positional: {command} REPOSITORY TAG|DIGEST...",
    "--image-tag": "the tag is positional (or REPO:TAG): {command} REPOSITORY:TAG",
    "--image-digest": "the digest is positional (or REPO@DIGEST): {command} REPOSITORY@DIGEST",
    "--lifecycle-policy-text": "the policy is a FILE argument (- for stdin): {command} "
    "REPOSITORY FILE",
    "--policy-text": "the policy is a FILE argument (- for stdin): {command} REPOSITORY FILE",
    "--image-tag-mutability": "use --immutable (repo create) or --mutability (repo set)",
    "--image-scanning-configuration": "use --scan-on-push",
    "--encryption-configuration": "use --encryption and --kms-key",
    "--tags": "use --tag KEY=VALUE (repeatable)",
    "--max-items": "use --limit N where a command has it, else --query '[:N]'",
    "--page-size": "ecrctl reads every page itself; cut the result with --query '[:N]'",
    "--no-paginate": "ecrctl reads every page itself; cut the result with --query '[:N]'",
    "--registry-ids": "use --registry-id ACCOUNT",
    "--starting-token": "ecrctl reads every page itself; cut the result with --query",
    "--filter": "use --status (image list) or --query",
}

# command names other tools use -> ecrctl's, tried before the closest spelling
SYNONYMS = {
    "put": ("set",),
    "set": ("put",),
    "ls": ("list",),
    "rm": ("delete",),
    "remove": ("delete",),
    "describe": ("show", "list"),
    "get": ("show",),
    "tag": ("retag",),
    "cp": ("copy",),
}


def option_pointer(ctx: click.Context | None, option: str, args: list[str]) -> str | None:
    """What to type instead of aws-cli's ``option``, or ``None`` when it is not one."""
    name = option.partition("=")[0]
    template = POINTERS.get(name)
    if template is None:
        return None
    command = ctx.command_path if ctx is not None else "ecrctl"
    arguments = [p for p in ctx.command.params if isinstance(p, click.Argument)] if ctx else []
    arg = (arguments[0].human_readable_name if arguments else "NAME").upper()
    value = _value_after(name, option, args) or arg
    text = template.format(arg=arg, command=command, usage=f"{command} {value}")
    return text


def _value_after(name: str, option: str, args: list[str]) -> str | None:
    if "=" in option:
        return option.partition("=")[2] or None
    for index, word in enumerate(args):
        if word.startswith(f"{name}="):
            return word.partition("=")[2] or None
        if word == name and index + 1 < len(args) and not args[index + 1].startswith("-"):
            return args[index + 1]
    return None


def command_suggestion(ctx: click.Context | None, name: str) -> str | None:
    """The subcommand of ``ctx``'s group closest to ``name``, or ``None``."""
    import difflib

    if ctx is None or not isinstance(ctx.command, click.Group):
        return None
    names = ctx.command.list_commands(ctx)
    for synonym in SYNONYMS.get(name, ()):
        if synonym in names:
            return synonym
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return close[0] if close else None
