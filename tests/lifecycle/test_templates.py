"""Lifecycle templates: each valid with its defaults and its parameters, the guide's
examples reproduced, and every wrong parameter named."""

from __future__ import annotations

import json

import pytest

from ecrctl.errors import InvalidInput
from ecrctl.lifecycle.templates import TEMPLATES, render
from ecrctl.lifecycle.validate import check_policy, check_text
from tests.lifecycle.guide import EXAMPLES


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_every_template_is_valid_with_defaults(name: str) -> None:
    _, problems = check_text(json.dumps(render(name), indent=2))
    assert problems == []


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("expire-untagged", {"days": "30"}),
        ("keep-untagged", {"count": "5"}),
        ("keep-per-prefix", {"prefixes": "prod,beta,rc", "count": "10"}),
        ("expire-tagged-older", {"prefixes": "alpha", "days": "1"}),
        ("keep-latest", {"count": "100"}),
        ("combined", {"prefixes": "alpha,beta", "count": "2", "days": "3", "keep": "4"}),
    ],
)
def test_templates_with_parameters_are_valid_and_use_them(
    name: str, params: dict[str, str]
) -> None:
    document = render(name, params)
    assert check_policy(document) == []
    numbers = {r["selection"]["countNumber"] for r in document["rules"]}
    expected = {int(v) for k, v in params.items() if k != "prefixes"}
    assert numbers == expected
    if "prefixes" in params:
        used = [p for r in document["rules"] for p in r["selection"].get("tagPrefixList", [])]
        assert set(used) == set(params["prefixes"].split(","))


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("nope", {}, "no lifecycle template 'nope'; choose one of: expire-untagged,"),
        (
            "keep-latest",
            {"count": "0"},
            "keep-latest: count='0' is not a whole number >= 1; e.g. 1",
        ),
        (
            "keep-latest",
            {"days": "3"},
            "template keep-latest takes no parameter 'days'; its parameters: count",
        ),
        ("keep-per-prefix", {"prefixes": "a,,b"}, "keep-per-prefix: prefixes='a,,b' is not a list"),
    ],
)
def test_template_parameter_errors(name: str, params: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        render(name, params)
    assert caught.value.one_line().startswith(message)


def test_the_guide_templates_reproduce_the_guide_examples() -> None:
    strip = lambda d: [  # noqa: E731
        {k: v for k, v in r.items() if k != "description"} for r in d["rules"]
    ]
    assert strip(render("expire-untagged", {"days": "14"})) == strip(EXAMPLES[0].policy)
    assert strip(render("keep-untagged", {"count": "1"})) == strip(EXAMPLES[1].policy)
    assert strip(render("keep-per-prefix", {"prefixes": "prod,beta"})) == strip(EXAMPLES[2].policy)
    assert strip(render("expire-tagged-older")) == strip(EXAMPLES[4].policy)
    assert strip(render("keep-latest")) == strip(EXAMPLES[6].policy)
    assert strip(render("combined")) == strip(EXAMPLES[7].policy)
