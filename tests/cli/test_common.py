"""What every command shares: global options before or after the subcommand, --query
compiled before any call, confirmation, FILE|- input, the help layout."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import click
import pytest

from ecrctl.cli.common import EcrctlCommand, confirm, read_source
from ecrctl.errors import ConfirmationRequired, InvalidInput
from tests.conftest import REGION, Runner


def test_global_options_before_or_after_and_query(cli: Runner, ecr: Any) -> None:
    ecr.create_repository(repositoryName="app")
    before = cli("-o", "json", "repo", "list")
    after = cli("repo", "list", "-o", "json")
    assert before.json == after.json
    queried = cli("repo", "list", "--query", "[].repositoryName")
    assert queried.json == ["app"]
    bad = cli("repo", "list", "--query", "[[")
    assert bad.exit_code == 2 and "invalid --query '[['" in bad.stderr


def test_region_option_is_used(cli: Runner, ecr: Any) -> None:
    ecr.create_repository(repositoryName="app")
    assert cli("repo", "list", "--region", "eu-west-1", "-o", "json").json == []
    assert len(cli("--region", REGION, "repo", "list", "-o", "json").json) == 1


def test_a_bad_query_stops_the_command_before_it_creates_anything(cli: Runner, ecr: Any) -> None:
    result = cli("repo", "create", "team/q", "--query", "[")
    assert result.exit_code == 2
    assert result.stderr.startswith("ecrctl: error: invalid --query '[': ")
    assert ecr.describe_repositories()["repositories"] == []


def test_a_bad_registry_id_is_refused_before_any_call(cli: Runner) -> None:
    result = cli("repo", "list", "--registry-id", "12")
    assert result.exit_code == 2
    assert result.stderr.startswith("ecrctl: error: invalid registry id '12'")


def test_options_set_the_settings_and_the_output(monkeypatch: pytest.MonkeyPatch) -> None:
    from ecrctl.cli.app import App

    @click.command(cls=EcrctlCommand)
    def show() -> None:
        """x"""

    app = App()
    args = ["--profile", "dev", "--region", "eu-west-3", "--endpoint-url", "http://127.0.0.1:1"]
    args += ["--registry-id", "111122223333", "--max-attempts", "3", "-o", "text", "-q"]
    args += ["--no-color", "--query", "[0]"]
    show.main(args, standalone_mode=False, obj=app)
    settings = app.settings
    assert (settings.profile, settings.region, settings.endpoint_url) == (
        "dev",
        "eu-west-3",
        "http://127.0.0.1:1",
    )
    assert (settings.registry_id, settings.max_attempts) == ("111122223333", 3)
    assert (app.out.output, app.out.quiet, app.out.color, app.out.query) == (
        "text",
        True,
        False,
        "[0]",
    )


def test_help_lists_own_options_and_points_at_the_global_ones(cli: Runner) -> None:
    text = cli("repo", "create", "--help").stdout
    options = text.split("Options:")[1].split("Global options")[0]
    assert "--scan-on-push" in options
    assert "--profile" not in options and "--region" not in options
    assert "Global options (--profile, --region, -o json, ...): ecrctl --help" in text


def test_confirm_needs_yes_without_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    confirm("Delete?", yes=True, what="delete team/app")  # --yes: no question
    monkeypatch.setattr(sys, "stdin", io.StringIO("y\n"))
    with pytest.raises(ConfirmationRequired) as caught:
        confirm("Delete?", yes=False, what="delete team/app")
    assert caught.value.one_line() == (
        "refusing to delete team/app without confirmation: stdin is not a terminal; "
        "pass --yes to confirm"
    )
    assert caught.value.exit_code == 2


def test_read_source_reads_a_file_or_stdin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "p.json"
    path.write_text("{}\n")
    assert read_source(str(path)) == "{}\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO("from stdin"))
    assert read_source("-") == "from stdin"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: str(d / "missing.json"), "policy '{}' does not exist; give an existing path"),
        (lambda d: str(d), "policy '{}' is a directory; give a file"),
        (lambda d: _written(d / "latin1.json", b"caf\xe9"), "policy '{}' is not UTF-8 text"),
    ],
)
def test_read_source_names_what_it_cannot_read(tmp_path: Path, make: Any, message: str) -> None:
    source = make(tmp_path)
    with pytest.raises(InvalidInput) as caught:
        read_source(source, what="policy")
    assert caught.value.one_line().startswith(message.format(source))


def _written(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)
