"""The doctor's clients come from the one client factory: with ECR at moto_server and
the profile's ``endpoint_url`` a recording proxy in front of the same moto_server,
every other service the doctor asks goes where the profile sends it, as in any other
command, not to ECR's emulator."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecrctl.aws.clients import Aws
from ecrctl.aws.settings import AwsSettings
from ecrctl.doctor.facts import DoctorFacts
from ecrctl.doctor.model import OK, Request
from ecrctl.doctor.runner import run_checks
from ecrctl.doctor.workflow import SPECS
from tests.distribution.proxy import Proxy

SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/(?P<service>[^/]+)/aws4_request")


@pytest.fixture
def profile_proxy(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Proxy]:
    """ECR at moto_server (AWS_ENDPOINT_URL_ECR); the profile's endpoint_url a proxy to it."""
    with Proxy(moto_url.removeprefix("http://")) as proxy:
        config = Path(os.environ["AWS_CONFIG_FILE"])
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(f"[profile emu]\nendpoint_url = http://{proxy.host}\n")
        monkeypatch.setenv("AWS_PROFILE", "emu")
        monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", moto_url)
        yield proxy


def services_asked(proxy: Proxy) -> set[str]:
    """The signing names of the requests that reached ``proxy``."""
    found = set()
    for _, _, headers in proxy.counters.sent:
        match = SCOPE.search(headers.get("Authorization", ""))
        if match:
            found.add(match["service"])
    return found


def test_service_quotas_and_sts_go_where_the_profile_says(profile_proxy: Proxy) -> None:
    facts = DoctorFacts(Aws(AwsSettings()), Request())
    specs = [spec for spec in SPECS if spec.id in {"aws.credentials", "limits.repositories"}]
    checks = {check.id: check for check in run_checks(specs, facts, timeout=10)}
    assert checks["aws.credentials"].status == OK, checks["aws.credentials"].detail
    assert checks["limits.repositories"].status == OK, checks["limits.repositories"].detail
    assert services_asked(profile_proxy) == {"sts", "servicequotas"}  # ECR: straight to moto


@pytest.mark.parametrize(
    ("service", "call", "signing_name"),
    [("ecs", "list_clusters", "ecs"), ("lambda", "list_functions", "lambda")],
)
def test_other_clients_follow_the_profile(
    profile_proxy: Proxy, moto_url: str, service: str, call: str, signing_name: str
) -> None:
    facts = DoctorFacts(Aws(AwsSettings()), Request())
    client = facts.client(service)
    assert client.meta.endpoint_url == f"http://{profile_proxy.host}"
    assert client.meta.endpoint_url == Aws(AwsSettings()).client(service).meta.endpoint_url
    getattr(client, call)()
    assert services_asked(profile_proxy) == {signing_name}
    assert facts.ecr().meta.endpoint_url == moto_url
