"""Checks of a statement's Condition block: known operators, each mapping
condition keys to strings, numbers or booleans."""

from __future__ import annotations

import re
from typing import Any

from ecrctl.lifecycle.problems import quoted
from ecrctl.policy.report import Where

OPERATOR = re.compile(
    r"(?:ForAllValues:|ForAnyValue:)?"
    r"(?:String(?:Not)?Equals(?:IgnoreCase)?|String(?:Not)?Like"
    r"|Numeric(?:Not)?Equals|Numeric(?:Less|Greater)Than(?:Equals)?"
    r"|Date(?:Not)?Equals|Date(?:Less|Greater)Than(?:Equals)?"
    r"|Bool|BinaryEquals|(?:Not)?IpAddress|Arn(?:Not)?(?:Equals|Like))(?:IfExists)?"
    r"|Null"
)


def check_condition(condition: Any, where: Where) -> None:
    if not isinstance(condition, dict) or not condition:
        where.error(
            "Condition",
            'must be an object such as {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}',
        )
        return
    for operator, keys in condition.items():
        if not OPERATOR.fullmatch(operator):
            where.error("Condition", f"unknown operator {quoted(operator)}")
        if not isinstance(keys, dict) or not keys:
            where.error(f"Condition.{operator}", "must map condition keys to values")
            continue
        for key, values in keys.items():
            items = values if isinstance(values, list) else [values]
            if not items or not all(isinstance(v, str | bool | int | float) for v in items):
                where.error(
                    f"Condition.{operator}.{key}", "values must be strings, numbers or booleans"
                )
