"""The registry client's authentication: WWW-Authenticate challenges parsed, and the
bearer-token challenge answered against a real docker-registry with token auth, a
small token endpoint, and the credential taken from the docker config (as for
Docker Hub, GHCR or a private registry)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecrctl.distribution.client import parse_challenge
from tests.conftest import Runner, backends
from tests.distribution.copy_support import (  # noqa: F401 - fixtures
    CopyEnv,
    copy_env_fixture,
    registries_fixture,
)
from tests.distribution.token_server import TokenServer, start_token_registry
from tests.support.names import unique


@pytest.fixture(scope="module")
def bearer_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, TokenServer]]:
    workdir = tmp_path_factory.mktemp("bearer-registry")
    tokens = TokenServer("alice", "alice-secret", workdir)
    host, pid = start_token_registry(workdir, tokens)
    try:
        yield host, tokens
    finally:
        backends.stop_pid(pid)
        tokens.close()


def login(home: Path, host: str, user: str, password: str) -> None:
    docker = home / ".docker"
    docker.mkdir(exist_ok=True)
    auth = base64.b64encode(f"{user}:{password}".encode()).decode()
    (docker / "config.json").write_text(json.dumps({"auths": {host: {"auth": auth}}}))


def test_copy_to_and_from_a_token_registry(
    copy_env: CopyEnv, bearer_registry: tuple[str, TokenServer], cli: Runner, isolated: Path
) -> None:
    host, tokens = bearer_registry
    login(isolated, host, "alice", "alice-secret")
    src, mid, mounted, back = unique(), unique(), unique(), unique()
    pushed = copy_env.a.push_image(src, "1")
    there = cli("image", "copy", f"{copy_env.a.host}/{src}:1", f"{host}/{mid}:1", "-o", "json")
    assert there.exit_code == 0, there.stderr
    assert there.json["blobs"]["copied"] == 3
    assert any(f"repository:{mid}:pull,push" in s for s in tokens.issued)

    within = cli("image", "copy", f"{host}/{mid}:1", f"{host}/{mounted}:1", "-o", "json")
    assert within.exit_code == 0, within.stderr
    assert within.json["blobs"]["mounted"] == 3  # the token covers the source repository too

    copy_env.create_repo(back, second=True)
    home = cli("image", "copy", f"{host}/{mounted}:1", f"{copy_env.b.host}/{back}:1")
    assert home.exit_code == 0, home.stderr
    assert copy_env.b.manifest(back, "1").content == pushed.body
    listed = cli("registry", "api", "--registry", host, f"/v2/{mounted}/tags/list")
    assert json.loads(listed.stdout)["tags"] == ["1"]
    assert "alice-secret" not in there.stderr + within.stderr + home.stderr


def test_token_registry_without_or_with_wrong_credentials(
    bearer_registry: tuple[str, TokenServer], cli: Runner, isolated: Path, copy_env: CopyEnv
) -> None:
    host, _ = bearer_registry
    anonymous = cli("image", "inspect", f"{host}/anything:1")
    assert anonymous.exit_code == 1
    assert f"no credentials for registry {host}" in anonymous.stderr
    login(isolated, host, "alice", "wrong")
    wrong = cli("image", "inspect", f"{host}/anything:1")
    assert wrong.exit_code == 1
    assert f"registry {host} refused the credentials" in wrong.stderr
    assert "Traceback" not in wrong.stderr


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('Basic realm="basic-realm"', ("basic", {"realm": "basic-realm"})),
        (
            'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",'
            'scope="repository:library/alpine:pull"',
            (
                "bearer",
                {
                    "realm": "https://auth.docker.io/token",
                    "service": "registry.docker.io",
                    "scope": "repository:library/alpine:pull",
                },
            ),
        ),
        (
            'Bearer realm="https://ghcr.io/token",scope="repository:a/b:pull,push",error="x"',
            (
                "bearer",
                {
                    "realm": "https://ghcr.io/token",
                    "scope": "repository:a/b:pull,push",
                    "error": "x",
                },
            ),
        ),
        ("", ("", {})),
    ],
)
def test_parse_challenge(header: str, expected: tuple[str, dict[str, str]]) -> None:
    assert parse_challenge(header) == expected
