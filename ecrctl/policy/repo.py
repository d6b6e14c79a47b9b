"""Repository-policy workflows over an ECR client: get, set, delete, and
statement edits (read, modify, validate, write).

Every write is validated locally first and checked for lock-out: a policy that
would stop the caller from changing it again is refused unless ``force``,
which is also passed to ECR's own ``force`` flag.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ecrctl.aws.access import error_code, registry_kwargs
from ecrctl.errors import InvalidInput, NotFound
from ecrctl.policy import actions
from ecrctl.policy.explain import lockout_problem, statements_of
from ecrctl.policy.principals import SERVICE, principal_problem
from ecrctl.policy.report import Finding, Report
from ecrctl.policy.validate import validate_text

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
    warnings: list[Finding] = field(default_factory=list)
    deleted: bool = False
    created: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "repositoryName": self.repository,
            "registryId": self.registry_id,
            "policy": self.policy,
            "deleted": self.deleted,
            "created": self.created,
            "warnings": [w.to_dict() for w in self.warnings],
        }


def get_policy(ecr: ECRClient, name: str, *, registry_id: str | None = None) -> dict[str, Any]:
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
        stored = get_policy(ecr, name, registry_id=registry_id)
    except NotFound:
        return None
    document: dict[str, Any] = json.loads(stored["policyText"])
    return document


def check(report: Report, source: str = "the policy") -> None:
    """Raise InvalidInput naming the first error when ``report`` has errors."""
    if report.valid:
        return
    errors = report.errors
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    raise InvalidInput(
        f"{source} is invalid: {errors[0]}{more}",
        hint="see every finding with: ecrctl policy repo validate FILE",
    )


def _registry_account(ecr: ECRClient, name: str, registry_id: str | None) -> str:
    found = ecr.describe_repositories(repositoryNames=[name], **registry_kwargs(registry_id))
    account: str = found["repositories"][0]["registryId"]
    return account


def _guard(sts: STSClient, document: dict[str, Any], registry_account: str, *, force: bool) -> None:
    if force:
        return
    caller = sts.get_caller_identity()["Arn"]
    problem = lockout_problem(document, caller, registry_account)
    if problem:
        raise InvalidInput(problem, hint="pass --force if that is what you want")


def _write(
    ecr: ECRClient,
    sts: STSClient,
    name: str,
    text: str,
    *,
    force: bool,
    registry_id: str | None,
    registry_account: str | None = None,
) -> Written:
    report = validate_text(text)
    check(report)
    assert report.document is not None
    account = registry_account or _registry_account(ecr, name, registry_id)
    _guard(sts, report.document, account, force=force)
    response = ecr.set_repository_policy(
        repositoryName=name, policyText=text, force=force, **registry_kwargs(registry_id)
    )
    return Written(
        name, response["registryId"], json.loads(response["policyText"]), report.warnings
    )


def set_policy(
    ecr: ECRClient,
    sts: STSClient,
    name: str,
    text: str,
    *,
    force: bool = False,
    registry_id: str | None = None,
) -> Written:
    """Validate ``text``, check for lock-out, then SetRepositoryPolicy."""
    return _write(ecr, sts, name, text, force=force, registry_id=registry_id)


def delete_policy(ecr: ECRClient, name: str, *, registry_id: str | None = None) -> Written:
    try:
        response = ecr.delete_repository_policy(repositoryName=name, **registry_kwargs(registry_id))
    except Exception as exc:
        if error_code(exc) == "RepositoryPolicyNotFoundException":
            raise NotFound(f"repository {name!r} has no repository policy to delete") from exc
        raise
    return Written(name, response["registryId"], None, deleted=True)


def build_statement(
    sid: str,
    effect: str,
    principals: list[str],
    action_list: list[str],
    condition: str | None = None,
) -> dict[str, Any]:
    """A statement from add-statement's options (checked before any call)."""
    if not sid:
        raise InvalidInput("--sid must not be empty", hint="e.g. --sid AllowPull")
    normalized = effect.capitalize()
    if normalized not in ("Allow", "Deny"):
        raise InvalidInput(f"invalid --effect {effect!r}", hint="use Allow or Deny")
    statement: dict[str, Any] = {
        "Sid": sid,
        "Effect": normalized,
        "Principal": _principal(principals),
        "Action": _actions(action_list),
    }
    if condition is not None:
        try:
            parsed = json.loads(condition)
        except json.JSONDecodeError as exc:
            raise InvalidInput(
                f"--condition is not valid JSON: {exc.msg} at column {exc.colno}",
                hint='e.g. --condition \'{"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}\'',
            ) from None
        statement["Condition"] = parsed
    return statement


def _principal(values: list[str]) -> Any:
    if not values:
        raise InvalidInput(
            "add-statement needs at least one --principal", hint='e.g. --principal "*"'
        )
    if "*" in values:
        if len(values) > 1:
            raise InvalidInput('--principal "*" already covers everyone', hint="give it alone")
        return "*"
    aws = [v for v in values if not SERVICE.fullmatch(v)]
    services = [v for v in values if SERVICE.fullmatch(v)]
    for value in aws:
        problem = principal_problem(value)
        if problem:
            raise InvalidInput(f"invalid --principal {value!r}: it {problem}")
    principal: dict[str, Any] = {}
    if aws:
        principal["AWS"] = aws[0] if len(aws) == 1 else aws
    if services:
        principal["Service"] = services[0] if len(services) == 1 else services
    return principal


def _actions(values: list[str]) -> list[str]:
    if not values:
        raise InvalidInput("add-statement needs at least one --action", hint="e.g. --action pull")
    result: list[str] = []
    for value in values:
        if value.lower() in ("pull", "push"):
            expanded = list(actions.PULL if value.lower() == "pull" else actions.PUSH)
        elif ":" not in value:
            expanded = [actions.PREFIX + value]
        else:
            expanded = [value]
        result.extend(a for a in expanded if a not in result)
    return result


def add_statement(
    ecr: ECRClient,
    sts: STSClient,
    name: str,
    statement: dict[str, Any],
    *,
    replace: bool = False,
    force: bool = False,
    registry_id: str | None = None,
) -> Written:
    """Add ``statement`` to the policy (creating it), or replace the one with its Sid."""
    document = _current(ecr, name, registry_id)
    created = document is None
    if document is None:
        document = {"Version": NEW_POLICY_VERSION, "Statement": []}
    statements = statements_of(document)
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
    document["Statement"] = statements
    written = _write(
        ecr,
        sts,
        name,
        json.dumps(document, indent=2),
        force=force,
        registry_id=registry_id,
    )
    written.created = created
    return written


def remove_statement(
    ecr: ECRClient,
    sts: STSClient,
    name: str,
    sid: str,
    *,
    force: bool = False,
    registry_id: str | None = None,
) -> Written:
    """Remove the statement with ``sid``; removing the last one deletes the policy."""
    document = _current(ecr, name, registry_id)
    if document is None:
        raise NotFound(f"repository {name!r} has no repository policy")
    statements = statements_of(document)
    kept = [s for s in statements if s.get("Sid") != sid]
    if len(kept) == len(statements):
        sids = [s["Sid"] for s in statements if isinstance(s.get("Sid"), str)]
        raise NotFound(
            f"the policy of {name!r} has no statement with Sid {sid!r}",
            hint=f"its Sids: {', '.join(sids)}" if sids else "its statements have no Sid",
        )
    if not kept:
        return delete_policy(ecr, name, registry_id=registry_id)
    document["Statement"] = kept
    return _write(
        ecr, sts, name, json.dumps(document, indent=2), force=force, registry_id=registry_id
    )
