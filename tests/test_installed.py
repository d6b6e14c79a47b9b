"""The installed console script against a moto_server process on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.aws import repository_with_one_image

BIN = Path(sys.executable).parent


def ecrctl(
    *args: str, url: str | None = None, stdin: str | None = None, env_url: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if env_url:
        env["AWS_ENDPOINT_URL_ECR"] = env_url
    argv = [str(BIN / "ecrctl"), *args]
    if url:
        argv += ["--endpoint-url", url]
    return subprocess.run(
        argv, env=env, input=stdin or "", capture_output=True, text=True, timeout=60
    )


def test_repository_workflow_via_env_endpoint(moto_url: str) -> None:
    created = ecrctl("repo", "create", "team/web", "--tag", "env=dev", env_url=moto_url)
    assert created.returncode == 0, created.stderr
    assert created.stdout.strip().endswith(".amazonaws.com/team/web")
    listed = ecrctl("repo", "list", "-o", "json", env_url=moto_url)
    assert [r["repositoryName"] for r in json.loads(listed.stdout)] == ["team/web"]
    shown = json.loads(ecrctl("repo", "show", "team/web", "-o", "json", env_url=moto_url).stdout)
    assert shown["tags"] == [{"Key": "env", "Value": "dev"}]
    deleted = ecrctl("repo", "delete", "team/web", env_url=moto_url)
    assert deleted.returncode == 0 and deleted.stdout == "deleted team/web\n"


def test_endpoint_option_after_subcommand(moto_url: str) -> None:
    assert ecrctl("repo", "create", "app", url=moto_url).returncode == 0
    listed = ecrctl("repo", "list", "--query", "[0].repositoryName", url=moto_url)
    assert json.loads(listed.stdout) == "app"


def test_piped_table_has_no_colour_codes(moto_url: str) -> None:
    ecrctl("repo", "create", "app", url=moto_url)
    listed = ecrctl("repo", "list", url=moto_url)
    assert "\x1b[" not in listed.stdout
    assert listed.stdout.splitlines()[2].split()[0] == "app"


def test_force_delete_without_tty_and_yes_is_exit_2(moto_url: str) -> None:
    import boto3

    client = boto3.client("ecr", endpoint_url=moto_url)
    repository_with_one_image(client, "app", "v1")
    result = ecrctl("repo", "delete", "app", "--force", url=moto_url)
    assert result.returncode == 2
    assert result.stderr.startswith("ecrctl: error: refusing to delete 'app' with its 1 image")
    assert client.describe_repositories()["repositories"][0]["repositoryName"] == "app"


@pytest.mark.parametrize("entry", [["-m", "ecrctl"], []])
def test_module_and_script_entry_points_agree(entry: list[str]) -> None:
    argv = [sys.executable, *entry, "--version"] if entry else [str(BIN / "ecrctl"), "--version"]
    result = subprocess.run(argv, capture_output=True, text=True, check=True)
    assert result.stdout.startswith("ecrctl, version ")
