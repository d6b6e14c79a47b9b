"""Repository-policy workflows over an ECR client: get, set, delete, statement
edits (read, modify, validate, write) and explaining a stored or given policy.

Every write is validated locally first and checked for lock-out: a policy that
would stop the caller from changing it again is refused unless ``force``,
which is also passed to ECR's own ``force`` flag.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ecrctl.aws.access import error_code, registry_kwargs
from ecrctl.errors import InvalidInput, NotFound
from ecrctl.jsonrecord import record_json
from ecrctl.policy.explain import Explanation, explain, lockout_problem, statements_of
from ecrctl.policy.report import LintFinding
from ecrctl.policy.validate import check, validate_text

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient
    from mypy_boto3_sts import STSClient

NEW_POLICY_VERSION = "2012-10-17"


@dataclass
class Written:
    """The outcome of a write: the stored policy (None when deleted) and notices."""

    repository: str
    registry_id: str
    policy: dict[str, Any] | None
    warnings: list[LintFinding] = field(default_factory=list)
    deleted: bool = False
    created: bool = False

    def to_dict(self) -> dict[str, Any]:
        names = ("repository", "registry_id", "policy", "deleted", "created", "warnings")
        return record_json(self, *names, repository="repositoryName")


def get_repository_policy(
    ecr: ECRClient, name: str, *, registry_id: str | None = None
) -> dict[str, Any]:
    """``{"registryId", "repositoryName", "policyText"}``; NotFound when there is none."""
    try:
        response = ecr.get_repository_policy(repositoryName=name, **registry_kwargs(registry_id))
    except Exception as exc:
        if error_code(exc) == "RepositoryPolicyNotFoundException":
            raise NotFound(
                f"repository {name!r} has no repository policy",
                hint="create one with: ecrctl policy repo set NAME FILE "
                "(or add-statement, or template)",
            ) from exc
        raise
    return {
        "registryId": response["registryId"],
        "repositoryName": response["repositoryName"],
        "policyText": response["policyText"],
    }


def _current(ecr: ECRClient, name: str, registry_id: str | None) -> dict[str, Any] | None:
    try:
        stored = get_repository_policy(ecr, name, registry_id=registry_id)
    except NotFound:
        return None
    document: dict[str, Any] = json.loads(stored["policyText"])
    return document


def _registry_account(ecr: ECRClient, name: str, registry_id: str | None) -> str:
    found = ecr.describe_repositories(repositoryNames=[name], **registry_kwargs(registry_id))
    account: str = found["repositories"][0]["registryId"]
    return account


def _caller(sts: STSClient) -> tuple[str | None, LintFinding | None]:
    """The caller's ARN, or, when STS cannot be reached, a warning saying so."""
    from ecrctl.errors import ServiceError
    from ecrctl.translate import translate

    try:
        return sts.get_caller_identity()["Arn"], None
    except Exception as exc:
        error = translate(exc)
        if not isinstance(error, ServiceError):
            raise
        endpoint = str(getattr(getattr(sts, "meta", None), "endpoint_url", "STS"))
        return None, LintFinding(
            "warning",
            "lock-out check",
            f"skipped: cannot reach STS at {endpoint} to learn who you are; "
            "ECR's own lock-out check still applies (set AWS_ENDPOINT_URL_STS to check here)",
        )


def _guard(
    sts: STSClient, document: dict[str, Any], registry_account: str, *, force: bool
) -> list[LintFinding]:
    if force:
        return []
    caller, unreachable = _caller(sts)
    if caller is None:
        return [unreachable] if unreachable else []
    problem = lockout_problem(document, caller, registry_account)
    if problem:
        raise InvalidInput(problem, hint="pass --force if that is what you want")
    return []


def delete_repository_policy(
    ecr: ECRClient, name: str, *, registry_id: str | None = None
) -> Written:
    try:
        response = ecr.delete_repository_policy(repositoryName=name, **registry_kwargs(registry_id))
    except Exception as exc:
        if error_code(exc) == "RepositoryPolicyNotFoundException":
            raise NotFound(f"repository {name!r} has no repository policy to delete") from exc
        raise
    return Written(name, response["registryId"], None, deleted=True)


