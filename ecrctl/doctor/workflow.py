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
from ecrctl.doctor.facts import CHECK_TIMEOUT, Facts
from ecrctl.doctor.model import DoctorReport, Request
from ecrctl.doctor.runner import OnDone, Spec, run_checks

ATTEMPTS = 2

SPECS: tuple[Spec, ...] = (
    *aws.CHECKS,
    *registry.CHECKS[:1],
    *credentials.CHECKS,
    *registry.CHECKS[1:],
    *docker.CHECKS,
    *repository.CHECKS,
    *limits.CHECKS,
    *cloudtrail.CHECKS,
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
    facts = Facts(Aws(bounded), request, clients=clients)
    return DoctorReport(run_checks(applicable(request), facts, timeout=timeout, on_done=on_done))
