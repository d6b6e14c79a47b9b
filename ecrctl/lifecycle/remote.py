"""AWS's own preview: StartLifecyclePolicyPreview, then GetLifecyclePolicyPreview
polled until it completes, fails or the timeout passes.

``sleep`` and ``clock`` are parameters so that tests need not wait.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ecrctl.aws.access import registry_kwargs
from ecrctl.errors import ServiceError
from ecrctl.lifecycle.images import iso, parse_time

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

POLL_SECONDS = 5.0  # what AWS's own waiter uses
DEFAULT_TIMEOUT = 300.0
PAGE_SIZE = 100  # GetLifecyclePolicyPreview's maximum


def remote_preview(
    ecr: ECRClient,
    repository: str,
    policy_text: str | None = None,
    *,
    registry_id: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    interval: float = POLL_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    on_wait: Callable[[float], None] | None = None,
) -> dict[str, Any]:
    """AWS's preview in the shape of the local one: ``{"previewResults", "summary"}``.

    ``policy_text`` None previews the repository's own policy. ``on_wait`` is
    called with the seconds waited so far before each sleep.
    """
    ids: dict[str, Any] = {"repositoryName": repository, **registry_kwargs(registry_id)}
    start = dict(ids)
    if policy_text is not None:
        start["lifecyclePolicyText"] = policy_text
    ecr.start_lifecycle_policy_preview(**start)
    began = clock()
    while True:
        page: Any = ecr.get_lifecycle_policy_preview(**ids, maxResults=PAGE_SIZE)
        status = page.get("status")
        if status == "COMPLETE":
            break
        if status in ("FAILED", "EXPIRED"):
            raise ServiceError(
                f"AWS's lifecycle policy preview for {repository!r} ended with status {status}",
                hint="run it again, or use the local preview (without --remote)",
            )
        waited = clock() - began
        if waited + interval > timeout:
            raise ServiceError(
                f"AWS's lifecycle policy preview for {repository!r} did not complete "
                f"within {timeout:g} s (status {status})",
                hint="retry with a larger --timeout, or use the local preview",
            )
        if on_wait is not None:
            on_wait(waited)
        sleep(interval)
    results = list(page.get("previewResults", []))
    summary = page.get("summary", {})
    token = page.get("nextToken")
    if token:  # the rest of the results, from where the polling call left off
        config: Any = {"StartingToken": token, "PageSize": PAGE_SIZE}
        paginator = ecr.get_paginator("get_lifecycle_policy_preview")
        for rest in paginator.paginate(**ids, PaginationConfig=config):
            results.extend(rest.get("previewResults", []))
    return normalise(results, summary)


def normalise(results: list[Any], summary: Any) -> dict[str, Any]:
    """Preview results oldest first with ISO times, as the local preview prints them."""
    rows = []
    for result in results:
        pushed = result.get("imagePushedAt")
        epoch = parse_time(pushed, "imagePushedAt") if pushed is not None else 0.0
        action = {k: str(v) for k, v in dict(result.get("action", {})).items()}
        row: dict[str, Any] = {
            "imageTags": list(result.get("imageTags", [])),
            "imageDigest": result.get("imageDigest", ""),
            "imagePushedAt": iso(epoch) if pushed is not None else None,
            "action": action,
            "appliedRulePriority": result.get("appliedRulePriority"),
        }
        if result.get("storageClass") == "ARCHIVE":
            row["storageClass"] = "ARCHIVE"
        rows.append((epoch, row["imageDigest"], row))
    rows.sort(key=lambda r: (r[0], r[1]))
    out_summary: dict[str, Any] = {
        "expiringImageTotalCount": int(summary.get("expiringImageTotalCount", 0))
    }
    transitioning = [
        {
            "targetStorageClass": str(t["targetStorageClass"]),
            "imageTotalCount": int(t["imageTotalCount"]),
        }
        for t in summary.get("transitioningImageTotalCounts", [])
        if t.get("imageTotalCount")
    ]
    if transitioning:
        out_summary["transitioningImageTotalCounts"] = transitioning
    return {"previewResults": [r[2] for r in rows], "summary": out_summary}
