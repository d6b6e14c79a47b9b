"""The destination of ``ecrctl image copy`` (ecrctl/image/copy_destination.py): its
repository checked through the registry API before the ECR API, a missing one
created only with --create (and never when the source is missing), and an
immutable tag that points elsewhere refused; between two real docker-registry
servers with moto's ECR API behind both."""

from __future__ import annotations

from tests.conftest import Runner
from tests.distribution.copy_support import (  # noqa: F401 - fixtures
    SECOND,
    CopyEnv,
    copy_env_fixture,
    registries_fixture,
)
from tests.distribution.proxy import Fault, Proxy
from tests.support.names import unique


def test_a_repository_the_registry_lists_needs_no_ecr_api_call(
    copy_env: CopyEnv, moto_url: str, cli: Runner
) -> None:
    """With the tokens cached, a copy into a repository the registry API lists asks
    ECR's API nothing; one the registry has never seen is checked by
    DescribeRepositories (docker-registry knows only repositories with content)."""
    a, b = copy_env.a, copy_env.b
    src, dst = unique(), unique()
    a.push_image(src, "1")
    a.push_image(src, "2")
    copy_env.create_repo(dst, second=True)
    with Proxy(moto_url.split("://", 1)[1]) as ecr_api:
        copy_env.config.write_text("")
        copy_env.map_host(a.host)
        copy_env.map_host(b.host, second=True, endpoint_url=f"http://{ecr_api.host}")

        def calls() -> list[str]:
            return [
                h.get("X-Amz-Target", "?").rsplit(".", 1)[-1] for _, _, h in ecr_api.counters.sent
            ]

        first = cli("image", "copy", f"{a.host}/{src}:1", f"{b.host}/{dst}:1")
        assert first.exit_code == 0, first.stderr
        assert calls() == ["GetAuthorizationToken", "DescribeRepositories"]
        ecr_api.reset()
        second = cli("image", "copy", f"{a.host}/{src}:2", f"{b.host}/{dst}:2")
        assert second.exit_code == 0, second.stderr
        assert calls() == []
    assert b.tags(dst) == ["1", "2"]


def test_a_denied_repository_list_is_settled_by_the_ecr_api(
    copy_env: CopyEnv, moto_url: str, cli: Runner
) -> None:
    """ECR refuses tags/list to a role without ecr:ListImages (403): a copy to a tag the
    repository does not hold then asks DescribeRepositories, which also says the tags
    are immutable; a tag that points elsewhere (read first, so no list is asked) is a
    conflict, settled by DescribeRepositories too, and stays as it was."""
    a, b = copy_env.a, copy_env.b
    src, dst = unique(), unique()
    a.push_image(src, "one")
    two = a.push_image(src, "two")
    copy_env.create_repo(dst, second=True, immutable=True)
    assert cli("image", "copy", f"{a.host}/{src}:one", f"{b.host}/{dst}:rel").exit_code == 0
    kept = b.manifest(dst, "rel").headers["Docker-Content-Digest"]
    with Proxy(moto_url.split("://", 1)[1]) as ecr_api, Proxy(b.host) as registry:
        copy_env.config.write_text("")
        copy_env.map_host(a.host)
        copy_env.map_host(registry.host, second=True, endpoint_url=f"http://{ecr_api.host}")
        registry.faults.append(Fault("GET", "/tags/list", 1, status=403))
        result = cli("image", "copy", f"{a.host}/{src}:two", f"{registry.host}/{dst}:rel")
        fresh = cli("image", "copy", f"{a.host}/{src}:two", f"{registry.host}/{dst}:new")
        calls = [h.get("X-Amz-Target", "").rsplit(".", 1)[-1] for _, _, h in ecr_api.counters.sent]
        probes = [(m, st) for m, path, st in registry.counters.requests if "tags/list" in path]
    assert probes == [("GET", 403)]
    assert calls.count("DescribeRepositories") == 2
    assert result.exit_code == 1, result.stderr
    assert "immutable repository" in result.stderr and "'rel'" in result.stderr
    assert b.manifest(dst, "rel").headers["Docker-Content-Digest"] == kept != two.digest
    assert fresh.exit_code == 0, fresh.stderr
    assert b.manifest(dst, "new").headers["Docker-Content-Digest"] == two.digest


def test_missing_destination_repository_needs_create(copy_env: CopyEnv, cli: Runner) -> None:
    a, b = copy_env.a, copy_env.b
    src, dst = unique(), unique()
    a.push_image(src, "1")
    result = cli("image", "copy", f"{a.host}/{src}:1", f"{b.host}/{dst}:1")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert f"{dst!r} does not exist in registry {SECOND}" in result.stderr
    assert "--create" in result.stderr
    assert b.tags(dst) == []
    created = cli("image", "copy", f"{a.host}/{src}:1", f"{b.host}/{dst}:1", "--create")
    assert created.exit_code == 0, created.stderr
    assert "created repository" in created.stderr
    names = [
        r["repositoryName"]
        for r in copy_env.ecr("eu-west-1").describe_repositories(registryId=SECOND)["repositories"]
    ]
    assert dst in names
    assert b.tags(dst) == ["1"]


def test_immutable_tag_pointing_elsewhere_is_a_conflict(copy_env: CopyEnv, cli: Runner) -> None:
    a = copy_env.a
    src, dst = unique(), unique()
    a.push_image(src, "one")
    a.push_image(src, "two")
    copy_env.create_repo(dst, immutable=True)
    assert cli("image", "copy", f"{a.host}/{src}:one", f"{a.host}/{dst}:rel").exit_code == 0
    result = cli("image", "copy", f"{a.host}/{src}:two", f"{a.host}/{dst}:rel")
    assert result.exit_code == 1
    assert "immutable repository" in result.stderr and "'rel'" in result.stderr


def test_missing_source_with_create_creates_no_repository(copy_env: CopyEnv, cli: Runner) -> None:
    # the destination is checked while the source is read, but created only after
    dst = unique()
    result = cli(
        "image", "copy", f"{copy_env.a.host}/nothing-here:1", f"{copy_env.b.host}/{dst}:1",
        "--create",
    )  # fmt: skip
    assert result.exit_code in (1, 2)
    assert "nothing-here" in result.stderr and "created repository" not in result.stderr
    found = copy_env.ecr("eu-west-1").describe_repositories(registryId=SECOND)["repositories"]
    assert dst not in [r["repositoryName"] for r in found]
