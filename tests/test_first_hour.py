"""The first hour of a user who knows ``aws ecr`` and ``docker``: the installed
``ecrctl`` against moto_server, one test per kind of mistake, each walking every
command the kind covers as the click tree declares them (a new command is covered
by construction)."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from ecrctl.cli.main import cli
from ecrctl.cli.paramtypes import RepositoryName, TagOrDigest
from tests.support.aws import repository_with_one_image

BIN = Path(sys.executable).parent
ACCOUNT = "123456789012"  # moto's account
URI = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com"  # what `repo create` prints against moto


def ecrctl(url: str, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AWS_ENDPOINT_URL_ECR": url, "AWS_DEFAULT_REGION": "us-east-1", **extra}
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
            values.append("nokey")  # repo untag: the same answer twice
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
    repository_with_one_image(client, "team/app", "v1")
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


def test_a_repository_of_another_region_is_found_there(
    moto_url: str, image_repo: Path, tmp_path: Path
) -> None:
    """A repository that exists only in another region the user's AWS config names is
    found there: every repository command names that region and --region, and never
    offers ``repo create``; where no region the configuration names has it, the error
    says where it looked."""
    import boto3

    boto3.client("ecr", endpoint_url=moto_url, region_name="eu-west-1").create_repository(
        repositoryName="team/far"
    )
    config = tmp_path / "aws-config"
    config.write_text("[default]\nregion = us-east-1\n[profile eu]\nregion = eu-west-1\n")
    checked = 0
    for path, command in repository_commands():
        if path in (["repo", "create"], ["repo", "list"]):
            continue  # it makes one in the region asked for; a prefix matching none
        rest = filler(command, image_repo)
        yes = ["--yes"] if any(p.name == "yes" for p in command.params) else []
        result = ecrctl(moto_url, *path, "team/far", *rest, *yes, AWS_CONFIG_FILE=str(config))
        if result.returncode == 2:
            continue  # a filler value refused before any call (--principal x, the file)
        checked += 1
        assert result.returncode == 1, (path, result.stderr)
        assert len(result.stderr.splitlines()) == 1, (path, result.stderr)
        assert "it exists in eu-west-1: use --region eu-west-1" in result.stderr, path
        assert "repo create" not in result.stderr, path
    assert checked >= 15, checked
    missing = ecrctl(moto_url, "image", "list", "team/none", AWS_CONFIG_FILE=str(config))
    assert "(not in eu-west-1 either), or create it: ecrctl repo create team/none" in (
        missing.stderr
    )
    checks = doctor(moto_url, "team/far", AWS_CONFIG_FILE=str(config))
    assert checks["repo.exists"]["fix"] == "ecrctl doctor team/far --region eu-west-1"


def test_aws_cli_habits(moto_url: str) -> None:
    """aws-cli's option names point to ecrctl's spelling (not to a look-alike option),
    on every command; a misspelt command gets a did-you-mean on every group."""
    from ecrctl.cli.habits import POINTERS

    habits = sorted(POINTERS)
    for index, (path, command) in enumerate(commands()):
        declared = {name for p in command.params for name in getattr(p, "opts", [])}
        option = next(
            habits[(index + n) % len(habits)]
            for n in range(len(habits))
            if habits[(index + n) % len(habits)] not in declared
        )
        result = ecrctl(moto_url, *path, option, "team/x")
        assert result.returncode == 2, (path, option, result.stderr)
        assert len(result.stderr.splitlines()) == 1, (path, result.stderr)
        assert f"no such option '{option}' (aws-cli's spelling): " in result.stderr, path
        assert "did you mean" not in result.stderr, (path, option)
    created = ecrctl(moto_url, "repo", "create", "--repository-name", "team/x")
    assert "NAME is positional: ecrctl repo create team/x" in created.stderr
    groups = {tuple(path[:-1]) for path, _ in commands() if len(path) > 1}
    for group in sorted(groups):
        names = sorted({path[len(group)] for path, _ in commands() if tuple(path[:-1]) == group})
        for name in (n for n in names if len(n) > 3):
            typo = name[:-2] + name[-1] + name[-2]  # the last two letters swapped
            if typo in names:
                continue  # pull: swapping its l's changes nothing
            result = ecrctl(moto_url, *group, typo)
            assert result.returncode == 2, (group, typo)
            assert f"no such command '{typo}' (did you mean " in result.stderr, group
            assert f"'{name}'" in result.stderr.partition("did you mean")[2], group
    put = ecrctl(moto_url, "policy", "repo", "put", "team/x")
    assert "(did you mean 'set'?)" in put.stderr


class Misconfigured(http.server.BaseHTTPRequestHandler):
    """A stand-in for a misconfigured endpoint, which is what the user has (a registry
    host or a proxy given as the ECR API): 404 with an empty body, an empty 200
    without a request id, or an HTML 500, as ``mode`` in the path of the server says."""

    mode = "404"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = b"<html><h1>500 Internal Server Error</h1></html>" if self.mode == "500" else b""
        self.send_response(int(self.mode))
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def misconfigured(mode: str) -> Iterator[str]:
    handler = type(f"Answers{mode}", (Misconfigured,), {"mode": mode})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("mode", ["404", "200", "500"])
def test_errors_name_the_real_cause(mode: str, tmp_path: Path) -> None:
    """A misbehaving endpoint is named as the cause on every repository command (never
    "no repositories", never --region); an unknown region and a JSON syntax error in a
    policy file name themselves."""
    (policy := tmp_path / "policy.json").write_text('{"rules": [\n  {"rulePriority": 1 "x": 2}]}')
    checked = 0
    for url in misconfigured(mode):
        for path, command in repository_commands():
            rest = filler(command, policy)
            yes = ["--yes"] if any(p.name == "yes" for p in command.params) else []
            result = ecrctl(url, *path, "team/app", *rest, *yes, "--max-attempts", "1")
            if result.returncode == 2:
                continue  # a filler value refused before any call (--principal x, the file)
            checked += 1
            assert result.returncode == 1, (path, result.stdout, result.stderr)
            assert len(result.stderr.splitlines()) == 1, (path, result.stderr)
            assert "not an AWS API endpoint" in result.stderr, (path, result.stderr)
            assert "--endpoint-url" in result.stderr and "--region" not in result.stderr, path
    assert checked >= 15, checked
    for path in (["policy", "repo", "validate"], ["policy", "lifecycle", "validate"]):
        bad = ecrctl("http://127.0.0.1:9", *path, str(policy))
        assert bad.returncode == 2, bad.stderr
        assert "line 2, column 22" in bad.stderr and '{"rulePriority": 1 "x": 2}' in bad.stderr


@pytest.fixture(scope="module")
def shipped_moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """moto_server as moto ships it, none of scripts/backends.py's fixes: its
    GetAuthorizationToken answers tokens that expired on 2015-01-01."""
    sys.path.insert(0, str(Path(__file__).parent.parent / "scripts"))
    import backends

    port = backends.free_port()
    log = tmp_path_factory.mktemp("shipped-moto") / "moto.log"
    argv = [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)]
    with log.open("ab") as output:
        process = subprocess.Popen(argv, stdout=output, stderr=subprocess.STDOUT)
    try:
        backends.wait_http(f"http://127.0.0.1:{port}/moto-api/")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def doctor(url: str, *args: str, **extra: str) -> dict[str, dict[str, str]]:
    """``ecrctl doctor ARGS -o json`` with the ECR API at ``url`` (every AWS service
    there), the registry host a closed loopback port: nothing leaves loopback."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"127.0.0.1:{sock.getsockname()[1]}"
    extra |= {"AWS_ENDPOINT_URL": url, "ECRCTL_REGISTRY_URL": closed}
    result = ecrctl(url, "doctor", *args, "-o", "json", "--max-attempts", "1", **extra)
    return {check["id"]: check for check in json.loads(result.stdout)["checks"]}


