"""The preview workflow without a CLI: usage checks, where the policy and the
images come from, and the four kinds of result, with files, the clock, the ECR
client and AWS's wait injected."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from ecrctl.errors import InvalidInput
from ecrctl.lifecycle.preview import (
    Comparison,
    Diff,
    LocalPreview,
    PreviewIO,
    PreviewRequest,
    RemotePreview,
    check_usage,
    no_cyclic_gc,
    parse_now,
    run_preview,
)
from ecrctl.lifecycle.validate import PolicyInvalid
from tests.lifecycle.guide import EXAMPLES, NOW
from tests.lifecycle.policies import UNTAGGED_BEYOND_ONE

NOW_ISO = "2023-11-14T22:13:20Z"
MULTI = EXAMPLES[2]  # prod keep 1, beta keep 1: only A expires
STRICTER = EXAMPLES[3]  # A and B expire


def _details(example: Any = MULTI) -> list[dict[str, Any]]:
    return [
        {
            "imageDigest": image.digest,
            "imageTags": list(image.tags),
            "imagePushedAt": image.pushed_at,
        }
        for image in example.images.values()
    ]


FILES = {
    "p.json": json.dumps(MULTI.policy),
    "b.json": json.dumps(STRICTER.policy),
    "i.json": json.dumps({"imageDetails": _details()}),
    "bad.json": '{"rules": 1}' + " " * 100,
}


class Reads:
    """A reader over FILES that records what was read, in order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def __call__(self, source: str, what: str) -> str:
        self.calls.append((source, what))
        if source not in FILES:
            raise InvalidInput(f"{what} {source!r} does not exist")
        return FILES[source]


def no_aws() -> Any:
    raise AssertionError("no AWS call expected")


def offline(reads: Reads | None = None) -> PreviewIO:
    return PreviewIO(read=reads or Reads(), ecr=no_aws, clock=lambda: NOW)


def _names(preview: Any) -> dict[str, str]:
    names = {image.digest: name for name, image in MULTI.images.items()}
    return {names[f.image.digest]: f.action for f in preview.fates}


# -- usage ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (PreviewRequest(), "nothing to preview: give a REPOSITORY, or both --policy FILE and"),
        (PreviewRequest(policy="p.json"), "nothing to preview"),
        (PreviewRequest("app", remote=True, compare=True), "--remote, --compare and --diff"),
        (PreviewRequest("app", compare=True, diff="b.json"), "--remote, --compare and --diff"),
        (PreviewRequest("app", remote=True, images="i.json"), "--images cannot be used"),
        (PreviewRequest(compare=True), "--remote and --compare need a REPOSITORY"),
        (PreviewRequest("app", policy="-", images="-"), "only one of --policy, --images and"),
        (PreviewRequest("app", images="-", diff="-"), "only one of --policy, --images and"),
        (PreviewRequest("app", compare=True, now=NOW_ISO), "--now cannot be used with --remote"),
        (PreviewRequest("app", now="tomorrow"), "--now 'tomorrow' is not a time"),
        (PreviewRequest("Bad/App"), "invalid repository name 'Bad/App'"),
    ],
)
def test_usage_errors_come_before_any_read(request_: PreviewRequest, message: str) -> None:
    reads = Reads()
    with pytest.raises(InvalidInput) as caught:
        run_preview(request_, offline(reads))
    assert str(caught.value).startswith(message)
    assert reads.calls == []


def test_check_usage_accepts_a_repository_alone() -> None:
    check_usage(PreviewRequest("app"), "app")


def test_parse_now_takes_iso_epoch_or_the_clock() -> None:
    assert parse_now(NOW_ISO) == NOW
    assert parse_now(str(NOW)) == NOW
    assert parse_now(None, clock=lambda: 42.0) == 42.0


# -- local and diff -----------------------------------------------------------------


def test_local_preview_from_files_calls_no_aws() -> None:
    reads = Reads()
    request = PreviewRequest(policy="p.json", images="i.json", now=NOW_ISO)
    result = run_preview(request, offline(reads))
    assert isinstance(result, LocalPreview)
    assert _names(result.preview) == {"A": "expire", "B": "keep", "C": "keep"}
    assert result.preview.now == NOW
    assert reads.calls == [("p.json", "policy file"), ("i.json", "images file")]


