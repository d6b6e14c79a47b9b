"""``repo delete --force`` under real faults: the repository and every image it
held reported done, failed (with the code) or unknown, checked image by image
against moto's real state."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from tests import image_samples as s
from tests.faults.conftest import SIGINT, SIGTERM, Fault, Result, ecrctl, fill, signal_midway
from tests.faults.proxy import Proxy


def filled(state: Any, repo: str) -> dict[str, list[str]]:
    """Three images: one with two tags, one with one, one untagged; digest -> tags."""
    fill(state, repo, 2)
    first = state.batch_get_image(repositoryName=repo, imageIds=[{"imageTag": "t0"}])
    state.put_image(
        repositoryName=repo, imageManifest=first["images"][0]["imageManifest"], imageTag="latest"
    )
    text = s.schema2("untagged")
    state.put_image(repositoryName=repo, imageManifest=text, imageDigest=s.sha(text))
    return images_now(state, repo)


def images_now(state: Any, repo: str) -> dict[str, list[str]]:
    """digest -> sorted tags, read from moto directly ({} when the repository is gone)."""
    try:
        details = state.describe_images(repositoryName=repo)["imageDetails"]
    except state.exceptions.RepositoryNotFoundException:
        return {}
    return {d["imageDigest"]: sorted(d.get("imageTags") or []) for d in details}


def repo_exists(state: Any, repo: str) -> bool:
    names = [r["repositoryName"] for r in state.describe_repositories()["repositories"]]
    return repo in names


def misreported(run: Result, state: Any, repo: str, before: dict[str, list[str]]) -> list[str]:
    """Images (and the repository) whose reported status disagrees with moto now."""
    data, present, exists = run.json, images_now(state, repo), repo_exists(state, repo)
    wrong = []
    if sorted(i["imageDigest"] for i in data["images"]) != sorted(before):
        wrong.append("the report does not list the images the repository held")
    for image in data["images"]:
        digest, status = image["imageDigest"], image["status"]
        if image["imageTags"] != before.get(digest):
            wrong.append(f"{digest} reported with tags {image['imageTags']}")
        if status == "done" and digest in present:
            wrong.append(f"{digest} reported done but still there")
        if status in {"failed", "not-attempted"} and digest not in present:
            wrong.append(f"{digest} reported {status} but deleted")
    if data["status"] == "done" and exists:
        wrong.append("repository reported deleted but still there")
    if data["status"] in {"failed", "not-attempted"} and not exists:
        wrong.append(f"repository reported {data['status']} but deleted")
    return wrong


def check_lists(data: dict[str, Any]) -> None:
    """The batch lists agree with the per-image statuses."""
    by_status: dict[str, list[str]] = {}
    for image in data["images"]:
        by_status.setdefault(image["status"], []).append(image["imageDigest"])
    assert ids(data, "done") == by_status.get("done", [])
    assert ids(data, "failed") == by_status.get("failed", [])
    assert ids(data, "notAttempted") == by_status.get("not-attempted", [])
    assert ids(data, "unknown") == by_status.get("unknown", [])


def ids(data: dict[str, Any], status: str) -> list[str]:
    """The ids of one list of the batch report."""
    return [item["id"] for item in data[status]]


def error_lines(run: Result) -> list[str]:
    assert "Traceback" not in run.stderr
    return [line for line in run.stderr.splitlines() if line.startswith("ecrctl: error:")]


def delete(proxy: Proxy, repo: str, *extra: str, attempts: int = 3) -> Result:
    return ecrctl(proxy, "repo", "delete", repo, "--force", "--yes", *extra, attempts=attempts)


def test_success_reports_every_image_done(proxy: Proxy, state: Any) -> None:
    before = filled(state, "ok")
    run = delete(proxy, "ok", "-o", "json")
    assert run.exit_code == 0, run.stderr
    data = run.json
    check_lists(data)
    assert data["repositoryName"] == "ok" and data["repositoryArn"].endswith("repository/ok")
    assert data["status"] == "done" and data["complete"] is True
    assert sorted(ids(data, "done")) == sorted(before) and len(before) == 3
    assert not repo_exists(state, "ok")
    assert misreported(run, state, "ok", before) == []
    assert proxy.counts["DeleteRepository"] == 1


def test_success_text_is_one_line(proxy: Proxy, state: Any) -> None:
    filled(state, "team/app")
    run = delete(proxy, "team/app")
    assert run.exit_code == 0, run.stderr
    assert run.stdout == "deleted team/app and its 3 images\n"
    assert not repo_exists(state, "team/app")


def test_lost_answer_is_reconciled_as_done(proxy: Proxy, state: Any) -> None:
    before = filled(state, "gone")
    proxy.faults = [Fault("DeleteRepository", {1}, "lose")]
    run = delete(proxy, "gone", "-o", "json")
    assert run.exit_code == 0, run.stderr
    data = run.json
    check_lists(data)
    assert data["status"] == "done" and data["reconciled"] is True and data["complete"] is True
    assert sorted(ids(data, "done")) == sorted(before)
    assert not repo_exists(state, "gone")
    assert misreported(run, state, "gone", before) == []
    assert proxy.injected("lose") == 1


def test_dropped_before_the_server_saw_it_is_not_deleted(proxy: Proxy, state: Any) -> None:
    before = filled(state, "kept")
    proxy.faults = [Fault("DeleteRepository", None, "drop")]
    run = delete(proxy, "kept", "-o", "json")
    assert run.exit_code == 1, run.stderr
    data = run.json
    check_lists(data)
    assert data["status"] == "failed" and data["failureCode"] == "CallFailed"
    assert data["complete"] is False and data["done"] == []
    assert sorted(f["id"] for f in data["failed"]) == sorted(before)
    assert {f["failureCode"] for f in data["failed"]} == {"CallFailed"}
    assert repo_exists(state, "kept") and images_now(state, "kept") == before
    assert misreported(run, state, "kept", before) == []
    assert proxy.injected("drop") == 3  # every attempt
    errors = error_lines(run)
    assert len(errors) == 1 and "0 of 3 deleted, 3 failed" in errors[0]


def test_dropped_text_prints_a_row_per_image(proxy: Proxy, state: Any) -> None:
    before = filled(state, "rows")
    proxy.faults = [Fault("DeleteRepository", None, "drop")]
    run = delete(proxy, "rows", attempts=1)
    assert run.exit_code == 1, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].split() == ["TAGS", "DIGEST", "STATUS"]
    rows = lines[2:]  # under the header and its rule
    assert len(rows) == 3 and all(row.rstrip().endswith("failed: CallFailed") for row in rows)
    assert {"<untagged>", "latest, t0", "t1"} == {row.split("  ")[0] for row in rows}
    assert images_now(state, "rows") == before


def test_refused_by_ecr_every_image_failed_with_its_code(proxy: Proxy, state: Any) -> None:
    before = filled(state, "denied")
    proxy.faults = [Fault("DeleteRepository", None, "refuse", code="AccessDeniedException")]
    run = delete(proxy, "denied", "-o", "json")
    assert run.exit_code == 1, run.stderr
    data = run.json
    check_lists(data)
    assert data["status"] == "failed" and data["failureCode"] == "AccessDeniedException"
    assert {f["failureCode"] for f in data["failed"]} == {"AccessDeniedException"}
    assert data["complete"] is True  # ECR's own answer, every image accounted for
    assert images_now(state, "denied") == before
    assert misreported(run, state, "denied", before) == []
    assert len(error_lines(run)) == 1


@pytest.mark.parametrize("lost_first", [False, True], ids=["dead", "acted-then-dead"])
def test_server_dead_is_unknown(proxy: Proxy, state: Any, lost_first: bool) -> None:
    repo = "dead-after" if lost_first else "dead"
    before = filled(state, repo)
    first = [Fault("DeleteRepository", {1}, "lose")] if lost_first else []
    proxy.faults = [*first, Fault("DeleteRepository", {2 if lost_first else 1}, "dead")]
    run = delete(proxy, repo, "-o", "json")
    assert run.exit_code == 1, run.stderr
    data = run.json
    check_lists(data)
    assert data["status"] == "unknown" and data["complete"] is False
    assert sorted(ids(data, "unknown")) == sorted(before)
    assert repo_exists(state, repo) is not lost_first  # moto did act on the lost call
    assert misreported(run, state, repo, before) == []
    errors = error_lines(run)
    assert len(errors) == 1 and "3 unknown" in errors[0]


@pytest.mark.parametrize(("signum", "code"), [(SIGINT, 130), (SIGTERM, 143)])
def test_signal_while_the_call_is_delayed(proxy: Proxy, state: Any, signum: int, code: int) -> None:
    repo = f"sig{signum}"
    before = filled(state, repo)
    proxy.faults = [Fault("DeleteRepository", {1}, "delay", 2.0)]
    args = ("repo", "delete", repo, "--force", "--yes", "-o", "json")
    run = signal_midway(proxy, "DeleteRepository", 1, signum, *args)
    assert run.exit_code == code, run.stderr
    data = run.json
    check_lists(data)
    # the call was in flight: its answer, awaited after the signal, settles the report
    assert data["status"] == "done" and sorted(ids(data, "done")) == sorted(before)
    assert not repo_exists(state, repo)
    assert misreported(run, state, repo, before) == []
    errors = error_lines(run)
    assert len(errors) == 1 and "3 of 3 deleted" in errors[0]
    assert run.stderr.strip() == errors[0]


def test_signal_with_the_answer_never_coming_is_unknown(proxy: Proxy, state: Any) -> None:
    before = filled(state, "stuck")
    proxy.faults = [Fault("DeleteRepository", {1}, "delay", 60.0)]
    started = time.monotonic()
    args = ("repo", "delete", "stuck", "--force", "--yes", "-o", "json")
    run = signal_midway(proxy, "DeleteRepository", 1, SIGTERM, *args)
    assert run.exit_code == 143, run.stderr
    assert time.monotonic() - started < 30  # the wait for the answer is bounded
    data = run.json
    check_lists(data)
    assert data["status"] == "unknown" and sorted(ids(data, "unknown")) == sorted(before)
    assert images_now(state, "stuck") == before  # still held by the proxy, never forwarded
    assert misreported(run, state, "stuck", before) == []
    assert len(error_lines(run)) == 1


def push_while_delayed(state: Any, repo: str, proxy: Proxy) -> threading.Thread:
    """Push one more image once the proxy holds DeleteRepository."""

    def push() -> None:
        while proxy.counts["DeleteRepository"] < 1:
            time.sleep(0.01)
        text = s.schema2("late")
        state.put_image(
            repositoryName=repo, imageManifest=text, imageTag="late", imageDigest=s.sha(text)
        )

    thread = threading.Thread(target=push, daemon=True)
    thread.start()
    return thread


def test_image_pushed_after_the_listing_goes_too_unreported(proxy: Proxy, state: Any) -> None:
    before = filled(state, "late")
    proxy.faults = [Fault("DeleteRepository", {1}, "delay", 1.0)]
    pusher = push_while_delayed(state, "late", proxy)
    run = delete(proxy, "late", "-o", "json")
    pusher.join(10)
    assert run.exit_code == 0, run.stderr
    assert sorted(ids(run.json, "done")) == sorted(before)  # what was listed and confirmed
    assert not repo_exists(state, "late")  # ECR's force took the late image too


def test_without_force_an_image_pushed_meanwhile_refuses(proxy: Proxy, state: Any) -> None:
    state.create_repository(repositoryName="raced")
    proxy.faults = [Fault("DeleteRepository", {1}, "delay", 1.0)]
    pusher = push_while_delayed(state, "raced", proxy)
    run = ecrctl(proxy, "repo", "delete", "raced", "-o", "json")
    pusher.join(10)
    assert run.exit_code == 1, run.stderr
    data = run.json
    assert data["status"] == "failed" and data["failureCode"] == "RepositoryNotEmptyException"
    assert data["images"] == [] and data["complete"] is True
    assert repo_exists(state, "raced")
    errors = error_lines(run)
    assert len(errors) == 1 and "still contains images" in errors[0]
