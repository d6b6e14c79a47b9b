"""Whether a trail keeps ECR's history in the region: CloudTrail's event history
holds ECR's management events for 90 days only, and ECR keeps no history of its
own (who pushed, retagged or deleted an image is in CloudTrail alone). A trail that
logs the region (its own, a multi-region or an organization trail), is logging
(GetTrailStatus) and whose event selectors keep write management events
(GetEventSelectors, basic or advanced) passes. Anything else is a warning, not a
failure: pushes and pulls work without a trail, only the history is lost.
"""

from __future__ import annotations

from ecrctl.doctor.facts import DoctorFacts
from ecrctl.doctor.model import CheckOutcome, ok, warning

SELECTORS = '[{"ReadWriteType": "All", "IncludeManagementEvents": true}]'
PERMISSIONS = "cloudtrail:DescribeTrails, cloudtrail:GetTrailStatus, cloudtrail:GetEventSelectors"


def _create_fix() -> str:
    return (
        "aws cloudtrail create-trail --name ecr-history --s3-bucket-name BUCKET "
        "--is-multi-region-trail && aws cloudtrail start-logging --name ecr-history "
        "(BUCKET: a bucket whose policy lets CloudTrail write)"
    )


def check_trail(facts: DoctorFacts) -> CheckOutcome:
    from ecrctl.aws.access import error_code
    from ecrctl.events.trails import describe_trails, trail_state

    client = facts.client("cloudtrail")
    region = facts.region()
    try:
        trails = describe_trails(client)
    except Exception as exc:
        if error_code(exc) not in {"AccessDeniedException", "AccessDenied"}:
            raise
        return warning(
            f"cannot read the trails of {region} ({error_code(exc)})", f"grant {PERMISSIONS}"
        )
    if not trails:
        return warning(
            f"no trail logs {region}: ECR's events are kept 90 days only "
            "(CloudTrail's event history)",
            _create_fix(),
        )
    states = []
    for trail in trails:
        state = trail_state(client, trail)
        if state.logging and state.logs_ecr:
            return ok(f"trail {state.name} logs ECR's management events to {state.where}")
        states.append(state)
    stopped = next((s for s in states if s.logging is False and s.logs_ecr is not False), None)
    if stopped is not None:
        return warning(
            f"trail {stopped.name} is not logging: no ECR event after it stopped is kept",
            f"aws cloudtrail start-logging --name {stopped.arn}",
        )
    unsure = next((s for s in states if s.logs_ecr is None or s.logging is None), None)
    if unsure is not None:
        return warning(
            f"trail {unsure.name} may not log ECR's management events: {unsure.why}",
            f"aws cloudtrail get-event-selectors --trail-name {unsure.arn}",
        )
    first = states[0]
    return warning(
        f"no trail logs ECR's write management events in {region} "
        f"(trail {first.name}: {first.why})",
        f"aws cloudtrail put-event-selectors --trail-name {first.arn} "
        f"--event-selectors '{SELECTORS}'",
    )
