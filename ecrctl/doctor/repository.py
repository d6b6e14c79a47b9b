"""Checks of one repository: it exists (else the region where it does, or a
did-you-mean), the caller may pull and push it (a real authorization probe for
pull, and the repository policy through the policy explainer), tag mutability, and
whether its lifecycle policy expires the given tag soon.
"""

from __future__ import annotations

import difflib
import fnmatch
import json
from typing import Any

from ecrctl.aws.access import error_code, items, registry_kwargs
from ecrctl.doctor.facts import DoctorFacts
from ecrctl.doctor.model import CheckOutcome, failure, ok, skip, warning

SOON_DAYS = 7
_ZERO_DIGEST = "sha256:" + "0" * 64


def _name(facts: DoctorFacts) -> str:
    name = facts.request.repository
    assert name is not None
    return name


def _kwargs(facts: DoctorFacts) -> dict[str, Any]:
    return registry_kwargs(facts.aws.settings.registry_id)


def described(facts: DoctorFacts) -> dict[str, Any]:
    def ask() -> dict[str, Any]:
        answer = facts.ecr().describe_repositories(repositoryNames=[_name(facts)], **_kwargs(facts))
        return dict(answer["repositories"][0])

    return facts.once("repository", ask)


def repository(facts: DoctorFacts) -> dict[str, Any]:
    return facts.need("repository", lambda: described(facts), see="repo.exists")


def check_exists(facts: DoctorFacts) -> CheckOutcome:
    name = _name(facts)
    try:
        found = described(facts)
    except Exception as exc:
        if error_code(exc) != "RepositoryNotFoundException":
            raise
        where = f"account {facts.account()}, region {facts.region()}"
        there = _region_with(facts, name)
        if there is not None:
            return failure(
                f"repository {name!r} does not exist in {where}, but in region {there}",
                f"ecrctl doctor {name} --region {there}",
            )
        names = [
            r["repositoryName"]
            for r in items(facts.ecr(), "describe_repositories", "repositories", **_kwargs(facts))
        ]
        close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
        if close:
            return failure(
                f"repository {name!r} does not exist in {where}; did you mean {close[0]!r}?",
                f"ecrctl doctor {close[0]} (or create it: ecrctl repo create {name})",
            )
        return failure(
            f"repository {name!r} does not exist in {where} (ECR never creates one on push)",
            f"ecrctl repo create {name} (or check --region and --registry-id)",
        )
    return ok(f"{found['repositoryUri']}")


def _region_with(facts: DoctorFacts, name: str) -> str | None:
    """Another region where the registry has ``name``, among the few the user's
    configuration names (as every command's RepositoryNotFound error looks)."""
    from ecrctl.aws.suggest import found_elsewhere, regions_to_search

    return found_elsewhere(facts.aws, regions_to_search(facts.aws), name, facts.account())


def _policy(facts: DoctorFacts) -> dict[str, Any] | None:
    def ask() -> dict[str, Any] | None:
        try:
            answer = facts.ecr().get_repository_policy(
                repositoryName=_name(facts), **_kwargs(facts)
            )
        except Exception as exc:
            if error_code(exc) == "RepositoryPolicyNotFoundException":
                return None
            raise
        document: dict[str, Any] = json.loads(answer["policyText"])
        return document

    return facts.once("repository policy", ask)


def _by_policy(facts: DoctorFacts, kind: str) -> CheckOutcome | str:
    """The repository policy's word on ``kind``: a failing outcome, or a note."""
    from ecrctl.policy import explain

    repo = repository(facts)
    caller = facts.caller()
    owner = str(repo["registryId"])
    same = caller["Account"] == owner
    document = _policy(facts)
    decision = explain.NOT_GRANTED
    if document is not None:
        decision = explain.explain(document, caller["Arn"], registry_account=owner).summary[kind]
    name = _name(facts)
    if decision == explain.DENIED:
        return failure(
            f"the repository policy of {name} denies {kind} to {caller['Arn']}",
            f"ecrctl policy repo explain {name} --principal {caller['Arn']}",
        )
    if decision == explain.NOT_GRANTED and not same:
        template = "cross-account-push" if kind == "push" else "public-pull"
        return failure(
            f"{name} belongs to account {owner}; its repository policy does not grant "
            f"{kind} to account {caller['Account']}",
            f"the owner adds a statement: ecrctl policy repo template {template} "
            f"--account {caller['Account']}",
        )
    if decision == explain.DEPENDS:
        return warning(
            f"the repository policy grants {kind} only under a condition",
            f"ecrctl policy repo explain {name} --principal {caller['Arn']}",
        )
    if decision == explain.ALLOWED:
        return "allowed by the repository policy"
    return (
        "no repository policy statement for the caller; IAM decides"
        if document
        else ("no repository policy; IAM decides")
    )


