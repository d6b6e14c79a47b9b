"""Registry-policy workflows (``ecrctl registry policy``): show, set from a file or
from flags, validate and delete (GetRegistryPolicy, PutRegistryPolicy,
DeleteRegistryPolicy).

A registry policy lets other accounts into this registry: replicate into it, or
import through its pull-through cache. It is linted as repository policies are
(:mod:`ecrctl.policy.validate`) plus :mod:`ecrctl.policy.registry_checks`, first
offline, then against the registry's account, and written only when clean of
errors. Built from flags, its statements are merged into the policy there is
(same Sid: replaced), unless ``replace``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ecrctl.aws.access import error_code
from ecrctl.errors import InvalidInput, NotFound
from ecrctl.policy.explain import statements_of
from ecrctl.policy.registry_checks import CREATE, IMPORT, REPLICATE, Expected, Registry, lint_text
from ecrctl.policy.report import LintFinding, ValidationReport

if TYPE_CHECKING:
    from ecrctl.aws.clients import Aws

VERSION = "2012-10-17"


@dataclass
class RegistryPolicy:
    """A registry policy (None: there is none) and what the lint found in it."""

    registry_id: str
    policy: dict[str, Any] | None
    findings: list[LintFinding] = field(default_factory=list)
    changed: bool = False
    deleted: bool = False
    dry_run: bool = False

    def to_dict(self) -> dict[str, Any]:
        report = ValidationReport("registry", list(self.findings))
        return {
            "registryId": self.registry_id,
            "policy": self.policy,
            **report.to_dict(),
            "changed": self.changed,
            "deleted": self.deleted,
            "dryRun": self.dry_run,
        }


def check_expected(expected: Expected) -> Expected:
    """``--replication-from`` accounts and ``--pull-through-for`` principals, checked."""
    from ecrctl.policy.principals import ACCOUNT, principal_problem

    for account in expected.replication_from:
        if not ACCOUNT.fullmatch(account):
            raise InvalidInput(
                f"invalid --replication-from {account!r}: it must be a 12-digit AWS account id",
                hint="e.g. --replication-from 111122223333",
            )
    for principal in expected.pull_through_for:
        problem = principal_problem(principal)
        if problem or principal == "*":
            raise InvalidInput(
                f"invalid --pull-through-for {principal!r}: it "
                + (problem or "must name an account or an IAM principal, not everyone"),
                hint="e.g. --pull-through-for 111122223333 or an IAM role ARN",
            )
    return expected


def raise_invalid(report: ValidationReport, source: str | None) -> None:
    """InvalidInput naming the first error (and how many more), when there is one."""
    import shlex

    if report.valid:
        return
    errors = report.errors
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    where = f"registry policy {source!r}" if source and source != "-" else "the registry policy"
    command = "ecrctl registry policy validate"
    if source and source != "-":
        hint = f"see every problem with: {command} {shlex.quote(source)}"
    else:
        hint = f"see every problem by piping the same document to: {command} -"
    raise InvalidInput(f"{where} is invalid: {errors[0]}{more}", hint=hint if more else None)


def get_registry_policy(aws: Aws) -> dict[str, Any]:
    """``{"registryId", "policyText"}``; NotFound when the registry has none."""
    try:
        answer = aws.ecr.get_registry_policy()
    except Exception as exc:
        if error_code(exc) == "RegistryPolicyNotFoundException":
            raise NotFound(
                "this registry has no registry policy",
                hint="create one with: ecrctl registry policy set FILE "
                "(or --replication-from ACCOUNT)",
            ) from exc
        raise
    return {"registryId": answer["registryId"], "policyText": answer["policyText"]}


def show_registry_policy(aws: Aws, expected: Expected | None = None) -> RegistryPolicy:
    """The stored policy, linted against this registry and ``expected``."""
    stored = get_registry_policy(aws)
    registry = Registry(stored["registryId"], aws.region)
    report = lint_text(stored["policyText"], registry, expected)
    document = report.document if report.document is not None else None
    return RegistryPolicy(stored["registryId"], document, report.findings)


def build_statements(
    registry: Registry, partition: str, expected: Expected
) -> list[dict[str, Any]]:
    """One statement per account of ``--replication-from`` (ReplicationFromACCOUNT)
    and per account of ``--pull-through-for`` (PullThroughCacheACCOUNT)."""
    from ecrctl.policy.principals import ACCOUNT, account_of

    resource = f"arn:{partition}:ecr:{registry.region}:{registry.account}:repository/*"

    def principal(value: str) -> str:
        return f"arn:{partition}:iam::{value}:root" if ACCOUNT.fullmatch(value) else value

    statements = [
        _statement(f"ReplicationFrom{a}", [principal(a)], [CREATE, REPLICATE], resource)
        for a in dict.fromkeys(expected.replication_from)
    ]
    by_account: dict[str, list[str]] = {}
    for value in expected.pull_through_for:
        by_account.setdefault(str(account_of(value)), []).append(principal(value))
    statements += [
        _statement(f"PullThroughCache{a}", list(dict.fromkeys(p)), [IMPORT, CREATE], resource)
        for a, p in by_account.items()
    ]
    return statements


def _statement(
    sid: str, principals: list[str], actions: list[str], resource: str
) -> dict[str, Any]:
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"AWS": principals[0] if len(principals) == 1 else principals},
        "Action": actions,
        "Resource": resource,
    }


def merged(current: dict[str, Any] | None, statements: list[dict[str, Any]]) -> dict[str, Any]:
    """``statements`` in ``current`` (a statement with the same Sid replaced where it
    stands, the others added at the end), or alone."""
    if current is None:
        return {"Version": VERSION, "Statement": statements}
    new = {s["Sid"]: s for s in statements}
    result = [new.pop(s["Sid"]) if s.get("Sid") in new else s for s in statements_of(current)]
    return {**current, "Statement": result + list(new.values())}


def _stored(aws: Aws) -> dict[str, Any] | None:
    try:
        text = get_registry_policy(aws)["policyText"]
    except NotFound:
        return None
    document: dict[str, Any] = json.loads(text)
    return document


def set_registry_policy(
    aws: Aws,
    *,
    text: str | None = None,
    source: str | None = None,
    expected: Expected | None = None,
    replace: bool = False,
    dry_run: bool = False,
) -> RegistryPolicy:
    """Write ``text`` (from ``source``), or the statements ``expected`` asks for.

    The policy is linted offline first, then against the registry's account
    (DescribeRegistry); any error stops it before PutRegistryPolicy.
    """
    from ecrctl.distribution.hosts import partition_of
    from ecrctl.registry.show import describe_registry

    expected = check_expected(expected or Expected())
    if text is not None:
        raise_invalid(lint_text(text, Registry(None, aws.region), expected), source)
    elif not expected.replication_from and not expected.pull_through_for:
        raise InvalidInput(
            "nothing to set: give FILE (or -), --replication-from or --pull-through-for",
            hint="e.g. ecrctl registry policy set --replication-from 111122223333",
        )
    account = describe_registry(aws)["registryId"]
    registry = Registry(account, aws.region)
    current = _stored(aws)
    if text is None:
        statements = build_statements(registry, partition_of(aws.region or ""), expected)
        text = json.dumps(merged(None if replace else current, statements), indent=2)
    report = lint_text(text, registry, expected)
    raise_invalid(report, source)
    assert report.document is not None
    changed = report.document != current
    if changed and not dry_run:
        aws.ecr.put_registry_policy(policyText=text)
    return RegistryPolicy(account, report.document, report.warnings, changed, dry_run=dry_run)


def validate_registry_policy(
    text: str, registry: Registry | None = None, expected: Expected | None = None
) -> ValidationReport:
    """The lint alone (no AWS call)."""
    return lint_text(text, registry, check_expected(expected or Expected()))


def delete_registry_policy(aws: Aws) -> RegistryPolicy:
    """DeleteRegistryPolicy: other accounts can no longer replicate into this registry."""
    try:
        answer = aws.ecr.delete_registry_policy()
    except Exception as exc:
        if error_code(exc) == "RegistryPolicyNotFoundException":
            raise NotFound("this registry has no registry policy to delete") from exc
        raise
    return RegistryPolicy(answer["registryId"], None, changed=True, deleted=True)
