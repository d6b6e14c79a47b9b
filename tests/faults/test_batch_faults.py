"""Batch commands under real faults: every item reported done, failed, not
attempted or unknown, checked item by item against moto's real state."""

from __future__ import annotations

from typing import Any

import pytest

from tests.faults.conftest import (
    SIGINT,
    SIGTERM,
    Fault,
    Result,
    ecrctl,
    fill,
    signal_midway,
    tags_now,
)
from tests.faults.proxy import Proxy

N = 250  # three BatchDeleteImage calls


def misreported_deletes(run: Result, state: Any, repo: str) -> list[str]:
    """Items whose reported status disagrees with what moto holds now."""
    present = tags_now(state, repo)
    wrong = []
    for item in run.json["results"]:
        tag, status = item["imageId"]["imageTag"], item["status"]
        if status == "done" and tag in present:
            wrong.append(f"{tag} reported done but still there")
        if status in {"failed", "not-attempted"} and tag not in present:
            wrong.append(f"{tag} reported {status} but deleted")
    return wrong


def delete_all(proxy: Proxy, repo: str, tags: list[str]) -> Result:
    return ecrctl(proxy, "image", "delete", repo, *tags, "-o", "json")


def check_lists(run: Result) -> None:
    data = run.json
    by_status: dict[str, list[str]] = {}
    for item in data["results"]:
        by_status.setdefault(item["status"], []).append(item["imageId"]["imageTag"])
    assert [i["id"] for i in data["done"]] == by_status.get("done", [])
    assert [i["id"] for i in data["notAttempted"]] == by_status.get("not-attempted", [])
    assert [i["id"] for i in data["unknown"]] == by_status.get("unknown", [])
    assert [f["id"] for f in data["failed"]] == by_status.get("failed", [])
    stopped = [f for f in data["failed"] if f["failureCode"] == "CallFailed"]
    assert data["complete"] is (not data["notAttempted"] and not data["unknown"] and not stopped)


def test_delete_connection_dropped_from_the_third_call(proxy: Proxy, state: Any) -> None:
    tags = fill(state, "drop", N)
    proxy.faults = [Fault("BatchDeleteImage", set(range(3, 99)), "drop")]
    run = delete_all(proxy, "drop", tags)
    assert run.exit_code == 1, run.stderr
    check_lists(run)
    assert misreported_deletes(run, state, "drop") == []
    data = run.json
    assert data["complete"] is False
    assert len(data["done"]) == 200 and len(data["failed"]) == 50  # read back: still there
    assert "200 of 250 deleted" in run.stderr
    assert "Traceback" not in run.stderr
    assert proxy.injected("drop") >= 3  # every attempt of the third call


def test_delete_lost_answers_retried_are_deletions(proxy: Proxy, state: Any) -> None:
    tags = fill(state, "lost", N)
    proxy.faults = [Fault("BatchDeleteImage", {1, 3}, "lose")]
    run = delete_all(proxy, "lost", tags)
    assert run.exit_code == 0, run.stderr
    check_lists(run)
    assert run.json["complete"] is True and len(run.json["done"]) == N
    assert misreported_deletes(run, state, "lost") == []
    assert tags_now(state, "lost") == {}
    assert proxy.injected("lose") == 2


def test_delete_throttled_and_delayed_still_completes(proxy: Proxy, state: Any) -> None:
    tags = fill(state, "slow", N)
    proxy.faults = [
        Fault("BatchDeleteImage", {1}, "throttle"),
        Fault("BatchDeleteImage", {3}, "delay", 0.5),
    ]
    run = delete_all(proxy, "slow", tags)
    assert run.exit_code == 0, run.stderr
    assert misreported_deletes(run, state, "slow") == []
    assert tags_now(state, "slow") == {}