def test_without_now_the_clock_gives_the_time() -> None:
    io = PreviewIO(read=Reads(), ecr=no_aws, clock=lambda: NOW + 123.0)
    result = run_preview(PreviewRequest(policy="p.json", images="i.json"), io)
    assert isinstance(result, LocalPreview)
    assert result.preview.now == NOW + 123.0


def test_an_invalid_policy_names_its_source() -> None:
    with pytest.raises(PolicyInvalid) as caught:
        run_preview(PreviewRequest(policy="bad.json", images="i.json"), offline())
    assert str(caught.value) == (
        "invalid lifecycle policy in bad.json: rules: must be a non-empty list of rules"
    )


def test_diff_lists_the_images_whose_fate_changes_and_why() -> None:
    request = PreviewRequest(policy="p.json", images="i.json", now=NOW_ISO, diff="b.json")
    result = run_preview(request, offline())
    assert isinstance(result, Diff)
    b = MULTI.images["B"]
    assert result.to_json() == {
        "changes": [
            {
                "imageDigest": b.digest,
                "imageTags": ["beta-2", "prod-2"],
                "imagePushedAt": "2023-11-05T22:13:20+00:00",
                "before": {"type": "KEEP", "appliedRulePriority": None},
                "after": {"type": "EXPIRE", "appliedRulePriority": 1},
            }
        ],
        "summary": {
            "before": {"expiringImageTotalCount": 1},
            "after": {"expiringImageTotalCount": 2},
        },
    }
    assert result.other == "b.json"
    assert result.reasons()[b.digest] == "rule 1 (Rule 1): 2nd newest of 3, keeps 1"


def test_a_missing_diff_file_is_read_after_the_policy_and_images() -> None:
    reads = Reads()
    request = PreviewRequest(policy="p.json", images="i.json", diff="nope.json")
    with pytest.raises(InvalidInput) as caught:
        run_preview(request, offline(reads))
    assert str(caught.value) == "policy file 'nope.json' does not exist"
    assert [source for source, _ in reads.calls] == ["p.json", "i.json", "nope.json"]


# -- AWS's preview -------------------------------------------------------------------


