"""GetAuthorizationToken signed by ecrctl in the plain case: the same request
botocore signs, the same endpoint botocore picks, the same answer and the same
errors, handed to botocore for anything else, and no botocore imported."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from ecrctl.aws.clients import Aws
from ecrctl.aws.settings import AwsSettings, resolve
from ecrctl.login.direct_token import Plain, plain_case, signed_headers
from ecrctl.login.token import aws_tokens
from tests.distribution.proxy import Fault, Proxy
from tests.login_support import ecr_host
from tests.public_support import FakeEcrPublic
from tests.support.loopback import serving


def botocore_signed(plain: Plain, body: bytes) -> tuple[str, datetime]:
    """botocore's own Signature Version 4 of the request, and the time it signed at."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    request = AWSRequest(
        method="POST",
        url=plain.endpoint + "/",
        data=body,
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken",
        },
    )
    credentials = Credentials(plain.key_id, plain.secret, plain.token or None)
    SigV4Auth(credentials, "ecr", plain.region).add_auth(request)
    signed_at = datetime.strptime(request.headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ")
    return str(request.headers["Authorization"]), signed_at.replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("endpoint", "token", "body"),
    [
        ("https://api.ecr.us-east-1.amazonaws.com", "", b"{}"),
        ("https://api.ecr.eu-west-1.amazonaws.com", "session-token", b'{"registryIds": ["1"]}'),
        ("http://127.0.0.1:5000", "", b'{"registryIds": ["111122223333", "444455556666"]}'),
        ("https://api.ecr.cn-north-1.amazonaws.com.cn:443", "t  with  spaces", b"{}"),
        ("https://vpce-1.api.ecr.us-east-1.vpce.amazonaws.com:8443", "", b"{}"),
    ],
)
def test_the_signature_is_botocores(endpoint: str, token: str, body: bytes) -> None:
    region = endpoint.split(".")[2] if "api.ecr." in endpoint else "us-east-1"
    secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    plain = Plain("AKIDEXAMPLE", secret, token, region, endpoint)
    theirs, signed_at = botocore_signed(plain, body)
    ours = signed_headers(plain, body, signed_at)
    assert ours["Authorization"] == theirs
    assert ("X-Amz-Security-Token" in ours) == bool(token)


def test_a_wrong_secret_gives_another_signature() -> None:
    """The comparison above can fail: one character of the secret changes it."""
    good = Plain("AKID", "secret-a", "", "us-east-1", "https://api.ecr.us-east-1.amazonaws.com")
    bad = Plain("AKID", "secret-b", "", "us-east-1", good.endpoint)
    theirs, signed_at = botocore_signed(good, b"{}")
    assert signed_headers(good, b"{}", signed_at)["Authorization"] == theirs
    assert signed_headers(bad, b"{}", signed_at)["Authorization"] != theirs


