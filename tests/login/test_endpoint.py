"""A registry to talk to: the resolver's answer with its credential. An ECR host's
token comes from its answer's own Aws (moto), once; any other host's from the docker
config (``auths``, a credential helper), or none; the client takes its attempts from
``ECRCTL_REGISTRY_ATTEMPTS``."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from ecrctl import redact
from ecrctl.aws.clients import Aws
from ecrctl.aws.settings import AwsSettings
from ecrctl.errors import InvalidInput
from ecrctl.login.endpoint import Endpoint, docker_credential, endpoint
from ecrctl.login.registries import Registries
from ecrctl.login.token import served_auth
from tests.conftest import REGION
from tests.login_support import install_vault
from tests.support.files import write_docker_config

HOST = "registry.example.com:5000"


def _auth(username: str, password: str) -> str:
    return base64.b64encode(f"{username}:{password}".encode()).decode()


@pytest.mark.usefixtures("moto")
def test_the_token_comes_from_the_answers_own_aws_once() -> None:
    """Read and written, one host gets one GetAuthorizationToken, sent by the
    client of the Aws its answer names (a botocore event handler counts them)."""
    registries = Registries(Aws(AwsSettings(region=REGION)))
    host = "111111111111.dkr.ecr.eu-west-1.amazonaws.com"
    served = registries.serve(host)
    assert served.aws is not None
    sent: list[str] = []
    served.aws.ecr.meta.events.register(
        "before-call.ecr.GetAuthorizationToken", lambda **kwargs: sent.append(host)
    )
    source, destination = endpoint(registries, host), endpoint(registries, host, write=True)
    assert sent == [host]
    assert source.aws is destination.aws is served.aws
    assert source.credential is not None and destination.credential is not None
    assert source.credential.password == "111111111111-auth-token"
    assert served_auth(registries, served) is served_auth(registries, served)


def test_another_registry_gets_the_docker_configs_credential() -> None:
    path = write_docker_config({"auths": {HOST: {"auth": _auth("me", "pa55-w0rd")}}})
    found = endpoint(Registries(Aws(AwsSettings(region=REGION))), HOST)
    assert (found.host, found.is_ecr) == (HOST, False)
    assert found.credential is not None
    assert (found.credential.username, found.credential.password) == ("me", "pa55-w0rd")
    assert found.credential.source == f"the docker config {path}"
    assert redact.redact("sent pa55-w0rd") == "sent ***"


def test_no_docker_config_or_no_entry_is_anonymous() -> None:
    assert docker_credential(HOST) is None
    write_docker_config({"auths": {"other.example.com": {"auth": _auth("me", "pw")}}})
    assert docker_credential(HOST) is None
    write_docker_config({"auths": {HOST: {"auth": _auth("me", "")}}})
    assert docker_credential(HOST) is None


def test_an_identity_token_is_a_credential_without_a_user_name() -> None:
    write_docker_config({"auths": {HOST: {"identitytoken": "refresh-t0ken"}}})
    found = docker_credential(HOST)
    assert found is not None
    assert (found.username, found.password) == ("<token>", "refresh-t0ken")


def test_a_credential_helper_gives_its_credential(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = install_vault(tmp_path, monkeypatch)
    stored = {"ServerURL": HOST, "Username": "robot", "Secret": "from-the-vault"}
    (vault / "stored.json").write_text(json.dumps(stored))
    write_docker_config({"credHelpers": {HOST: "testvault"}})
    found = docker_credential(HOST)
    assert found is not None
    assert (found.username, found.password) == ("robot", "from-the-vault")


def test_a_failing_credential_helper_is_named_with_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_vault(tmp_path, monkeypatch)  # its vault holds nothing: "get" fails
    path = write_docker_config({"credHelpers": {HOST: "testvault"}})
    with pytest.raises(InvalidInput) as info:
        docker_credential(HOST)
    line = info.value.one_line()
    assert line.startswith(f"cannot read the credential for {HOST} from the docker config {path}: ")
    assert line.endswith(f"; fix the file, or run: docker login {HOST}")


@pytest.mark.parametrize("raw", ["0", "21", "many", "-1"])
def test_registry_attempts_must_be_1_to_20(raw: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECRCTL_REGISTRY_ATTEMPTS", raw)
    with pytest.raises(InvalidInput, match=f"invalid ECRCTL_REGISTRY_ATTEMPTS {raw!r}"):
        Endpoint(HOST, None).client()


@pytest.mark.parametrize("raw", ["", "1", "20"])
def test_the_client_is_for_the_endpoints_host(raw: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECRCTL_REGISTRY_ATTEMPTS", raw)
    assert Endpoint(HOST, None).client().host == HOST
