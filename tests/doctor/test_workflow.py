"""``ecrctl doctor``'s one entry point against real backends (moto_server for AWS, the
Debian docker-registry, a real dockerd): which checks apply, and a healthy set-up
passing every one."""

from __future__ import annotations

import pytest

from ecrctl.doctor.model import Request
from ecrctl.doctor.workflow import SPECS
from tests.conftest import REGION
from tests.doctor.checks import boto, put_image, run
from tests.doctor.conftest import MOTO_ARN


def test_ids_are_unique_and_dotted() -> None:
    ids = [spec.id for spec in SPECS]
    assert len(ids) == len(set(ids))
    assert all(i.split(".")[0] in {"aws", "registry", "docker", "repo", "limits"} for i in ids)


@pytest.mark.usefixtures("healthy")
class TestHealthy:
    def test_nothing_fails(self) -> None:
        boto().create_repository(repositoryName="team/app")
        put_image("team/app", "v1")
        checks = run(Request("team/app", "v1"))
        assert set(checks) == {spec.id for spec in SPECS}
        failed = {i: c.detail for i, c in checks.items() if c.status == "fail"}
        assert not failed
        assert checks["aws.credentials"].status == "ok"
        assert MOTO_ARN in checks["aws.credentials"].detail
        assert "AWS_ACCESS_KEY_ID in the environment" in checks["aws.credentials"].detail
        assert checks["aws.region"].detail == f"{REGION} (from AWS_DEFAULT_REGION)"
        assert checks["aws.clock"].status == "ok"
        assert checks["registry.reachable"].status == "ok"
        assert "HTTP 401" in checks["registry.reachable"].detail
        assert checks["registry.login"].status == "ok"
        assert checks["registry.match"].status == "ok"
        assert checks["registry.ecrctl-login"].status == "ok"
        assert checks["docker.engine"].status == "ok"
        assert checks["docker.version"].status == "ok"
        assert checks["repo.pull"].status == "ok"
        assert "no repository policy" in checks["repo.pull"].detail
        assert checks["limits.images"].status == "ok"
        assert "1 of 100,000 images" in checks["limits.images"].detail
        assert "documented default" in checks["limits.images"].detail

    def test_without_repository_no_repository_checks(self) -> None:
        checks = run()
        assert not [i for i in checks if i.startswith("repo.") or i == "limits.images"]
        assert checks["limits.repositories"].status == "ok"

    def test_pull_only_skips_the_push_check(self) -> None:
        boto().create_repository(repositoryName="team/app")
        checks = run(Request("team/app", pull=True))
        assert "repo.pull" in checks and "repo.push" not in checks
