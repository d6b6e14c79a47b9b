"""``ecrctl repo copy``: every tag, shared blobs sent once, the per-item report,
and real interruptions (SIGINT, SIGTERM to a running ``ecrctl``) then a rerun."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import ACCOUNT, Runner
from tests.distribution.copy_support import (  # noqa: F401 - fixtures
    REGION_A,
    REGION_B,
    SECOND,
    CopyEnv,
    copy_env_fixture,
    proxy_b_fixture,
    registries_fixture,
)
from tests.distribution.images import Pushed, Registry
from tests.distribution.proxy import Fault, Proxy
from tests.login_support import ECRCTL
from tests.support.names import unique


def push_tags(registry: Registry, repository: str, tags: list[str]) -> list[Pushed]:
    """Images that share two base layers and have one layer of their own each."""
    base = [os.urandom(40_000), os.urandom(30_000)]
    return [registry.push_image(repository, t, [*base, os.urandom(10_000)]) for t in tags]


def ids(entries: list[dict[str, object]]) -> list[str]:
    """The ids of one list of the batch report, sorted."""
    return sorted(str(e["id"]) for e in entries)


def unique_bytes(images: list[Pushed]) -> int:
    blobs: dict[str, int] = {}
    for image in images:
        blobs.update(image.blobs)
    return sum(blobs.values())


def test_every_tag_each_shared_blob_once_then_nothing(
    copy_env: CopyEnv, proxy_b: Proxy, cli: Runner
) -> None:
    src, dst = unique(), unique()
    images = push_tags(copy_env.a, src, ["1.0", "1.1", "2.0", "latest", "dev"])
    copy_env.create_repo(dst, second=True)
    result = cli("repo", "copy", f"{copy_env.a.host}/{src}", f"{proxy_b.host}/{dst}", "-o", "json")
    assert result.exit_code == 0, result.stderr
    report = result.json
    assert report["complete"] is True and report["failed"] == report["notAttempted"] == []
    assert ids(report["done"]) == ["1.0", "1.1", "2.0", "dev", "latest"]
    assert proxy_b.counters.uploaded == unique_bytes(images) == report["bytesMoved"]
    assert report["blobs"]["copied"] == 2 + 2 * len(images)
    for image in images:
        assert copy_env.b.manifest(dst, image.tag).content == image.body
    # the destination is asked about each blob once, however many tags share it (the
    # next images are read while one is written), and each small blob goes up in the
    # PUT that commits it: an upload is a POST and a PUT
    asked = Counter(p.rsplit("/", 1)[1] for m, p, _ in proxy_b.counters.sent if m == "HEAD")
    blobs = {d for image in images for d in image.blobs}
    assert {d: asked[d] for d in blobs} == dict.fromkeys(blobs, 1)
    methods = Counter(m for m, p, _ in proxy_b.counters.sent if "/blobs/uploads/" in p)
    assert methods == {"POST": len(blobs), "PUT": len(blobs)}

    proxy_b.reset()
    again = cli("repo", "copy", f"{copy_env.a.host}/{src}", f"{proxy_b.host}/{dst}", "-o", "json")
    assert again.exit_code == 0, again.stderr
    assert {d["detail"]["outcome"] for d in again.json["done"]} == {"unchanged"}
    assert proxy_b.counters.uploaded == 0


def test_tag_pattern_and_table(copy_env: CopyEnv, cli: Runner) -> None:
    src, dst = unique(), unique()
    push_tags(copy_env.a, src, ["v1.0", "v1.1", "v2.0"])
    copy_env.create_repo(dst)
    result = cli("repo", "copy", f"{copy_env.a.host}/{src}", dst, "--tags", "v1.*")
    assert result.exit_code == 0, result.stderr
    lines = [line.split() for line in result.stdout.splitlines()]
    assert lines[0] == ["ITEM", "STATUS", "DETAIL"]
    assert [row[:2] for row in lines[1:] if not row[0].startswith("─")] == [
        ["v1.0", "copied"],
        ["v1.1", "copied"],
    ]
    assert copy_env.a.tags(dst) == ["v1.0", "v1.1"]
    assert "2 done, 0 failed, 0 not attempted" in result.stderr


def test_failed_items_are_reported_with_their_code(copy_env: CopyEnv, cli: Runner) -> None:
    src, dst = unique(), unique()
    images = push_tags(copy_env.a, src, ["a", "b", "c"])
    own_layer_of_b = list(images[1].blobs)[-1]
    copy_env.create_repo(dst, second=True)
    with Proxy(copy_env.a.host) as source:
        copy_env.map_host(source.host)
        source.faults = [Fault("GET", own_layer_of_b, 100, 404)]
        result = cli(
            "repo", "copy", f"{source.host}/{src}", f"{copy_env.b.host}/{dst}", "-o", "json"
        )
    assert result.exit_code == 1
    report = result.json
    # the batch ran to its end: b failed by the registry's own answer (docs/output.md)
    assert report["complete"] is True
    assert ids(report["done"]) == ["a", "c"]
    [failed] = report["failed"]
    assert failed["id"] == "b" and failed["failureCode"] == "NotFound"
    assert report["notAttempted"] == report["unknown"] == []
    assert copy_env.b.tags(dst) == ["a", "c"]


def test_a_manifest_put_whose_answers_are_lost_is_read_back(
    copy_env: CopyEnv, proxy_b: Proxy, cli: Runner
) -> None:
    """b's manifest is stored by the registry on every attempt but each answer is a
    500: read back, b is done. c's attempts never reach the registry: failed."""
    src, dst = unique(), unique()
    images = push_tags(copy_env.a, src, ["a", "b", "c"])
    copy_env.create_repo(dst, second=True)
    proxy_b.faults = [
        Fault("PUT", f"/{dst}/manifests/b", 100, 500, after=True),
        Fault("PUT", f"/{dst}/manifests/c", 100, 500),
    ]
    result = cli("repo", "copy", f"{copy_env.a.host}/{src}", f"{proxy_b.host}/{dst}", "-o", "json")
    assert result.exit_code == 1, result.stderr
    report = result.json
    assert ids(report["done"]) == ["a", "b"]
    done_b = next(d for d in report["done"] if d["id"] == "b")
    assert done_b["detail"]["digest"] == images[1].digest
    [failed] = report["failed"]
    assert failed["id"] == "c" and failed["failureCode"] == "ServiceError"
    assert "HTTP 500" in failed["failureReason"]
    assert report["complete"] is True  # c failed by the registry's own answer
    assert copy_env.b.tags(dst) == ["a", "b"]