@dataclass(frozen=True)
class PolicyEditor:
    """The changes of one repository's policy: ``ecr`` reads and writes it, ``sts``
    says who the caller is for the lock-out check, which ``force`` skips."""

    ecr: ECRClient
    sts: STSClient
    name: str
    registry_id: str | None = None
    force: bool = False

    def set(self, text: str, *, source: str | None = None) -> Written:
        """Validate ``text`` (read from ``source``), check for lock-out, then
        SetRepositoryPolicy."""
        report = validate_text(text)
        check(report, file=source)
        assert report.document is not None
        account = _registry_account(self.ecr, self.name, self.registry_id)
        notes = _guard(self.sts, report.document, account, force=self.force)
        response = self.ecr.set_repository_policy(
            repositoryName=self.name,
            policyText=text,
            force=self.force,
            **registry_kwargs(self.registry_id),
        )
        policy = json.loads(response["policyText"])
        return Written(self.name, response["registryId"], policy, report.warnings + notes)

    def add_statement(self, statement: dict[str, Any], *, replace: bool = False) -> Written:
        """Add ``statement`` (see ``statement.build_statement``) to the policy, creating
        it, or replace the one with its Sid."""
        document = _current(self.ecr, self.name, self.registry_id)
        created = document is None
        if document is None:
            document = {"Version": NEW_POLICY_VERSION, "Statement": []}
        statements = statements_of(document)
        document["Statement"] = _with_statement(statements, statement, self.name, replace)
        written = self.set(json.dumps(document, indent=2))
        written.created = created
        return written

    def remove_statement(self, sid: str) -> Written:
        """Remove the statement with ``sid``; removing the last one deletes the policy."""
        document = _current(self.ecr, self.name, self.registry_id)
        if document is None:
            raise NotFound(f"repository {self.name!r} has no repository policy")
        statements = statements_of(document)
        kept = [s for s in statements if s.get("Sid") != sid]
        if len(kept) == len(statements):
            sids = [s["Sid"] for s in statements if isinstance(s.get("Sid"), str)]
            raise NotFound(
                f"the policy of {self.name!r} has no statement with Sid {sid!r}",
                hint=f"its Sids: {', '.join(sids)}" if sids else "its statements have no Sid",
            )
        if not kept:
            return delete_repository_policy(self.ecr, self.name, registry_id=self.registry_id)
        document["Statement"] = kept
        return self.set(json.dumps(document, indent=2))


def _with_statement(
    statements: list[dict[str, Any]], statement: dict[str, Any], name: str, replace: bool
) -> list[dict[str, Any]]:
    sid = statement["Sid"]
    position = next((i for i, s in enumerate(statements) if s.get("Sid") == sid), None)
    if position is not None and not replace:
        raise InvalidInput(
            f"the policy of {name!r} already has a statement with Sid {sid!r}",
            hint="pass --replace to overwrite it, or choose another --sid",
        )
    if position is None:
        statements.append(statement)
    else:
        statements[position] = statement
    return statements


def _ignore(finding: LintFinding) -> None:
    pass


@dataclass(frozen=True)
class ExplainRequest:
    """What an explanation answers: may ``principal`` perform ``actions`` (none: the push
    and pull actions)? The policy's validation errors go to ``on_error`` first."""

    principal: str
    actions: tuple[str, ...] = ()
    on_error: Callable[[LintFinding], None] = _ignore


def explain_text(
    text: str, question: ExplainRequest, *, registry_account: str | None = None
) -> Explanation:
    """Explain the policy ``text`` as written.

    A policy that is not a JSON object is refused; other validation errors are
    passed to ``question.on_error`` (before explaining) and the document explained anyway.
    """
    report = validate_text(text)
    if report.document is None:
        check(report)
    assert report.document is not None
    for finding in report.errors:
        question.on_error(finding)
    requested = list(question.actions)
    return explain(
        report.document, question.principal, requested, registry_account=registry_account
    )


def explain_repository(
    ecr: ECRClient, name: str, question: ExplainRequest, *, registry_id: str | None = None
) -> Explanation:
    """Explain the policy stored on repository ``name`` (see ``explain_text``)."""
    stored = get_repository_policy(ecr, name, registry_id=registry_id)
    return explain_text(stored["policyText"], question, registry_account=stored["registryId"])