def test_doctor_and_login_name_a_wrong_endpoint_and_an_expired_token(
    shipped_moto: str, tmp_path: Path
) -> None:
    """An endpoint answering 404 with an empty body is not "ok" in doctor: it is not an
    ECR API, and the fix says where to point it. A token that arrives expired (moto as
    shipped issues them) fails doctor's token check, and login refuses to store it."""
    for url in misconfigured("404"):
        checks = doctor(url)
        endpoint = checks["aws.endpoint"]
        assert endpoint["status"] == "fail", endpoint
        assert f"{url} (from AWS_ENDPOINT_URL_ECR) is not an ECR API endpoint" in endpoint["detail"]
        assert "HTTP 404 with an empty body" in endpoint["detail"]
        assert endpoint["fix"].startswith(
            "point --endpoint-url/AWS_ENDPOINT_URL_ECR at the ECR API"
        )
        assert checks["aws.auth-token"]["status"] == "skip"
    token = doctor(shipped_moto)["aws.auth-token"]
    assert token["status"] == "fail", token
    assert "had expired when it arrived (2015-01-01 00:00 UTC" in token["detail"]
    assert "clock" in token["fix"] and "AWS_ENDPOINT_URL_ECR" in token["fix"]
    docker = tmp_path / "docker"
    login = ecrctl(shipped_moto, "login", DOCKER_CONFIG=str(docker))
    assert login.returncode == 1, login.stderr
    assert len(login.stderr.splitlines()) == 1 and login.stdout == ""
    assert "had expired when it arrived" in login.stderr and "nothing stored" in login.stderr
    assert not docker.exists()


