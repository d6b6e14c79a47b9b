"""Validation: every invalid document with its exact messages; every example and
template of the guide valid."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from ecrctl.errors import InvalidInput
from ecrctl.lifecycle.templates import TEMPLATES, render
from ecrctl.lifecycle.validate import PolicyInvalid, check_policy, check_text, parse
from tests.lifecycle.guide import EXAMPLES

BASE: dict[str, Any] = {
    "rules": [
        {
            "rulePriority": 1,
            "description": "keep prod",
            "selection": {
                "tagStatus": "tagged",
                "tagPrefixList": ["prod"],
                "countType": "imageCountMoreThan",
                "countNumber": 3,
            },
            "action": {"type": "expire"},
        },
        {
            "rulePriority": 2,
            "selection": {
                "tagStatus": "untagged",
                "countType": "sinceImagePushed",
                "countUnit": "days",
                "countNumber": 14,
            },
            "action": {"type": "expire"},
        },
    ]
}


def doc(edit: Any) -> dict[str, Any]:
    document = copy.deepcopy(BASE)
    edit(document)
    return document


def sel(i: int, **changes: Any) -> Any:
    def edit(d: dict[str, Any]) -> None:
        for key, value in changes.items():
            if value is None:
                d["rules"][i]["selection"].pop(key, None)
            else:
                d["rules"][i]["selection"][key] = value

    return edit


def rule_set(i: int, key: str, value: Any) -> Any:
    def edit(d: dict[str, Any]) -> None:
        if value is None:
            d["rules"][i].pop(key)
        else:
            d["rules"][i][key] = value

    return edit


def add_rule(rule: dict[str, Any]) -> Any:
    return lambda d: d["rules"].append(rule)


ANY_LAST = {
    "rulePriority": 3,
    "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1},
    "action": {"type": "expire"},
}

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
        "rule not object",
        lambda d: d["rules"].append(3),
        ["rules[2]: must be an object with rulePriority, selection and action"],
    ),
    (
        "priority missing",
        rule_set(0, "rulePriority", None),
        ["rules[0].rulePriority: required: an integer >= 1"],
    ),
    (
        "priority zero",
        rule_set(0, "rulePriority", 0),
        ["rules[0].rulePriority: must be an integer >= 1, not 0"],
    ),
    (
        "priority string",
        rule_set(0, "rulePriority", "1"),
        ['rules[0].rulePriority: must be an integer >= 1, not "1"'],
    ),
    (
        "priority bool",
        rule_set(0, "rulePriority", True),
        ["rules[0].rulePriority: must be an integer >= 1, not true"],
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
        "description not string",
        rule_set(0, "description", 5),
        ["rules[0].description: must be a string"],
    ),
    (
        "unknown rule key",
        rule_set(0, "priority", 1),
        ["rules[0].priority: unknown key; did you mean rulePriority?"],
    ),
    (
        "selection missing",
        rule_set(0, "selection", None),
        ["rules[0].selection: required: an object"],
    ),
    (
        "tagStatus wrong case",
        sel(0, tagStatus="TAGGED"),
        [
            'rules[0].selection.tagStatus: must be tagged, untagged or any, not "TAGGED"; '
            "use 'tagged'"
        ],
    ),
    (
        "tagged without list",
        sel(0, tagPrefixList=None),
        [
            "rules[0].selection: Must specify tagPrefixList or tagPatternList when "
            'tagStatus=TAGGED. (to select every tagged image, add "tagPatternList": ["*"])'
        ],
    ),
    (
        "tagged with both lists",
        sel(0, tagPatternList=["prod*"]),
        ["rules[0].selection: tagPrefixList and tagPatternList cannot both be given; keep one"],
    ),
    (
        "empty prefix list",
        sel(0, tagPrefixList=[]),
        ["rules[0].selection.tagPrefixList: must be a non-empty list of strings"],
    ),
    (
        "empty prefix",
        sel(0, tagPrefixList=["prod", ""]),
        ['rules[0].selection.tagPrefixList[1]: must be a non-empty string, not ""'],
    ),
    (
        "five wildcards",
        sel(0, tagPrefixList=None, tagPatternList=["a*b*c*d*e*f"]),
        [
            'rules[0].selection.tagPatternList[0]: "a*b*c*d*e*f" has 5 wildcards; '
            "a pattern takes at most 4"
        ],
    ),
    (
        "untagged with prefixes",
        sel(1, tagPrefixList=["x"]),
        ["rules[1].selection.tagPrefixList: not allowed with tagStatus untagged; remove it"],
    ),
    (
        "countType unknown",
        sel(0, countType="imageCountLessThan"),
        [
            "rules[0].selection.countType: must be one of imageCountMoreThan, sinceImagePushed, "
            'sinceImagePulled, sinceImageTransitioned, not "imageCountLessThan"'
        ],
    ),
    (
        "countUnit day (the guide's typo)",
        sel(1, countUnit="day"),
        ['rules[1].selection.countUnit: must be "days", not "day"; use "days"'],
    ),
    (
        "countUnit hours",
        sel(1, countUnit="hours"),
        ['rules[1].selection.countUnit: must be "days", not "hours" (the only unit ECR accepts)'],
    ),
    (
        "countUnit missing",
        sel(1, countUnit=None),
        ['rules[1].selection.countUnit: required with countType sinceImagePushed: use "days"'],
    ),
    (
        "countUnit with count",
        sel(0, countUnit="days"),
        ["rules[0].selection.countUnit: not allowed with countType imageCountMoreThan; remove it"],
    ),
    (
        "countNumber zero",
        sel(0, countNumber=0),
        ["rules[0].selection.countNumber: must be an integer >= 1, not 0"],
    ),
    (
        "countNumber float",
        sel(0, countNumber=1.5),
        ["rules[0].selection.countNumber: must be an integer >= 1, not 1.5"],
    ),
    (
        "countNumber missing",
        sel(0, countNumber=None),
        ["rules[0].selection.countNumber: required: an integer >= 1"],
    ),
    (
        "unknown selection key",
        sel(0, tagPrefix=["x"]),
        ["rules[0].selection.tagPrefix: unknown key; did you mean tagPrefixList?"],
    ),
    (
        "storageClass bad",
        sel(0, storageClass="glacier"),
        ['rules[0].selection.storageClass: must be standard or archive, not "glacier"'],
    ),
    (
        "action missing",
        rule_set(0, "action", None),
        ['rules[0].action: required: {"type": "expire"}'],
    ),
    (
        "action type delete",
        rule_set(0, "action", {"type": "delete"}),
        ['rules[0].action.type: must be expire or transition, not "delete"'],
    ),
    (
        "action type upper",
        rule_set(0, "action", {"type": "EXPIRE"}),
        ["rules[0].action.type: must be expire or transition, not \"EXPIRE\"; use 'expire'"],
    ),
    (
        "transition without target",
        rule_set(0, "action", {"type": "transition"}),
        ['rules[0].action.targetStorageClass: required with transition: use "archive"'],
    ),
    (
        "transition to standard",
        rule_set(0, "action", {"type": "transition", "targetStorageClass": "standard"}),
        ['rules[0].action.targetStorageClass: must be "archive", not "standard"'],
    ),
    (
        "expire with target",
        rule_set(0, "action", {"type": "expire", "targetStorageClass": "archive"}),
        ["rules[0].action.targetStorageClass: only allowed with type transition; remove it"],
    ),
    (
        "pulled with expire",
        sel(1, countType="sinceImagePulled"),
        [
            "rules[1].selection.countType: sinceImagePulled is only accepted with the "
            "transition action"
        ],
    ),
    (
        "transitioned on standard",
        sel(1, countType="sinceImageTransitioned", countNumber=90),
        ['rules[1].selection.storageClass: sinceImageTransitioned needs "storageClass": "archive"'],
    ),
    (
        "archive with count",
        sel(0, storageClass="archive"),
        [
            "rules[0].selection.countType: imageCountMoreThan only works on the standard "
            "storage class; archived images take sinceImageTransitioned"
        ],
    ),
    (
        "archive under 90 days",
        sel(1, countType="sinceImageTransitioned", storageClass="archive", countNumber=30),
        [
            "rules[1].selection.countNumber: 30 days is under the 90-day minimum of the archive "
            "storage class"
        ],
    ),
    (
        "archive transition",
        lambda d: (
            sel(1, countType="sinceImageTransitioned", storageClass="archive", countNumber=90)(d),
            rule_set(1, "action", {"type": "transition", "targetStorageClass": "archive"})(d),
        ),
        ["rules[1].action: archived images cannot transition again; use expire"],
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
    archive_any = {
        "rulePriority": 1,
        "selection": {
            "tagStatus": "any",
            "storageClass": "archive",
            "countType": "sinceImageTransitioned",
            "countUnit": "days",
            "countNumber": 90,
        },
        "action": {"type": "expire"},
    }
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


def test_the_guide_example_with_countunit_day_is_rejected_with_the_fix() -> None:
    combined = copy.deepcopy(EXAMPLES[7].policy)
    combined["rules"][1]["selection"]["countUnit"] = "day"
    assert [str(p) for p in check_policy(combined)] == [
        'rules[1].selection.countUnit: must be "days", not "day"; use "days"'
    ]


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


def test_null_fields_are_named_as_null() -> None:
    text = json.dumps(
        {
            "rules": [
                {
                    "rulePriority": 1,
                    "description": None,
                    "selection": {
                        "tagStatus": "untagged",
                        "tagPrefixList": None,
                        "countType": "imageCountMoreThan",
                        "countNumber": 1,
                    },
                    "action": {"type": "expire"},
                }
            ]
        }
    )
    _, problems = check_text(text)
    assert [str(p) for p in problems] == [
        "rules[0].description: is null; give it a value or remove the key",
        "rules[0].selection.tagPrefixList: is null; give it a value or remove the key",
    ]


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
