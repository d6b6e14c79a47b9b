"""``ecrctl registry``: the private registry's table against moto's ECR, ECR Public's
aliases as rows, and the api command's own input checks."""

from __future__ import annotations

import re

import pytest

from ecrctl.cli.registry import _alias_rows
from tests.conftest import ACCOUNT, Runner


@pytest.mark.usefixtures("moto")
def test_show_is_a_field_value_table(cli: Runner) -> None:
    result = cli("registry", "show")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert re.split(r"\s{2,}", lines[0].strip()) == ["FIELD", "VALUE"]
    assert [re.split(r"\s{2,}", line.strip()) for line in lines[2:]] == [
        ["Registry ID", ACCOUNT],
        ["Region", "us-east-1"],
        ["Registry host", f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com"],
        ["Replication rules", "0"],
    ]
    text = cli("registry", "show", "-o", "text")
    assert text.stdout == f"us-east-1\t{ACCOUNT}\t{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com\n"


@pytest.mark.usefixtures("moto")
def test_show_private_registry(cli: Runner) -> None:
    result = cli("registry", "show", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json == {
        "registryId": ACCOUNT,
        "region": "us-east-1",
        "registryUri": f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com",
        "replicationConfiguration": {"rules": []},
    }
    assert "Replication rules" in cli("registry", "show").stdout


def test_alias_rows_one_per_alias() -> None:
    found = [
        {
            "registryId": ACCOUNT,
            "aliases": [
                {
                    "name": "team",
                    "status": "ACTIVE",
                    "primaryRegistryAlias": True,
                    "defaultRegistryAlias": False,
                },
                {"name": "x1a2b3c4"},
            ],
        },
        {"registryId": "111122223333"},
    ]
    assert _alias_rows(found) == [
        [ACCOUNT, "team", "ACTIVE", "yes", "no", "public.ecr.aws/team"],
        [ACCOUNT, "x1a2b3c4", "-", "-", "-", "public.ecr.aws/x1a2b3c4"],
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--method", "POST", "/v2/"], "invalid value for '--method'"),
        ([], "missing argument 'PATH'"),
    ],
)
def test_api_refuses_bad_usage(cli: Runner, args: list[str], message: str) -> None:
    result = cli("registry", "api", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"ecrctl: error: {message}")
