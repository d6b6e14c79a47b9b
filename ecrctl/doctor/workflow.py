"""``ecrctl doctor``: every check that applies to the request, run concurrently,
as one :class:`~ecrctl.doctor.model.DoctorReport`.

AWS calls get short timeouts and at most two attempts (unless --max-attempts
says otherwise): a doctor that hangs on the fault it should name helps nobody.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ecrctl.aws.clients import Aws
from ecrctl.aws.settings import AwsSettings
from ecrctl.doctor import aws, cloudtrail, credentials, docker, limits, registry, repository
from ecrctl.doctor.facts import CHECK_TIMEOUT, DoctorFacts
from ecrctl.doctor.model import (
    DoctorReport,
    Request,
    always,
    pulling_repository,
    pushing_repository,
    with_repository,
)
from ecrctl.doctor.runner import OnDone, Spec, run_checks

ATTEMPTS = 2

# Every check, in the order of the report: its stable id, its title, the function that
# runs it and, where it does not always apply, when it does.
SPECS: tuple[Spec, ...] = (
    Spec("aws.credentials", "AWS credentials", aws.check_credentials),
    Spec("aws.region", "AWS region", aws.check_configured_region),
    Spec("aws.endpoint", "ECR API endpoint", aws.check_endpoint),
    Spec("aws.clock", "Clock skew", aws.check_clock),
    Spec("aws.auth-token", "ecr:GetAuthorizationToken", aws.check_auth_token),
    Spec("registry.reachable", "Registry reachable", registry.check_reachable),
    Spec("registry.credential", "Docker's credential", credentials.check_credential),
    Spec("registry.login", "Registry accepts the credential", credentials.check_login),
    Spec("registry.match", "Credential's account and region", credentials.check_match),
    Spec("registry.ecrctl-login", "ecrctl login record", credentials.check_ecrctl_login),
    Spec("registry.token-cache", "ecrctl's token cache", credentials.check_token_cache),
    Spec("registry.conflicts", "Docker config conflicts", registry.check_conflicts),
    Spec("docker.engine", "Docker Engine", docker.check_engine),
    Spec("docker.version", "Docker version", docker.check_version),
    Spec("docker.disk", "Free space for images", docker.check_disk),
    Spec("docker.proxy", "Engine proxy", docker.check_proxy),
    Spec("repo.exists", "Repository exists", repository.check_exists, with_repository),
    Spec("repo.pull", "May pull", repository.check_pull, pulling_repository),
    Spec("repo.push", "May push", repository.check_push, pushing_repository),
    Spec("repo.mutability", "Tag mutability", repository.check_mutability, with_repository),
    Spec("repo.lifecycle", "Lifecycle policy", repository.check_lifecycle, with_repository),
    Spec("limits.images", "Images per repository", limits.check_images, with_repository),
    Spec("limits.repositories", "Repositories per region", limits.check_repositories, always),
    Spec("aws.cloudtrail", "CloudTrail logs ECR events", cloudtrail.check_trail, always),
)


def applicable(request: Request) -> list[Spec]:
    return [spec for spec in SPECS if spec.applies(request)]


def import_first() -> None:
    """Import what the checks use before their threads start: two threads importing
    one package for the first time can see it half initialised."""
    import botocore.config
    import botocore.session
    import docker
    import requests
    import requests.utils

    del botocore, docker, requests


def diagnose(
    settings: AwsSettings,
    request: Request,
    *,
    on_done: OnDone | None = None,
    timeout: float = CHECK_TIMEOUT,
    clients: Mapping[str, Any] | None = None,
) -> DoctorReport:
    """Run every check that applies to ``request``; ``clients``: ready-made botocore
    clients by service name (``ecr``, ``sts``, ``service-quotas``), e.g. stubbed ones."""
    import_first()
    bounded = settings.replace(max_attempts=settings.max_attempts or ATTEMPTS)
    facts = DoctorFacts(Aws(bounded), request, clients=clients)
    return DoctorReport(run_checks(applicable(request), facts, timeout=timeout, on_done=on_done))