def check_pull(facts: DoctorFacts) -> CheckOutcome:
    said = _by_policy(facts, "pull")
    if not isinstance(said, str):
        return said
    try:
        facts.ecr().batch_check_layer_availability(
            repositoryName=_name(facts), layerDigests=[_ZERO_DIGEST], **_kwargs(facts)
        )
    except Exception as exc:
        if error_code(exc) not in {"AccessDeniedException", "AccessDenied"}:
            raise
        arn = f"arn:aws:ecr:{facts.region()}:{repository(facts)['registryId']}:repository/"
        return failure(
            f"ECR refused ecr:BatchCheckLayerAvailability on {_name(facts)}: pull will fail",
            "grant pull in an IAM policy: ecrctl policy iam template read-only "
            f"--repository {arn}{_name(facts)}",
        )
    return ok(f"{said}; ECR authorized a layer check (BatchCheckLayerAvailability)")


def check_push(facts: DoctorFacts) -> CheckOutcome:
    said = _by_policy(facts, "push")
    if not isinstance(said, str):
        return said
    return ok(f"{said} (push is not attempted: IAM policies are not read)")


def _tag_exists(facts: DoctorFacts, tag: str) -> bool:
    try:
        facts.ecr().describe_images(
            repositoryName=_name(facts), imageIds=[{"imageTag": tag}], **_kwargs(facts)
        )
    except Exception as exc:
        if error_code(exc) == "ImageNotFoundException":
            return False
        raise
    return True


def _excluded(repo: dict[str, Any], tag: str) -> bool:
    filters = repo.get("imageTagMutabilityExclusionFilters") or []
    return any(fnmatch.fnmatchcase(tag, str(f.get("filter", ""))) for f in filters)


def check_mutability(facts: DoctorFacts) -> CheckOutcome:
    repo = repository(facts)
    mode = str(repo.get("imageTagMutability", "MUTABLE"))
    tag = facts.request.tag
    immutable = mode.startswith("IMMUTABLE")
    if tag and immutable and _excluded(repo, tag):
        immutable = False
    if mode.startswith("MUTABLE") and tag and _excluded(repo, tag):
        immutable = True
    if not (tag and immutable and facts.request.wants_push):
        return ok(f"tags are {mode.lower().replace('_', ' ')}")
    if _tag_exists(facts, tag):
        return failure(
            f"{_name(facts)}:{tag} exists and the tag is immutable ({mode}): "
            "a push of another image under it is refused (ImageTagAlreadyExistsException)",
            "push under a new tag (e.g. the commit hash)",
        )
    return ok(f"tags are {mode.lower()}; {tag} is not taken yet")


def check_lifecycle(facts: DoctorFacts) -> CheckOutcome:
    from ecrctl.lifecycle import engine, store, validate

    repository(facts)
    from ecrctl.errors import NotFound

    registry_id = facts.aws.settings.registry_id
    try:
        stored = store.get_lifecycle_policy(facts.ecr(), _name(facts), registry_id=registry_id)
    except NotFound:
        return ok("no lifecycle policy: nothing expires")
    document, problems = validate.check_text(stored["lifecyclePolicyText"])
    rules = len(document.get("rules") or []) if isinstance(document, dict) else 0
    limit = f"{rules} of {validate.MAX_RULES} rules"
    if document is None or problems:
        return warning(f"the lifecycle policy ({limit}) does not validate: {problems[0].message}")
    tag = facts.request.tag
    if not tag:
        return skip(f"lifecycle policy of {limit}; give REPOSITORY:TAG to check one tag")
    images = store.repository_images(facts.ecr(), _name(facts), registry_id=registry_id)
    index = next((i for i, image in enumerate(images) if tag in image.tags), None)
    if index is None:
        return ok(f"lifecycle policy of {limit}; no image is tagged {tag}")
    now = facts.clock()
    for days in (0, SOON_DAYS):
        result = engine.preview(document, images, now + days * engine.DAY)
        if result.action[index] != engine.KEEP:
            when = "at the next evaluation" if days == 0 else f"within {SOON_DAYS} days"
            return warning(
                f"the lifecycle policy expires {_name(facts)}:{tag} {when}: "
                f"{result.fate(index).reason(now + days * engine.DAY)}",
                f"ecrctl policy lifecycle preview {_name(facts)}",
            )
    return ok(f"lifecycle policy of {limit} keeps {tag} for the next {SOON_DAYS} days")
