"""``image scan``: start a scan when one is needed, wait until its result is final
(:mod:`ecrctl.image.scanstate`), and judge it (:mod:`ecrctl.image.gate`).

The image is pinned to its digest first (a tag may move while we wait). The scan type
comes from the registry's scanning configuration and the repository's frequency
(GetRegistryScanningConfiguration, BatchGetRepositoryScanningConfiguration) and from
each answer's shape. Basic scanning allows one StartImageScan per image per 24 hours:
a result completed less than 24 hours ago is reused (and the report says so), a scan
in progress is waited for, and LimitExceededException means ECR scanned it already
(e.g. on push). Enhanced scanning is never started: Amazon Inspector scans on its own.

Waiting polls with backoff (5 s, then x1.5 up to 30 s, never past the next moment the
answer could become final or the timeout). A missing permission ends the gate with
:class:`~ecrctl.errors.ScanDenied`, naming the action. ``clock`` is a parameter so
that tests need not wait.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from ecrctl.aws.access import error_code, error_message, registry_kwargs
from ecrctl.errors import ScanDenied
from ecrctl.image.findings import ScanResult, read_scan
from ecrctl.image.gate import Gate, judge
from ecrctl.image.query import describe_image
from ecrctl.image.scanreport import ScanReport
from ecrctl.image.scanstate import ScanDecision, Settle, decide
from ecrctl.repo.scanning import get_scanning_configuration, repository_scanning

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

    from ecrctl.distribution.reference import ImageReference
    from ecrctl.login.registries import Registries

ONE_SCAN_PER = timedelta(hours=24)
FIRST_POLL, MAX_POLL, BACKOFF = 5.0, 30.0, 1.5
DEFAULT_TIMEOUT = 900.0
DEFAULT_SETTLE = 120.0
DENIED_CODES = frozenset({"AccessDeniedException", "AccessDenied"})

OnWait = Callable[[ScanDecision, float], None]


@dataclass
class Clock:
    monotonic: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))


@dataclass(frozen=True)
class ScanOptions:
    """How one scan goes: whether it waits for a final result (and how long; an
    enhanced result must have settled), the gate that judges it, the clock it waits
    by and who hears of each wait."""

    wait: bool = False
    timeout: float = DEFAULT_TIMEOUT
    settle: float = DEFAULT_SETTLE
    gate: Gate | None = None
    clock: Clock = field(default_factory=Clock)
    on_wait: OnWait | None = None


@contextmanager
def needs(action: str) -> Iterator[None]:
    """An AWS refusal inside becomes :class:`ScanDenied` naming ``action`` (or the one
    AWS names, e.g. inspector2:ListFindings behind DescribeImageScanFindings)."""
    try:
        yield
    except Exception as exc:
        if error_code(exc) not in DENIED_CODES:
            raise
        message = error_message(exc)
        named = message.split("is not authorized to perform:", 1)
        wanted = named[1].split()[0] if len(named) == 2 and named[1].split() else action
        raise ScanDenied(
            f"the scan gate needs {wanted}, and AWS refused it ({message or 'access denied'})",
            hint=f"grant {wanted} to the caller, or use --profile for a principal that has it",
        ) from None


def _learn_scanning(ecr: ECRClient, report: ScanReport) -> None:
    """The registry's scan type and the repository's frequency, when they are knowable."""
    with needs("ecr:GetRegistryScanningConfiguration"):
        config = get_scanning_configuration(ecr)
    if config.registry_id and report.registry_id and config.registry_id != report.registry_id:
        report.notes.append(
            f"registry {report.registry_id} is not the caller's: its scanning configuration "
            "is unknown, so the scan type is read from the answers alone"
        )
        return
    report.registry_scan_type = config.scan_type
    with needs("ecr:BatchGetRepositoryScanningConfiguration"):
        found = repository_scanning(ecr, [report.repository])
    frequency = found.get(report.repository, {}).get("scanFrequency")
    report.scan_frequency = frequency or config.scanning_of(report.repository).scan_frequency


def _recent(result: ScanResult, now: datetime) -> timedelta | None:
    done = result.completed_at
    if done is None:
        return None
    if done.tzinfo is None:
        done = done.replace(tzinfo=UTC)
    age = now - done
    return age if age < ONE_SCAN_PER else None


def _start(ecr: ECRClient, report: ScanReport, registry_id: str | None) -> ScanDecision | None:
    """StartImageScan; a ScanDecision when it ends the scan there (unsupported, archived)."""
    try:
        with needs("ecr:StartImageScan"):
            ecr.start_image_scan(
                repositoryName=report.repository,
                imageId={"imageDigest": report.digest},
                **registry_kwargs(registry_id),
            )
    except Exception as exc:
        code = error_code(exc)
        if code == "LimitExceededException":
            report.reused = True
            report.notes.append(
                "ECR refused a new scan (one per image per 24 hours, scans on push included): "
                "using the image's last result"
            )
            return None
        if code in {"UnsupportedImageTypeException", "ImageArchivedException"}:
            return ScanDecision("no-result", f"ECR did not start a scan: {error_message(exc)}")
        raise
    report.started = True
    report.notes.append("started a basic scan (StartImageScan)")
    return None


def _start_if_needed(
    ecr: ECRClient,
    report: ScanReport,
    first: ScanResult | None,
    registry_id: str | None,
    now: datetime,
) -> ScanDecision | None:
    if report.registry_scan_type == "ENHANCED" or (first and first.shape_kind == "ENHANCED"):
        report.notes.append(
            "enhanced scanning: Amazon Inspector scans the image on its own; "
            "ecrctl reads its findings"
        )
        return None
    if first is not None and first.status == "IN_PROGRESS":
        report.notes.append("a scan of this image is running already: waiting for it")
        return None
    age = _recent(first, now) if first is not None else None
    if first is not None and age is not None:
        report.reused = True
        minutes = max(0, int(age.total_seconds() // 60))  # a clock ahead of ECR's: just now
        ago = f"{minutes} min" if minutes < 120 else f"{minutes // 60} h"
        report.notes.append(
            f"reusing the scan completed {ago} ago: ECR allows one scan per image per 24 hours"
        )
        return None
    return _start(ecr, report, registry_id)


def _wait(
    report: ScanReport,
    read: Callable[[], ScanResult | None],
    first: ScanResult | None,
    options: ScanOptions,
) -> None:
    clock, on_wait = options.clock, options.on_wait
    settle = Settle(options.settle)
    began = clock.monotonic()
    interval = FIRST_POLL
    result, fresh = first, first is not None and not report.started
    expect = report.started or report.reused or report.registry_scan_type == "ENHANCED"
    while True:
        if not fresh:
            with needs("ecr:DescribeImageScanFindings"):
                result = read()
        fresh = False
        now = clock.monotonic()
        decision = decide(
            result,
            registry_type=report.registry_scan_type,
            settle=settle,
            now=now,
            expect_scan=expect or (result is not None),
        )
        report.result, report.decision, report.waited = result, decision, now - began
        if decision.verdict != "wait" or not options.wait:
            return
        left = options.timeout - (now - began)
        if left <= 0:
            report.timed_out = True
            return
        pause = min(interval, left, decision.recheck if decision.recheck is not None else interval)
        if on_wait is not None:
            on_wait(decision, report.waited)
        clock.sleep(max(pause, 0.1))
        interval = min(interval * BACKOFF, MAX_POLL)


def scan_image(
    registries: Registries, reference: ImageReference, options: ScanOptions
) -> ScanReport:
    """Scan ``reference`` (``[HOST/]REPO[:TAG|@DIGEST]``), wait when asked, judge a final result."""
    clock = options.clock
    served = registries.private(reference.host)
    assert served.aws is not None  # a private registry has its AWS side
    registry_id = served.account
    ecr = served.aws.ecr
    with needs("ecr:DescribeImages"):
        detail = describe_image(ecr, reference.repository, reference.image, registry_id=registry_id)
    report = ScanReport(
        reference.repository,
        str(detail.get("registryId") or registry_id or ""),
        str(detail["imageDigest"]),
        reference.tag,
        settle=options.settle,
        judging=options.gate is not None and options.gate.fail_on is not None,
    )
    _learn_scanning(ecr, report)
    if report.registry_scan_type == "ENHANCED" and report.scan_frequency == "MANUAL":
        report.decision = ScanDecision(
            "no-result",
            f"enhanced scanning does not cover {reference.repository}: no rule's filter matches it",
            "ENHANCED",
            hint="add a filter for it: ecrctl registry scanning set ...",
        )
        return report
    image_id = {"imageDigest": report.digest}

    def read() -> ScanResult | None:
        return read_scan(ecr, reference.repository, image_id, registry_id=registry_id)

    with needs("ecr:DescribeImageScanFindings"):
        first = read()
    stopped = _start_if_needed(ecr, report, first, registry_id, clock.now())
    if stopped is not None:
        report.result, report.decision = first, stopped
        return report
    _wait(report, read, first, options)
    if report.decision.verdict == "final" and report.result is not None and options.gate:
        report.gate = judge(report.result.findings, options.gate)
    return report
