"""Checks of a registry policy beyond those every policy gets (``validate`` with kind
``registry``): its Resources name this registry's repositories, and the accounts
that replicate into it or import through its pull-through cache are granted both
actions each feature needs.

- replication from another account: ``ecr:ReplicateImage`` and ``ecr:CreateRepository``
  (without the latter, only into repositories that already exist here);
- pull-through cache for another account's principals: ``ecr:BatchImportUpstreamImage``
  and ``ecr:CreateRepository``.

Who may do what is answered by :mod:`ecrctl.policy.explain`, as for repository
policies. Pure: no AWS call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ecrctl.lifecycle.problems import quoted
from ecrctl.policy import explain, principals
from ecrctl.policy.report import ValidationReport, Where
from ecrctl.policy.validate import validate_text

REPLICATE = "ecr:ReplicateImage"
IMPORT = "ecr:BatchImportUpstreamImage"
CREATE = "ecr:CreateRepository"
FEATURES = {"replication": (REPLICATE, CREATE), "pull-through cache": (IMPORT, CREATE)}
REPOSITORY_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):ecr:(?P<region>[a-z0-9-]+|\*):(?P<account>\d{12}|\*)"
    r":repository/(?P<name>.+)"
)


@dataclass(frozen=True)
class Registry:
    """The registry a policy is for (either part unknown offline)."""

    account: str | None = None
    region: str | None = None

    def example_arn(self) -> str:
        return f"arn:aws:ecr:{self.region or 'REGION'}:{self.account or 'ACCOUNT'}:repository/*"


@dataclass(frozen=True)
class Expected:
    """Who the policy is meant to let in: replication sources (accounts) and
    pull-through cache users (accounts or IAM ARNs)."""

    replication_from: tuple[str, ...] = ()
    pull_through_for: tuple[str, ...] = ()


def lint_text(
    text: str, registry: Registry | None = None, expected: Expected | None = None
) -> ValidationReport:
    """Every check of a registry policy, collected in one report."""
    registry = registry or Registry()
    report = validate_text(text, "registry")
    if report.document is None:
        return report
    for index, statement in enumerate(explain.statements_of(report.document)):
        sid = statement.get("Sid")
        where = Where(report, index, sid if isinstance(sid, str) else None)
        _check_resources(statement, where, registry)
        if statement.get("Effect") == "Allow":
            _allow_warnings(statement, where)
    document = report.document
    where = Where(report)
    for principal in _granted_principals(document, registry):
        _check_half_grants(document, principal, where)
    for account in (expected or Expected()).replication_from:
        _check_expected(document, account, "replication", where)
    for principal in (expected or Expected()).pull_through_for:
        _check_expected(document, principal, "pull-through cache", where)
    return report


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _check_resources(statement: dict[str, Any], where: Where, registry: Registry) -> None:
    for key in ("Resource", "NotResource"):
        for value in _strings(statement.get(key)):
            if value == "*":
                continue
            found = REPOSITORY_ARN.fullmatch(value)
            if not found:
                where.error(
                    key,
                    f"{quoted(value)} is not an ECR repository ARN such as "
                    f"{quoted(registry.example_arn())}",
                )
                continue
            other = [
                f"{label} {found[part]}"
                for part, label, own in (
                    ("account", "account", registry.account),
                    ("region", "region", registry.region),
                )
                if own and found[part] not in ("*", own)
            ]
            if other:
                where.warning(
                    key,
                    f"{quoted(value)} names {' and '.join(other)}, not this registry's "
                    f"repositories ({registry.example_arn()}): it has no effect here",
                )


def _allow_warnings(statement: dict[str, Any], where: Where) -> None:
    patterns = _strings(statement.get("Action"))
    if any(p in ("*", "ecr:*") for p in patterns) or "NotAction" in statement:
        where.warning(
            "Action",
            "grants every ECR action: name only what the feature needs "
            f"({REPLICATE}, {CREATE} for replication; {IMPORT}, {CREATE} for pull-through cache)",
        )
    principal = statement.get("Principal")
    public = principal == "*" or (
        isinstance(principal, dict) and "*" in _strings(principal.get("AWS"))
    )
    if public and "Condition" not in statement:
        where.warning(
            "Principal",
            '"*" with no Condition: any AWS account could use what this statement grants '
            "in your registry; name the accounts, or add a Condition (aws:PrincipalOrgID)",
        )


def _granted_principals(document: dict[str, Any], registry: Registry) -> list[str]:
    """The AWS principals (not "*") the Allow statements name, outside this account."""
    found: list[str] = []
    for statement in explain.statements_of(document):
        if statement.get("Effect") != "Allow" or not isinstance(statement.get("Principal"), dict):
            continue
        for value in _strings(statement["Principal"].get("AWS")):
            if value == "*" or principals.principal_problem(value) or value in found:
                continue
            if registry.account and principals.account_of(value) == registry.account:
                continue
            found.append(value)
    return found


def _decisions(document: dict[str, Any], principal: str) -> dict[str, str]:
    caller = principals.parse_caller(principal)
    wanted = (REPLICATE, IMPORT, CREATE)
    return {a: explain.answer(document, caller, a).decision for a in wanted}


def _check_half_grants(document: dict[str, Any], principal: str, where: Where) -> None:
    """A principal given one action of a feature but not the other."""
    decided = _decisions(document, principal)
    if decided[CREATE] == explain.ALLOWED:
        return
    for feature, (main, _) in FEATURES.items():
        if decided[main] == explain.ALLOWED:
            where.warning(
                CREATE,
                f"{principal} may use {feature} ({main}) but not {CREATE}: add it, or "
                "create each repository here before its first image arrives",
            )


def _check_expected(document: dict[str, Any], principal: str, feature: str, where: Where) -> None:
    """The actions ``feature`` needs that the policy does not give ``principal``."""
    decided = _decisions(document, principal)
    main, create = FEATURES[feature]
    for action in (main, create):
        decision = decided[action]
        if decision == explain.ALLOWED:
            continue
        if decision == explain.DEPENDS:
            where.warning(action, f"{feature} for {principal}: allowed only under a Condition")
        elif action == main:
            where.error(
                action,
                f"{feature} for {principal} needs {action}, which this policy "
                f"{'denies' if decision == explain.DENIED else 'does not grant'}",
            )
        else:
            where.warning(
                action,
                f"{feature} for {principal}: {action} is not granted, so only into "
                "repositories that already exist here",
            )
