"""The completion name cache: scopes, ages, side-effect writes, and the one
short AWS call that refreshes it (against moto, and against a tiny HTTP
endpoint that counts requests, answers 500 or never answers)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ecrctl.aws.clients import Aws
from ecrctl.aws.settings import AwsSettings
from ecrctl.completion import cache as cc
from ecrctl.completion.cache import CacheScope, ImageId
from tests.conftest import REGION
from tests.support.loopback import Handler, serving_handler

DIGEST_A = "sha256:" + "a" * 64
DIGEST_B = "sha256:" + "b" * 64


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


# -- a loopback endpoint that counts requests ------------------------------------------


@dataclass
class Endpoint:
    url: str
    requests: list[str] = field(default_factory=list)
    status: int = 200
    delay: float = 0.0
    body: dict[str, Any] = field(default_factory=dict)


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    state = Endpoint(url="")

    class StandIn(Handler):
        def do_POST(self) -> None:
            self.read_body()
            state.requests.append(self.headers.get("X-Amz-Target", ""))
            time.sleep(state.delay)
            self.reply_json(
                state.status, state.body if state.status == 200 else {"__type": "Internal"}
            )

    with serving_handler(StandIn) as state.url:
        yield state


# -- scope ------------------------------------------


def test_scope_follows_env_and_the_profiles_region(isolated: Path, monkeypatch: Any) -> None:
    write(isolated / ".aws" / "config", "[profile dev]\nregion = eu-west-3\n")
    assert CacheScope.of(AwsSettings()) == CacheScope(None, REGION, None, None)
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.setenv("AWS_PROFILE", "dev")
    assert CacheScope.of(AwsSettings()).region == "eu-west-3"
    assert CacheScope.of(AwsSettings(region="ap-south-1")).region == "ap-south-1"
    monkeypatch.setenv("AWS_PROFILE", "other")
    monkeypatch.setenv("AWS_REGION", "sa-east-1")
    assert CacheScope.of(AwsSettings()).region == "sa-east-1"
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", "http://127.0.0.1:9")
    assert CacheScope.of(AwsSettings()).endpoint_url == "http://127.0.0.1:9"
    assert CacheScope.of(AwsSettings(endpoint_url="http://x")).endpoint_url == "http://x"


def test_each_scope_has_its_own_file(isolated: Path) -> None:
    scopes = [
        CacheScope(None, "us-east-1", None, None),
        CacheScope("dev", "us-east-1", None, None),
        CacheScope(None, "eu-west-1", None, None),
        CacheScope(None, "us-east-1", "123456789012", None),
        CacheScope(None, "us-east-1", None, "http://127.0.0.1:5000"),
        CacheScope(None, "us-east-1", None, "http://127.0.0.1:5001"),
    ]
    paths = {cc.cache_path(s) for s in scopes}
    assert len(paths) == len(scopes)
    assert all(p.parent == isolated / ".cache" / "ecrctl" / "completion" for p in paths)
    assert cc.cache_path(CacheScope("a/b..c", "r", None, None)).name == "a_b_c.r.self.json"


@pytest.mark.parametrize("where", ["services section", "profile", "environment", "option"])
def test_the_refresh_client_is_the_one_any_command_gets(
    where: str, endpoint: Endpoint, isolated: Path, monkeypatch: Any
) -> None:
    """Completion's ECR client comes from the one client factory: the endpoint and
    credentials any command would use under the same settings (AWS_PROFILE names the
    profile, yet the environment's keys come first, as in botocore), one attempt,
    short timeouts."""
    section = f"services = emu\n[services emu]\necr =\n  endpoint_url = {endpoint.url}"
    config = {"services section": section, "profile": f"endpoint_url = {endpoint.url}"}
    write(isolated / ".aws" / "config", f"[profile emu]\n{config.get(where, '')}\n")
    monkeypatch.setenv("AWS_PROFILE", "emu")
    if where == "environment":
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint.url)
    settings = AwsSettings(endpoint_url=endpoint.url if where == "option" else None)
    scope = CacheScope.of(settings)
    client = scope.ecr_client()
    assert client.meta.endpoint_url == Aws(settings).ecr.meta.endpoint_url == endpoint.url
    config_of = client.meta.config
    assert (config_of.connect_timeout, config_of.read_timeout) == (cc.CALL_TIMEOUT,) * 2
    assert config_of.retries["total_max_attempts"] == 1
    endpoint.body = {"repositories": [{"repositoryName": "app"}]}
    assert cc.known_repositories(scope) == ["app"]
    assert endpoint.requests == ["AmazonEC2ContainerRegistry_V20150921.DescribeRepositories"]


# -- writing and reading without AWS ------------------------------------------


def test_fresh_names_are_answered_without_any_request(endpoint: Endpoint) -> None:
    scope = CacheScope(None, REGION, None, endpoint.url)
    cc.remember_repositories(scope, ["team/b", "team/a", "team/a"])
    assert cc.known_repositories(scope) == ["team/a", "team/b"]
    cc.remember_images(scope, "team/a", [ImageId("v1", DIGEST_A), ImageId(None, DIGEST_B)])
    assert cc.known_images(scope, "team/a") == [ImageId("v1", DIGEST_A), ImageId(None, DIGEST_B)]
    assert endpoint.requests == []
    assert oct(cc.cache_path(scope).stat().st_mode & 0o777) == "0o600"


def test_a_prefix_listing_replaces_only_its_names_and_keeps_the_age(isolated: Path) -> None:
    scope = CacheScope(None, REGION, None, None)
    cc.remember_repositories(scope, ["a/one", "b/gone", "b/kept"], now=1000.0)
    cc.remember_repositories(scope, ["b/kept", "b/new"], prefix="b/", now=2000.0)
    entry = cc.load(scope)["repositories"]
    assert entry["names"] == ["a/one", "b/kept", "b/new"]
    assert entry["updated"] == 1000.0


def test_a_partial_image_listing_adds_without_making_fresh(endpoint: Endpoint) -> None:
    scope = CacheScope(None, REGION, None, endpoint.url)
    cc.remember_images(scope, "app", [ImageId("v1", DIGEST_A)], now=time.time())
    cc.remember_images(scope, "app", [ImageId("v2", DIGEST_B)], complete=False)
    assert cc.known_images(scope, "app") == [ImageId("v1", DIGEST_A), ImageId("v2", DIGEST_B)]
    cc.remember_images(scope, "new", [ImageId("v3", DIGEST_B)], complete=False)
    assert cc.load(scope)["images"]["new"]["updated"] == 0


def test_image_lists_are_capped_keeping_the_newest(isolated: Path) -> None:
    scope = CacheScope(None, REGION, None, None)
    for index in range(cc.MAX_IMAGE_LISTS + 5):
        cc.remember_images(scope, f"r{index}", [ImageId("t", DIGEST_A)], now=1000.0 + index)
    kept = cc.load(scope)["images"]
    assert len(kept) == cc.MAX_IMAGE_LISTS
    assert "r0" not in kept and f"r{cc.MAX_IMAGE_LISTS + 4}" in kept


def test_a_corrupt_or_foreign_file_counts_as_missing(isolated: Path) -> None:
    scope = CacheScope(None, REGION, None, None)
    write(cc.cache_path(scope), "{not json")
    assert cc.load(scope) == {}
    write(cc.cache_path(scope), json.dumps({"version": 999, "repositories": {}}))
    assert cc.load(scope) == {}
    cc.remember_repositories(scope, ["app"])
    assert cc.load(scope)["repositories"]["names"] == ["app"]


def test_an_unwritable_cache_dir_is_ignored(isolated: Path, monkeypatch: Any) -> None:
    blocker = isolated / "file-not-dir"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    scope = CacheScope(None, REGION, None, None)
    cc.remember_repositories(scope, ["app"])
    assert cc.load(scope) == {}


# -- refreshing: one short AWS call ------------------------------------------


def test_stale_names_are_refreshed_by_exactly_one_call(endpoint: Endpoint) -> None:
    endpoint.body = {
        "repositories": [{"repositoryName": "fresh/one"}, {"repositoryName": "fresh/two"}],
        "nextToken": "more",
    }
    scope = CacheScope(None, REGION, None, endpoint.url)
    cc.remember_repositories(scope, ["old"], now=time.time() - cc.DEFAULT_MAX_AGE - 1)
    assert cc.known_repositories(scope) == ["fresh/one", "fresh/two"]
    assert endpoint.requests == ["AmazonEC2ContainerRegistry_V20150921.DescribeRepositories"]
    assert cc.load(scope)["repositories"]["truncated"] is True
    assert cc.known_repositories(scope) == ["fresh/one", "fresh/two"]
    assert len(endpoint.requests) == 1


def test_max_age_comes_from_the_environment(endpoint: Endpoint, monkeypatch: Any) -> None:
    endpoint.body = {"repositories": [{"repositoryName": "new"}]}
    scope = CacheScope(None, REGION, None, endpoint.url)
    cc.remember_repositories(scope, ["old"], now=time.time() - 10)
    assert cc.known_repositories(scope) == ["old"]
    monkeypatch.setenv("ECRCTL_COMPLETION_MAX_AGE", "5")
    assert cc.known_repositories(scope) == ["new"]
    assert len(endpoint.requests) == 1


def test_a_server_error_is_one_attempt_no_names_and_a_pause(endpoint: Endpoint) -> None:
    endpoint.status = 500
    scope = CacheScope(None, REGION, None, endpoint.url)
    assert cc.known_repositories(scope) == []
    assert len(endpoint.requests) == 1  # no retry
    assert cc.known_repositories(scope) == []
    assert len(endpoint.requests) == 1  # paused: no second wait at the next TAB
    later = time.time() + cc.RETRY_PAUSE + 1
    endpoint.status = 200
    endpoint.body = {"repositories": [{"repositoryName": "back"}]}
    assert cc.known_repositories(scope, now=later) == ["back"]


def test_a_stale_list_is_not_served_when_the_refresh_fails(endpoint: Endpoint) -> None:
    endpoint.status = 500
    scope = CacheScope(None, REGION, None, endpoint.url)
    cc.remember_repositories(scope, ["maybe-deleted"], now=time.time() - cc.DEFAULT_MAX_AGE - 1)
    assert cc.known_repositories(scope) == []


def test_an_endpoint_that_never_answers_gives_up_within_the_deadline(endpoint: Endpoint) -> None:
    endpoint.delay = 5.0
    scope = CacheScope(None, REGION, None, endpoint.url)
    start = time.monotonic()
    assert cc.known_images(scope, "app") == []
    elapsed = time.monotonic() - start
    assert elapsed < cc.DEADLINE + 0.5
    assert endpoint.requests == ["AmazonEC2ContainerRegistry_V20150921.ListImages"]


def test_an_unreachable_endpoint_gives_no_names(isolated: Path) -> None:
    scope = CacheScope(None, REGION, None, "http://127.0.0.1:9")
    start = time.monotonic()
    assert cc.known_repositories(scope) == []
    assert time.monotonic() - start < cc.DEADLINE + 0.5


def test_no_call_without_a_region_or_when_credentials_need_an_mfa_code(
    endpoint: Endpoint, isolated: Path
) -> None:
    assert cc.known_repositories(CacheScope(None, None, None, endpoint.url)) == []
    write(isolated / ".aws" / "config", "[profile mfa]\nmfa_serial = arn:aws:iam::1:mfa/me\n")
    assert cc.known_repositories(CacheScope("mfa", REGION, None, endpoint.url)) == []
    assert endpoint.requests == []


def test_refresh_from_moto(moto: None, ecr: Any) -> None:
    ecr.create_repository(repositoryName="team/app")
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "size": 2,
                "digest": DIGEST_B,
            },
            "layers": [],
        }
    )
    ecr.put_image(repositoryName="team/app", imageManifest=manifest, imageTag="v1")
    ecr.put_image(repositoryName="team/app", imageManifest=manifest, imageTag="latest")
    scope = CacheScope(None, REGION, None, None)
    assert cc.known_repositories(scope) == ["team/app"]
    images = cc.known_images(scope, "team/app")
    assert sorted(i.tag for i in images if i.tag) == ["latest", "v1"]
    assert len({i.digest for i in images}) == 1
    ecr.create_repository(repositoryName="later")
    assert cc.known_repositories(scope) == ["team/app"]  # fresh: no new call


def test_registry_id_goes_to_the_call(moto: None, ecr: Any) -> None:
    ecr.create_repository(repositoryName="app")
    assert cc.known_repositories(CacheScope(None, REGION, "123456789012", None)) == ["app"]
    assert cc.known_repositories(CacheScope(None, REGION, "999999999999", None)) == []


def test_importing_the_core_module_loads_nothing_heavy() -> None:
    code = "import sys, ecrctl.completion.cache\nprint(' '.join(sorted(sys.modules)))\n"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ
    ).stdout.split()
    assert [m for m in out if m.split(".")[0] in {"boto3", "botocore", "click", "rich"}] == []