class FakeEcr:
    """The few ECR calls the workflow makes, answered from fixed data."""

    def __init__(self, results: list[dict[str, Any]], policy: str | None = None) -> None:
        self.results = results
        self.policy = policy
        self.started: list[dict[str, Any]] = []

    def get_lifecycle_policy(self, **kwargs: Any) -> dict[str, Any]:
        return {"repositoryName": kwargs["repositoryName"], "lifecyclePolicyText": self.policy}

    def get_paginator(self, name: str) -> Any:
        assert name == "describe_images"
        details = _details()

        class Pages:
            def paginate(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
                yield {"imageDetails": details}

        return Pages()

    def start_lifecycle_policy_preview(self, **kwargs: Any) -> dict[str, Any]:
        self.started.append(kwargs)
        return {"status": "IN_PROGRESS"}

    def get_lifecycle_policy_preview(self, **kwargs: Any) -> dict[str, Any]:
        summary = {"expiringImageTotalCount": len(self.results)}
        return {"status": "COMPLETE", "previewResults": self.results, "summary": summary}


def _expired(name: str, priority: int) -> dict[str, Any]:
    image = MULTI.images[name]
    return {
        "imageTags": list(image.tags),
        "imageDigest": image.digest,
        "imagePushedAt": image.pushed_at,
        "action": {"type": "EXPIRE"},
        "appliedRulePriority": priority,
    }


def aws(ecr: FakeEcr, waits: list[tuple[str, float]]) -> PreviewIO:
    @contextmanager
    def waiting(repository: str, timeout: float) -> Iterator[None]:
        waits.append((repository, timeout))
        yield None

    return PreviewIO(read=Reads(), ecr=lambda: ecr, waiting=waiting, clock=lambda: NOW)


def test_remote_checks_the_policy_then_waits_for_aws() -> None:
    ecr, waits = FakeEcr([_expired("A", 1)]), []
    request = PreviewRequest("team/app", policy="p.json", remote=True, timeout=12.0)
    result = run_preview(request, aws(ecr, waits))
    assert isinstance(result, RemotePreview)
    assert [r["imageDigest"] for r in result.results["previewResults"]] == [
        MULTI.images["A"].digest
    ]
    assert ecr.started == [{"repositoryName": "team/app", "lifecyclePolicyText": FILES["p.json"]}]
    assert waits == [("team/app", 12.0)]


def test_remote_refuses_an_invalid_policy_before_calling_aws() -> None:
    ecr, waits = FakeEcr([]), []
    request = PreviewRequest("team/app", policy="bad.json", remote=True)
    with pytest.raises(PolicyInvalid):
        run_preview(request, aws(ecr, waits))
    assert (ecr.started, waits) == ([], [])


def test_compare_with_the_repository_policy_lists_the_disagreements() -> None:
    # an emulator with OR matching and no protection would expire B under rule 2
    ecr, waits = FakeEcr([_expired("A", 1), _expired("B", 2)], json.dumps(MULTI.policy)), []
    result = run_preview(PreviewRequest("team/app", compare=True), aws(ecr, waits))
    assert isinstance(result, Comparison)
    assert ecr.started == [{"repositoryName": "team/app"}]  # AWS previews its own policy
    assert [d["imageDigest"] for d in result.differences] == [MULTI.images["B"].digest]
    assert result.differences[0]["local"] == {"type": "KEEP", "appliedRulePriority": None}
    assert result.differences[0]["remote"] == {"type": "EXPIRE", "appliedRulePriority": 2}
    assert set(result.to_json()) == {"local", "remote", "differences"}
    assert waits == [("team/app", 300.0)]


def test_compare_sends_a_given_policy_and_agrees() -> None:
    ecr, waits = FakeEcr([_expired("A", 1)]), []
    request = PreviewRequest("team/app", policy="p.json", compare=True)
    result = run_preview(request, aws(ecr, waits))
    assert isinstance(result, Comparison)
    assert result.differences == []
    assert ecr.started[0]["lifecyclePolicyText"] == FILES["p.json"]


# -- the collector switch --------------------------------------------------------------


@pytest.mark.parametrize("enabled", [True, False])
def test_no_cyclic_gc_restores_the_collector_as_it_was(enabled: bool) -> None:
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with no_cyclic_gc():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
        with pytest.raises(RuntimeError), no_cyclic_gc():
            raise RuntimeError
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


# -- --in-use ---------------------------------------------------------------------


def test_in_use_asks_for_the_repositorys_usage_once() -> None:
    from ecrctl.usage.model import RepositoryUsage, Scope, Usage

    asked: list[str] = []
    found = RepositoryUsage("app", "123456789012", Usage(Scope("us-east-1", 5)))

    def usage(repository: str) -> RepositoryUsage:
        asked.append(repository)
        return found

    io = PreviewIO(read=Reads(), ecr=no_aws, clock=lambda: NOW, usage=usage)
    request = PreviewRequest("app", policy="p.json", images="i.json", now=NOW_ISO, in_use=True)
    result = run_preview(request, io)
    assert isinstance(result, LocalPreview) and result.usage is found
    assert asked == ["app"]
    without = run_preview(PreviewRequest("app", policy="p.json", images="i.json"), io)
    assert isinstance(without, LocalPreview) and without.usage is None
    assert asked == ["app"]


# -- the image graph ------------------------------------------------------------------


def test_a_repositorys_preview_ties_children_and_referrers_to_their_image(ecr: Any) -> None:
    """The graph is read from the repository (the indexes' manifests); an in-use
    child then keeps its index in use."""
    from ecrctl.usage.model import RepositoryUsage, Scope, Usage, Use, User
    from tests.image import graph_world as g

    ecr.create_repository(repositoryName="app")
    scene = g.build(ecr, "app")
    found = RepositoryUsage("app", "123456789012", Usage(Scope("us-east-1", 5)))
    found.by_digest[scene.amd] = [Use(User("ecs-task-definition", "web:1", "arn"), "digest")]
    files = {**FILES, "u.json": json.dumps(UNTAGGED_BEYOND_ONE)}
    io = PreviewIO(
        read=lambda source, what: files[source],
        ecr=lambda: ecr,
        clock=lambda: NOW,
        usage=lambda name: found,
    )
    result = run_preview(PreviewRequest("app", policy="u.json", in_use=True), io)
    assert isinstance(result, LocalPreview)
    fates = {f.image.digest: f for f in result.preview.fates}
    assert result.preview.counts()["expire"] == 0  # every untagged image stands with another
    assert fates[scene.amd].reason(NOW).startswith(f"kept: a child of index {scene.app[:19]}")
    assert fates[scene.signature].reason(NOW).startswith(f"kept: refers to {scene.app[:19]}")
    assert found.status(scene.app) == "in use"  # through its child
