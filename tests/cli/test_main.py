"""The root command and the one error path: usage errors as one line with the closest
name, the subcommands loaded when used, unexpected errors and --debug, the exit codes."""

from __future__ import annotations

import signal

import pytest

from ecrctl import __version__
from ecrctl.cli.app import App, Output
from ecrctl.cli.main import SUBCOMMANDS, fail, main
from ecrctl.cli.main import cli as root
from ecrctl.errors import Aborted, NotFound
from tests.conftest import Runner


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["repo", "lst"], "no such command 'lst' (did you mean 'list'?); see: ecrctl repo -h"),
        (
            ["image", "list", "x", "--sortt", "size"],
            "no such option '--sortt' (did you mean --sort?); see: ecrctl image list -h",
        ),
        (["repo", "create"], "missing argument 'NAME'; see: ecrctl repo create -h"),
        (
            ["-o", "xml", "repo", "list"],
            "invalid value for '-o' / '--output': 'xml' is not one of 'table', 'json', 'text', "
            "'yaml'; "
            "see: ecrctl -h",
        ),
    ],
)
def test_usage_errors_are_one_line(cli: Runner, args: list[str], line: str) -> None:
    result = cli(*args)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"ecrctl: error: {line}\n"


def test_every_subcommand_is_listed_and_loads() -> None:
    import click

    ctx = click.Context(root)
    assert root.list_commands(ctx) == sorted(SUBCOMMANDS)
    for name in SUBCOMMANDS:
        command = root.get_command(ctx, name)
        assert isinstance(command, click.Command) and command.name == name


def test_version_and_help_exit_0(cli: Runner) -> None:
    version = cli("--version")
    assert (version.exit_code, version.stdout, version.stderr) == (
        0,
        f"ecrctl, version {__version__}\n",
        "",
    )
    helped = cli("-h")
    assert helped.exit_code == 0
    assert "Exit codes: 0 ok, 1 failed, 2 bad usage or input, 130 interrupted," in helped.stdout


def test_an_expected_error_is_its_line_and_its_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert fail(App(), NotFound("no repository 'x'", hint="check --region")) == 1
    assert capsys.readouterr().err == "ecrctl: error: no repository 'x'; check --region\n"


def test_a_bug_says_so_and_points_at_debug(capsys: pytest.CaptureFixture[str]) -> None:
    assert fail(App(), ValueError("odd")) == 1
    assert capsys.readouterr().err == (
        "ecrctl: error: unexpected ValueError: odd (run with --debug for the traceback)\n"
    )


def test_debug_prints_the_redacted_traceback_first(capsys: pytest.CaptureFixture[str]) -> None:
    from ecrctl import redact

    redact.register("s3cr3t-token")
    try:
        raise ValueError("answer carried s3cr3t-token")
    except ValueError as exc:
        assert fail(App(out=Output(debug=True)), exc) == 1
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):")
    assert "s3cr3t-token" not in err
    assert err.endswith("ecrctl: error: unexpected ValueError: answer carried ***\n")


def test_a_no_at_a_prompt_has_no_traceback_even_with_debug(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert fail(App(out=Output(debug=True)), Aborted("aborted")) == 1
    assert capsys.readouterr().err == "ecrctl: error: aborted\n"


def test_main_exits_with_the_code_and_leaves_signals_ignored(
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    try:
        with pytest.raises(SystemExit) as caught:
            main(["repo", "create"])
        assert caught.value.code == 2
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, before[0])
        signal.signal(signal.SIGTERM, before[1])
    assert capsys.readouterr().err.startswith("ecrctl: error: missing argument 'NAME'")
