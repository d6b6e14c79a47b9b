"""Policy template records: their JSON listing, the options column, lookup by name or
alias, and the NAME that ``template`` needs unless it lists."""

from __future__ import annotations

import pytest

from ecrctl.errors import InvalidInput
from ecrctl.policy.catalog import PolicyTemplate, find, require_name
from ecrctl.policy.iam import IAM_TEMPLATES
from ecrctl.policy.templates import REPOSITORY_TEMPLATES


def _policy(args: object) -> dict[str, object]:
    return {}


SAMPLE = PolicyTemplate(
    "sample", "a sample", ("--who W!", "--tag T"), _policy, aliases=("Sample", "S")
)


def test_to_dict_splits_required_and_optional_options() -> None:
    assert SAMPLE.to_dict() == {
        "name": "sample",
        "description": "a sample",
        "required": ["--who W"],
        "optional": ["--tag T"],
        "aliases": ["Sample", "S"],
    }


def test_usage_brackets_the_optional_options() -> None:
    assert SAMPLE.usage == "--who W [--tag T]"
    assert (
        REPOSITORY_TEMPLATES["pull-and-admin"].usage == "--principal ARN|--account ID --admin ARN"
    )
    assert REPOSITORY_TEMPLATES["public-pull"].usage == ""
    assert IAM_TEMPLATES["deny-tagged"].usage == "[--repository ARN] [--tag-key K] [--tag-value V]"


def test_find_by_name_or_alias() -> None:
    table = {SAMPLE.name: SAMPLE}
    assert find(table, "sample", "repo") is SAMPLE
    assert find(table, "S", "repo") is SAMPLE
    with pytest.raises(InvalidInput) as info:
        find(table, "nope", "iam")
    assert info.value.message == "unknown template 'nope'"
    assert info.value.hint == "one of sample (see: ecrctl policy iam template --list)"


def test_require_name() -> None:
    assert require_name("push-pull", "repo") == "push-pull"
    with pytest.raises(InvalidInput) as info:
        require_name(None, "iam")
    assert info.value.message == "give a template NAME or --list"
    assert info.value.hint == "ecrctl policy iam template --list"
