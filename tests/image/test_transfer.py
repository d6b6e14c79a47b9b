"""Push/pull names (pure functions; the real push and pull are in
tests/cli/image/test_transfer.py, the registry's refusals in tests/test_docker_engine.py),
and what a push and a pull ask AWS (real dockerd, docker-registry and moto)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ecrctl.distribution.reference import parse_reference
from ecrctl.errors import InvalidInput
from ecrctl.image.transfer import push_target
from tests.conftest import ACCOUNT, REGION, DockerBackends, Runner
from tests.distribution.proxy import Proxy
from tests.support.names import unique

DIGEST = "sha256:" + "cd" * 32


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("app", ("app", None)),
        ("app:1", ("app", "1")),
        ("team/app:1.0", ("team/app", "1.0")),
        ("127.0.0.1:5000/team/app", ("team/app", None)),
        ("127.0.0.1:5000/team/app:v2", ("team/app", "v2")),
        ("123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v", ("app", "v")),
        ("localhost/app:x", ("app", "x")),
        (f"app@{DIGEST}", ("app", None)),
    ],
)
def test_name_and_tag(reference: str, expected: tuple[str, str | None]) -> None:
    parsed = parse_reference(reference)
    assert (parsed.repository, parsed.tag) == expected


@pytest.mark.parametrize(
    ("local", "destination", "expected"),
    [
        ("app:1", None, ("app", "1")),
        ("app", None, ("app", "latest")),
        ("app:1", "team/app", ("team/app", "1")),
        ("app:1", "team/app:2", ("team/app", "2")),
        ("127.0.0.1:5000/x/y:3", None, ("x/y", "3")),
        (DIGEST, "team/app:4", ("team/app", "4")),
    ],
)
def test_push_target(local: str, destination: str | None, expected: tuple[str, str]) -> None:
    target = push_target(local, destination)
    assert (target.repository, target.tag) == expected


def test_the_destination_or_else_the_local_name_names_the_registry() -> None:
    assert push_target("127.0.0.1:5000/x/y:3", None).host == "127.0.0.1:5000"
    assert push_target("127.0.0.1:5000/x/y:3", "team/app").host is None
    assert push_target(DIGEST, "team/app").tag == "latest"  # an image id has no tag


@pytest.mark.parametrize(
    ("local", "destination", "message"),
    [
        (DIGEST, None, "has no name to push it as"),
        ("App:1", None, "invalid repository name 'App'"),
        ("app:1", "team/app:-x", "invalid image tag '-x'"),
    ],
)
def test_push_target_rejects(local: str, destination: str | None, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        push_target(local, destination)


@pytest.mark.parametrize(
    ("reference", "repository", "tag", "digest"),
    [
        ("app", "app", "latest", None),
        ("team/app:v1", "team/app", "v1", None),
        (f"team/app@{DIGEST}", "team/app", None, DIGEST),
        (f"127.0.0.1:5000/team/app@{DIGEST}", "team/app", None, DIGEST),
    ],
)
def test_pull_reference(
    reference: str, repository: str, tag: str | None, digest: str | None
) -> None:
    parsed = parse_reference(reference, what="reference", tag_and_digest=False)
    ref = parsed.for_ecr().image
    assert (parsed.repository, ref.tag, ref.digest) == (repository, tag, digest)


@pytest.mark.parametrize("reference", ["app@sha256:1", "app@md5:" + "a" * 32, "Bad:1"])
def test_pull_reference_rejects(reference: str) -> None:
    with pytest.raises(InvalidInput):
        parse_reference(reference, what="reference", tag_and_digest=False).for_ecr()


# -- what a push and a pull ask AWS ----------------------------------------------------


@pytest.fixture
def counted(
    docker_env: DockerBackends,
    moto_url: str,
    isolated: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[Proxy, Path]]:
    """The test registry mapped in config.toml to the caller's account, its ECR API a
    counting proxy in front of moto; the caller's profile resolves its credentials
    through a logged credential_process; no token cache."""
    from tests.support.aws_calls import counted_profile

    runs = counted_profile(tmp_path / "profile")
    monkeypatch.setenv("ECRCTL_NO_CACHE", "1")
    config = isolated / ".config" / "ecrctl" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    with Proxy(moto_url.split("://", 1)[1]) as ecr_api:
        config.write_text(
            f'[registries."{docker_env.registry}"]\naccount = "{ACCOUNT}"\n'
            f'region = "{REGION}"\nendpoint_url = "http://{ecr_api.host}"\n'
        )
        yield ecr_api, runs


def test_a_push_and_a_pull_ask_the_token_once_on_one_session(
    cli: Runner, docker_env: DockerBackends, moto_url: str, counted: tuple[Proxy, Path]
) -> None:
    """One GetAuthorizationToken per command (counted by a proxy in front of moto), all
    calls signed by one botocore session (one credential_process run each)."""
    from tests.support.aws_calls import api_calls, credential_runs

    ecr_api, runs = counted
    import boto3

    repository = unique()
    boto3.client("ecr", region_name=REGION, endpoint_url=moto_url).create_repository(
        repositoryName=repository
    )
    target = f"{docker_env.registry}/{repository}:1"
    pushed = cli("--profile", "counted", "image", "push", docker_env.image, target, "-o", "json")
    assert pushed.exit_code == 0, pushed.stderr
    calls = api_calls(ecr_api)
    assert [op for op, *_ in calls] == ["DescribeRepositories", "GetAuthorizationToken"]
    assert len({key for *_, key in calls}) == credential_runs(runs) == 1

    ecr_api.reset()
    pulled = cli("--profile", "counted", "image", "pull", target, "-o", "json")
    assert pulled.exit_code == 0, pulled.stderr
    assert pulled.json["imageDigest"] == pushed.json["imageDigest"]
    assert [op for op, *_ in api_calls(ecr_api)] == ["GetAuthorizationToken"]
    assert credential_runs(runs) == 2  # one session for each command


def test_the_installed_pull_served_from_the_token_cache_loads_no_aws_sdk(
    cli: Runner,
    docker_env: DockerBackends,
    moto_url: str,
    isolated: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A push fills the token cache (a file here); the real console script then pulls
    with the token from it: docker-py's HTTP client loads, botocore and keyring never
    do (``sys.modules`` recorded as it exits)."""
    import boto3

    from tests.login.cache_support import modules_at_exit
    from tests.login_support import ECRCTL

    monkeypatch.setenv("ECRCTL_TOKEN_CACHE", "file")
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", moto_url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", moto_url)
    config = isolated / ".config" / "ecrctl" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        f'[registries."{docker_env.registry}"]\naccount = "{ACCOUNT}"\nregion = "{REGION}"\n'
        f'endpoint_url = "{moto_url}"\n'
    )
    repository = unique()
    boto3.client("ecr", region_name=REGION, endpoint_url=moto_url).create_repository(
        repositoryName=repository
    )
    target = f"{docker_env.registry}/{repository}:1"
    assert cli("image", "push", docker_env.image, target).exit_code == 0
    pulled, modules = modules_at_exit(tmp_path, [ECRCTL, "image", "pull", target, "-o", "json"], "")
    assert pulled.returncode == 0, pulled.stderr
    tops = {m.split(".")[0] for m in modules}
    assert {"docker", "requests"} <= tops
    assert not tops & {"boto3", "botocore", "keyring", "jeepney", "rich"}
