"""The checks of one rule (:mod:`ecrctl.lifecycle.rulecheck`): every invalid rule with its
exact messages, reached both through the whole document and through the rule alone."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from ecrctl.lifecycle.rulecheck import check_rule
from ecrctl.lifecycle.validate import check_policy, check_text
from tests.lifecycle.guide import EXAMPLES
from tests.lifecycle.policies import BASE, doc, rule_set, sel

INVALID = [
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
]


@pytest.mark.parametrize(
    ("edit", "messages"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID]
)
def test_invalid_rules_give_exact_messages(edit: Any, messages: list[str]) -> None:
    document = doc(edit)
    assert [str(p) for p in check_policy(document)] == messages
    index = int(messages[0].removeprefix("rules[").split("]")[0])
    rule = document["rules"][index]
    assert [str(p) for p in check_rule(rule, f"rules[{index}]")] == messages


@pytest.mark.parametrize("rule", [{**copy.deepcopy(r), "rulePriority": 9} for r in BASE["rules"]])
def test_a_valid_rule_has_no_problem_wherever_it_sits(rule: dict[str, Any]) -> None:
    assert check_rule(rule, "rules[7]") == []


def test_problems_name_the_path_they_are_given() -> None:
    assert [str(p) for p in check_rule({"rulePriority": 0}, "x")] == [
        "x.rulePriority: must be an integer >= 1, not 0",
        "x.selection: required: an object",
        'x.action: required: {"type": "expire"}',
    ]


def test_the_guide_example_with_countunit_day_is_rejected_with_the_fix() -> None:
    combined = copy.deepcopy(EXAMPLES[7].policy)
    combined["rules"][1]["selection"]["countUnit"] = "day"
    assert [str(p) for p in check_policy(combined)] == [
        'rules[1].selection.countUnit: must be "days", not "day"; use "days"'
    ]


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
    rule = json.loads(text)["rules"][0]
    assert [str(p) for p in check_rule(rule, "rules[0]")] == [str(p) for p in problems]
