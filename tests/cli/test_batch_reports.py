"""Every batch command's ``-o json`` is the one batch report (docs/output.md): the same
keys (``complete``, ``done``, ``failed``, ``notAttempted``, ``unknown``) beside the
command's own, the same item fields (``id``, ``detail``; ``failureCode`` and
``failureReason`` for failed and unknown items) and, per command, the same detail keys.
Each command runs through the ``cli`` fixture against moto, docker-registry or the
loopback ECR Public API."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from ecrctl.distribution import manifest as m
from tests import image_samples as s
from tests.conftest import Result, Runner
from tests.distribution.copy_support import (  # noqa: F401 - fixtures
    CopyEnv,
    copy_env_fixture,
    registries_fixture,
)
from tests.distribution.proxy import Fault, Proxy
from tests.login_support import ecr_host
from tests.public_support import FakeEcrPublic, fake_fixture  # noqa: F401 - fixture
from tests.support.names import unique

REPORT = {"complete", "done", "failed", "notAttempted", "unknown"}
FAILURE = {"failureCode", "failureReason"}
LOGGED_IN = {"registryId", "host", "proxyEndpoint", "storedIn", "expiresAt", "hoursLeft", "cached"}


@dataclass
class Case:
    """One batch command: how to run it, its own top-level keys (None: the repository
    object AWS answered, whose keys vary), the detail keys of its items (per list, else
    ``detail``'s), and the ids each list must hold."""

    fixture: str
    run: Callable[[Runner, Any], Result]
    own: set[str] | None
    detail: set[str]
    ids: dict[str, list[str]]
    detail_of: dict[str, set[str]] = field(default_factory=dict)


def image_delete(cli: Runner, ecr: Any) -> Result:
    ecr.create_repository(repositoryName="app")
    s.put(ecr, "app", s.schema2("a"), m.DOCKER_SCHEMA2, tag="v1")
    s.put(ecr, "app", s.schema2("b"), m.DOCKER_SCHEMA2, tag="v2")
    return cli("image", "delete", "app", "v1", "v2", "-o", "json")


def image_retag(cli: Runner, ecr: Any) -> Result:
    ecr.create_repository(repositoryName="locked", imageTagMutability="IMMUTABLE")
    s.put(ecr, "locked", s.schema2("one"), m.DOCKER_SCHEMA2, tag="v1")
    s.put(ecr, "locked", s.schema2("two"), m.DOCKER_SCHEMA2, tag="prod")
    return cli("image", "retag", "locked", "v1", "prod", "next", "-o", "json")


def repo_delete(cli: Runner, ecr: Any) -> Result:
    ecr.create_repository(repositoryName="app")
    s.put(ecr, "app", s.schema2("a"), m.DOCKER_SCHEMA2, tag="v1")
    return cli("repo", "delete", "app", "--force", "--yes", "-o", "json")


def repo_copy(cli: Runner, env: CopyEnv) -> Result:
    src, dst = unique(), unique()
    env.a.push_image(src, "a")
    broken = env.a.push_image(src, "b", [os.urandom(20_000)])
    env.create_repo(dst, second=True)
    with Proxy(env.a.host) as source:
        env.map_host(source.host)
        source.faults = [Fault("GET", list(broken.blobs)[-1], 100, 404)]
        return cli("repo", "copy", f"{source.host}/{src}", f"{env.b.host}/{dst}", "-o", "json")


def login(cli: Runner, fresh_tokens: None) -> Result:
    return cli("login", "-o", "json")


def login_public(cli: Runner, fake: FakeEcrPublic) -> Result:
    return cli("login", "--public", "-o", "json")


def image_delete_public(cli: Runner, fake: FakeEcrPublic) -> Result:
    kept, gone = "sha256:" + "a" * 64, "sha256:" + "b" * 64

    def answer(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        failure = {"imageId": {"imageDigest": kept}, "failureCode": "ImageNotFound"}
        return 200, {"imageIds": [{"imageDigest": gone}], "failures": [failure]}

    fake.answers["BatchDeleteImage"] = answer
    return cli("image", "delete", "app", kept, gone, "--public", "--yes", "-o", "json")


CASES = {
    "image delete": Case(
        "ecr",
        image_delete,
        {"repositoryName", "dryRun", "batchDeleteImageCalls", "results"},
        {"imageId", "action", "tagsRemoved"},
        {"done": ["v1", "v2"]},
    ),
    "image retag": Case(
        "ecr",
        image_retag,
        {"repositoryName", "source", "imageDigest", "imageManifestMediaType", "dryRun", "tags"},
        {"previousDigest", "outcome"},
        {"done": ["next"], "failed": ["prod"]},
    ),
    "repo delete": Case("ecr", repo_delete, None, {"imageTags"}, {"done": [s.sha(s.schema2("a"))]}),
    "repo copy": Case(
        "copy_env",
        repo_copy,
        {"source", "destination", "repositoryCreated", "bytesMoved", "blobs", "referrers"},
        {"digest", "outcome", "bytesMoved"},
        {"done": ["a"], "failed": ["b"]},
    ),
    "login": Case("fresh_tokens", login, set(), set(), {"done": [ecr_host()]}, {"done": LOGGED_IN}),
    "login --public": Case(
        "fake", login_public, set(), set(), {"done": ["public.ecr.aws"]}, {"done": LOGGED_IN}
    ),
    "image delete --public": Case(
        "fake",
        image_delete_public,
        {"repositoryName", "deleted", "failures"},
        set(),
        {"done": ["sha256:" + "b" * 64], "failed": ["sha256:" + "a" * 64]},
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_the_json_is_the_one_batch_report(
    name: str, cli: Runner, request: pytest.FixtureRequest
) -> None:
    case = CASES[name]
    data = case.run(cli, request.getfixturevalue(case.fixture)).json
    if case.own is None:
        assert set(data) >= REPORT | {"status", "images"}
    else:
        assert set(data) == case.own | REPORT
    assert isinstance(data["complete"], bool)
    for status in ("done", "failed", "notAttempted", "unknown"):
        entries = data[status]
        assert [e["id"] for e in entries] == case.ids.get(status, []), status
        for entry in entries:
            fields = {"id", "detail"} | (FAILURE if status in {"failed", "unknown"} else set())
            assert set(entry) == fields, entry
            assert set(entry["detail"]) == case.detail_of.get(status, case.detail), entry
            if status in {"failed", "unknown"}:
                assert isinstance(entry["failureCode"], str) and entry["failureCode"]