def test_interrupted_run_resumes_and_moves_only_the_rest(copy_env: CopyEnv, proxy_b: Proxy) -> None:
    src, dst = unique(), unique()
    tags = [f"t{i}" for i in range(8)]
    images = push_tags(copy_env.a, src, tags)
    copy_env.create_repo(dst, second=True)
    proxy_b.delay = ("/manifests/t", 0.4)  # each tag takes a while to land
    args = [
        ECRCTL,
        "repo",
        "copy",
        f"{copy_env.a.host}/{src}",
        f"{proxy_b.host}/{dst}",
        "-o",
        "json",
    ]
    proc = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy()
    )
    deadline = time.monotonic() + 30
    while len(copy_env.b.tags(dst)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err.decode()
    report = json.loads(out)
    assert report["complete"] is False and report["failed"] == []
    done = ids(report["done"])
    # the copy in flight was waited for: done, not unknown
    assert len(done) >= 2 and report["notAttempted"] and report["unknown"] == [], err.decode()
    assert sorted(done + ids(report["notAttempted"])) == tags
    assert "interrupted" in err.decode() and "Traceback" not in err.decode()
    first_bytes = proxy_b.counters.uploaded

    proxy_b.reset()
    proxy_b.delay = None
    rerun = subprocess.run(args, capture_output=True, env=os.environ.copy(), timeout=60)
    assert rerun.returncode == 0, rerun.stderr.decode()
    statuses = {d["id"]: d["detail"]["outcome"] for d in json.loads(rerun.stdout)["done"]}
    assert all(statuses[t] == "unchanged" for t in done)
    assert copy_env.b.tags(dst) == sorted(tags)
    assert first_bytes + proxy_b.counters.uploaded >= unique_bytes(images)
    assert proxy_b.counters.uploaded < unique_bytes(images)
    for image in images:
        assert copy_env.b.manifest(dst, image.tag).content == image.body


def test_sigterm_during_a_manifest_put_leaves_that_tag_unknown(
    copy_env: CopyEnv, proxy_b: Proxy
) -> None:
    """SIGTERM while t3's manifest PUT is held by the registry longer than ecrctl waits
    for calls in flight: t0-t2 done, t3 unknown (sent, no answer; it lands later),
    t4-t7 not attempted, exit 143; a rerun copies the rest and moves t3 no more."""
    src, dst = unique(), unique()
    tags = [f"t{i}" for i in range(8)]
    images = {image.tag: image for image in push_tags(copy_env.a, src, tags)}
    copy_env.create_repo(dst, second=True)
    proxy_b.delay, proxy_b.delay_method = (f"/{dst}/manifests/t3", 8.0), "PUT"
    args = [ECRCTL, "repo", "copy", f"{copy_env.a.host}/{src}", f"{proxy_b.host}/{dst}"]
    proc = subprocess.Popen(
        [*args, "-o", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy()
    )

    def put_of_t3_sent() -> bool:
        sent = list(proxy_b.counters.sent)
        return any(m == "PUT" and p.endswith(f"/{dst}/manifests/t3") for m, p, _ in sent)

    deadline = time.monotonic() + 30
    while not put_of_t3_sent() and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 143, err.decode()
    report = json.loads(out)
    assert ids(report["done"]) == ["t0", "t1", "t2"]
    [unknown] = report["unknown"]
    assert unknown["id"] == "t3" and unknown["failureCode"] == "Unconfirmed"
    assert ids(report["notAttempted"]) == ["t4", "t5", "t6", "t7"]
    assert report["failed"] == [] and report["complete"] is False
    errors = [line for line in err.decode().splitlines() if line.startswith("ecrctl: error:")]
    assert len(errors) == 1 and "terminated (SIGTERM)" in errors[0], err.decode()
    assert "3 of 8 copied, 4 not attempted, 1 unknown" in errors[0]
    assert "Traceback" not in err.decode()
    for tag in ("t0", "t1", "t2"):
        assert copy_env.b.manifest(dst, tag).content == images[tag].body
    assert not set(copy_env.b.tags(dst)) & {"t4", "t5", "t6", "t7"}

    # the held PUT was sent: it lands after ecrctl is gone, as "unknown" warned
    deadline = time.monotonic() + 15
    while "t3" not in copy_env.b.tags(dst) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert copy_env.b.manifest(dst, "t3").content == images["t3"].body
    proxy_b.delay = None
    rerun = subprocess.run([*args, "-o", "json"], capture_output=True, env=os.environ.copy())
    assert rerun.returncode == 0, rerun.stderr.decode()
    outcomes = {d["id"]: d["detail"]["outcome"] for d in json.loads(rerun.stdout)["done"]}
    assert [outcomes[t] for t in tags] == ["unchanged"] * 4 + ["copied"] * 4
    assert copy_env.b.tags(dst) == tags


def test_repository_arguments_take_no_tag(copy_env: CopyEnv, cli: Runner) -> None:
    result = cli("repo", "copy", "team/app:1", "team/other")
    assert result.exit_code == 2
    assert "names an image, not a repository" in result.stderr


def test_include_untagged_from_an_ecr_source(copy_env: CopyEnv, cli: Runner) -> None:
    """The untagged digests come from ECR's ListImages (moto is told about the image
    the registry holds, as ECR, one service, knows by itself)."""
    src, dst = unique(), unique()
    tagged = copy_env.a.push_image(src, "1")
    loose = copy_env.a.push_image(src, None)
    copy_env.create_repo(src)
    copy_env.create_repo(dst, second=True)
    copy_env.ecr().put_image(
        repositoryName=src,
        imageManifest=loose.body.decode(),
        imageDigest=loose.digest,
        imageManifestMediaType="application/vnd.docker.distribution.manifest.v2+json",
    )
    args = ("repo", "copy", f"{copy_env.a.host}/{src}", f"{copy_env.b.host}/{dst}", "-o", "json")
    result = cli(*args, "--include-untagged")
    assert result.exit_code == 0, result.stderr
    assert [d["id"] for d in result.json["done"]] == ["1", loose.digest]
    assert copy_env.b.manifest(dst, loose.digest).content == loose.body
    assert copy_env.b.manifest(dst, "1").content == tagged.body
    assert copy_env.b.tags(dst) == ["1"]


def test_include_untagged_needs_an_ecr_source(copy_env: CopyEnv, cli: Runner) -> None:
    with Proxy(copy_env.a.host) as plain:  # not mapped: no ECR API behind it
        result = cli("repo", "copy", f"{plain.host}/team/app", "team/app", "--include-untagged")
    assert result.exit_code == 2
    assert "--include-untagged needs an ECR source" in result.stderr


@pytest.mark.parametrize("create", [True, False])
def test_a_missing_source_is_told_first_and_creates_no_destination(
    copy_env: CopyEnv, cli: Runner, create: bool
) -> None:
    """The destination is checked beside the source's listing, but a missing source is
    what the user hears (exit 1, one line), not the missing destination's exit 2; and
    --create makes the destination only once the source's tags are listed, so nothing
    is left behind."""
    src, dst = unique(), unique()
    args = ("repo", "copy", f"{copy_env.a.host}/{src}", f"{copy_env.b.host}/{dst}")
    result = cli(*args, *(["--create"] if create else []))
    assert result.exit_code == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and src in lines[0], result.stderr
    assert "--create" not in result.stderr and "Traceback" not in result.stderr
    listed = copy_env.ecr(REGION_B).describe_repositories(registryId=SECOND)["repositories"]
    assert dst not in [r["repositoryName"] for r in listed]


def test_one_token_per_host_and_one_session_for_one_profile_in_one_region(
    copy_env: CopyEnv, moto_url: str, cli: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three tags between two accounts of one region, no token cache: one
    GetAuthorizationToken per registry host (a proxy in front of moto counts them),
    every call (the tokens, the destination's DescribeRepositories) signed by one
    botocore session, whose credential_process ran once."""
    from tests.support.aws_calls import api_calls, counted_profile, credential_runs

    src, dst = unique(), unique()
    push_tags(copy_env.a, src, ["1", "2", "3"])
    copy_env.ecr(REGION_A).create_repository(repositoryName=dst, registryId=SECOND)
    runs = counted_profile(tmp_path / "profile")
    monkeypatch.setenv("ECRCTL_NO_CACHE", "1")
    with Proxy(moto_url.split("://", 1)[1]) as ecr_api:
        copy_env.config.write_text(
            "".join(
                f'[registries."{host}"]\naccount = "{account}"\nregion = "{REGION_A}"\n'
                f'endpoint_url = "http://{ecr_api.host}"\n\n'
                for host, account in ((copy_env.a.host, ACCOUNT), (copy_env.b.host, SECOND))
            )
        )
        args = ("repo", "copy", f"{copy_env.a.host}/{src}", f"{copy_env.b.host}/{dst}")
        result = cli("--profile", "counted", *args, "-o", "json")
        calls = api_calls(ecr_api)
    assert result.exit_code == 0, result.stderr
    assert ids(result.json["done"]) == ["1", "2", "3"]
    assert sorted(op for op, *_ in calls) == [
        "DescribeRepositories",
        "GetAuthorizationToken",
        "GetAuthorizationToken",
    ]
    assert len({key for *_, key in calls}) == credential_runs(runs) == 1
