"""Local validation of repository policies (and of registry policies, and of IAM
policies built from templates): the entry points, the document-level checks (length,
JSON, Version, the Statement list) and ``check``, which turns errors into a usage error.

Statement-level checks are in ``statement_checks`` (with ``principal_checks``
and ``condition_checks``); findings and reports in ``report``. Pure: no AWS
call (the ECR action list comes from botocore's model).
"""

from __future__ import annotations

import json
from typing import Any

from ecrctl.errors import InvalidInput
from ecrctl.jsonstrict import JsonProblem, loads
from ecrctl.lifecycle.problems import quoted
from ecrctl.policy.report import Kind, ValidationReport, Where
from ecrctl.policy.statement_checks import Seen, check_statement

MAX_LENGTH = 10_240
VERSIONS = ("2012-10-17", "2008-10-17")
TOP_LEVEL = ("Version", "Id", "Statement")


def validate_text(text: str, kind: Kind = "repository") -> ValidationReport:
    """Validate policy JSON text."""
    report = ValidationReport(kind)
    where = Where(report)
    if kind != "iam" and len(text) > MAX_LENGTH:
        where.error(
            "length", f"{len(text):,} characters; a {kind} policy is at most {MAX_LENGTH:,}"
        )
    try:
        document = loads(text)
    except JsonProblem as exc:
        where.error("JSON", f"not valid JSON: {exc}")
        return report
    _check_document(document, where)
    return report


def validate_document(document: Any, kind: Kind = "repository") -> ValidationReport:
    """Validate an already parsed policy (its length as compact-ish JSON text)."""
    return validate_text(json.dumps(document, indent=2), kind)


def check(report: ValidationReport, source: str = "the policy", file: str | None = None) -> None:
    """Raise InvalidInput naming the first error when ``report`` has errors
    (``file``: where the text came from, for the hint)."""
    from ecrctl.lifecycle.problems import every_finding_hint

    if report.valid:
        return
    errors = report.errors
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    raise InvalidInput(
        f"{source} is invalid: {errors[0]}{more}",
        hint=every_finding_hint("repo", file) if more else None,
    )


def _check_document(document: Any, where: Where) -> None:
    if not isinstance(document, dict):
        where.error("JSON", "the policy must be a JSON object")
        return
    where.report.document = document
    for key in document:
        if key not in TOP_LEVEL:
            where.error(key, "unknown element; a policy has Version, Id and Statement")
    version = document.get("Version")
    if "Version" not in document:
        where.warning("Version", 'missing, so 2008-10-17 applies: add "2012-10-17"')
    elif version not in VERSIONS:
        where.error("Version", f'{quoted(version)} is not "2012-10-17" or "2008-10-17"')
    if "Statement" not in document:
        where.error("Statement", "missing: a policy needs at least one statement")
        return
    statements = document["Statement"]
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        where.error("Statement", "must be an object or a list of objects")
        return
    if not statements:
        where.error("Statement", "empty: a policy needs at least one statement")
    seen = Seen()
    for index, statement in enumerate(statements):
        check_statement(where.report, index, statement, seen)
