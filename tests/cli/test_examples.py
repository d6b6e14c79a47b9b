"""The examples table (ecrctl/cli/examples.py) against the real command tree: every
example parses with click's own parser at the command it names, every command has a row
and shows it, and the check reports a broken example."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest

from ecrctl.cli.app import App
from ecrctl.cli.examples import EXAMPLES, SINGULAR, examples
from ecrctl.cli.main import cli
from ecrctl.errors import EcrctlError

ROOT = Path(__file__).resolve().parents[2]
SEPARATORS = {"|", "||", "&", "&&", ";"}
REDIRECTIONS = {">", ">>", "<", ">&", "<&"}
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
# "ecrctl" as a command word, not inside a path such as .../completions/ecrctl
ECRCTL_WORD = re.compile(r"(?<![\w/.-])ecrctl ")


def shell_words(line: str) -> list[str]:
    """The words of one example as a POSIX shell splits them: a backslash-newline
    continues the line, ``#`` starts a comment, and the operators (``|``, ``>``, ``;``,
    ``&&``, ...) are words of their own."""
    lexer = shlex.shlex(line.replace("\\\n", " "), posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    return list(lexer)


def ecrctl_commands(line: str) -> list[list[str]]:
    """The arguments of every ecrctl command in one example line (after ``ecrctl``):
    each command of a pipe or list, without its redirections and leading VAR=value
    assignments, and the commands inside a ``"$(...)"`` substitution."""
    commands: list[list[str]] = [[]]
    words = iter(shell_words(line))
    for word in words:
        if word in REDIRECTIONS:
            next(words, None)  # the file it names
        elif word in SEPARATORS:
            commands.append([])
        else:
            commands[-1].append(word)
    found: list[list[str]] = []
    for command in commands:
        while command and ASSIGNMENT.match(command[0]):
            command = command[1:]
        for word in command:
            if word.startswith("$(") and word.endswith(")"):
                found += ecrctl_commands(word[2:-1])
        if command[:1] == ["ecrctl"]:
            found.append(command[1:])
    return found


def parse(args: list[str]) -> click.Context:
    """Resolve ``args`` through the groups (lazy ones load their modules) and parse them at
    each level with click's own parser, ``resilient_parsing`` off: unknown options and
    commands, missing values and arguments, bad choices and types raise. Only contexts are
    made: no command runs, so no AWS call is made (a test below checks that)."""
    ctx = cli.make_context("ecrctl", list(args), obj=App())
    while isinstance(ctx.command, click.Group):
        # what the group left for its subcommand (click's Group.invoke reads the same)
        rest = [*ctx._protected_args, *ctx.args]
        if not rest:
            if not ctx.command.invoke_without_command:
                raise click.UsageError("Missing command.", ctx)
            return ctx
        name, command, rest = ctx.command.resolve_command(ctx, rest)
        assert name is not None and command is not None
        ctx = command.make_context(name, rest, parent=ctx)
    return ctx


def problems(line: str) -> list[str]:
    """What is wrong with one example line: every ecrctl command in it must parse (no
    parameter checks that a file exists at parse time, see the test below, so the files an
    example names need not exist), and every ``ecrctl`` word must be one of its commands."""
    commands = ecrctl_commands(line)
    found = []
    if len(commands) != len(ECRCTL_WORD.findall(line.replace("\\\n", " "))):
        found.append(f"{line!r}: an ecrctl command the shell syntax check did not find")
    for args in commands:
        try:
            parse(args)
        except click.ClickException as exc:
            found.append(f"{shlex.join(['ecrctl', *args])}: {exc.format_message()}")
        except EcrctlError as exc:
            found.append(f"{shlex.join(['ecrctl', *args])}: {exc}")
    return found


def command_paths() -> dict[str, click.Command]:
    """Every command of the tree by its path ("" is ecrctl itself)."""
    paths: dict[str, click.Command] = {}

    def walk(command: click.Command, path: str, ctx: click.Context) -> None:
        paths[path] = command
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None, f"{path} {name}"
                walk(sub, f"{path} {name}".strip(), click.Context(sub, info_name=name, parent=ctx))

    walk(cli, "", click.Context(cli, info_name="ecrctl"))
    return paths


EXAMPLE_LINES = [(path, line) for path, lines in EXAMPLES.items() for line in lines]


@pytest.mark.parametrize(("path", "line"), EXAMPLE_LINES, ids=[line for _, line in EXAMPLE_LINES])
def test_every_example_parses_against_the_command_tree(path: str, line: str) -> None:
    assert problems(line) == []


def test_every_command_has_a_row_and_every_row_a_command() -> None:
    assert sorted(EXAMPLES) == sorted(command_paths())
    assert set(SINGULAR) <= set(EXAMPLES)


@pytest.mark.parametrize("path", sorted(EXAMPLES))
def test_every_command_shows_its_own_row(path: str) -> None:
    epilog = command_paths()[path].epilog or ""
    own = examples(path)
    assert epilog == own or epilog.startswith(own + "\n")


@pytest.mark.parametrize("path", sorted(EXAMPLES))
def test_every_row_runs_its_command_or_one_under_it(path: str) -> None:
    ran = [
        parse(args).command_path.removeprefix("ecrctl").strip()
        for line in EXAMPLES[path]
        for args in ecrctl_commands(line)
    ]
    assert any(f"{shown} ".startswith(f"{path} ".lstrip()) for shown in ran), ran


def test_no_parameter_checks_a_file_at_parse_time() -> None:
    """Were one a click.Path(exists=True) or a click.File, its examples would need the
    files they name: parse them in a temporary directory that holds them."""
    checked = [
        f"{path}: {param.name}"
        for path, command in command_paths().items()
        for param in command.params
        if isinstance(param.type, click.File)
        or (isinstance(param.type, click.Path) and param.type.exists)
    ]
    assert checked == []


def test_parsing_every_example_calls_no_aws_and_no_docker() -> None:
    code = (
        "import sys\n"
        "from tests.cli.test_examples import EXAMPLE_LINES, problems\n"
        "assert [p for _, line in EXAMPLE_LINES for p in problems(line)] == []\n"
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'boto3', 'botocore', 'docker', 'requests'})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("ecrctl repo list", [["repo", "list"]]),
        ("ecrctl a 'b c' \\\n    --d e", [["a", "b c", "--d", "e"]]),
        ("ecrctl a > out.json", [["a"]]),
        ("ecrctl a | ecrctl b -", [["a"], ["b", "-"]]),
        ("kubectl get pods -o json | ecrctl a --from -", [["a", "--from", "-"]]),
        ("aws ecr describe-images > images.json", []),
        ("ecrctl a   # a comment --with words", [["a"]]),
        ('eval "$(ecrctl completion bash)"', [["completion", "bash"]]),
        ("AWS_PROFILE=prod ecrctl a && ecrctl b; ecrctl c", [["a"], ["b"], ["c"]]),
    ],
)
def test_the_shell_syntax_of_an_example(line: str, expected: list[list[str]]) -> None:
    assert ecrctl_commands(line) == expected


@pytest.mark.parametrize(
    ("line", "reported"),
    [
        ("ecrctl repo list --no-such-option", "No such option '--no-such-option'"),
        ("ecrctl repo show", "Missing argument 'NAME'"),
        ("ecrctl repo create team/app --tag", "Option '--tag' requires an argument"),
        ("ecrctl repo lst", "No such command 'lst'"),
        ("ecrctl repo", "Usage: ecrctl repo [OPTIONS] COMMAND"),
        ("ecrctl repo --region us-east-1", "Missing command"),
        ("ecrctl repo show team/app extra", "unexpected extra argument (extra)"),
        ("ecrctl repo set team/app --mutability SOMETIMES", "'SOMETIMES' is not one of"),
        ("ecrctl policy lifecycle get team/app -o yaml --bogus", "No such option '--bogus'"),
        ("ecrctl policy repo get team/app | ecrctl policy repo validate - -x", "No such option"),
        ('eval "$(ecrctl completion tcsh)"', "No such command 'tcsh'"),
        ("ecrctl doctor team/app \\\n    --pushh", "No such option '--pushh'"),
        ("echo $(ecrctl repo list)", "the shell syntax check did not find"),
    ],
)
def test_a_broken_example_is_reported(line: str, reported: str) -> None:
    found = problems(line)
    assert len(found) == 1 and reported in found[0], found
