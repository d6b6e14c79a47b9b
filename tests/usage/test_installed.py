"""The installed ``ecrctl`` against moto_server's ECR, ECS and Lambda: the
lifecycle preview (local and --remote), image delete and image list, with real
faults from a loopback proxy for what moto cannot produce (AccessDenied, the
digest ECS reports for a task, AWS's lifecycle preview)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.usage import world as w
from tests.usage.proxy import Rules, proxy

BIN = Path(sys.executable).parent
KEEP_NEWEST = json.dumps(
    {
        "rules": [
            {
                "rulePriority": 1,
                "selection": {
                    "tagStatus": "any",
                    "countType": "imageCountMoreThan",
                    "countNumber": 1,
                },
                "action": {"type": "expire"},
            }
        ]
    }
)


def ecrctl(url: str, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    """ecrctl with only ECR's endpoint set: every other service follows it to the emulator."""
    env = dict(os.environ, AWS_ENDPOINT_URL_ECR=url)
    return subprocess.run(
        [str(BIN / "ecrctl"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        input=input,
    )


@pytest.fixture
def scene(usage_url: str) -> w.World:
    found = w.clients(endpoint_url=usage_url)
    w.build(found)
    return found


@pytest.fixture
def policy(tmp_path: Path) -> str:
    path = tmp_path / "policy.json"
    path.write_text(KEEP_NEWEST)
    return str(path)


def _by_digest(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["imageDigest"]: r for r in data["previewResults"]}


def test_preview_marks_the_expiring_images_in_use(
    scene: w.World, usage_url: str, policy: str
) -> None:
    result = ecrctl(
        usage_url, "policy", "lifecycle", "preview", "app", "--policy", policy, "--in-use"
    )
    assert result.returncode == 0, result.stderr
    header = result.stdout.splitlines()[0].split()
    assert header[:6] == ["TAGS", "DIGEST", "PUSHED", "FATE", "IN", "USE"]
    v1_row = next(line for line in result.stdout.splitlines() if line.startswith("v1 "))
    assert "expire" in v1_row and "task def web:1, service prod/web, 1 task(s)" in v1_row
    assert (
        "usage scanned: account 123456789012, us-east-1: ECS 1 cluster(s), 1 service(s)"
        in result.stderr
    )
    assert "Lambda 1 image function(s), 2 version(s), 1 alias(es); Batch 0" in result.stderr
    assert "newest 5 revision(s) of 1 task-definition family(ies)" in result.stderr
    # 5 images, keep 1: v3 (the newest) stays; of the 4 others, v1 and v2 are in use
    assert "5 image(s): 4 expire, 1 kept" in result.stderr
    assert "; 2 of the 4 affected in use" in result.stderr


def test_preview_json_fields_and_fail_if_in_use(
    scene: w.World, usage_url: str, policy: str
) -> None:
    args = ("policy", "lifecycle", "preview", "app", "--policy", policy, "-o", "json")
    result = ecrctl(usage_url, *args, "--fail-if-in-use")
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].startswith(
        "ecrctl: error: 2 image(s) the policy would expire or archive are in use"
    )
    data = json.loads(result.stdout)
    rows = _by_digest(data)
    v1 = rows[scene.digests["app:v1"]]
    assert v1["inUse"] is True
    kinds = {(u["kind"], u["via"]) for u in v1["inUseBy"]}
    assert ("ecs-service", "tag v1") in kinds and ("ecs-task-definition", "tag v1") in kinds
    assert rows[scene.digests["app:old"]]["inUse"] is False
    assert scene.digests["app:v3"] not in rows  # kept: the newest
    assert data["usage"]["complete"] is True
    assert data["usage"]["affectedInUse"] == 2
    assert data["usage"]["scope"]["ecs"]["clusters"] == 1


def test_preview_without_in_use_is_unchanged(scene: w.World, usage_url: str, policy: str) -> None:
    args = ("policy", "lifecycle", "preview", "app", "--policy", policy, "-o", "json")
    data = json.loads(ecrctl(usage_url, *args).stdout)
    assert "usage" not in data and "inUse" not in data["previewResults"][0]


def test_delete_refuses_an_image_in_use_and_names_the_users(scene: w.World, usage_url: str) -> None:
    refused = ecrctl(usage_url, "image", "delete", "app", scene.digests["app:v3"], "--yes")
    assert refused.returncode == 1
    line = refused.stderr.strip().splitlines()[-1]
    assert line.startswith("ecrctl: error: refusing to delete 1 image(s) or tag(s) in use: app@")
    assert "function fn:1 (alias live) [running]" in line and "--force" in line
    tag = ecrctl(usage_url, "image", "delete", "app", "v1")
    assert tag.returncode == 1 and "app:v1 is used by" in tag.stderr
    listed = scene.ecr.list_images(repositoryName="app")["imageIds"]
    assert len(listed) == 5  # nothing deleted


def test_delete_of_unused_images_and_with_force_without_a_scan(
    scene: w.World, usage_url: str
) -> None:
    rules = Rules()
    with proxy(usage_url, rules) as url:
        unused = ecrctl(url, "image", "delete", "app", "old", "--untagged", "--yes")
        assert unused.returncode == 0, unused.stderr
        assert [line.split(":")[0] for line in unused.stderr.splitlines()] == ["usage scanned"]
        assert "ecs:ListClusters" in rules.seen
        rules.seen.clear()
        forced = ecrctl(url, "image", "delete", "app", "v1", "--force")
    assert forced.returncode == 0, forced.stderr
    assert not [action for action in rules.seen if action.startswith(("ecs:", "lambda:"))]
    tags = {i.get("imageTag") for i in scene.ecr.list_images(repositoryName="app")["imageIds"]}
    assert tags == {"v2", "v3"}


def test_image_list_in_use_column_and_json(scene: w.World, usage_url: str) -> None:
    table = ecrctl(usage_url, "image", "list", "app", "--in-use")
    assert table.returncode == 0, table.stderr
    assert "IN USE" in table.stdout.splitlines()[0]
    old_row = next(line for line in table.stdout.splitlines() if line.startswith("old "))
    assert old_row.rstrip().endswith("-")
    data = json.loads(ecrctl(usage_url, "image", "list", "app", "--in-use", "-o", "json").stdout)
    by_tag = {tuple(d.get("imageTags") or ()): d for d in data}
    assert by_tag[("v2",)]["inUseBy"][0]["name"] == "web:2"
    lam = by_tag[("v3",)]["inUseBy"]
    assert {(u["name"], u["via"]) for u in lam} == {("fn:$LATEST", "running"), ("fn:1", "running")}
    assert [u.get("aliases") for u in lam if u["name"] == "fn:1"] == [["live"]]
    assert by_tag[("old",)] | {"inUse": False} == by_tag[("old",)]


def test_image_list_in_use_counts_an_index_in_use_for_its_children(
    scene: w.World, usage_url: str
) -> None:
    """ECS runs an index by its tag; the platform image a host pulls is an untagged
    child of it, in use too (as the lifecycle preview and image delete judge it)."""
    from ecrctl.distribution import manifest as mt
    from tests import image_samples as samples

    scene.ecr.create_repository(repositoryName="multi")
    amd, arm = samples.oci_manifest("multi-amd"), samples.oci_manifest("multi-arm")
    children = [samples.put(scene.ecr, "multi", kid, mt.OCI_MANIFEST) for kid in (amd, arm)]
    index = samples.put(scene.ecr, "multi", samples.oci_index([amd, arm]), mt.OCI_INDEX, "v1")
    loose = samples.put(scene.ecr, "multi", samples.oci_manifest("multi-loose"), mt.OCI_MANIFEST)
    scene.task_definition("api", w.uri("multi", "v1"))
    for args in (("multi",), ("multi", "--untagged")):  # the index outside the listing too
        result = ecrctl(usage_url, "image", "list", *args, "--in-use", "-o", "json")
        assert result.returncode == 0, result.stderr
        used = {d["imageDigest"]: d["inUse"] for d in json.loads(result.stdout)}
        assert used == {
            **({index: True} if len(args) == 1 else {}),
            **dict.fromkeys(children, True),
            loose: False,
        }
    # without ecr:BatchGetImage the graph does not read: usage unknown, never "not in use"
    rules = Rules(deny={"ecr:BatchGetImage"})
    with proxy(usage_url, rules) as url:
        unread = ecrctl(url, "image", "list", "multi", "--in-use", "-o", "json")
    assert unread.returncode == 0, unread.stderr
    assert "ecr:BatchGetImage" in rules.seen
    warnings = [line for line in unread.stderr.splitlines() if "warning" in line]
    assert warnings == [
        "ecrctl: warning: no permission for ecr:BatchGetImage: image usage is unknown "
        "(the indexes' manifests, which tie each index to its children, could not be read)"
    ]
    shown = {d["imageDigest"]: d["inUse"] for d in json.loads(unread.stdout)}
    assert shown == {index: True, **dict.fromkeys([*children, loose], None)}


@pytest.fixture
def denied(usage_url: str, scene: w.World) -> Iterator[tuple[str, Rules]]:
    rules = Rules(deny={"ecs:ListClusters"})
    with proxy(usage_url, rules) as url:
        yield url, rules


def test_missing_permission_is_a_warning_and_usage_unknown(
    denied: tuple[str, Rules], policy: str
) -> None:
    url, rules = denied
    result = ecrctl(url, "image", "list", "app", "--in-use", "-o", "json")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert warnings == [
        "ecrctl: warning: no permission for ecs:ListClusters: image usage is unknown "
        "(User: arn:aws:iam::123456789012:user/ci is not authorized to perform: "
        "ecs:ListClusters)"
    ]
    data = json.loads(result.stdout)
    by_tag = {tuple(d.get("imageTags") or ()): d for d in data}
    assert by_tag[("old",)]["inUse"] is None  # unknown, not "not in use"
    assert by_tag[("v3",)]["inUse"] is True  # Lambda still seen
    assert "ecs:ListClusters" in rules.seen
    args = ("policy", "lifecycle", "preview", "app", "--policy", policy, "--fail-if-in-use")
    failed = ecrctl(url, *args)
    assert failed.returncode == 1


def test_lambda_denied_too(usage_url: str, scene: w.World) -> None:
    rules = Rules(deny={"lambda:ListFunctions"})
    with proxy(usage_url, rules) as url:
        result = ecrctl(url, "image", "list", "app", "--in-use")
    assert "no permission for lambda:ListFunctions" in result.stderr
    assert "unknown" in next(ln for ln in result.stdout.splitlines() if ln.startswith("old "))


def test_a_tasks_reported_digest_is_the_one_in_use(usage_url: str, scene: w.World) -> None:
    running = scene.digests["app:untagged"]  # what the task pulled before v1 moved

    def report_digest(data: dict[str, Any]) -> dict[str, Any]:
        for task in data["tasks"]:
            for container in task["containers"]:
                container["imageDigest"] = running
        return data

    with proxy(usage_url, Rules(rewrite={"ecs:DescribeTasks": report_digest})) as url:
        result = ecrctl(url, "image", "list", "app", "--untagged", "--in-use", "-o", "json")
    [detail] = json.loads(result.stdout)
    assert detail["inUse"] is True
    assert [(u["kind"], u["via"]) for u in detail["inUseBy"]] == [("ecs-task", "running")]


def test_remote_preview_marks_in_use(usage_url: str, scene: w.World) -> None:
    v2 = scene.digests["app:v2"]
    old = scene.digests["app:old"]
    result_rows = [
        {
            "imageDigest": digest,
            "imageTags": [tag],
            "imagePushedAt": 1_700_000_000,
            "action": {"type": "EXPIRE"},
            "appliedRulePriority": 1,
        }
        for digest, tag in ((v2, "v2"), (old, "old"))
    ]
    canned = {
        "ecr:StartLifecyclePolicyPreview": {"repositoryName": "app", "status": "IN_PROGRESS"},
        "ecr:GetLifecyclePolicyPreview": {
            "repositoryName": "app",
            "status": "COMPLETE",
            "previewResults": result_rows,
            "summary": {"expiringImageTotalCount": 2},
        },
    }
    with proxy(usage_url, Rules(respond=canned)) as url:
        table = ecrctl(url, "policy", "lifecycle", "preview", "app", "--remote", "--in-use")
        data = json.loads(
            ecrctl(
                url, "policy", "lifecycle", "preview", "app", "--remote", "--in-use", "-o", "json"
            ).stdout
        )
    assert table.returncode == 0, table.stderr
    assert "task def web:2" in table.stdout
    assert "2 image(s) affected; 1 of the 2 affected in use" in table.stderr
    rows = _by_digest(data)
    assert rows[v2]["inUse"] is True and rows[old]["inUse"] is False
    assert data["usage"]["affectedInUse"] == 1


def test_progress_on_a_terminal_and_none_when_piped(scene: w.World, usage_url: str) -> None:
    import pty
    import threading

    master, slave = pty.openpty()
    chunks: list[bytes] = []

    def drain() -> None:  # read as it comes: a full terminal would block the child
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=drain)
    reader.start()
    env = dict(os.environ, AWS_ENDPOINT_URL_ECR=usage_url, TERM="xterm")
    proc = subprocess.Popen(
        [str(BIN / "ecrctl"), "image", "list", "app", "--in-use", "-o", "json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=slave,
        text=True,
    )
    os.close(slave)
    stdout, _ = proc.communicate(timeout=120)
    reader.join(timeout=10)
    os.close(master)
    seen = b"".join(chunks)
    assert proc.returncode == 0
    assert b"scanning usage: " in seen  # the bar, drawn on the terminal
    assert len(json.loads(stdout)) == 5  # stdout stays parseable
    piped = ecrctl(usage_url, "image", "list", "app", "--in-use", "-o", "json")
    assert "scanning usage" not in piped.stderr


def test_check_then_put_guard_with_the_suggested_policy(
    scene: w.World, usage_url: str, policy: str
) -> None:
    checked = ecrctl(usage_url, "policy", "lifecycle", "check", "app", policy)
    assert checked.returncode == 1
    suggested = checked.stdout[checked.stdout.index("{") :]
    refused = ecrctl(usage_url, "policy", "lifecycle", "put", "app", policy, "--guard", "--yes")
    assert refused.returncode == 1 and "refusing to put a policy" in refused.stderr
    put = ecrctl(
        usage_url, "policy", "lifecycle", "put", "app", "-", "--guard", "--yes", input=suggested
    )
    assert put.returncode == 0, put.stderr
    stored = json.loads(scene.ecr.get_lifecycle_policy(repositoryName="app")["lifecyclePolicyText"])
    assert [r["selection"].get("tagPatternList") for r in stored["rules"]] == [
        ["v1"],
        ["v2"],
        None,
    ]