def test_delete_server_dead_mid_batch(proxy: Proxy, state: Any) -> None:
    tags = fill(state, "dead", N)
    proxy.faults = [Fault("BatchDeleteImage", {2}, "lose"), Fault("BatchDeleteImage", {3}, "dead")]
    run = delete_all(proxy, "dead", tags)
    assert run.exit_code == 1, run.stderr
    check_lists(run)
    data = run.json
    assert misreported_deletes(run, state, "dead") == []
    assert len(data["done"]) == 100  # the first call's answer arrived
    assert len(data["unknown"]) == 100  # sent; neither its answer nor the state came back
    assert len(data["notAttempted"]) == 50
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize(("signum", "code"), [(SIGINT, 130), (SIGTERM, 143)])
def test_delete_signalled_mid_batch(proxy: Proxy, state: Any, signum: int, code: int) -> None:
    repo = f"sig{signum}"
    tags = fill(state, repo, N)
    proxy.faults = [Fault("BatchDeleteImage", {2}, "delay", 3.0)]
    run = signal_midway(
        proxy, "BatchDeleteImage", 2, signum, "image", "delete", repo, *tags, "-o", "json"
    )
    assert run.exit_code == code, run.stderr
    check_lists(run)
    assert misreported_deletes(run, state, repo) == []
    data = run.json
    assert len(data["done"]) == 100 and len(data["notAttempted"]) == 50
    assert "Traceback" not in run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("ecrctl: error:")]
    assert len(errors) == 1 and "100 of 250 deleted" in errors[0]


# -- retag ---------------------------------------------------------------------------


def misreported_tags(run: Result, state: Any, repo: str, digest: str) -> list[str]:
    present = tags_now(state, repo)
    wrong = []
    for item in run.json["tags"]:
        tag, status = item["imageTag"], item["status"]
        ours = present.get(tag) == digest
        if status in {"created", "moved", "unchanged"} and not ours:
            wrong.append(f"{tag} reported {status} but not on the image")
        if status in {"failed", "not-attempted"} and ours:
            wrong.append(f"{tag} reported {status} but on the image")
    return wrong


def source_digest(state: Any, repo: str) -> str:
    return tags_now(state, repo)["t0"]


NEW = [f"n{n}" for n in range(60)]


def test_retag_put_image_dropped_after_20_calls(proxy: Proxy, state: Any) -> None:
    fill(state, "rt", 1)
    digest = source_digest(state, "rt")
    proxy.faults = [Fault("PutImage", set(range(21, 999)), "drop")]
    run = ecrctl(proxy, "image", "retag", "rt", "t0", *NEW, "-o", "json")
    assert run.exit_code == 1, run.stderr
    data = run.json
    assert misreported_tags(run, state, "rt", digest) == []
    assert data["complete"] is False
    assert len(data["done"]) >= 20
    assert "Traceback" not in run.stderr
    assert "of 60 tagged" in run.stderr


def test_retag_lost_answers_are_done(proxy: Proxy, state: Any) -> None:
    fill(state, "rl", 1)
    digest = source_digest(state, "rl")
    proxy.faults = [Fault("PutImage", {3, 7, 11, 15, 19}, "lose")]
    run = ecrctl(proxy, "image", "retag", "rl", "t0", *NEW[:20], "-o", "json")
    assert run.exit_code == 0, run.stderr
    assert misreported_tags(run, state, "rl", digest) == []
    assert {t["status"] for t in run.json["tags"]} == {"created"}
    assert proxy.injected("lose") == 5


@pytest.mark.parametrize(("signum", "code"), [(SIGINT, 130), (SIGTERM, 143)])
def test_retag_signalled(proxy: Proxy, state: Any, signum: int, code: int) -> None:
    repo = f"rs{signum}"
    fill(state, repo, 1)
    digest = source_digest(state, repo)
    proxy.faults = [Fault("PutImage", set(range(13, 999)), "delay", 2.0)]
    run = signal_midway(
        proxy, "PutImage", 14, signum, "image", "retag", repo, "t0", *NEW, "-o", "json"
    )
    assert run.exit_code == code, run.stderr
    assert misreported_tags(run, state, repo, digest) == []
    assert run.json["complete"] is False and run.json["notAttempted"]
    assert "Traceback" not in run.stderr
