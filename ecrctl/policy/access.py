"""``policy test``: can this principal do these actions on this repository?

Reads the repository (its ARN, policy and tags) with the registry's settings,
the principal's IAM policies with the IAM side's (the same, or another
profile for a principal of another account, or a saved
GetAccountAuthorizationDetails answer), evaluates every action with
:mod:`ecrctl.policy.evaluate` and, when asked, compares with IAM's
SimulatePrincipalPolicy. Every input is checked before the first call.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ecrctl.aws.access import error_code, registry_kwargs
from ecrctl.errors import InvalidInput
from ecrctl.jsonstrict import load_input
from ecrctl.policy import actions
from ecrctl.policy.conditions import Values
from ecrctl.policy.evaluate import PolicyDecision, context_for, evaluate
from ecrctl.policy.explain import resolve_actions
from ecrctl.policy.iam_details import check_details, gather_from_details
from ecrctl.policy.matching import RESOURCE, Inputs, Policy, Request
from ecrctl.policy.principal_policies import Gathered, PrincipalRef, gather, parse_principal
from ecrctl.policy.report_access import AccessReport, Repository, combine

if TYPE_CHECKING:
    from ecrctl.aws.clients import Aws


@dataclass(frozen=True)
class Question:
    """What ``policy test`` was asked, checked."""

    repository: str
    principal: PrincipalRef | None
    actions: list[str]
    default_actions: bool
    context: dict[str, Values] = field(default_factory=dict)
    details: dict[str, Any] | None = None
    details_source: str = ""
    simulate: bool = False


def parse_context(pairs: list[str]) -> dict[str, Values]:
    """``--context KEY=VALUE`` (repeatable; a key given twice has several values)."""
    found: dict[str, Values] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or ":" not in key or key.startswith(":") or key.endswith(":"):
            raise InvalidInput(
                f"invalid --context {pair!r}: expected KEY=VALUE with a condition key",
                hint="e.g. --context aws:SourceAccount=111122223333",
            )
        found[key] = (*found.get(key, ()), value)
    return found


def ask(
    repository: str,
    *,
    principal: str | None = None,
    requested: list[str] | None = None,
    context: list[str] | None = None,
    details_text: str | None = None,
    details_source: str = "the IAM details file",
    simulate: bool = False,
) -> Question:
    """Check every input; nothing is asked of AWS."""
    wanted = resolve_actions(list(requested or []))
    if not requested:
        wanted = [actions.AUTH_TOKEN, *wanted]
    details = None
    if details_text is not None:
        details = check_details(load_input(details_text, details_source), details_source)
    return Question(
        repository,
        parse_principal(principal) if principal is not None else None,
        wanted,
        not requested,
        parse_context(list(context or [])),
        details,
        details_source,
        simulate,
    )


def _repository(aws: Aws, name: str) -> tuple[Repository, list[str]]:
    kwargs = registry_kwargs(aws.registry_id)
    found = aws.ecr.describe_repositories(repositoryNames=[name], **kwargs)["repositories"][0]
    notes = []
    try:
        text: str | None = aws.ecr.get_repository_policy(repositoryName=name, **kwargs)[
            "policyText"
        ]
    except Exception as exc:
        if error_code(exc) != "RepositoryPolicyNotFoundException":
            raise
        text = None
    tags: dict[str, str] | None
    try:
        listed = aws.ecr.list_tags_for_resource(resourceArn=found["repositoryArn"])["tags"]
        tags = {t["Key"]: t["Value"] for t in listed}
    except Exception as exc:
        if not error_code(exc):
            raise
        tags = None
        notes.append(
            f"the repository's tags could not be read ({error_code(exc)}): "
            "conditions on ecr:ResourceTag stay open"
        )
    repository = Repository(name, found["registryId"], found["repositoryArn"], text, tags)
    return repository, notes


def _caller(aws: Aws) -> tuple[str, str] | None:
    """The IAM side's caller ARN and account, or None when STS cannot say."""
    from ecrctl.errors import ServiceError
    from ecrctl.translate import translate

    try:
        identity = aws.sts.get_caller_identity()
    except Exception as exc:
        if isinstance(translate(exc), ServiceError):
            return None
        raise
    return str(identity["Arn"]), str(identity["Account"])


def _gather(question: Question, iam_aws: Aws, iam: Any) -> Gathered:
    ref = question.principal
    caller = _caller(iam_aws) if question.details is None or ref is None else None
    if ref is None:
        if caller is None:
            raise InvalidInput(
                "cannot ask STS who you are", hint="name the principal with --principal ARN"
            )
        ref = parse_principal(caller[0], what="the caller")
    if question.details is not None:
        return gather_from_details(question.details, ref, question.details_source)
    if caller is not None and caller[1] != ref.account:
        raise InvalidInput(
            f"{ref.arn} is in account {ref.account}, but the IAM credentials are of account "
            f"{caller[1]}: IAM answers only for its own account",
            hint="pass --iam-profile PROFILE (credentials of that account) "
            "or --iam-details FILE (its saved GetAccountAuthorizationDetails)",
        )
    return gather(iam, ref)


def evaluate_access(aws: Aws, question: Question, *, iam_aws: Aws | None = None) -> AccessReport:
    """Answer ``question`` (from :func:`ask`): every action allowed or denied, and why."""
    iam_side = iam_aws or aws
    repository, notes = _repository(aws, question.repository)
    iam = iam_side.client("iam")
    gathered = _gather(question, iam_side, iam)
    document = _parsed(repository.policy_text, notes)
    inputs = Inputs(
        gathered.principal,
        gathered.identity,
        gathered.boundary,
        Policy("repository policy", RESOURCE, f"repository {repository.name}", document)
        if document is not None
        else None,
    )
    decisions = [_decide(inputs, repository, a, question.context) for a in question.actions]
    report = AccessReport(inputs, repository, decisions, _summary(question, decisions), notes)
    if question.simulate:
        from ecrctl.policy.simulate import IDENTITY_ONLY, simulate

        simulation = simulate(
            iam,
            gathered.principal,
            question.actions,
            repository.arn,
            repository.policy_text,
            question.context,
        )
        identity_only = simulation.scope == IDENTITY_ONLY
        own = [
            _decide(inputs, repository, a, question.context, identity_only=identity_only)
            for a in question.actions
        ]
        report.compare(simulation, own)
    return report


def _parsed(text: str | None, notes: list[str]) -> dict[str, Any] | None:
    if text is None:
        return None
    try:
        parsed = json.loads(text)
    except ValueError:
        notes.append("the repository policy is not JSON: evaluated as if there were none")
        return None
    return parsed if isinstance(parsed, dict) else None


def _decide(
    inputs: Inputs,
    repository: Repository,
    action: str,
    given: Mapping[str, Values],
    *,
    identity_only: bool = False,
) -> PolicyDecision:
    resource = "*" if action == actions.AUTH_TOKEN else repository.arn
    account = None if resource == "*" else repository.registry_id
    if identity_only:
        inputs = replace(inputs, repository_policy=None)
        account = None if account is None else inputs.principal.account
    context = context_for(inputs.principal, resource, resource_tags=repository.tags, given=given)
    return evaluate(inputs, Request(action, resource, account, context))


def _summary(question: Question, decisions: list[PolicyDecision]) -> dict[str, str]:
    if not question.default_actions:
        return {}
    by_action = {d.action: d.decision for d in decisions}
    return {
        name: combine([by_action[a] for a in (actions.AUTH_TOKEN, *members)])
        for name, members in (("pull", actions.PULL), ("push", actions.PUSH))
    }
