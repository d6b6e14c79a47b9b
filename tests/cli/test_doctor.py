"""``ecrctl doctor`` through the real main() wrapper: the table, the JSON shape,
exit codes, input checks; against moto_server, docker-registry and dockerd."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Runner
from tests.doctor.checks import boto, put_image
from tests.doctor.conftest import aws_env, healthy, loopback_only  # noqa: F401 - fixtures


@pytest.mark.usefixtures("healthy")
def test_healthy_table_and_exit_0(cli: Runner) -> None:
    boto().create_repository(repositoryName="team/app")
    put_image("team/app", "v1")
    result = cli("doctor", "team/app:v1")
    assert result.exit_code == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["STATUS", "CHECK", "FOUND", "FIX"]
    rows = {line.split()[1]: line.split()[0] for line in lines[2:] if line.strip()}
    assert rows["aws.credentials"] == "ok"
    assert rows["repo.exists"] == "ok"
    assert "fail" not in rows.values()
    assert result.stderr == ""  # no spinner when stderr is not a terminal


@pytest.mark.usefixtures("healthy")
def test_json_shape(cli: Runner) -> None:
    result = cli("doctor", "-o", "json")
    assert result.exit_code == 0, result.stderr
    data = result.json
    assert set(data) == {"checks", "summary"}
    assert set(data["summary"]) == {"ok", "warn", "fail", "skip"}
    assert sum(data["summary"].values()) == len(data["checks"])
    for check in data["checks"]:
        assert set(check) == {"id", "title", "status", "detail", "fix"}
    assert data["checks"][0]["id"] == "aws.credentials"


@pytest.mark.usefixtures("healthy")
def test_a_failing_check_exits_1_with_its_fix(
    cli: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/dead.sock")
    result = cli("doctor", "--query", "checks[?status=='fail'].[id, fix]")
    assert result.exit_code == 1
    assert result.json == [
        [
            "docker.engine",
            "start it (sudo systemctl start docker), or point DOCKER_HOST at its socket",
        ]
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["doctor", "Team/App"], "Team/App"),
        (["doctor", "team/app:bad tag"], "bad tag"),
        (["doctor", "--push"], "--push and --pull need a REPOSITORY"),
    ],
)
def test_bad_input_exits_2_before_any_check(cli: Runner, args: list[str], message: str) -> None:
    result = cli(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""
