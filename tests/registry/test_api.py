"""``ecrctl registry api``: authenticated calls without a token on the command
line, against real docker-registry servers mapped to ECR accounts."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Runner
from tests.distribution.copy_support import (  # noqa: F401 - fixtures
    CopyEnv,
    copy_env_fixture,
    registries_fixture,
)
from tests.support.names import unique


def test_tags_list_of_the_callers_registry(copy_env: CopyEnv, cli: Runner) -> None:
    repo = unique()
    copy_env.a.push_image(repo, "1")
    copy_env.a.push_image(repo, "2")
    result = cli("registry", "api", f"/v2/{repo}/tags/list")
    assert result.exit_code == 0, result.stderr
    assert sorted(json.loads(result.stdout)["tags"]) == ["1", "2"]
    assert "auth-token" not in result.stdout + result.stderr


def test_paginate_follows_link_headers(copy_env: CopyEnv, cli: Runner) -> None:
    repos = [unique(), unique(), unique()]
    for repo in repos:
        copy_env.b.push_image(repo, "1")
    host = copy_env.b.host
    one = cli("registry", "api", "--registry", host, "/v2/_catalog?n=1", "-i")
    assert one.exit_code == 0, one.stderr
    assert 'rel="next"' in one.stdout
    assert len(json.loads(one.stdout.split("\n\n", 1)[1])["repositories"]) == 1
    every = cli("registry", "api", "--registry", host, "_catalog?n=1", "--paginate")
    assert every.exit_code == 0, every.stderr
    found = json.loads(every.stdout)["repositories"]
    assert set(repos) <= set(found) and len(found) == len(set(found)) >= 3


def test_head_with_headers(copy_env: CopyEnv, cli: Runner) -> None:
    repo = unique()
    pushed = copy_env.a.push_image(repo, "1")
    args = ("registry", "api", f"/v2/{repo}/manifests/1", "--method", "HEAD", "-i")
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("HTTP 200 OK\n")
    assert f"Docker-Content-Digest: {pushed.digest}" in result.stdout


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (("/v2/nothing-here/tags/list",), 1, "HTTP 404"),
        (("https://elsewhere.invalid/v2/",), 2, "invalid API path"),
        (("/v2/", "--method", "POST"), 2, "invalid value for '--method'"),
    ],
)
def test_failures(
    copy_env: CopyEnv, cli: Runner, args: tuple[str, ...], code: int, text: str
) -> None:
    result = cli("registry", "api", *args)
    assert result.exit_code == code
    assert text in result.stderr
