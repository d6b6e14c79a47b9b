"""Validation of a whole document: its text, its list of rules, and the checks across
rules (unique priorities, one untagged rule, ``any`` last); every guide example valid."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from ecrctl.errors import InvalidInput
from ecrctl.lifecycle.validate import PolicyInvalid, check_policy, check_text, parse
from tests.lifecycle.guide import EXAMPLES
from tests.lifecycle.policies import (
    ANY_LAST,
    BASE,
    add_rule,
    archive_expire,
    doc,
    rule_set,
    sel,
)

INVALID = [
    ("rules empty", lambda d: d.update(rules=[]), ["rules: must be a non-empty list of rules"]),
    ("no rules", lambda d: d.pop("rules"), ["rules: required: a non-empty list of rules"]),
    ("unknown top key", lambda d: d.update(rule=[]), ["rule: unknown key; did you mean rules?"]),
    (
        "too many rules",
        lambda d: d.update(
            rules=[
                {
                    "rulePriority": n,
                    "selection": {
                        "tagStatus": "tagged",
                        "tagPrefixList": [f"p{n}"],
                        "countType": "imageCountMoreThan",
                        "countNumber": 1,
                    },
                    "action": {"type": "expire"},
                }
                for n in range(1, 52)
            ]
        ),
        ["rules: 51 rules; a lifecycle policy has at most 50"],
    ),
    (
        "priority duplicate",
        rule_set(1, "rulePriority", 1),
        [
            "rules[1].rulePriority: 1 is also the priority of rules[0]; "
            "every rule needs a unique rulePriority"
        ],
    ),
    (
        "two untagged rules",
        add_rule(
            {
                "rulePriority": 3,
                "selection": {
                    "tagStatus": "untagged",
                    "countType": "imageCountMoreThan",
                    "countNumber": 1,
                },
                "action": {"type": "expire"},
            }
        ),
        [
            "rules[2].selection.tagStatus: Only one rule can select Untagged images per "
            "storage class. (rules[1] already does)"
        ],
    ),
    (
        "any not last",
        lambda d: (add_rule(copy.deepcopy(ANY_LAST))(d), rule_set(0, "rulePriority", 4)(d)),
        [
            "rules[2].rulePriority: Rule for tagStatus=ANY must have the lowest priority per "
            "storage class (rules[0] has 4); give this rule a rulePriority above 4"
        ],
    ),
    ("any last is fine", add_rule(copy.deepcopy(ANY_LAST)), []),
]


@pytest.mark.parametrize(
    ("edit", "messages"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID]
)
def test_invalid_documents_give_exact_messages(edit: Any, messages: list[str]) -> None:
    assert [str(p) for p in check_policy(doc(edit))] == messages


def test_an_archive_any_rule_is_judged_only_against_archive_rules() -> None:
    archive_any = archive_expire()
    document = doc(lambda d: (rule_set(0, "rulePriority", 5)(d), add_rule(archive_any)(d)))
    assert check_policy(document) == []
    second = copy.deepcopy(archive_any)
    second["rulePriority"] = 7
    second["selection"]["tagStatus"] = "untagged"
    both = doc(lambda d: (add_rule(archive_any)(d), add_rule(second)(d)))
    assert [str(p) for p in check_policy(both)] == [
        "rules[2].rulePriority: 1 is also the priority of rules[0]; every rule needs a unique "
        "rulePriority",
        "rules[2].rulePriority: Rule for tagStatus=ANY must have the lowest priority per storage "
        "class (rules[3] has 7); give this rule a rulePriority above 7",
    ]


def test_every_problem_is_reported_not_just_the_first() -> None:
    document = doc(lambda d: (sel(0, countNumber=0)(d), sel(1, countUnit="day")(d)))
    assert [p.path for p in check_policy(document)] == [
        "rules[0].selection.countNumber",
        "rules[1].selection.countUnit",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "policy: the text is 1 characters; ECR accepts 100 to 30,720"),
        ("[" + " " * 120 + "]", 'policy: must be a JSON object with a "rules" list'),
        (
            '{"rules": [' + " " * 100 + "",
            "policy: not valid JSON (line 1, column 112: Expecting value)",
        ),
        (
            json.dumps(BASE) + " " * 30_721,
            f"policy: the text is {len(json.dumps(BASE)) + 30_721:,} characters; "
            "ECR accepts 100 to 30,720",
        ),
    ],
)
def test_text_checks(text: str, message: str) -> None:
    _, problems = check_text(text)
    assert str(problems[0]) == message


def test_parse_raises_one_line_naming_the_first_problem_and_the_count() -> None:
    text = json.dumps(doc(lambda d: (sel(0, countNumber=0)(d), sel(1, countUnit="day")(d))))
    with pytest.raises(PolicyInvalid) as caught:
        parse(text, name="lifecycle policy in p.json", source="p.json")
    assert caught.value.one_line() == (
        "invalid lifecycle policy in p.json: rules[0].selection.countNumber: must be an integer "
        ">= 1, not 0 (and 1 more); see every problem with: ecrctl policy lifecycle validate p.json"
    )
    assert isinstance(caught.value, InvalidInput)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.title for e in EXAMPLES])
def test_guide_examples_are_valid(example: Any) -> None:
    _, problems = check_text(json.dumps(example.policy, indent=2))
    assert problems == []


def test_integers_ecr_cannot_hold_are_refused() -> None:
    text = json.dumps(
        {
            "rules": [
                {
                    "rulePriority": 1,
                    "selection": {
                        "tagStatus": "any",
                        "countType": "imageCountMoreThan",
                        "countNumber": 99999999999999999999999999999,
                    },
                    "action": {"type": "expire"},
                }
            ]
        }
    )
    _, problems = check_text(text)
    assert [str(p) for p in problems] == [
        "policy: not valid JSON (rules[0].selection.countNumber: 99999999999999999999999999999 "
        "is out of range; ECR holds integers up to 2,147,483,647)"
    ]
