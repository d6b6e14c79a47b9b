"""Local validation of repository policies (and of IAM policies built from templates).

Every finding names the statement (by Sid, else by 1-based position) and the
field. Errors make a policy unusable; warnings flag what is legal but risky or
ineffective. Pure: no AWS call (the ECR action list comes from botocore's model).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from ecrctl.policy import actions
from ecrctl.policy.principals import SERVICE, principal_problem

Kind = Literal["repository", "iam"]

MAX_LENGTH = 10_240
VERSIONS = ("2012-10-17", "2008-10-17")
TOP_LEVEL = ("Version", "Id", "Statement")
STATEMENT_KEYS = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
_OPERATOR = re.compile(
    r"(?:ForAllValues:|ForAnyValue:)?"
    r"(?:String(?:Not)?Equals(?:IgnoreCase)?|String(?:Not)?Like"
    r"|Numeric(?:Not)?Equals|Numeric(?:Less|Greater)Than(?:Equals)?"
    r"|Date(?:Not)?Equals|Date(?:Less|Greater)Than(?:Equals)?"
    r"|Bool|BinaryEquals|(?:Not)?IpAddress|Arn(?:Not)?(?:Equals|Like))(?:IfExists)?"
    r"|Null"
)
_MANY = 6


def _j(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class Finding:
    severity: Literal["error", "warning"]
    field: str
    message: str
    index: int | None = None  # 0-based statement position; None for the document
    sid: str | None = None

    @property
    def where(self) -> str:
        if self.index is None:
            return "policy"
        if self.sid:
            return f"statement {_j(self.sid)}"
        return f"statement #{self.index + 1}"

    def __str__(self) -> str:
        return f"{self.where}: {self.field}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "statement": self.index,
            "sid": self.sid,
            "field": self.field,
            "message": self.message,
            "text": str(self),
        }


@dataclass
class Report:
    kind: Kind
    findings: list[Finding] = field(default_factory=list)
    document: dict[str, Any] | None = None

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def valid(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "errors": [f.to_dict() for f in self.errors],
            "warnings": [f.to_dict() for f in self.warnings],
        }


def validate_text(text: str, kind: Kind = "repository") -> Report:
    """Validate policy JSON text."""
    report = Report(kind)
    if kind == "repository" and len(text) > MAX_LENGTH:
        report.findings.append(
            Finding(
                "error",
                "length",
                f"{len(text):,} characters; a repository policy is at most {MAX_LENGTH:,}",
            )
        )
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        report.findings.append(
            Finding(
                "error",
                "JSON",
                f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
            )
        )
        return report
    _Checker(report).document(document)
    return report


def validate_document(document: Any, kind: Kind = "repository") -> Report:
    """Validate an already parsed policy (its length as compact-ish JSON text)."""
    return validate_text(json.dumps(document, indent=2), kind)


def granted_actions(statement: dict[str, Any]) -> set[str]:
    """The ECR actions a statement's Action or NotAction covers."""
    if "NotAction" in statement:
        excluded = {a for p in _strings(statement["NotAction"]) for a in actions.expand(p)}
        return set(actions.ecr_actions()) - excluded
    return {a for p in _strings(statement.get("Action")) for a in actions.expand(p)}


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _describe(granted: set[str]) -> str:
    if granted == set(actions.ecr_actions()):
        return "every ECR action"
    if len(granted) > _MANY:
        return f"{len(granted)} ECR actions"
    return ", ".join(sorted(granted))


