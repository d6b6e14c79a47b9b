"""The trails of a region (DescribeTrails, shadow trails of multi-region and
organization trails included), whether each is logging (GetTrailStatus), and
whether its event selectors keep ECR's write management events (GetEventSelectors,
basic or advanced): for ``events --trail`` and doctor's trail check.

A trail without selectors logs every management event (CloudTrail's default). An
advanced selector is read against an ECR write event (``eventCategory`` Management,
``readOnly`` false, ``eventSource`` ecr.amazonaws.com, ``eventName`` PutImage); a
field it does not know makes the answer "depends" (``None``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ecrctl.aws.access import error_code
from ecrctl.errors import NotFound
from ecrctl.events.model import ECR_SOURCE

# what an ECR write management event is, in advanced selectors' fields
ECR_WRITE = {
    "eventCategory": "Management",
    "readOnly": "false",
    "eventSource": ECR_SOURCE,
    "eventName": "PutImage",
}


@dataclass(frozen=True)
class TrailState:
    """One trail as doctor judges it: ``logging``/``logs_ecr`` ``None`` = unknown."""

    name: str
    arn: str
    home_region: str | None
    bucket: str | None
    prefix: str | None
    logging: bool | None
    logs_ecr: bool | None
    why: str

    @property
    def where(self) -> str:
        prefix = f"{self.prefix.strip('/')}/" if self.prefix else ""
        return f"s3://{self.bucket}/{prefix}" if self.bucket else "no bucket"


def describe_trails(client: Any) -> list[dict[str, Any]]:
    """Every trail that applies to the client's region (shadow trails included)."""
    answer = client.describe_trails(includeShadowTrails=True)
    return [dict(trail) for trail in answer.get("trailList") or []]


def find_trail(client: Any, name: str, region: str) -> dict[str, Any]:
    """The trail named ``name`` (a name or an ARN) among the region's; NotFound else."""
    trails = describe_trails(client)
    for trail in trails:
        if name in (trail.get("Name"), trail.get("TrailARN")):
            return trail
    known = ", ".join(sorted(str(t.get("Name")) for t in trails)) or "none"
    raise NotFound(
        f"no trail named {name!r} in {region} (trails there: {known})",
        hint="give a trail's name or ARN, or --bucket and --prefix",
    )


_TESTS: dict[str, Callable[[str, str], bool]] = {
    "Equals": lambda value, given: value == given,
    "StartsWith": str.startswith,
    "EndsWith": str.endswith,
}


def _matches(value: str, selector: Mapping[str, Any]) -> bool:
    """Whether ``value`` passes every operator of one advanced field selector."""
    for operator, test in _TESTS.items():
        values = [str(v) for v in selector.get(operator) or []]
        if values and not any(test(value, v) for v in values):
            return False
        negated = [str(v) for v in selector.get(f"Not{operator}") or []]
        if any(test(value, v) for v in negated):
            return False
    return True


def _advanced(selector: Mapping[str, Any]) -> bool | None:
    fields = [dict(f) for f in selector.get("FieldSelectors") or []]
    unknown = False
    for field in fields:
        name = str(field.get("Field"))
        if name not in ECR_WRITE:
            unknown = True
            continue
        if not _matches(ECR_WRITE[name], field):
            return False
    if not any(f.get("Field") == "eventCategory" for f in fields):
        return False  # no eventCategory: a data-event selector, not management events
    return None if unknown else True


def _basic(selector: Mapping[str, Any]) -> bool:
    if selector.get("IncludeManagementEvents", True) is False:
        return False
    if selector.get("ReadWriteType", "All") not in {"All", "WriteOnly"}:
        return False
    return ECR_SOURCE not in (selector.get("ExcludeManagementEventSources") or [])


def logs_ecr_writes(answer: Mapping[str, Any]) -> tuple[bool | None, str]:
    """Whether GetEventSelectors' answer keeps ECR's write management events, and why."""
    advanced: Sequence[Mapping[str, Any]] = answer.get("AdvancedEventSelectors") or []
    basic: Sequence[Mapping[str, Any]] = answer.get("EventSelectors") or []
    if advanced:
        verdicts = [_advanced(s) for s in advanced]
        if True in verdicts:
            return True, "an advanced event selector keeps management events"
        if None in verdicts:
            return None, "advanced event selectors keep ECR's events only for some fields"
        return False, "no advanced event selector keeps ECR's write management events"
    if not basic:
        return True, "no event selectors: every management event (CloudTrail's default)"
    if any(_basic(s) for s in basic):
        return True, "an event selector includes write management events"
    return False, "no event selector includes write management events"


def trail_state(client: Any, trail: Mapping[str, Any]) -> TrailState:
    """``trail`` with its status and selectors read (each ``None`` when it cannot be)."""
    arn = str(trail.get("TrailARN") or trail.get("Name"))
    logging: bool | None
    try:
        logging = bool(client.get_trail_status(Name=arn).get("IsLogging"))
    except Exception as exc:
        if not error_code(exc):
            raise
        logging = None
    try:
        logs, why = logs_ecr_writes(client.get_event_selectors(TrailName=arn))
    except Exception as exc:
        if not error_code(exc):
            raise
        logs, why = None, f"its event selectors cannot be read here ({error_code(exc)})"
    return TrailState(
        name=str(trail.get("Name")),
        arn=arn,
        home_region=trail.get("HomeRegion"),
        bucket=trail.get("S3BucketName"),
        prefix=trail.get("S3KeyPrefix"),
        logging=logging,
        logs_ecr=logs,
        why=why,
    )
