"""``ecrctl doctor``'s checks against real backends, each fault induced for real:
moto_server for AWS, the Debian docker-registry, a real dockerd, failing
credential helpers on PATH, closed ports, a Date-rewriting proxy on loopback."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from ecrctl import paths
from ecrctl.aws.settings import AwsSettings
from ecrctl.doctor.model import Check, Request
from ecrctl.doctor.workflow import SPECS, diagnose
from ecrctl.login import dockerconfig
from tests.conftest import ACCOUNT, REGION
from tests.doctor.conftest import MOTO_ARN, closed_port, log_in

OTHER_ACCOUNT = "210987654321"


def run(request: Request | None = None, **settings: Any) -> dict[str, Check]:
    report = diagnose(AwsSettings(**settings), request or Request())
    return {check.id: check for check in report.checks}


def boto(service: str = "ecr") -> Any:
    import boto3

    return boto3.client(service, region_name=REGION)


def put_image(repository: str, tag: str | None, n: int = 0) -> None:
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {"mediaType": "x", "size": 1, "digest": "sha256:" + f"{n:064x}"},
            "layers": [],
        }
    )
    extra = {"imageTag": tag} if tag else {}
    boto().put_image(repositoryName=repository, imageManifest=manifest, **extra)


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


# -- Docker ------------------------------------------------------------------------------


def test_dockerd_stopped(healthy: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/dead.sock")
    checks = run()
    assert checks["docker.engine"].status == "fail"
    assert "does not answer" in checks["docker.engine"].detail
    assert "DOCKER_HOST" in (checks["docker.engine"].fix or "")
    assert checks["docker.version"].status == "skip"
    assert checks["docker.disk"].status == "skip"


# -- the registry ---------------------------------------------------------------------------


def test_registry_that_does_not_answer(healthy: str, monkeypatch: pytest.MonkeyPatch) -> None:
    host = f"127.0.0.1:{closed_port()}"
    monkeypatch.setenv("ECRCTL_REGISTRY_URL", host)
    checks = run()
    assert checks["registry.reachable"].status == "fail"
    assert "connection refused" in checks["registry.reachable"].detail
    assert host in (checks["registry.reachable"].fix or "")
    assert checks["registry.credential"].status == "fail"  # nobody logged in to that port
    assert checks["registry.credential"].fix == f"ecrctl login --region {REGION}"
    assert checks["registry.login"].status == "skip"


def test_credential_for_another_region(healthy: str) -> None:
    log_in(healthy, "whatever", region="eu-west-1")
    checks = run()
    match = checks["registry.match"]
    assert match.status == "fail"
    assert "issued for account" in match.detail and "eu-west-1" in match.detail
    assert match.fix == f"ecrctl login --region {REGION}"


def test_credential_for_another_account(healthy: str) -> None:
    from tests.conftest import Runner

    result = Runner()("login", "--registry-id", OTHER_ACCOUNT)
    assert result.exit_code == 0, result.stderr
    checks = run()
    assert checks["registry.match"].status == "fail"
    assert OTHER_ACCOUNT in checks["registry.match"].detail
    assert checks["registry.match"].fix == f"ecrctl login --region {REGION}"
    assert checks["registry.login"].status == "fail"  # the registry rejects that token
    assert "HTTP 401" in checks["registry.login"].detail


def test_credential_the_registry_rejects(healthy: str) -> None:
    dockerconfig.store(healthy, "AWS", "not-the-htpasswd-password")
    checks = run()
    assert checks["registry.credential"].status == "ok"
    login = checks["registry.login"]
    assert login.status == "fail"
    assert "rejected docker's credential" in login.detail
    assert login.fix == f"ecrctl login --region {REGION}"


def test_no_credential_at_all(healthy: str) -> None:
    dockerconfig.erase(healthy)
    checks = run(region="us-east-1", registry_id=ACCOUNT)
    assert checks["registry.credential"].status == "fail"
    assert checks["registry.credential"].fix == (
        f"ecrctl login --region {REGION} --registry-id {ACCOUNT}"
    )


FAILING_HELPER = "#!/bin/sh\necho 'error getting credentials: the vault is locked' >&2\nexit 3\n"


def test_creds_store_helper_that_fails(
    healthy: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    helper = bindir / "docker-credential-broken"
    helper.write_text(FAILING_HELPER)
    helper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    config = dockerconfig.read_config()
    config["credsStore"] = "broken"
    paths.docker_config_file().write_text(json.dumps(config))
    checks = run()
    credential = checks["registry.credential"]
    assert credential.status == "fail"
    assert "docker-credential-broken get failed: error getting credentials" in credential.detail
    assert "credsStore" in (credential.fix or "")
    assert checks["registry.login"].status == "skip"


def test_helper_configured_while_auths_holds_a_token(healthy: str) -> None:
    config = dockerconfig.read_config()
    config["credHelpers"] = {healthy: "ecr-login"}
    paths.docker_config_file().write_text(json.dumps(config))
    conflicts = run()["registry.conflicts"]
    assert conflicts.status == "warn"
    assert "ecr-login" in conflicts.detail
    assert conflicts.fix == f'remove "auths"."{healthy}" from {paths.docker_config_file()}'


def test_expired_ecrctl_login(healthy: str, docker_env: Any) -> None:
    log_in(healthy, docker_env.password, hours=-1)
    check = run()["registry.ecrctl-login"]
    assert check.status == "fail"
    assert "expired" in check.detail
    assert check.fix == f"ecrctl login --region {REGION}"


# -- proxies and the clock ---------------------------------------------------------------------


def test_proxy_variables_pointing_at_a_closed_port(
    healthy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = f"http://127.0.0.1:{closed_port()}"
    monkeypatch.setenv("HTTP_PROXY", proxy)
    monkeypatch.setenv("HTTPS_PROXY", proxy)
    checks = run()
    endpoint = checks["aws.endpoint"]
    assert endpoint.status == "fail"
    assert f"through {proxy} from HTTP_PROXY" in endpoint.detail
    assert endpoint.fix == f"fix HTTP_PROXY={proxy}, or bypass it: export NO_PROXY=127.0.0.1"
    assert checks["aws.credentials"].status == "fail"


def test_no_proxy_takes_the_endpoint_out_of_the_proxy(
    healthy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    checks = run()
    assert checks["aws.endpoint"].status == "ok"
    assert "through" not in checks["aws.endpoint"].detail


class DateRewriter:
    """A reverse proxy on loopback that forwards to moto_server and rewrites Date."""

    def __init__(self, upstream: str, offset: timedelta) -> None:
        import urllib.error
        import urllib.request

        class Handler(BaseHTTPRequestHandler):
            def do_any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                request = urllib.request.Request(
                    upstream + self.path, data=body, method=self.command
                )
                for name, value in self.headers.items():
                    if name.lower() not in {"host", "content-length"}:
                        request.add_header(name, value)
                try:
                    answer = urllib.request.urlopen(request, timeout=5)
                except urllib.error.HTTPError as error:
                    answer = error
                data = answer.read()
                self.send_response_only(answer.status)
                for name, value in answer.headers.items():
                    if name.lower() not in {"date", "content-length", "transfer-encoding"}:
                        self.send_header(name, value)
                self.send_header("Date", format_datetime(datetime.now(UTC) + offset, usegmt=True))
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_any

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> DateRewriter:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def skewed(healthy: str, aws_env: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    def start(offset: timedelta) -> DateRewriter:
        proxy = DateRewriter(aws_env, offset).__enter__()
        started.append(proxy)
        monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", proxy.url)
        return proxy

    started: list[DateRewriter] = []
    yield start
    for proxy in started:
        proxy.__exit__()


@pytest.mark.parametrize(
    ("offset", "status"),
    [(timedelta(minutes=-10), "fail"), (timedelta(seconds=90), "warn"), (timedelta(0), "ok")],
)
def test_clock_skew_through_a_date_rewriting_proxy(
    skewed: Any, offset: timedelta, status: str
) -> None:
    skewed(offset)
    clock = run()["aws.clock"]
    assert clock.status == status, clock.detail
    if status == "fail":
        seconds = int(clock.detail.split("this clock is ")[1].split(" s ")[0])
        assert 598 <= seconds <= 602  # the Date header has a resolution of 1 s
        assert "ahead of the service's" in clock.detail
    if status != "ok":
        assert clock.fix is not None and "timedatectl set-ntp true" in clock.fix


def test_expired_ecr_token_in_docker_config(healthy: str) -> None:
    import base64

    payload = {"payload": "x", "datakey": "y", "version": "2", "type": "DATA_KEY"}
    payload["expiration"] = int((datetime.now(UTC) - timedelta(hours=1)).timestamp())
    secret = base64.b64encode(json.dumps(payload).encode()).decode()
    dockerconfig.store(healthy, "AWS", secret)
    credential = run()["registry.credential"]
    assert credential.status == "fail"
    assert "expired at" in credential.detail and "tokens last 12 hours" in credential.detail
    assert credential.fix == f"ecrctl login --region {REGION}"


def test_endpoint_that_does_not_answer_names_where_it_was_set(
    healthy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", url)
    endpoint = run()["aws.endpoint"]
    assert endpoint.status == "fail"
    assert endpoint.detail == f"cannot reach {url}: connection refused"
    assert endpoint.fix == f"check that {url} (from AWS_ENDPOINT_URL_ECR) is up and reachable"
