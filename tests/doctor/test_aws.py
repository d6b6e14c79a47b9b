"""The AWS checks against moto_server: the endpoint through proxies and when it does not
answer, the clock through a Date-rewriting proxy, the caller's registry; a denied
GetAuthorizationToken through Stubber."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest

from ecrctl.doctor.aws import short_reason
from ecrctl.doctor.model import FAIL, Request
from tests.conftest import ACCOUNT
from tests.doctor.checks import run, stubbed
from tests.doctor.conftest import MOTO_ARN, closed_port
from tests.support.loopback import Handler, Served, loopback_server, url_of


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


class DateRewriter(Served):
    """A reverse proxy on loopback that forwards to moto_server and rewrites Date."""

    def __init__(self, upstream: str, offset: timedelta) -> None:
        class Rewriting(Handler):
            def do_any(self) -> None:
                status, data, headers = self.forward(upstream, self.read_body(), timeout=5)
                self.send_response_only(status)
                for name, value in headers.items():
                    if name.lower() != "date":
                        self.send_header(name, value)
                self.send_header("Date", format_datetime(datetime.now(UTC) + offset, usegmt=True))
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_any

        super().__init__(loopback_server(Rewriting))
        self.url = url_of(self.server)


@pytest.fixture
def skewed(healthy: str, aws_env: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    with ExitStack() as stack:

        def start(offset: timedelta) -> DateRewriter:
            proxy = stack.enter_context(DateRewriter(aws_env, offset))
            monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", proxy.url)
            return proxy

        yield start


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


def test_endpoint_that_does_not_answer_names_where_it_was_set(
    healthy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", url)
    endpoint = run()["aws.endpoint"]
    assert endpoint.status == "fail"
    assert endpoint.detail == f"cannot reach {url}: connection refused"
    assert endpoint.fix == f"check that {url} (from AWS_ENDPOINT_URL_ECR) is up and reachable"


@pytest.mark.usefixtures("healthy")
def test_get_authorization_token_denied() -> None:
    ecr, stub = stubbed("ecr")
    stub.add_client_error(
        "get_authorization_token",
        "AccessDeniedException",
        f"User: {MOTO_ARN} is not authorized to perform: ecr:GetAuthorizationToken on "
        "resource: * because no identity-based policy allows the ecr:GetAuthorizationToken "
        "action",
        http_status_code=400,
    )
    with stub:
        token = run(Request(), {"ecr": ecr})["aws.auth-token"]
    assert token.status == FAIL
    assert token.detail == f"{MOTO_ARN} is not allowed to perform ecr:GetAuthorizationToken"
    assert token.fix is not None and 'ecr:GetAuthorizationToken on Resource "*"' in token.fix


@pytest.mark.usefixtures("healthy")
def test_caller_account_is_the_registry_account() -> None:
    assert ACCOUNT in run(Request())["aws.auth-token"].detail


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (ConnectionRefusedError(111, "Connection refused"), "connection refused"),
        (TimeoutError("timed out"), "timed out"),
        (OSError("Read timeout on endpoint URL"), "timed out"),
        (OSError("[Errno -2] Name or service not known"), "no DNS"),
        (OSError("Failed to resolve 'api.ecr.x.amazonaws.com'"), "no DNS"),
        (
            OSError("certificate verify failed: unable to get local issuer"),
            "TLS certificate not trusted",
        ),
        (OSError("Unable to connect to proxy"), "the proxy failed"),
        (OSError("something else\nand more"), "something else"),
        (OSError("x" * 200), "x" * 120),
        (ValueError(), "ValueError"),
    ],
)
def test_short_reason(error: BaseException, reason: str) -> None:
    assert short_reason(error) == reason
