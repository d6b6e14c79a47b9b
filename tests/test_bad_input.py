"""Bad input, files and settings, through the installed console scripts.

Each row runs ``ecrctl`` (or ``docker-credential-ecrctl``) from ``.venv/bin`` as a
subprocess against a moto_server on 127.0.0.1, and asserts: the exit code (2 for
every mistake a user can make, 1 for an unusable path), exactly one line of error
output that names the value, no traceback, and nothing changed in moto.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.bad_input_cases import CASES, Case
from tests.image_samples import EMPTY_SCHEMA2

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Moto:
    url: str
    client: Any = field(repr=False)

    def state(self) -> Any:
        """Everything a command could have changed: repositories, their settings,
        tags, policies and images."""
        found = []
        for repo in self.client.describe_repositories()["repositories"]:
            name = repo["repositoryName"]
            images = self.client.describe_images(repositoryName=name)["imageDetails"]
            found.append(
                {
                    "name": name,
                    "mutability": repo.get("imageTagMutability"),
                    "tags": self.client.list_tags_for_resource(resourceArn=repo["repositoryArn"])[
                        "tags"
                    ],
                    "policy": self._text("get_repository_policy", name, "policyText"),
                    "lifecycle": self._text("get_lifecycle_policy", name, "lifecyclePolicyText"),
                    "images": sorted(
                        (i["imageDigest"], tuple(sorted(i.get("imageTags", [])))) for i in images
                    ),
                }
            )
        return found

    def _text(self, operation: str, name: str, key: str) -> str | None:
        try:
            text: str = getattr(self.client, operation)(repositoryName=name)[key]
        except self.client.exceptions.ClientError:
            return None
        return text


@pytest.fixture(scope="module")
def seeded(moto_server: str) -> Iterator[Moto]:
    """moto with team/app (one image tagged v1) and nothing else."""
    import urllib.request

    import boto3

    request = urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")
    urllib.request.urlopen(request).close()
    client = boto3.client(
        "ecr",
        endpoint_url=moto_server,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_repository(repositoryName="team/app")
    client.put_image(repositoryName="team/app", imageManifest=EMPTY_SCHEMA2, imageTag="v1")
    yield Moto(moto_server, client)


def _environment(case: Case, moto: Moto, home: Path) -> dict[str, str]:
    env = {
        "PATH": f"{BIN}:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "DOCKER_CONFIG": str(home / ".docker"),
        "DOCKER_HOST": f"unix://{home}/no-docker.sock",
        # a stand-in OS store: the token cache refuses plaintext backends (tests/store_keyring.py)
        "PYTHON_KEYRING_BACKEND": "tests.store_keyring.StoreKeyring",
        "PYTHONPATH": str(ROOT),
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(home / ".aws" / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / ".aws" / "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ENDPOINT_URL_ECR": moto.url,
        "AWS_ENDPOINT_URL_STS": moto.url,
        "ECRCTL_MAX_ATTEMPTS": "1",
        "COLUMNS": "120",
    }
    for name, value in case.env.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value.replace("{d}", str(home))
    return env


def _write_files(case: Case, home: Path) -> None:
    for name, content in case.files.items():
        path = home / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is None:
            path.mkdir(exist_ok=True)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def test_there_are_at_least_150_cases() -> None:
    assert len(CASES) >= 150
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, seeded: Moto, tmp_path: Path) -> None:
    home = tmp_path / "case"
    home.mkdir()
    _write_files(case, home)
    before = seeded.state()
    argv = [str(BIN / case.tool), *(a.replace("{d}", str(home)) for a in case.args)]
    done = subprocess.run(
        argv,
        env=_environment(case, seeded, home),
        input=case.stdin,
        stdin=subprocess.DEVNULL if case.stdin is None else None,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=home,
    )
    said = done.stdout if case.tool == "docker-credential-ecrctl" else done.stderr
    lines = said.strip("\n").splitlines()
    assert done.returncode == case.code, said
    assert "Traceback" not in done.stderr + done.stdout
    assert len(lines) == 1, said
    assert lines[0].startswith("ecrctl: error: "), said
    assert not lines[0].startswith("ecrctl: error: unexpected ")
    assert case.expect in lines[0], lines[0]
    assert seeded.state() == before


def test_a_retry_setting_of_one_attempt_is_honoured(seeded: Moto, tmp_path: Path) -> None:
    # AWS_MAX_ATTEMPTS as the AWS CLI reads it; ECRCTL_MAX_ATTEMPTS and --max-attempts win
    case = Case("attempts", ("--debug", "repo", "list", "--endpoint-url", "http://127.0.0.1:9"))
    env = _environment(case, seeded, tmp_path)
    del env["ECRCTL_MAX_ATTEMPTS"]
    for extra, args, expected in [
        ({"AWS_MAX_ATTEMPTS": "1"}, [], "max=1"),
        ({"AWS_MAX_ATTEMPTS": "1", "ECRCTL_MAX_ATTEMPTS": "2"}, [], "max=2"),
        ({"AWS_MAX_ATTEMPTS": "1"}, ["--max-attempts", "3"], "max=3"),
    ]:
        done = subprocess.run(
            [str(BIN / "ecrctl"), *case.args, *args],
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 1
        assert f"attempt=1; {expected}" in done.stderr
        assert f"; {expected[:-1]}{int(expected[-1]) + 1}" not in done.stderr
        assert os.linesep.join(done.stderr.splitlines()[-1:]).startswith(
            "ecrctl: error: cannot reach the AWS endpoint http://127.0.0.1:9"
        )
