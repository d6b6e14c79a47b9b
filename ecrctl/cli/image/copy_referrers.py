"""What ``image copy`` and ``repo copy`` say of the referrers they carried: a line
on stderr per referrer not carried (with its reason) and a count, and the exit-1
error when any was not, as a batch that did not finish says."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ecrctl.cli.render import notice
from ecrctl.errors import PartialFailure

if TYPE_CHECKING:
    from ecrctl.cli.app import App
    from ecrctl.image.repo_copy import RepoCopyReport


def _line(entry: dict[str, Any]) -> str:
    detail = entry["detail"]
    reason = f"{entry['failureCode']}: {entry['failureReason']}"
    if detail["via"] is None:  # a manifest whose referrers could not be read
        return f"referrers of {entry['id']}: not carried: {reason}"
    kind = f" ({detail['artifactType']})" if detail["artifactType"] else ""
    return f"referrer {entry['id']}{kind} of {detail['subject']}: not carried: {reason}"


def show_referrers(app: App, report: dict[str, Any] | None) -> None:
    """A line per referrer not carried, then the count (nothing when none was found)."""
    if not report:
        return
    missed = [*report["failed"], *report["unknown"]]
    for entry in missed:
        notice(app, _line(entry))
    outcomes = [str(entry["detail"]["outcome"]) for entry in report["done"]]
    counts = [f"{outcomes.count(o)} {o.replace('-', ' ')}" for o in dict.fromkeys(outcomes)]
    counts += [f"{len(missed)} not carried"] if missed else []
    if counts:
        notice(app, "referrers: " + ", ".join(counts))


def referrers_error(report: dict[str, Any] | None, *, batch: bool = False) -> PartialFailure | None:
    """The exit-1 error when a referrer was not carried (the image itself was, or
    with ``batch`` the images)."""
    if not report or not (report["failed"] or report["unknown"] or report["notAttempted"]):
        return None
    missed = len(report["failed"]) + len(report["unknown"]) + len(report["notAttempted"])
    total = missed + len(report["done"])
    return PartialFailure(
        f"{missed} of {total} referrers not carried (see above)",
        hint="the images were copied; --no-referrers copies them alone"
        if batch
        else "the image was copied; --no-referrers copies it alone",
    )


def raise_if_not_carried(report: dict[str, Any] | None) -> None:
    """``image copy``'s exit 1 when a referrer was not carried."""
    failure = referrers_error(report)
    if failure is not None:
        raise failure


def end_repo_copy(app: App, report: RepoCopyReport) -> None:
    """``repo copy``'s referrer lines; the exit-1 error when they are all that failed
    (otherwise the batch's own error follows)."""
    from ecrctl.batch import outcome_error

    show_referrers(app, report.referrers)
    failure = referrers_error(report.referrers, batch=True)
    if failure is not None and report.stopped is None and outcome_error(report.items) is None:
        raise failure
