"""The shared option decorators: each adds the parameter its commands read, the same
way in every command that uses it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from click.testing import CliRunner

from ecrctl.cli.options import (
    create_option,
    dry_run_option,
    file_argument,
    file_option,
    jobs_option,
    optional_file_argument,
    options_as_one,
    read_file_or_flags,
    repeatable_option,
    yes_option,
)


@click.command()
@file_argument
@file_option("--images", "images_source", "Images to use.")
@yes_option
@dry_run_option
@create_option
@jobs_option
def sample(**kwargs: Any) -> None:
    click.echo(repr(sorted(kwargs.items())))


def test_the_defaults() -> None:
    result = CliRunner().invoke(sample, ["policy.json"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == repr(
        [
            ("create", False),
            ("dry_run", False),
            ("images_source", None),
            ("jobs", 4),
            ("source", "policy.json"),
            ("yes", False),
        ]
    )


def test_every_option_given() -> None:
    args = ["-", "--images", "i.json", "-y", "--dry-run", "--create", "--jobs", "8"]
    result = CliRunner().invoke(sample, args)
    assert result.exit_code == 0, result.output
    assert "('jobs', 8)" in result.output and "('source', '-')" in result.output
    assert "('yes', True)" in result.output and "('create', True)" in result.output


def test_jobs_is_bounded_and_files_say_file_or_stdin() -> None:
    result = CliRunner().invoke(sample, ["x", "--jobs", "33"])
    assert result.exit_code == 2 and "33 is not in the range 1<=x<=32" in result.output
    helptext = CliRunner().invoke(sample, ["--help"]).output
    assert "--images FILE|-" in helptext and "[default: 4; 1<=x<=32]" in helptext


def test_referrers_travel_unless_told_not_to() -> None:
    from ecrctl.cli.options import referrers_option

    @click.command()
    @referrers_option
    def copy(referrers: bool) -> None:
        click.echo(repr(referrers))

    assert CliRunner().invoke(copy, []).output.strip() == "True"
    assert CliRunner().invoke(copy, ["--no-referrers"]).output.strip() == "False"
    assert "--referrers / --no-referrers" in CliRunner().invoke(copy, ["--help"]).output


@dataclass(frozen=True)
class Pair:
    left: tuple[str, ...]
    right: bool


@click.command()
@optional_file_argument
@options_as_one(
    "pair",
    Pair,
    repeatable_option("--left", "L", "Left side (repeatable).", dest="left"),
    click.option("--right", is_flag=True, help="Right side."),
)
def grouped(source: str | None, pair: Pair) -> None:
    text = read_file_or_flags(
        source, bool(pair.left), what="pair file", refusal="FILE or --left", hint="one"
    )
    click.echo(repr((text, pair)))


def test_options_as_one_reach_the_command_as_one_value_in_help_order() -> None:
    result = CliRunner().invoke(grouped, ["--left", "a", "--left", "b", "--right"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == repr((None, Pair(("a", "b"), True)))
    assert CliRunner().invoke(grouped, []).output.strip() == repr((None, Pair((), False)))
    helptext = CliRunner().invoke(grouped, ["--help"]).output
    assert helptext.index("--left L") < helptext.index("--right")
    assert "Left side (repeatable)." in helptext


def test_file_or_flags_reads_the_file_and_refuses_both(tmp_path: Path) -> None:
    from ecrctl.errors import InvalidInput

    path = tmp_path / "pair.json"
    path.write_text("{}")
    result = CliRunner().invoke(grouped, [str(path), "--right"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == repr(("{}", Pair((), True)))
    assert CliRunner().invoke(grouped, ["-"], input="text").output.startswith("('text'")
    refused = CliRunner().invoke(grouped, [str(path), "--left", "a"])
    assert isinstance(refused.exception, InvalidInput)
    assert refused.exception.message == "FILE or --left" and refused.exception.hint == "one"
    missing = CliRunner().invoke(grouped, [str(tmp_path / "gone.json")])
    assert isinstance(missing.exception, InvalidInput)
    assert "pair file" in missing.exception.message
