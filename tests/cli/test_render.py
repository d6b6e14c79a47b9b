"""Output at the edge: -o text, empty results, piped tables."""

from __future__ import annotations

from typing import Any

import pytest

from ecrctl.cli.render import Table, plain_table_text, to_text
from tests.conftest import Runner


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("x", "x\n"),
        (["a", "b", 3], "a\tb\t3\n"),
        ([], ""),
        ([["team/a", "MUTABLE"], ["team/b", "IMMUTABLE"]], "team/a\tMUTABLE\nteam/b\tIMMUTABLE\n"),
        ({"b": 2, "a": None, "c": True}, "None\t2\tTrue\n"),
        (
            [{"name": "a", "tags": [{"Key": "env", "Value": "dev"}]}],
            "a\nTAGS\tenv\tdev\n",
        ),
    ],
)
def test_text_output_is_tab_separated_like_the_aws_cli(data: Any, text: str) -> None:
    assert to_text(data) == text


def test_text_output_with_query(cli: Runner, ecr: Any) -> None:
    for name in ("team/a", "team/b"):
        ecr.create_repository(repositoryName=name)
    result = cli("repo", "list", "-o", "text", "--query", "[].[repositoryName, imageTagMutability]")
    assert result.exit_code == 0
    assert result.stdout == "team/a\tMUTABLE\nteam/b\tMUTABLE\n"


def test_empty_results_say_so_on_stderr_and_json_stays_a_list(cli: Runner, ecr: Any) -> None:
    result = cli("repo", "list")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "no repositories\n")
    assert cli("repo", "list", "team/").stderr == "no repositories start with 'team/'\n"
    assert cli("repo", "list", "-o", "json").stdout == "[]\n"
    ecr.create_repository(repositoryName="team/a")
    assert cli("image", "list", "team/a").stderr == "no images\n"
    assert cli("repo", "list", "-q", "team/x").stderr == ""


def test_piped_tables_keep_every_cell_whole(cli: Runner, ecr: Any) -> None:
    # a long cell used to squeeze the other columns to one letter in a 200-column pipe
    long = "team/" + "x" * 240
    ecr.create_repository(repositoryName=long)
    lines = cli("repo", "list").stdout.splitlines()
    assert lines[0].split() == ["NAME", "URI", "CREATED", "MUTABILITY", "SCAN", "ON", "PUSH"]
    assert lines[2].split()[0] == long and lines[2].split()[-2:] == ["MUTABLE", "no"]


def test_plain_table_layout() -> None:
    table = Table(["A", "B"], [["1", "22"]], justify={"B": "right"})
    assert plain_table_text(table) == "A    B\n──────\n1   22\n"