def test_an_unknown_region_is_named() -> None:
    """api.ecr.us-east-9.amazonaws.com does not resolve: the region is named, not the network."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
    env |= {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y"}
    argv = [str(BIN / "ecrctl"), "repo", "list", "--region", "us-east-9", "--max-attempts", "1"]
    result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    assert "unknown region 'us-east-9'" in result.stderr
    assert "did you mean --region us-east-1?" in result.stderr


def test_small_things(moto_url: str, image_repo: Path) -> None:
    """Each says what happened: a tag already there is unchanged, a key that is not a
    tag is not untagged, nothing to delete is said, a "no" changed nothing, and every
    group's --help shows its commands first."""
    assert ecrctl(moto_url, "image", "retag", "team/app", "v1", "stable").returncode == 0
    again = ecrctl(moto_url, "image", "retag", "team/app", "v1", "stable")
    assert again.returncode == 0, again.stderr
    assert "0 of 1 tagged, 1 unchanged (already this image)" in again.stderr
    untag = ecrctl(moto_url, "repo", "untag", "team/app", "nosuchkey")
    assert untag.returncode == 0
    assert "nothing untagged: team/app has no tag nosuchkey" in untag.stderr
    nothing = ecrctl(moto_url, "image", "delete", "team/app", "--untagged", "--yes")
    assert nothing.returncode == 0 and nothing.stdout == "", nothing.stdout
    assert "nothing to delete: team/app has no untagged images" in nothing.stderr
    assert said_no(moto_url, "repo", "delete", "team/app", "--force").endswith(
        "error: not confirmed: nothing changed\n"
    )
    groups = {tuple(path[:depth]) for path, _ in commands() for depth in range(1, len(path))}
    for group in sorted(groups):
        shown = ecrctl(moto_url, *group, "--help").stdout
        assert shown.index("Commands:") < shown.index("Options:"), group
        assert "  --profile" not in shown, group  # only the pointer to ecrctl --help


