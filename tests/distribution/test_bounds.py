"""Bounded reads and time against hostile registries on loopback: endless bodies
(manifests, token answers, ``registry api``, error answers, tag pages) read by the
installed ``ecrctl`` in a child limited to 512 MiB of address space; servers that
trickle one byte at a time against a 2 s ``--registry-timeout``; a nested index
1,100 deep and an index "bomb" of shared children, copied to Debian's
docker-registry."""

from __future__ import annotations

import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import Runner
from tests.distribution.copy_support import (  # noqa: F401 - fixtures
    CopyEnv,
    copy_env_fixture,
    registries_fixture,
)
from tests.distribution.hostile import (
    Answer,
    Hostile,
    Image,
    endless,
    make_image,
    serve_documents,
    serve_image,
)
from tests.support.names import unique

pytestmark = pytest.mark.usefixtures("stack")  # each test over both HTTP stacks


BIN = Path(sys.executable).parent / "ecrctl"
MEMORY = 512 << 20
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"


def limited(
    *args: str, env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], float]:
    """The installed ecrctl in a child that may not map more than 512 MiB: an endless
    body cannot take the machine. (result, seconds)"""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))

    start = time.monotonic()
    done = subprocess.run(
        [str(BIN), *args],
        env={**os.environ, **(env or {})},
        preexec_fn=limit,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done, time.monotonic() - start


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    return result.stderr


# -- memory -------------------------------------------------------------------------------


def test_an_endless_manifest_is_cut_at_4_mib(registry: Hostile) -> None:
    registry.on("GET", "/manifests/", Answer(200, {"Content-Type": OCI_MANIFEST}, endless()))
    result, seconds = limited("image", "inspect", f"{registry.host}/app:1")
    assert result.returncode == 1
    assert "the answer is larger than 4 MiB" in one_line(result)
    assert seconds < 30


def test_a_manifest_declared_too_long_is_not_read(registry: Hostile) -> None:
    declared = {"Content-Type": OCI_MANIFEST, "Content-Length": str(200 << 20)}
    registry.on("GET", "/manifests/", Answer(200, declared, endless()))
    result, _ = limited("image", "inspect", f"{registry.host}/app:1")
    assert result.returncode == 1 and "larger than 4 MiB" in one_line(result)


def test_an_endless_token_answer_is_cut(registry: Hostile, other: Hostile) -> None:
    challenge = f'Bearer realm="http://{other.host}/token",service="s"'
    registry.on("*", "^/v2/", Answer(401, {"WWW-Authenticate": challenge}))
    other.on("GET", "^/token", Answer(200, {"Content-Type": "application/json"}, endless()))
    result, _ = limited("image", "inspect", f"{registry.host}/app:1")
    assert result.returncode == 1
    assert f"token service http://{other.host}" in one_line(result)
    assert "answered more than 256 KiB" in result.stderr


def test_an_endless_registry_api_answer_is_cut_at_its_documented_cap(registry: Hostile) -> None:
    registry.on("GET", "^/v2/_catalog", Answer(200, {}, endless()))
    result, _ = limited("registry", "api", "--registry", registry.host, "/v2/_catalog")
    assert result.returncode == 1 and "larger than 16 MiB" in one_line(result)


def test_an_endless_error_answer_and_tag_page_are_cut(registry: Hostile) -> None:
    registry.on("GET", "/manifests/", Answer(500, {}, endless()))
    registry.on("GET", "/tags/list", Answer(200, {}, endless()))
    env = {"ECRCTL_REGISTRY_ATTEMPTS": "1"}
    failed, _ = limited("image", "inspect", f"{registry.host}/app:1", env=env)
    assert failed.returncode == 1 and "HTTP 500" in one_line(failed)
    listed, _ = limited("repo", "copy", f"{registry.host}/app", f"{registry.host}/dst", env=env)
    assert listed.returncode == 1 and "larger than 16 MiB" in one_line(listed)


# -- time ---------------------------------------------------------------------------------


def test_a_stalling_token_service_is_named(registry: Hostile, other: Hostile, cli: Runner) -> None:
    challenge = f'Bearer realm="http://{other.host}/token",service="s"'
    registry.on("*", "^/v2/", Answer(401, {"WWW-Authenticate": challenge}))
    other.on("GET", "^/token", Answer(200, {}, (b" " for _ in range(60)), 0.5))  # 30 s
    result = cli("image", "inspect", f"{registry.host}/app:1", "--registry-timeout", "2")
    assert result.exit_code == 1
    assert f"{other.host} (for registry {registry.host}) did not finish" in result.stderr


# -- index traversal ----------------------------------------------------------------------


def _digest(body: bytes) -> str:
    return "sha256:" + hashlib.sha256(body).hexdigest()


def _index(children: list[str], name: str, documents: dict[str, tuple[str, bytes]]) -> str:
    body = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": OCI_INDEX,
            "manifests": [
                {"mediaType": documents[c][0], "digest": c, "size": len(documents[c][1])}
                for c in children
            ],
            "annotations": {"name": name},
        }
    ).encode()
    documents[_digest(body)] = (OCI_INDEX, body)
    return _digest(body)


def test_an_index_nested_1100_deep_is_refused_after_a_few_reads(
    registry: Hostile, copy_env: CopyEnv, cli: Runner
) -> None:
    image = make_image([b"bottom"])
    documents = {image.digest: (OCI_MANIFEST, image.manifest)}
    below = image.digest
    for level in range(1100):
        below = _index([below], f"level {level}", documents)
    serve_documents(registry, "deep", {"1": below}, documents)
    dst = unique()
    copy_env.create_repo(dst, second=True)
    result = cli("image", "copy", f"{registry.host}/deep:1", f"{copy_env.b.host}/{dst}:1")
    assert result.exit_code == 1
    assert "indexes nested more than 8 deep" in result.stderr
    assert "Traceback" not in result.stderr and "RecursionError" not in result.stderr
    assert len([s for s in registry.seen if "/manifests/" in s.path]) <= 10


def test_an_index_bomb_reads_each_manifest_once(
    registry: Hostile, copy_env: CopyEnv, cli: Runner
) -> None:
    """Every index of a level lists the same two indexes of the next: 254 reads
    without memoising, 15 distinct manifests."""
    images = [make_image([f"leaf {n}".encode()]) for n in range(2)]
    documents = {i.digest: (OCI_MANIFEST, i.manifest) for i in images}
    level = [i.digest for i in images]
    for depth in range(5, -1, -1):
        level = [_index(level, f"{depth}/{side}", documents) for side in "ab"]
    top = _index(level, "top", documents)
    serve_documents(registry, "bomb", {"1": top}, documents)
    blobs = {**images[0].blobs, **images[1].blobs}
    serve_image(registry, "bomb", "none", Image(b"", "", blobs), lambda _: None)
    dst = unique()
    copy_env.create_repo(dst, second=True)
    result = cli(
        "image", "copy", f"{registry.host}/bomb:1", f"{copy_env.b.host}/{dst}:1", "-o", "json"
    )
    assert result.exit_code == 0, result.stderr
    reads = [s.path for s in registry.seen if s.method == "GET" and "/manifests/" in s.path]
    assert len(reads) == len(set(reads)) == len(documents) == 15
    assert result.json["manifests"] == 15
    assert copy_env.b.manifest(dst, "1").content == documents[top][1]
