"""``ecrctl image copy`` between two real docker-registry servers standing for
two accounts (moto's ECR API behind both), within one registry (mounts), and
back; faults injected by a loopback proxy in front of a real registry."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
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
from tests.distribution.proxy import Fault, Proxy
from tests.support.names import unique


@pytest.fixture
def proxy_a(copy_env: CopyEnv) -> Iterator[Proxy]:
    """A counting proxy in front of registry A, mapped to account A."""
    with Proxy(copy_env.a.host) as proxy:
        copy_env.map_host(proxy.host)
        yield proxy


def test_across_accounts_keeps_bytes_and_digest_then_moves_nothing(
    copy_env: CopyEnv, proxy_b: Proxy, cli: Runner
) -> None:
    a, b = copy_env.a, copy_env.b
    src, dst, pushed = copy_env.image_to_copy("1.0")
    result = cli("image", "copy", f"{a.host}/{src}:1.0", f"{proxy_b.host}/{dst}", "-o", "json")
    assert result.exit_code == 0, result.stderr
    data = result.json
    assert data["status"] == "copied" and data["digest"] == pushed.digest
    assert data["blobs"] == {"copied": 3, "mounted": 0, "exists": 0}
    assert data["bytesMoved"] == sum(pushed.blobs.values()) == proxy_b.counters.uploaded
    answer = b.manifest(dst, "1.0")
    assert answer.content == pushed.body
    assert answer.headers["Docker-Content-Digest"] == pushed.digest
    assert all(b.has_blob(dst, d) for d in pushed.blobs)

    proxy_b.reset()
    again = cli("image", "copy", f"{a.host}/{src}:1.0", f"{proxy_b.host}/{dst}:1.0")
    assert again.exit_code == 0, again.stderr
    assert "unchanged" in again.stderr and "nothing moved" in again.stderr
    assert again.stdout.strip() == f"{proxy_b.host}/{dst}@{pushed.digest}"
    assert proxy_b.counters.uploaded == 0
    # the tag, read beside the source, is there already: nothing else is asked (neither
    # the repository's list nor the ECR API)
    assert [(m, path) for m, path, _ in proxy_b.counters.requests] == [
        ("HEAD", f"/v2/{dst}/manifests/1.0"),
    ]


def _map(copy_env: CopyEnv, host: str, account: str, region: str, endpoint_url: str) -> None:
    with copy_env.config.open("a") as handle:
        handle.write(
            f'\n[registries."{host}"]\naccount = "{account}"\nregion = "{region}"\n'
            f'endpoint_url = "{endpoint_url}"\n'
        )


@pytest.mark.parametrize("same_region", [False, True], ids=["two regions", "one region"])
def test_one_token_per_host_and_one_session_per_profile(
    copy_env: CopyEnv,
    moto_url: str,
    cli: Runner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    same_region: bool,
) -> None:
    """Without a token cache, a copy between two accounts asks each registry host's
    token once (GetAuthorizationToken, counted by a proxy in front of moto, in each
    side's region), and its profile's credentials are resolved once, in one region or
    two (a credential_process that logs each run, and whose key signs every call)."""
    from tests.support.aws_calls import api_calls, counted_profile, credential_runs

    a, b = copy_env.a, copy_env.b
    region_b = REGION_A if same_region else REGION_B
    src, dst = unique(), unique()
    a.push_image(src, "1")
    copy_env.ecr(region_b).create_repository(repositoryName=dst, registryId=SECOND)
    runs = counted_profile(tmp_path / "profile")
    monkeypatch.setenv("ECRCTL_NO_CACHE", "1")
    with Proxy(moto_url.split("://", 1)[1]) as ecr_api:
        copy_env.config.write_text("")
        _map(copy_env, a.host, ACCOUNT, REGION_A, f"http://{ecr_api.host}")
        _map(copy_env, b.host, SECOND, region_b, f"http://{ecr_api.host}")
        result = cli(
            "--profile", "counted", "image", "copy", f"{a.host}/{src}:1", f"{b.host}/{dst}"
        )
        calls = api_calls(ecr_api)
    assert result.exit_code == 0, result.stderr
    tokens = sorted((region, key) for op, region, key in calls if op == "GetAuthorizationToken")
    assert [region for region, _ in tokens] == sorted([REGION_A, region_b])
    assert [op for op, *_ in calls].count("GetAuthorizationToken") == 2  # one per host
    sessions = {key for _, _, key in calls}
    assert len(sessions) == credential_runs(runs) == 1
    assert b.tags(dst) == ["1"]


def test_the_two_hosts_tokens_are_asked_at_once(
    copy_env: CopyEnv, moto_url: str, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The destination's token is asked beside the source's, not after it: with every
    ECR API answer held back half a second by a proxy in front of moto, the two
    GetAuthorizationToken calls are in flight together."""
    a, b = copy_env.a, copy_env.b
    src, dst = unique(), unique()
    a.push_image(src, "1")
    copy_env.ecr(REGION_B).create_repository(repositoryName=dst, registryId=SECOND)
    monkeypatch.setenv("ECRCTL_NO_CACHE", "1")
    with Proxy(moto_url.split("://", 1)[1]) as ecr_api:
        ecr_api.delay = ("/", 0.5)
        copy_env.config.write_text("")
        _map(copy_env, a.host, ACCOUNT, REGION_A, f"http://{ecr_api.host}")
        _map(copy_env, b.host, SECOND, REGION_B, f"http://{ecr_api.host}")
        result = cli("image", "copy", f"{a.host}/{src}:1", f"{b.host}/{dst}")
        spans = [(came, done) for what, came, done in ecr_api.spans if "GetAuthorization" in what]
    assert result.exit_code == 0, result.stderr
    assert len(spans) == 2
    (_, first_done), (second_came, _) = sorted(spans)
    assert second_came < first_done, "the second token was asked only once the first came"
    assert b.tags(dst) == ["1"]


def test_the_installed_copy_loads_the_aws_sdk_only_to_ask_aws(
    copy_env: CopyEnv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real console script, its ``sys.modules`` recorded as it exits: served from
    the token cache into a repository the registry lists, a copy loads neither
    botocore, requests, urllib3, keyring nor docker (its registry requests go over the
    standard library's HTTP client); without the cache, with the keys in the
    environment, the same (the tokens are asked with ecrctl's own signed request);
    with that turned off, botocore (and the urllib3 it sends with); with
    ``ECRCTL_STDLIB_HTTP=0``, requests; never keyring or docker."""
    from tests.login.cache_support import modules_at_exit
    from tests.login_support import ECRCTL

    def tops(modules: set[str]) -> set[str]:
        heavy = {"boto3", "botocore", "requests", "urllib3", "keyring", "docker", "rich"}
        heavy.add("jeepney")
        return {m.split(".")[0] for m in modules} & heavy

    a, b = copy_env.a, copy_env.b
    src, dst = unique(), unique()
    for tag in ("1", "2", "3", "4", "5"):
        a.push_image(src, tag)
    copy_env.create_repo(dst, second=True)
    monkeypatch.setenv("ECRCTL_TOKEN_CACHE", "file")
    monkeypatch.delenv("ECRCTL_STDLIB_HTTP", raising=False)  # the default, whatever the run's
    copy = [ECRCTL, "image", "copy", "-o", "json"]
    for run in ("cold", "hit", "uncached", "botocore", "requests"):
        (tmp_path / run).mkdir()
    filled, _ = modules_at_exit(
        tmp_path / "cold", [*copy, f"{a.host}/{src}:1", f"{b.host}/{dst}"], ""
    )
    assert filled.returncode == 0, filled.stderr
    hit, modules = modules_at_exit(
        tmp_path / "hit", [*copy, f"{a.host}/{src}:2", f"{b.host}/{dst}"], ""
    )
    assert hit.returncode == 0, hit.stderr
    assert tops(modules) == set()
    monkeypatch.setenv("ECRCTL_NO_CACHE", "1")
    asked, modules = modules_at_exit(
        tmp_path / "uncached", [*copy, f"{a.host}/{src}:3", f"{b.host}/{dst}"], ""
    )
    assert asked.returncode == 0, asked.stderr
    assert tops(modules) == set()
    monkeypatch.setenv("ECRCTL_DIRECT_TOKEN", "0")
    asked, modules = modules_at_exit(
        tmp_path / "botocore", [*copy, f"{a.host}/{src}:4", f"{b.host}/{dst}"], ""
    )
    assert asked.returncode == 0, asked.stderr
    assert tops(modules) == {"botocore", "urllib3"}
    monkeypatch.setenv("ECRCTL_STDLIB_HTTP", "0")
    asked, modules = modules_at_exit(
        tmp_path / "requests", [*copy, f"{a.host}/{src}:5", f"{b.host}/{dst}"], ""
    )
    assert asked.returncode == 0, asked.stderr
    assert tops(modules) == {"botocore", "requests", "urllib3"}
    assert b.tags(dst) == ["1", "2", "3", "4", "5"]


def test_and_back_into_the_callers_registry(copy_env: CopyEnv, cli: Runner) -> None:
    a, b = copy_env.a, copy_env.b
    src, back = unique(), unique()
    pushed = b.push_image(src, "v2", oci=True)
    copy_env.create_repo(back)
    result = cli("image", "copy", f"{b.host}/{src}:v2", f"{back}:returned")
    assert result.exit_code == 0, result.stderr
    assert a.manifest(back, "returned").content == pushed.body


def test_within_one_registry_mounts_and_moves_no_layer_bytes(
    copy_env: CopyEnv, proxy_a: Proxy, cli: Runner
) -> None:
    src, dst = unique(), unique()
    pushed = copy_env.a.push_image(src, "1", layers=[b"x" * 300_000, b"y" * 200_000])
    copy_env.create_repo(dst)
    result = cli(
        "image", "copy", f"{proxy_a.host}/{src}:1", f"{proxy_a.host}/{dst}:1", "-o", "json"
    )
    assert result.exit_code == 0, result.stderr
    assert result.json["blobs"] == {"copied": 0, "mounted": 3, "exists": 0}
    assert proxy_a.counters.uploaded == 0 and proxy_a.counters.downloaded == 0
    mounts = [p for m, p, s in proxy_a.counters.requests if m == "POST" and s == 201]
    assert len(mounts) == 3 and all(f"from={src}" in p for p in mounts)
    assert copy_env.a.manifest(dst, "1").content == pushed.body


def test_blobs_an_earlier_copy_brought_are_mounted_not_sent(
    copy_env: CopyEnv, proxy_b: Proxy, cli: Runner
) -> None:
    """A migration keeps the repository's name; a second copy into another
    repository of the same registry mounts from it."""
    name, other = unique(), unique()
    copy_env.a.push_image(name, "1", layers=[b"m" * 100_000])
    copy_env.create_repo(name, second=True)
    copy_env.create_repo(other, second=True)
    src = f"{copy_env.a.host}/{name}:1"
    assert cli("image", "copy", src, f"{proxy_b.host}/{name}:1").exit_code == 0
    proxy_b.reset()
    result = cli("image", "copy", src, f"{proxy_b.host}/{other}:1", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json["blobs"] == {"copied": 0, "mounted": 2, "exists": 0}
    assert proxy_b.counters.uploaded == 0


@pytest.mark.parametrize("oci", [True, False], ids=["oci-index", "docker-manifest-list"])
def test_index_with_every_platform(copy_env: CopyEnv, cli: Runner, oci: bool) -> None:
    a, b = copy_env.a, copy_env.b
    src, dst, index = copy_env.index_to_copy("multi", oci=oci)
    result = cli("image", "copy", f"{a.host}/{src}:multi", f"{b.host}/{dst}:multi", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json["platforms"] == ["linux/amd64", "linux/arm64/v8"]
    assert result.json["manifests"] == 3
    assert b.manifest(dst, "multi").content == index.body
    for child in index.children:
        assert b.manifest(dst, child).status_code == 200
    assert all(b.has_blob(dst, d) for d in index.blobs)


def test_one_platform_of_a_list_is_tagged_as_that_image(copy_env: CopyEnv, cli: Runner) -> None:
    a, b = copy_env.a, copy_env.b
    src, dst, index = copy_env.index_to_copy("multi", oci=False)
    args = ("image", "copy", f"{a.host}/{src}:multi", f"{b.host}/{dst}:arm", "--platform")
    result = cli(*args, "linux/arm64", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json["digest"] == index.children[1]
    assert b.manifest(dst, "arm").headers["Docker-Content-Digest"] == index.children[1]
    missing = cli(*args, "windows/amd64")
    assert missing.exit_code == 1
    assert "no image for windows/amd64" in missing.stderr and "linux/arm64/v8" in missing.stderr


def test_corrupted_blob_aborts_and_tags_nothing(
    copy_env: CopyEnv, proxy_a: Proxy, cli: Runner
) -> None:
    src, dst, _ = copy_env.image_to_copy("1", layers=[b"z" * 50_000])
    proxy_a.corrupt_blobs = True
    result = cli("image", "copy", f"{proxy_a.host}/{src}:1", f"{copy_env.b.host}/{dst}:1")
    assert result.exit_code == 1
    assert "hashing to" in result.stderr and "nothing was tagged" in result.stderr
    assert "Traceback" not in result.stderr
    assert copy_env.b.tags(dst) == []


def test_server_errors_are_retried(copy_env: CopyEnv, proxy_b: Proxy, cli: Runner) -> None:

    src, dst, pushed = copy_env.image_to_copy("1")
    proxy_b.faults = [Fault("PUT", "/manifests/", 2, 503), Fault("POST", "/blobs/uploads", 1, 429)]
    result = cli("image", "copy", f"{copy_env.a.host}/{src}:1", f"{proxy_b.host}/{dst}:1")
    assert result.exit_code == 0, result.stderr
    statuses = [s for _, _, s in proxy_b.counters.requests]
    assert statuses.count(503) == 2 and statuses.count(429) == 1
    assert copy_env.b.manifest(dst, "1").content == pushed.body


def test_a_netrc_login_for_the_registry_host_never_replaces_its_token(
    copy_env: CopyEnv, cli: Runner, isolated: Path
) -> None:
    # requests sends ~/.netrc's login for a host when a request has no auth of its
    # own; ecrctl's header-borne token must win (both registries are on 127.0.0.1)
    netrc = isolated / ".netrc"
    netrc.write_text("machine 127.0.0.1 login someone password not-the-token\n")
    netrc.chmod(0o600)
    src, dst, pushed = copy_env.image_to_copy("1")
    result = cli("image", "copy", f"{copy_env.a.host}/{src}:1", f"{copy_env.b.host}/{dst}:1")
    assert result.exit_code == 0, result.stderr
    assert copy_env.b.manifest(dst, "1").content == pushed.body


def test_a_redirect_without_location_is_one_line(
    copy_env: CopyEnv, proxy_a: Proxy, cli: Runner
) -> None:
    src = unique()
    copy_env.a.push_image(src, "1")
    proxy_a.faults = [Fault("GET", "/blobs/sha256:", 1, 307)]
    result = cli("image", "inspect", f"{proxy_a.host}/{src}:1")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "answered HTTP 307 without a Location" in result.stderr


def test_dry_run_writes_nothing(copy_env: CopyEnv, cli: Runner) -> None:
    src, dst = unique(), unique()
    copy_env.a.push_image(src, "1")
    result = cli(
        "image", "copy", f"{copy_env.a.host}/{src}:1", f"{copy_env.b.host}/{dst}:1",
        "--create", "--dry-run", "-o", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.json["status"] == "would-copy" and result.json["blobs"] == {"total": 3}
    assert copy_env.ecr("eu-west-1").describe_repositories(registryId=SECOND)["repositories"] == []
    assert copy_env.b.tags(dst) == []


def test_source_not_found(copy_env: CopyEnv, cli: Runner) -> None:
    result = cli("image", "copy", f"{copy_env.a.host}/nothing-here:1", f"{copy_env.a.host}/x1:1")
    assert result.exit_code in (1, 2)
    assert "nothing-here" in result.stderr


def test_destination_failure_beside_the_source_is_one_line(copy_env: CopyEnv, cli: Runner) -> None:
    # a destination whose ECR API nothing answers at fails in the thread that reads
    # it beside the source: the user gets the usual one line, no traceback
    src = unique()
    copy_env.a.push_image(src, "1")
    with copy_env.config.open("a") as handle:
        handle.write(
            f'\n[registries."127.0.0.1:9"]\naccount = "{SECOND}"\nregion = "eu-west-1"\n'
            'endpoint_url = "http://127.0.0.1:9"\n'
        )
    result = cli("image", "copy", f"{copy_env.a.host}/{src}:1", f"127.0.0.1:9/{unique()}:1")
    assert result.exit_code != 0
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "127.0.0.1:9" in result.stderr


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (("a/b:1", "c/d:1", "--platform", "linux"), "invalid platform 'linux'"),
        (("a/b:1", "c/d@sha256:" + "0" * 64), "names a digest"),
        (("a/b:1", "c/d:1", "--platform", "linux/arm64", "--all-platforms"), "exclude each other"),
        (("Bad/Name:1", "c/d:1"), "invalid repository name 'Bad/Name'"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    copy_env: CopyEnv, cli: Runner, args: tuple[str, ...], text: str
) -> None:
    result = cli("image", "copy", *args)
    assert result.exit_code == 2
    assert text in result.stderr and result.stderr.count("\n") == 1


def test_other_host_uses_the_docker_config(copy_env: CopyEnv, cli: Runner, isolated: Path) -> None:
    """An unmapped host: the credential comes from config.json auths; without one,
    the 401 names the host and how to log in."""
    with Proxy(copy_env.a.host) as plain:  # not mapped: not an ECR host for ecrctl
        src = unique()
        pushed = copy_env.a.push_image(src, "1")
        copy_env.create_repo(src, second=True)
        denied = cli("image", "copy", f"{plain.host}/{src}:1", f"{copy_env.b.host}/{src}:1")
        assert denied.exit_code == 1
        assert f"no credentials for registry {plain.host}" in denied.stderr
        assert f"docker login {plain.host}" in denied.stderr
        secret = base64.b64encode(f"AWS:{ACCOUNT}-auth-token".encode()).decode()
        docker = isolated / ".docker"
        docker.mkdir(exist_ok=True)
        (docker / "config.json").write_text(json.dumps({"auths": {plain.host: {"auth": secret}}}))
        result = cli("image", "copy", f"{plain.host}/{src}:1", f"{copy_env.b.host}/{src}:1")
        assert result.exit_code == 0, result.stderr
        assert copy_env.b.manifest(src, "1").content == pushed.body


def test_unreachable_registry(copy_env: CopyEnv, cli: Runner) -> None:
    result = cli("image", "copy", "127.0.0.1:9/app:1", f"{copy_env.a.host}/app1:1")
    assert result.exit_code == 1
    assert "cannot reach registry 127.0.0.1:9" in result.stderr


def test_platform_of_a_single_image_is_checked(copy_env: CopyEnv, cli: Runner) -> None:
    src, dst = unique(), unique()
    copy_env.a.push_image(src, "1", platform=("linux", "amd64"))
    copy_env.create_repo(dst)
    args = ("image", "copy", f"{copy_env.a.host}/{src}:1", f"{dst}:1", "--platform")
    wrong = cli(*args, "linux/arm64")
    assert wrong.exit_code == 1
    assert "is a single image for linux/amd64, not linux/arm64" in wrong.stderr
    assert cli(*args, "linux/amd64").exit_code == 0
