"""``ecrctl image list`` and ``image show`` through the real main() wrapper on moto's
ECR: tables, JSON, the raw manifest, bad references; a long list laid out without rich."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from ecrctl.distribution import manifest as m
from tests import image_samples as s
from tests.conftest import Runner
from tests.support.cli import one_line_error

DIGEST = "sha256:" + "ab" * 32


def test_list_table_and_json(cli: Runner, ecr: Any, repo: str) -> None:
    tagged = s.put(ecr, repo, s.schema2("t", (3 * 1024 * 1024,)), m.DOCKER_SCHEMA2, tag="v1")
    loose = s.put(ecr, repo, s.schema2("u", (1024,)), m.DOCKER_SCHEMA2)
    result = cli("image", "list", repo)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["TAGS", "DIGEST", "SIZE", "(MiB)", "PUSHED"]
    rows = {line.split()[0]: line for line in lines[1:] if line.strip()}
    assert tagged[:19] in rows["v1"] and tagged[19:] not in rows["v1"]
    assert loose[:19] in rows["<untagged>"]
    body = "\n".join(lines[1:])
    assert "3.00" in body  # 3 MiB layer + 1470 bytes of config, compressed size
    assert "ago)" in body

    data = cli("image", "list", repo, "-o", "json").json
    assert {d["imageDigest"] for d in data} == {tagged, loose}
    assert all(d["imagePushedAt"].endswith("+00:00") or "T" in d["imagePushedAt"] for d in data)
    for detail in data:
        raw = cli("image", "show", repo, detail["imageDigest"], "--raw").stdout
        assert detail["imageDigest"] == "sha256:" + hashlib.sha256(raw.encode()).hexdigest()

    untagged = cli("image", "list", repo, "--untagged", "-o", "json").json
    assert [d["imageDigest"] for d in untagged] == [loose]
    limited = cli("image", "list", repo, "--sort", "size", "--limit", "1", "-o", "json").json
    assert [d["imageDigest"] for d in limited] == [tagged]


def test_list_errors(cli: Runner, ecr: Any) -> None:
    one_line_error(cli("image", "list", "nope"), 1, "nope")
    one_line_error(cli("image", "list", "Bad"), 2, "invalid repository name 'Bad'")
    assert cli("image", "list", "x1", "--limit", "0").exit_code == 2


@pytest.mark.parametrize("kind", ["schema2", "oci", "list", "index"])
def test_show_table_json_and_raw(cli: Runner, ecr: Any, repo: str, kind: str) -> None:
    tag, digest, text = s.put_every_type(ecr, repo)[kind]
    raw = cli("image", "show", repo, tag, "--raw")
    assert raw.exit_code == 0 and raw.stdout == text  # byte for byte, no newline added
    assert digest == s.sha(raw.stdout)

    data = cli("image", "show", repo, digest, "-o", "json").json
    assert data["imageDetail"]["imageDigest"] == digest
    assert data["manifestDigest"] == digest
    assert "imageManifest" not in data

    table = cli("image", "show", repo, tag).stdout
    assert data["manifest"]["mediaType"] in table
    if kind in {"list", "index"}:
        assert "linux/amd64" in table and "linux/arm64/v8" in table
    else:
        assert data["manifest"]["config"]["digest"] in table
        for layer in data["manifest"]["layers"]:
            assert layer["digest"] in table


@pytest.mark.parametrize(
    ("ref", "code", "message"),
    [
        ("v9", 1, "no image with tag v9 in repository 'team/app'"),
        (DIGEST, 1, f"no image with digest {DIGEST}"),
        ("sha256:123", 2, "invalid image digest 'sha256:123'"),
        ("bad/tag", 2, "invalid image tag 'bad/tag'"),
    ],
)
def test_show_bad_refs(cli: Runner, repo: str, ref: str, code: int, message: str) -> None:
    one_line_error(cli("image", "show", repo, ref), code, message)


def test_show_unknown_repository(cli: Runner, ecr: Any) -> None:
    one_line_error(cli("image", "show", "nope", "v1"), 1, "nope")


def test_raw_manifest_is_not_reencoded_json(cli: Runner, ecr: Any, repo: str) -> None:
    text = s.oci_manifest()
    s.put(ecr, repo, text, m.OCI_MANIFEST, tag="v1")
    raw = cli("image", "show", repo, "v1", "--raw").stdout
    assert raw != json.dumps(json.loads(text))
    assert raw == text


def test_help_has_examples(cli: Runner) -> None:
    for command in ("list", "show", "retag", "delete", "push", "pull"):
        result = cli("image", command, "--help")
        assert result.exit_code == 0
        assert f"ecrctl image {command}" in result.stdout.split("Examples")[-1]


def test_a_long_list_to_a_pipe_looks_as_rich_draws_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Above 500 rows the plain table is laid out without rich, in rich's layout."""
    import io
    import sys
    import time
    from datetime import UTC, datetime

    from ecrctl.cli import render
    from ecrctl.cli.app import App
    from ecrctl.cli.image.query import _list_table

    details = [
        {
            "imageDigest": "sha256:" + f"{n:064x}",
            "imageTags": [f"t{n}"] if n % 3 else [],
            "imageSizeInBytes": 1024 * n,
            "imagePushedAt": datetime(2024, 1, 1, tzinfo=UTC),
        }
        for n in range(600)
    ]
    table = _list_table(details)

    def drawn(threshold: int) -> str:
        monkeypatch.setattr(render, "FAST_PLAIN_ROWS", threshold)
        out = io.StringIO()
        monkeypatch.setattr(sys, "stdout", out)
        render.print_table(App(), table)
        return out.getvalue()

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    fast, by_rich = drawn(500), drawn(10_000)
    assert fast == by_rich
    lines = [line.rstrip() for line in fast.splitlines()]
    assert len(lines) == 602  # header, rule, 600 rows
    assert lines[0] == "TAGS         DIGEST                SIZE (MiB)   PUSHED"
    assert set(lines[1]) == {"\u2500"}
    assert lines[2].startswith("<untagged>   sha256:000000000000         0.00   2024-01-01 00:00 (")
    assert lines[3].startswith("t1           sha256:000000000000         0.00   2024-01-01 00:00 (")
    assert lines[-1].startswith(
        "t599         sha256:000000000000         0.58   2024-01-01 00:00 ("
    )
    assert all(line.endswith("d ago)") for line in lines[2:])
