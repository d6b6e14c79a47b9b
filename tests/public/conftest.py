"""ECR Public on loopback: its API (the FakeEcrPublic stand-in, answering from a
small world of repositories, images and aliases) and its registry: a real
docker-registry behind a token endpoint that, like public.ecr.aws's, gives
anonymous callers pull tokens and ECR Public's token holder push tokens. The
registry's host is mapped with ``public = true`` in ecrctl's config.toml."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import backends
from tests.distribution.token_server import SERVICE, TokenServer, start_token_registry
from tests.public_support import (  # noqa: F401 - the fake fixture
    PUBLIC_PASSWORD,
    FakeEcrPublic,
    fake_fixture,
    public_repository,
)
from tests.support.names import unique

ACCOUNT = "123456789012"
ALIAS = "ecrctl-alias"
NOW = datetime(2026, 1, 2, tzinfo=UTC)


@dataclass
class PublicRegistry:
    host: str
    tokens: TokenServer

    def manifest(self, path: str, ref: str) -> requests.Response:
        """GET a manifest as an anonymous client would, through the token endpoint."""
        token = requests.get(
            self.tokens.realm,
            params={"service": SERVICE, "scope": f"repository:{path}:pull"},
            timeout=10,
        ).json()["token"]
        return requests.get(
            f"http://{self.host}/v2/{path}/manifests/{ref}",
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/vnd.docker.distribution.manifest.v2+json",
            },
            timeout=10,
        )


@pytest.fixture(scope="session")
def public_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PublicRegistry]:
    workdir = tmp_path_factory.mktemp("public-registry")
    tokens = TokenServer("AWS", PUBLIC_PASSWORD, workdir, anonymous_pull=True)
    host, pid = start_token_registry(workdir, tokens)
    try:
        yield PublicRegistry(host, tokens)
    finally:
        backends.stop_pid(pid)
        tokens.close()


@dataclass
class PublicWorld:
    """What the fake ECR Public API knows: repositories, image details, aliases."""

    fake: FakeEcrPublic
    repositories: set[str] = field(default_factory=set)
    images: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    aliases: list[dict[str, Any]] = field(
        default_factory=lambda: [
            {
                "name": ALIAS,
                "status": "ACTIVE",
                "primaryRegistryAlias": True,
                "defaultRegistryAlias": False,
            },
            {
                "name": "a1b2c3d4",
                "status": "ACTIVE",
                "primaryRegistryAlias": False,
                "defaultRegistryAlias": True,
            },
        ]
    )

    def repository(self, name: str) -> dict[str, Any]:
        return public_repository(name, alias=ALIAS)

    def new_repository(self) -> str:
        """A new public repository's name, which the API now knows."""
        name = unique()
        self.repositories.add(name)
        return name

    def answer(self) -> None:
        self.fake.answers["DescribeRepositories"] = self._repositories
        self.fake.answers["DescribeRegistries"] = lambda body: (
            200,
            {
                "registries": [
                    {
                        "registryId": ACCOUNT,
                        "registryArn": f"arn:aws:ecr-public::{ACCOUNT}:registry/{ACCOUNT}",
                        "registryUri": f"public.ecr.aws/{ALIAS}",
                        "verified": False,
                        "aliases": self.aliases,
                    }
                ]
            },
        )
        self.fake.answers["DescribeImages"] = self._images

    def _repositories(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        names = body.get("repositoryNames") or sorted(self.repositories)
        missing = [n for n in names if n not in self.repositories]
        if missing:
            message = f"The repository with name '{missing[0]}' does not exist"
            return 400, {"__type": "RepositoryNotFoundException", "message": message}
        return 200, {"repositories": [self.repository(n) for n in names]}

    def _images(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        details = self.images.get(body["repositoryName"], [])
        wanted = body.get("imageIds")
        if wanted:
            details = [
                d
                for d in details
                for i in wanted
                if d["imageDigest"] == i.get("imageDigest") or i.get("imageTag") in d["imageTags"]
            ]
            if not details:
                return 400, {"__type": "ImageNotFoundException", "message": "no such image"}
        return 200, {"imageDetails": details}


@pytest.fixture
def world(fake: FakeEcrPublic) -> PublicWorld:
    world = PublicWorld(fake)
    world.answer()
    return world


@pytest.fixture
def mapped(public_registry: PublicRegistry, isolated: Path) -> PublicRegistry:
    """The public registry's host mapped with ``public = true`` in ecrctl's config."""
    config = isolated / ".config" / "ecrctl" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    with config.open("a") as handle:
        handle.write(f'\n[registries."{public_registry.host}"]\npublic = true\n')
    return public_registry


@pytest.fixture
def stubbed() -> Iterator[tuple[Any, Any]]:
    """ECR Public's client (not ECR's, as elsewhere) under botocore's Stubber, for the
    core's calls; every queued answer must be used."""
    import botocore.session
    from botocore.stub import Stubber

    client = botocore.session.Session().create_client(
        "ecr-public",
        region_name="us-east-1",
        aws_access_key_id="k",
        aws_secret_access_key="s",
    )
    with Stubber(client) as stub:
        yield client, stub
        stub.assert_no_pending_responses()


def public_repository_answer(name: str) -> dict[str, Any]:
    """A public repository as DescribeRepositories answers it, for botocore's Stubber."""
    return public_repository(name, created_at=NOW)