class _Checker:
    def __init__(self, report: Report) -> None:
        self.report = report
        self.kind = report.kind
        self.reminded = False

    def add(
        self, severity: Literal["error", "warning"], field_: str, message: str, *where: Any
    ) -> None:
        index, sid = (*where, None, None)[:2]
        self.report.findings.append(Finding(severity, field_, message, index, sid))

    def document(self, document: Any) -> None:
        if not isinstance(document, dict):
            self.add("error", "JSON", "the policy must be a JSON object")
            return
        self.report.document = document
        for key in document:
            if key not in TOP_LEVEL:
                self.add("error", key, "unknown element; a policy has Version, Id and Statement")
        version = document.get("Version")
        if "Version" not in document:
            self.add("warning", "Version", 'missing, so 2008-10-17 applies: add "2012-10-17"')
        elif version not in VERSIONS:
            self.add("error", "Version", f'{_j(version)} is not "2012-10-17" or "2008-10-17"')
        statements = document.get("Statement")
        if "Statement" not in document:
            self.add("error", "Statement", "missing: a policy needs at least one statement")
            return
        if isinstance(statements, dict):
            statements = [statements]
        if not isinstance(statements, list):
            self.add("error", "Statement", "must be an object or a list of objects")
            return
        if not statements:
            self.add("error", "Statement", "empty: a policy needs at least one statement")
        seen: dict[str, int] = {}
        for index, statement in enumerate(statements):
            self.statement(index, statement, seen)

    def statement(self, index: int, statement: Any, seen: dict[str, int]) -> None:
        if not isinstance(statement, dict):
            self.add("error", "Statement", f"must be an object, not {_j(statement)}", index)
            return
        sid = statement.get("Sid")
        where = (index, sid if isinstance(sid, str) else None)
        if "Sid" in statement:
            if not isinstance(sid, str):
                self.add("error", "Sid", f"must be a string, not {_j(sid)}", index)
            elif sid in seen:
                self.add(
                    "error", "Sid", f"duplicate: statement #{seen[sid] + 1} has it too", *where
                )
            else:
                seen[sid] = index
        for key in statement:
            if key not in STATEMENT_KEYS:
                self.add(
                    "error",
                    key,
                    "unknown element; a statement has " + ", ".join(STATEMENT_KEYS),
                    *where,
                )
        self.effect(statement, where)
        self.principal(statement, where)
        self.action(statement, where)
        self.resource(statement, where)
        if "Condition" in statement:
            self.condition(statement["Condition"], where)
        if self.kind == "repository" and statement.get("Effect") == "Allow":
            self.allow_warnings(statement, where)

    def effect(self, statement: dict[str, Any], where: tuple[Any, ...]) -> None:
        if "Effect" not in statement:
            self.add("error", "Effect", 'missing: use "Allow" or "Deny"', *where)
            return
        effect = statement["Effect"]
        if effect in ("Allow", "Deny"):
            return
        fix = ""
        if isinstance(effect, str) and effect.capitalize() in ("Allow", "Deny"):
            fix = f' (write "{effect.capitalize()}")'
        self.add("error", "Effect", f'{_j(effect)} is not "Allow" or "Deny"{fix}', *where)

    def principal(self, statement: dict[str, Any], where: tuple[Any, ...]) -> None:
        has = [k for k in ("Principal", "NotPrincipal") if k in statement]
        if self.kind == "iam":
            for key in has:
                self.add(
                    "error",
                    key,
                    "an IAM policy has no principal: it applies to whoever it is attached to",
                    *where,
                )
            return
        if not has:
            self.add(
                "error",
                "Principal",
                'missing: name who the statement applies to, e.g. {"AWS": "111122223333"}',
                *where,
            )
            return
        if len(has) == 2:
            self.add("error", "NotPrincipal", "cannot be combined with Principal", *where)
        for key in has:
            self.principal_value(key, statement[key], where)

    def principal_value(self, key: str, value: Any, where: tuple[Any, ...]) -> None:
        if value == "*":
            return
        if not isinstance(value, dict) or not value:
            self.add(
                "error",
                key,
                f'{_j(value)} must be "*" or an object such as {{"AWS": "111122223333"}}',
                *where,
            )
            return
        for kind, members in value.items():
            if kind not in ("AWS", "Service"):
                self.add(
                    "error",
                    key,
                    f'unknown principal type {_j(kind)}: use "AWS" or "Service"',
                    *where,
                )
                continue
            items = [members] if isinstance(members, str) else members
            if (
                not isinstance(items, list)
                or not items
                or not all(isinstance(i, str) for i in items)
            ):
                self.add(
                    "error",
                    f"{key}.{kind}",
                    "must be a string or a non-empty list of strings",
                    *where,
                )
                continue
            for item in items:
                if kind == "AWS":
                    problem = principal_problem(item)
                    if problem:
                        self.add("error", f"{key}.AWS", f"{_j(item)} {problem}", *where)
                elif not SERVICE.fullmatch(item):
                    self.add(
                        "error",
                        f"{key}.Service",
                        f'{_j(item)} is not a service principal such as "ecs.amazonaws.com"',
                        *where,
                    )

    def action(self, statement: dict[str, Any], where: tuple[Any, ...]) -> None:
        has = [k for k in ("Action", "NotAction") if k in statement]
        if not has:
            self.add(
                "error", "Action", "missing: list the ecr: actions, e.g. ecr:BatchGetImage", *where
            )
            return
        if len(has) == 2:
            self.add("error", "NotAction", "cannot be combined with Action", *where)
        for key in has:
            value = statement[key]
            items = [value] if isinstance(value, str) else value
            if (
                not isinstance(items, list)
                or not items
                or not all(isinstance(i, str) for i in items)
            ):
                self.add("error", key, "must be a string or a non-empty list of strings", *where)
                continue
            for item in items:
                problem = self.action_problem(item)
                if problem:
                    self.add("error", key, f"{_j(item)} {problem}", *where)
                elif self.kind == "repository" and item.lower() == actions.AUTH_TOKEN.lower():
                    self.add(
                        "warning",
                        key,
                        f"{_j(item)} has no effect in a repository policy: "
                        "grant it in an IAM policy",
                        *where,
                    )

    def action_problem(self, item: str) -> str | None:
        if not item.lower().startswith(actions.PREFIX):
            if self.kind == "iam":
                return None
            if item == "*":
                return 'covers every AWS service: use "ecr:*"'
            return "is not an ECR action: a repository policy takes ecr: actions only"
        if "*" in item or "?" in item:
            return None if actions.expand(item) else "matches no ECR action"
        if actions.canonical(item):
            return None
        guess = actions.suggest(item)
        return "is not an ECR action" + (f" (did you mean {_j(guess)}?)" if guess else "")

    def resource(self, statement: dict[str, Any], where: tuple[Any, ...]) -> None:
        has = [k for k in ("Resource", "NotResource") if k in statement]
        for key in has:
            value = statement[key]
            items = [value] if isinstance(value, str) else value
            if (
                not isinstance(items, list)
                or not items
                or not all(isinstance(i, str) for i in items)
            ):
                self.add("error", key, "must be a string or a non-empty list of strings", *where)
            elif self.kind == "repository":
                self.add(
                    "warning",
                    key,
                    "has no effect: a repository policy applies to its own repository",
                    *where,
                )
        if self.kind == "iam" and not has:
            self.add("error", "Resource", 'missing: use "*" or repository ARNs', *where)

    def condition(self, condition: Any, where: tuple[Any, ...]) -> None:
        if not isinstance(condition, dict) or not condition:
            self.add(
                "error",
                "Condition",
                'must be an object such as {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}',
                *where,
            )
            return
        for operator, keys in condition.items():
            if not _OPERATOR.fullmatch(operator):
                self.add("error", "Condition", f"unknown operator {_j(operator)}", *where)
            if not isinstance(keys, dict) or not keys:
                self.add(
                    "error",
                    f"Condition.{operator}",
                    "must map condition keys to values",
                    *where,
                )
                continue
            for key, values in keys.items():
                items = values if isinstance(values, list) else [values]
                if not items or not all(isinstance(v, str | bool | int | float) for v in items):
                    self.add(
                        "error",
                        f"Condition.{operator}.{key}",
                        "values must be strings, numbers or booleans",
                        *where,
                    )

    def allow_warnings(self, statement: dict[str, Any], where: tuple[Any, ...]) -> None:
        granted = granted_actions(statement)
        principal = statement.get("Principal")
        public = principal == "*" or (
            isinstance(principal, dict) and "*" in _strings(principal.get("AWS"))
        )
        if public and "Condition" not in statement and granted:
            self.add(
                "warning",
                "Principal",
                f'"*" with no Condition: anyone with an AWS account can use {_describe(granted)}'
                "; add a Condition (e.g. aws:PrincipalOrgID) to narrow it",
                *where,
            )
        if not self.reminded and granted & set(actions.PUSH_PULL):
            self.reminded = True
            self.add(
                "warning",
                "Action",
                "grants image push/pull actions; the principals also need "
                "ecr:GetAuthorizationToken from an IAM policy "
                "(a repository policy cannot grant it)",
                *where,
            )
