"""The registry scanning configuration as the user writes it
(ecrctl/registry/scanning_input.py): the filter check against the API model's own
pattern, every problem of a file named by its field, the flags of ``registry scanning
set``, and a file's text read as strict JSON."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecrctl.errors import InvalidInput
from ecrctl.registry.scanning_input import (
    FILTER,
    check_configuration,
    check_filter,
    from_flags,
    parse_configuration,
)
from ecrctl.repo.scanning import ScanningConfiguration
from tests.support.scanning import rule as _rule

# The API model's own pattern; its nested quantifiers are why ecrctl writes it another way
API_FILTER = re.compile(r"^[a-z0-9*](?:[._\-/a-z0-9*]?[a-z0-9*]+)*$")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab9*._-/A ", max_size=12))
def test_the_filter_check_is_the_api_pattern(text: str) -> None:
    assert bool(FILTER.fullmatch(text)) == bool(API_FILTER.match(text))


@pytest.mark.parametrize(
    ("document", "words"),
    [
        ({"rules": []}, "scanType: missing; give BASIC or ENHANCED"),
        ({"scanType": "DEEP"}, "scanType: 'DEEP' is not a scan type"),
        ({"scanType": "BASIC", "rule": []}, "rule: unknown key; the keys are scanType, rules"),
        (
            {"scanType": "BASIC", "rules": [_rule("CONTINUOUS_SCAN", "*")]},
            "rules[0].scanFrequency: CONTINUOUS_SCAN needs scanType ENHANCED",
        ),
        (
            {"scanType": "ENHANCED", "rules": [_rule("MANUAL", "*")]},
            "rules[0].scanFrequency: enhanced scanning has no MANUAL frequency",
        ),
        (
            {"scanType": "ENHANCED", "rules": [_rule("SCAN_ON_PUSH")]},
            "rules[0].repositoryFilters: a rule needs a non-empty list of filters",
        ),
        (
            {"scanType": "ENHANCED", "rules": [_rule("SCAN_ON_PUSH", "Team/*")]},
            "rules[0].repositoryFilters[0].filter: 'Team/*' is not a valid repository filter; "
            "use lowercase: 'team/*'",
        ),
        (
            {"scanType": "ENHANCED", "rules": [_rule("SCAN_ON_PUSH", "a//b")]},
            "'a//b' is not a valid repository filter",
        ),
        (
            {"scanType": "ENHANCED", "rules": [_rule("SCAN_ON_PUSH", "a", kind="PREFIX_MATCH")]},
            "rules[0].repositoryFilters[0].filterType: 'PREFIX_MATCH'; use WILDCARD",
        ),
        (
            {"scanType": "ENHANCED", "rules": [_rule("SCAN_ON_PUSH", *["a"] * 101)]},
            "101 filters; a rule takes at most 100",
        ),
        (
            {"scanType": "ENHANCED", "rules": [_rule("SCAN_ON_PUSH", "a")] * 3},
            "rules: 3 rules; a registry has at most 2",
        ),
        (
            {
                "scanType": "ENHANCED",
                "rules": [_rule("SCAN_ON_PUSH", "a"), _rule("SCAN_ON_PUSH", "b")],
            },
            "rules[1].scanFrequency: a second SCAN_ON_PUSH rule; put the filters of both in one",
        ),
        (
            {"scanType": "BASIC", "rules": [_rule("SCAN_ON_PUSH", "x" * 256)]},
            "the filter has 256 characters; at most 255",
        ),
    ],
)
def test_bad_configurations_name_the_field(document: Any, words: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_configuration(document)
    assert words in caught.value.one_line()


def test_flags_make_the_same_configuration_as_a_file() -> None:
    document = {
        "scanType": "ENHANCED",
        "rules": [_rule("SCAN_ON_PUSH", "team/*", "web"), _rule("CONTINUOUS_SCAN", "prod*")],
    }
    flags = from_flags("ENHANCED", ["team/*", "web"], ["prod*"])
    assert flags == check_configuration(document)
    assert flags.to_api() == document
    with pytest.raises(InvalidInput, match="--continuous needs --scan-type ENHANCED"):
        from_flags("BASIC", [], ["prod*"])


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("", "--scan-on-push: a filter is a non-empty string; e.g. team/* or prod"),
        (7, "a filter is a non-empty string"),
        ("Prod", "'Prod' is not a valid repository filter; use lowercase: 'prod'"),
        ("a b", "'a b' is not a valid repository filter; use lowercase letters, digits and *"),
        ("-a", "'-a' is not a valid repository filter"),
        ("a" * 256, "the filter has 256 characters; at most 255"),
    ],
)
def test_bad_filters_say_what_to_write(value: Any, words: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_filter(value, "--scan-on-push")
    assert words in caught.value.one_line()


@pytest.mark.parametrize("value", ["*", "prod", "team/*", "a.b_c-d/e*", "a" * 255])
def test_good_filters_are_kept(value: str) -> None:
    assert check_filter(value, "filter") == value


@pytest.mark.parametrize(
    ("scan_type", "on_push", "continuous", "words"),
    [
        ("DEEP", [], [], "--scan-type: 'DEEP' is not a scan type"),
        ("BASIC", [], ["prod*"], "--continuous needs --scan-type ENHANCED"),
        ("ENHANCED", ["a"] * 101, [], "--scan-on-push: 101 filters; a rule takes at most 100"),
        ("ENHANCED", [], ["a"] * 101, "--continuous: 101 filters; a rule takes at most 100"),
        ("ENHANCED", [], ["Prod"], "--continuous: 'Prod' is not a valid repository filter"),
    ],
)
def test_bad_flags_name_the_flag(
    scan_type: str, on_push: list[str], continuous: list[str], words: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        from_flags(scan_type, on_push, continuous)
    assert words in caught.value.one_line()


def test_flags_without_filters_are_no_rules() -> None:
    assert from_flags("BASIC", [], []) == ScanningConfiguration("BASIC")
    assert check_configuration({"scanType": "ENHANCED"}) == ScanningConfiguration("ENHANCED")


def test_a_file_is_strict_json_checked_and_named() -> None:
    text = json.dumps({"scanType": "BASIC", "rules": [_rule("SCAN_ON_PUSH", "svc/*")]})
    parsed = parse_configuration(text, "scanning.json")
    assert parsed == ScanningConfiguration("BASIC", (("SCAN_ON_PUSH", ("svc/*",)),))
    with pytest.raises(InvalidInput) as caught:
        parse_configuration('{"scanType": "BASIC", "scanType": "BASIC"}', "-")
    assert caught.value.message.startswith("scanning configuration stdin: ")
    assert "scanType: this key appears twice" in caught.value.message
    with pytest.raises(InvalidInput) as caught:
        parse_configuration('{"scanType": "DEEP"}', "scanning.json")
    assert caught.value.message == (
        "scanning configuration scanning.json: scanType: 'DEEP' is not a scan type"
    )
    assert caught.value.hint == "give BASIC or ENHANCED"
    with pytest.raises(InvalidInput, match=r"scanning configuration x\.json: "):
        parse_configuration("[", "x.json")
