"""The replication configuration's checks, flags and matching, and the preview of
today's repositories: pure, no AWS."""

from __future__ import annotations

import json
from typing import Any

import botocore.session
import pytest

from ecrctl.errors import InvalidInput
from ecrctl.registry.replication_rules import (
    check_configuration,
    parse_text,
    rule_from_flags,
    rule_matches,
)

ENDPOINTS = botocore.session.get_session().get_data("endpoints")
OWN = "123456789012"


def rule(*destinations: tuple[str, str], prefixes: tuple[str, ...] = ()) -> dict[str, Any]:
    body: dict[str, Any] = {
        "destinations": [{"region": r, "registryId": a} for r, a in destinations]
    }
    if prefixes:
        body["repositoryFilters"] = [{"filter": p, "filterType": "PREFIX_MATCH"} for p in prefixes]
    return body


def problem(document: dict[str, Any]) -> str:
    with pytest.raises(InvalidInput) as caught:
        check_configuration(document, registry_id=OWN, region="us-east-1", endpoints=ENDPOINTS)
    return caught.value.message


def test_a_good_configuration_passes_unchanged() -> None:
    document = {
        "rules": [
            rule(("eu-west-1", OWN)),
            rule(("us-west-2", "111122223333"), prefixes=("team/",)),
        ]
    }
    assert (
        check_configuration(document, registry_id=OWN, region="us-east-1", endpoints=ENDPOINTS)
        is document
    )
    assert check_configuration({"rules": []}) == {"rules": []}


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"rules": [rule(("eu-west-1", OWN))] * 11}, "rules: 11 rules; ECR takes at most 10"),
        (
            {"rules": [rule(*[("eu-west-1", f"1111222200{n:02}") for n in range(26)])]},
            "rules[0].destinations: 26 destinations; a rule takes at most 25",
        ),
        ({"rules": [{"destinations": []}]}, "rules[0].destinations: missing or empty"),
        (
            {"rules": [rule(("eu-wset-1", OWN))]},
            "unknown region 'eu-wset-1' (did you mean eu-west-1?)",
        ),
        ({"rules": [rule(("EU-WEST-1", OWN))]}, '"EU-WEST-1" is not a region name'),
        ({"rules": [rule(("eu-west-1", "12345"))]}, '.registryId: "12345" is not a 12-digit'),
        (
            {"rules": [rule(("eu-west-1", 123456789012))]},
            ".registryId: 123456789012 is not a 12-digit",
        ),
        (
            {"rules": [rule(("us-east-1", OWN))]},
            "rules[0].destinations[0]: us-east-1 in 123456789012 is",
        ),
        (
            {"rules": [rule(("eu-west-1", OWN), ("eu-west-1", OWN))]},
            "destinations[1]: the same destination",
        ),
        (
            {"rules": [rule(("eu-west-1", OWN), prefixes=("t",))]},
            'filter: "t" must be a repository-name',
        ),
        (
            {"rules": [rule(("eu-west-1", OWN), prefixes=("Team/",))]},
            "is not a repository-name prefix",
        ),
        (
            {
                "rules": [
                    {
                        **rule(("eu-west-1", OWN)),
                        "repositoryFilters": [{"filter": "ab", "filterType": "WILDCARD"}],
                    }
                ]
            },
            'filterType: "WILDCARD" is not "PREFIX_MATCH"',
        ),
        (
            {"rules": [{**rule(("eu-west-1", OWN)), "repositoryFilters": []}]},
            "repositoryFilters: must be a non-empty",
        ),
        (
            {"rules": [{**rule(("eu-west-1", OWN)), "deleteReplication": True}]},
            'must be {"enabled": true|false}',
        ),
        (
            {"rules": [{**rule(("eu-west-1", OWN)), "filters": []}]},
            "rules[0].filters: unknown field",
        ),
        ({"rule": []}, "rule: unknown field"),
        ({}, "rules: missing or not a list"),
    ],
)
def test_each_problem_names_its_field(document: dict[str, Any], expected: str) -> None:
    assert expected in problem(document)


def test_more_problems_are_counted() -> None:
    document = {"rules": [rule(("eu-west-1", "1")), rule(("moon-1", "2"))]}
    assert problem(document).endswith("(and 2 more)")


def test_delete_replication_is_accepted() -> None:
    document = {
        "rules": [{**rule(("eu-west-1", "111122223333")), "deleteReplication": {"enabled": True}}]
    }
    assert check_configuration(document, endpoints=ENDPOINTS) is document


@pytest.mark.parametrize(
    "text",
    [
        json.dumps({"rules": [rule(("eu-west-1", OWN))]}),
        json.dumps(
            {"registryId": OWN, "replicationConfiguration": {"rules": [rule(("eu-west-1", OWN))]}}
        ),
    ],
)
def test_the_api_shape_and_describe_registrys_are_read(text: str) -> None:
    assert parse_text(text, "r.json") == {"rules": [rule(("eu-west-1", OWN))]}


def test_bad_json_names_the_file_and_line() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_text('{"rules": [\n  {"destinations": [}\n]}', "rules.json")
    assert caught.value.message.startswith(
        "replication file 'rules.json' is not valid JSON: line 2, column 21"
    )
    with pytest.raises(InvalidInput, match="must hold a JSON object"):
        parse_text("[]", "rules.json")


def test_flags_make_one_rule() -> None:
    made = rule_from_flags(
        ("eu-west-1", "us-west-2:111122223333"), ("team/", "base/"), OWN, ENDPOINTS
    )
    assert made == rule(
        ("eu-west-1", OWN), ("us-west-2", "111122223333"), prefixes=("team/", "base/")
    )


@pytest.mark.parametrize(
    ("targets", "prefixes", "expected"),
    [
        ((), (), "give --to REGION[:ACCOUNT] at least once"),
        (("eu-wset-1",), (), "invalid --to 'eu-wset-1': unknown region"),
        (("eu-west-1:12",), (), "invalid --to 'eu-west-1:12': '12' is not a 12-digit"),
        (("eu-west-1",), ("A/",), "invalid --prefix"),
    ],
)
def test_bad_flags(targets: tuple[str, ...], prefixes: tuple[str, ...], expected: str) -> None:
    with pytest.raises(InvalidInput, match=None) as caught:
        rule_from_flags(targets, prefixes, OWN, ENDPOINTS)
    assert expected in caught.value.message


def test_prefix_matching() -> None:
    assert rule_matches(rule(("eu-west-1", OWN)), "anything")
    scoped = rule(("eu-west-1", OWN), prefixes=("team/", "base"))
    assert rule_matches(scoped, "team/app") and rule_matches(scoped, "baseline")
    assert not rule_matches(scoped, "teams/app") and not rule_matches(scoped, "other/team/app")