def said_no(url: str, *args: str) -> str:
    """stderr of ``ecrctl ARGS`` answered "n" at its prompt, on a terminal."""
    import pty

    leader, follower = pty.openpty()
    env = {**os.environ, "AWS_ENDPOINT_URL_ECR": url, "AWS_DEFAULT_REGION": "us-east-1"}
    process = subprocess.Popen(
        [str(BIN / "ecrctl"), *args],
        stdin=follower,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    os.close(follower)
    os.write(leader, b"n\n")
    _, err = process.communicate(timeout=60)
    os.close(leader)
    assert process.returncode == 1, err
    return err.splitlines()[-1] + "\n" if err else ""


def test_a_token_cache_notice_is_told_once(moto_url: str) -> None:
    """A notice about the token cache has ecrctl's prefix and is told once, until the
    cache's state changes: a keyring that cannot start, on every login; no keyring
    where one is asked for, on every login status."""
    broken = {"PYTHON_KEYRING_BACKEND": "no.such.Backend"}
    firsts = []
    for extra in (broken, broken, {}, broken):
        said = ecrctl(moto_url, "login", "--print-password", **extra).stderr.splitlines()
        firsts.append([line for line in said if "keyring could not start" in line])
    assert [len(lines) for lines in firsts] == [1, 0, 0, 1], firsts
    assert firsts[0][0].startswith("ecrctl: warning: keyring could not start")
    nowhere = {"ECRCTL_TOKEN_CACHE": "keyring", "PYTHON_KEYRING_BACKEND": "no.such.Backend"}
    status = [ecrctl(moto_url, "login", "status", **nowhere).stderr for _ in range(2)]
    assert status[0].startswith("ecrctl: ") and "keyring could not start" in status[0], status
    assert "keyring" not in status[1], status


def test_yaml_output_is_the_json(moto_url: str, image_repo: Path) -> None:
    """``-o yaml`` (aws-cli has it) reads back as ``-o json`` on every listing."""
    import yaml

    for args in (["repo", "list"], ["repo", "show", "team/app"], ["image", "list", "team/app"]):
        as_json = json.loads(ecrctl(moto_url, *args, "-o", "json").stdout)
        as_yaml = ecrctl(moto_url, *args, "-o", "yaml")
        assert as_yaml.returncode == 0, as_yaml.stderr
        assert yaml.safe_load(as_yaml.stdout) == as_json, args


def test_waiting_is_bounded_and_said(tmp_path: Path) -> None:
    """An endpoint that accepts the connection and never answers (a socket nobody
    accepts from: the kernel completes the handshake) stops at --read-timeout, and a
    terminal is told after a second what is being waited on; every command takes
    aws-cli's --cli-connect-timeout/--cli-read-timeout."""
    import pty
    import socket
    import time

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        leader, follower = pty.openpty()
        env = {**os.environ, "AWS_ENDPOINT_URL_ECR": url, "AWS_DEFAULT_REGION": "us-east-1"}
        argv = [str(BIN / "ecrctl"), "repo", "list", "--cli-read-timeout", "2"]
        started = time.monotonic()
        process = subprocess.Popen(
            [*argv, "--max-attempts", "1"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=follower,
            env=env,
        )
        os.close(follower)
        process.wait(timeout=60)
        elapsed = time.monotonic() - started
        said = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            said += chunk
        os.close(leader)
    text = said.decode()
    assert process.returncode == 1, text
    assert elapsed < 15, elapsed
    assert f"ecrctl: waiting for {url}/ (DescribeRepositories)" in text, text
    assert "--read-timeout" in text and "did not answer in time" in text, text
    for path, _ in commands():
        accepted = ecrctl(url, *path, "--cli-connect-timeout", "3", "--read-timeout", "4", "-h")
        assert accepted.returncode == 0, (path, accepted.stderr)
    bad = ecrctl(url, "repo", "list", "--read-timeout", "0")
    assert bad.returncode == 2 and "--read-timeout" in bad.stderr


def test_one_argument_style_per_kind(moto_url: str, image_repo: Path) -> None:
    """A policy file is a positional FILE, template parameters KEY=VALUE, tags --tag
    KEY=VALUE, on every command taking them; the other spelling still works."""
    pairs = [
        (
            ["policy", "lifecycle", "preview", "team/app", str(image_repo)],
            ["policy", "lifecycle", "preview", "team/app", "--policy", str(image_repo)],
        ),
        (
            ["policy", "repo", "template", "cross-account-push", "account=111122223333"],
            ["policy", "repo", "template", "cross-account-push", "--account", "111122223333"],
        ),
        (["repo", "tag", "team/app", "--tag", "env=dev"], ["repo", "tag", "team/app", "env=dev"]),
    ]
    for chosen, kept in pairs:
        new = ecrctl(moto_url, *chosen, "-o", "json")
        old = ecrctl(moto_url, *kept, "-o", "json")
        assert new.returncode == 0, (chosen, new.stderr)
        assert (new.returncode, new.stdout) == (old.returncode, old.stdout), chosen
    for path, command in commands():  # every tag-taking command takes --tag KEY=VALUE
        if any(p.name in {"pairs", "tags"} for p in command.params):
            assert any("--tag" in getattr(p, "opts", []) for p in command.params), path


def test_readme_promises(moto_url: str, tmp_path: Path) -> None:
    """A login where docker has no credential store says the token is stored
    unencrypted, and how to keep it out; the README's install lines make a venv."""
    config_dir = tmp_path / "docker"
    config_dir.mkdir()
    (config_dir / "config.json").write_text("{}")
    env = {**os.environ, "AWS_ENDPOINT_URL_ECR": moto_url, "AWS_DEFAULT_REGION": "us-east-1"}
    env["DOCKER_CONFIG"] = str(config_dir)
    argv = [str(BIN / "ecrctl"), "login"]
    result = subprocess.run(argv, env=env, input="", capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    warning = [line for line in result.stderr.splitlines() if "unencrypted" in line]
    assert len(warning) == 1, result.stderr
    assert str(config_dir / "config.json") in warning[0]
    assert "ecrctl login --helper" in warning[0]
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    assert "python3 -m venv" in readme and "pipx install ." in readme
    assert "source .venv/bin/activate" in readme


def test_the_readme_says_what_ecrctl_adds_to_the_other_tools() -> None:
    """The README's comparison with crane, skopeo and amazon-ecr-credential-helper names
    only ecrctl commands and options this tree has (each claim can be tried)."""
    import re

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    section = readme.split("## Beside crane, skopeo and amazon-ecr-credential-helper")[1]
    section = section.split("\n## ")[0]
    spans = [" ".join(span.split()) for span in re.findall(r"`(ecrctl [^`]+)`", section)]
    assert len(spans) >= 15, spans
    for span in spans:
        command: click.Command = cli
        words = span.split()[1:]
        while isinstance(command, click.Group) and words and not words[0].startswith("-"):
            found = command.get_command(click.Context(command), words.pop(0))
            assert found is not None, span
            command = found
        runs = not isinstance(command, click.Group) or command.invoke_without_command
        assert runs, span  # a command, or a group that runs itself (login)
        options = {name for p in command.params for name in getattr(p, "opts", [])}
        assert {w for w in words if w.startswith("--")} <= options, span