@pytest.mark.parametrize(
    "region",
    ["us-east-1", "eu-west-1", "ap-southeast-5", "cn-north-1", "us-gov-west-1", "us-iso-east-1"],
)
def test_the_default_endpoint_is_botocores(region: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import botocore.session

    monkeypatch.setenv("AWS_DEFAULT_REGION", region)
    plain = plain_case(resolve(AwsSettings()))
    assert plain is not None
    client = botocore.session.get_session().create_client("ecr", region_name=region)
    assert plain.endpoint == client.meta.endpoint_url


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("AWS_ACCESS_KEY_ID", ""),  # no key in the environment: a profile, SSO, a role...
        ("AWS_SECRET_ACCESS_KEY", ""),
        ("AWS_DEFAULT_REGION", ""),
        ("HTTPS_PROXY", "http://127.0.0.1:3128"),
        ("https_proxy", "http://127.0.0.1:3128"),
        ("AWS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt"),
        ("AWS_USE_FIPS_ENDPOINT", "true"),
        ("AWS_USE_DUALSTACK_ENDPOINT", "true"),
        ("AWS_ENDPOINT_URL_ECR", "https://ecr.example.com/prefix"),
        ("ECRCTL_DIRECT_TOKEN", "0"),
        ("ECRCTL_DIRECT_TOKEN", "Off"),
        ("ECRCTL_DIRECT_TOKEN", "false"),
    ],
)
def test_anything_but_the_plain_case_is_botocores(
    variable: str, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert plain_case(resolve(AwsSettings())) is not None
    monkeypatch.setenv(variable, value)
    assert plain_case(resolve(AwsSettings())) is None


def test_a_profile_named_or_routed_is_botocores(
    isolated: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = isolated / ".aws" / "config"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[default]\nca_bundle = /tmp/ca.pem\n[profile ci]\nregion = eu-west-1\n")
    assert plain_case(resolve(AwsSettings())) is None  # the default profile's CA bundle
    assert plain_case(resolve(AwsSettings(profile="ci"))) is None  # botocore ignores env keys


@pytest.mark.services
def test_moto_answers_the_same_through_both_paths(
    moto_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", moto_url)
    direct = aws_tokens(Aws())
    monkeypatch.setenv("ECRCTL_DIRECT_TOKEN", "0")
    through_botocore = aws_tokens(Aws())
    assert direct[0].keys() == through_botocore[0].keys()
    assert direct[0]["proxyEndpoint"] == through_botocore[0]["proxyEndpoint"]
    assert direct[0]["authorizationToken"] == through_botocore[0]["authorizationToken"]
    assert direct[0]["expiresAt"].tzinfo is not None
    assert abs((direct[0]["expiresAt"] - through_botocore[0]["expiresAt"]).total_seconds()) < 5


@pytest.fixture
def standin(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeEcrPublic]:
    """ECR's JSON protocol on loopback (the same X-Amz-Target dispatch as ECR
    Public's stand-in): moto cannot be made to deny a token to a caller."""
    server = FakeEcrPublic()
    server.answers["GetAuthorizationToken"] = ecr_token_answer
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", server.url)
    with serving(server.server, poll=0.05):
        yield server


def ecr_token_answer(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """GetAuthorizationToken's answer as the ECR API reference shows it."""
    token = base64.b64encode(b"AWS:standin-password").decode()
    data = {
        "authorizationToken": token,
        "expiresAt": time.time() + 12 * 3600,
        "proxyEndpoint": f"https://{ecr_host()}",
    }
    return 200, {"authorizationData": [data]}


def denied(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    message = (
        "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: "
        "ecr:GetAuthorizationToken on resource: * because no identity-based policy allows it"
    )
    return 400, {"__type": "AccessDeniedException", "message": message}


@pytest.mark.parametrize("direct", ["1", "0"])
def test_a_refusal_is_botocores_error_asked_once(
    direct: str, standin: FakeEcrPublic, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.exceptions import ClientError

    monkeypatch.setenv("ECRCTL_DIRECT_TOKEN", direct)
    standin.answers["GetAuthorizationToken"] = denied
    with pytest.raises(ClientError) as raised:
        aws_tokens(Aws())
    assert raised.value.response["Error"]["Code"] == "AccessDeniedException"
    assert "not authorized to perform: ecr:GetAuthorizationToken" in str(raised.value)
    assert standin.operations() == ["GetAuthorizationToken"]


@pytest.mark.parametrize(
    "refusal",
    [
        (400, {"__type": "ThrottlingException", "message": "Rate exceeded"}),
        (500, {"__type": "ServerException", "message": "internal"}),
        (403, {"__type": "InvalidSignatureException", "message": "Signature expired"}),
        (502, {"message": "not an AWS answer"}),
    ],
)
def test_what_botocore_would_retry_goes_to_botocore(
    refusal: tuple[int, dict[str, Any]], standin: FakeEcrPublic
) -> None:
    answers = [lambda body: refusal, ecr_token_answer]
    standin.answers["GetAuthorizationToken"] = lambda body: answers.pop(0)(body)
    found = aws_tokens(Aws())
    assert base64.b64decode(found[0]["authorizationToken"]) == b"AWS:standin-password"
    assert standin.operations() == ["GetAuthorizationToken", "GetAuthorizationToken"]


@pytest.mark.services
def test_an_answer_lost_on_the_way_is_asked_again_by_botocore(
    moto_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A proxy answers the first call with a 503 of its own (no AWS error in it)."""
    with Proxy(moto_url.removeprefix("http://")) as proxy:
        proxy.faults.append(Fault("POST", "/", 1, status=503))
        monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", f"http://{proxy.host}")
        found = aws_tokens(Aws())
    assert found[0]["proxyEndpoint"].startswith("https://")
    agents = [h.get("User-Agent", "") for _, _, h in proxy.counters.sent]
    assert len(agents) == 2 and agents[0] == "ecrctl" and "Botocore" in agents[1]


@pytest.mark.services
def test_a_fresh_token_imports_no_botocore(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The credential helper with no token cache, in a new interpreter: the token
    comes from moto_server, and botocore is never imported."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", moto_url)
    monkeypatch.setenv("ECRCTL_NO_CACHE", "1")
    code = (
        "import io, json, sys\nfrom ecrctl.login import helper as credhelper\n"
        f"out = io.StringIO()\ncode = credhelper.run(['get'], io.StringIO({ecr_host()!r}), out)\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore'))\n"
        "print(json.dumps([code, out.getvalue(), heavy]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    status, answer, heavy = json.loads(done.stdout)
    assert status == 0 and json.loads(answer)["Username"] == "AWS"
    assert heavy == []


def test_a_slow_answer_is_told_as_botocores_calls_are(standin: FakeEcrPublic) -> None:
    """The CLI's wait notice (on a terminal, a call silent for a second says what it
    waits for) hears of the direct call too."""
    from ecrctl.aws import session

    told: list[tuple[str, str]] = []
    standin.answers["GetAuthorizationToken"] = lambda body: (
        time.sleep(session.WAIT_NOTICE_AFTER + 0.5) or ecr_token_answer(body)
    )
    session.ON_WAIT[:] = [lambda operation, endpoint, *_: told.append((operation, endpoint))]
    try:
        aws_tokens(Aws())
    finally:
        session.ON_WAIT[:] = []
    assert told == [("GetAuthorizationToken", standin.url)]
    assert standin.operations() == ["GetAuthorizationToken"]  # not asked again
