"""The CLI's context: the output options, the AWS settings, and the AWS side built
once, on first use."""

from __future__ import annotations

from typing import Any

import pytest

from ecrctl.aws.settings import AwsSettings
from ecrctl.cli.app import App, Output


@pytest.mark.parametrize(
    ("out", "json"),
    [
        (Output(), False),
        (Output(output="json"), True),
        (Output(output="text"), False),
        (Output(query="[0]"), True),  # --query implies JSON
        (Output(output="text", query="[0]"), True),
    ],
)
def test_json_output(out: Output, json: bool) -> None:
    assert out.json is json


def test_defaults() -> None:
    app = App()
    assert app.out == Output("table", None, False, True, False)
    assert app.settings == AwsSettings()
    assert app.registry_id is None


def test_the_aws_side_is_built_once_from_the_settings_as_they_are_then(ecr: Any) -> None:
    app = App()
    app.settings.region = "eu-west-3"
    app.settings.registry_id = "111122223333"
    assert app.registry_id == "111122223333"
    assert app.aws is app.aws
    assert app.region == "eu-west-3"
    assert app.ecr is app.aws.ecr
    assert app.ecr.meta.region_name == "eu-west-3"


@pytest.mark.parametrize(
    ("output", "query", "as_table"),
    [("table", None, True), ("table", "x", False), ("json", None, False), ("text", None, False)],
)
def test_data_is_drawn_as_a_table_only_for_table_output_without_a_query(
    output: str, query: str | None, as_table: bool
) -> None:
    assert Output(output=output, query=query).as_table is as_table
