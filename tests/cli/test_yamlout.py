"""``-o yaml``: what a YAML reader reads back is the JSON ecrctl prints."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from ecrctl.cli.yamlout import to_yaml

CASES: list[Any] = [
    {"repositoryName": "team/app", "imageTagMutability": "MUTABLE", "createdAt": 1.5},
    [{"Key": "env", "Value": "dev"}, {"Key": "yes", "Value": "on"}],
    {"a": [], "b": {}, "c": None, "d": True, "e": [[1, 2], []], "f": [{"x": [{"y": "z"}]}]},
    {"text": "a: b # c", "num": "123", "neg": "-1", "empty": "", "nl": "line\nnext"},
    {"uri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app", "digest": "sha256:ab"},
    {"Statement": [{"Principal": {"AWS": "*"}, "Action": ["ecr:BatchGetImage"]}]},
    "plain",
    3,
    [],
    {"unicode": "é ü", "tab": "a\tb", "quote": 'say "hi"', "colon": "trailing:"},
]


@pytest.mark.parametrize("data", CASES)
def test_yaml_reads_back_as_the_json(data: Any) -> None:
    assert yaml.safe_load(to_yaml(data)) == data


def test_block_style() -> None:
    assert to_yaml({"tags": [{"Key": "env", "Value": "dev"}]}) == (
        "tags:\n  - Key: env\n    Value: dev\n"
    )
