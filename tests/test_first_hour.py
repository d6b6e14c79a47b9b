"""The first hour of a user who knows ``aws ecr`` and ``docker``: the installed
``ecrctl`` against moto_server, one test per kind of mistake, each walking every
command the kind covers as the click tree declares them (a new command is covered
by construction)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from ecrctl.cli.main import cli
from ecrctl.cli.paramtypes import RepositoryName, TagOrDigest

BIN = Path(sys.executable).parent
ACCOUNT = "123456789012"  # moto's account
URI = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com"  # what `repo create` prints against moto
MANIFEST = {
    "schemaVersion": 2,
    "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
    "config": {
        "mediaType": "application/vnd.docker.container.image.v1+json",
        "size": 1,
        "digest": "sha256:" + "1" * 64,
    },
    "layers": [],
}


def ecrctl(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AWS_ENDPOINT_URL_ECR": url, "AWS_DEFAULT_REGION": "us-east-1"}
    argv = [str(BIN / "ecrctl"), *args]
    return subprocess.run(argv, env=env, input="", capture_output=True, text=True, timeout=60)


def commands() -> Iterator[tuple[list[str], click.Command]]:
    """Every command of the tree, with its path."""

    def walk(command: click.Command, path: list[str]) -> Iterator[tuple[list[str], click.Command]]:
        if isinstance(command, click.Group):
            ctx = click.Context(command)
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None
                yield from walk(sub, [*path, name])
        else:
            yield path, command

    yield from walk(cli, [])


def repository_commands() -> list[tuple[list[str], click.Command]]:
    """The commands whose first argument is a repository."""
    found = []
    for path, command in commands():
        arguments = [p for p in command.params if isinstance(p, click.Argument)]
        if arguments and isinstance(arguments[0].type, RepositoryName):
            found.append((path, command))
    return found


def filler(command: click.Command, policy: Path) -> list[str]:
    """Values for the command's other required arguments (after the repository), then
    its required options."""
    values = []
    for param in [p for p in command.params if isinstance(p, click.Argument)][1:]:
        metavar = (param.metavar or param.name or "").upper()
        if isinstance(param.type, TagOrDigest):
            values.append("v1")
        elif not param.required:
            continue
        elif "FILE" in metavar:
            values.append(str(policy))
        elif "=" in metavar:
            values.append("team=web")
        elif "TAG" in metavar:
            values.append("v2")
        else:
            values.append("team")
    for option in command.params:
        if isinstance(option, click.Option) and option.required:
            choices = getattr(option.type, "choices", None)
            values += [option.opts[0], str(choices[0]) if choices else "x"]
    return values


def test_every_repository_argument_is_declared_as_one() -> None:
    """An argument named ``repository`` takes what every repository argument takes."""
    for path, command in commands():
        for param in command.params:
            # with a metavar it is a reference, e.g. REPO[:TAG]
            if isinstance(param, click.Argument) and param.name == "repository":
                assert param.metavar is not None or isinstance(param.type, RepositoryName), path


@pytest.fixture
def image_repo(moto_url: str, tmp_path: Path) -> Path:
    import boto3

    client = boto3.client("ecr", endpoint_url=moto_url, region_name="us-east-1")
    client.create_repository(repositoryName="team/app")
    client.put_image(repositoryName="team/app", imageTag="v1", imageManifest=json.dumps(MANIFEST))
    policy = tmp_path / "policy.json"
    policy.write_text(
        json.dumps(
            {
                "rules": [
                    {
                        "rulePriority": 1,
                        "selection": {
                            "tagStatus": "any",
                            "countType": "imageCountMoreThan",
                            "countNumber": 5,
                        },
                        "action": {"type": "expire"},
                    }
                ]
            }
        )
    )
    return policy


def test_a_repository_given_the_way_the_user_has_it(moto_url: str, image_repo: Path) -> None:
    """The URI ``repo create`` printed is the name on the registry ecrctl calls; a URI of
    another region is one line naming the region and --region; ``REPO:TAG`` stands for
    ``REPO TAG`` where a repository and a tag follow each other."""
    walked = repository_commands()
    assert len(walked) >= 20
    for path, command in walked:
        rest = filler(command, image_repo)
        dry = ["--dry-run"] if any(p.name == "dry_run" for p in command.params) else []
        dry += ["-o", "json"]  # no "3s ago" to differ between two runs
        plain = ecrctl(moto_url, *path, "team/app", *rest, *dry)
        full = ecrctl(moto_url, *path, f"{URI}/team/app", *rest, *dry)
        assert (full.returncode, full.stdout, full.stderr) == (
            plain.returncode,
            plain.stdout,
            plain.stderr,
        ), path
        assert URI not in plain.stderr, path  # never "ecrctl repo create <URI>"
        other = ecrctl(
            moto_url, *path, f"{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/team/app", *rest
        )
        assert other.returncode == 2, (path, other.stderr)
        assert len(other.stderr.splitlines()) == 1, (path, other.stderr)
        assert "region eu-west-1" in other.stderr and "--region eu-west-1" in other.stderr, path
        arguments = [p for p in command.params if isinstance(p, click.Argument)]
        if len(arguments) > 1 and isinstance(arguments[1].type, TagOrDigest):
            joined = ecrctl(moto_url, *path, f"{URI}/team/app:v1", *rest[1:], *dry)
            assert (joined.returncode, joined.stdout, joined.stderr) == (
                plain.returncode,
                plain.stdout,
                plain.stderr,
            ), path
            assert joined.returncode == 0, (path, joined.stderr)
        elif "image" in path:
            tagged = ecrctl(moto_url, *path, "team/app:v1")
            assert tagged.returncode == 2 and "give the repository alone" in tagged.stderr, path

