"""What several doctor checks share: facts computed once (errors remembered too), a
missing fact as a skip naming the check that reports it, the registry's address, and
which proxy variable applies to a URL."""

from __future__ import annotations

import threading
import time

import pytest

from ecrctl.aws.clients import Aws
from ecrctl.doctor.facts import CheckedRegistry, DoctorFacts, proxy_fix, proxy_for, proxy_note
from ecrctl.doctor.model import Request, Skipped


@pytest.fixture
def facts() -> DoctorFacts:
    return DoctorFacts(Aws(), Request(), environ={})


def test_a_fact_is_computed_once_for_every_thread(facts: DoctorFacts) -> None:
    calls: list[int] = []

    def slow() -> int:
        calls.append(1)
        time.sleep(0.1)
        return 42

    answers: list[int] = []
    threads = [
        threading.Thread(target=lambda: answers.append(facts.once("x", slow))) for _ in range(5)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [42] * 5 and calls == [1]


def test_an_error_is_remembered_and_raised_to_every_asker(facts: DoctorFacts) -> None:
    calls: list[int] = []

    def broken() -> int:
        calls.append(1)
        raise OSError("no")

    for _ in range(2):
        with pytest.raises(OSError, match="no"):
            facts.once("y", broken)
    assert calls == [1]


def test_a_missing_fact_is_a_skip_that_names_where_to_look(facts: DoctorFacts) -> None:
    def broken() -> int:
        raise OSError("no")

    with pytest.raises(Skipped) as caught:
        facts.need("registry-host", broken, see="aws.credentials")
    assert str(caught.value) == "needs the registry host (see aws.credentials)"
    with pytest.raises(Skipped, match=r"^inner$"):
        facts.need("x", lambda: (_ for _ in ()).throw(Skipped("inner")), see="y")


def test_ready_made_clients_are_used_as_they_are() -> None:
    made = object()
    assert (
        DoctorFacts(Aws(), Request(), clients={"service-quotas": made}).client("service-quotas")
        is made
    )


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("127.0.0.1:5000", "http://127.0.0.1:5000"),
        ("localhost:5000", "http://localhost:5000"),
        ("[::1]", "http://[::1]"),
        ("[::1]:5000", "http://[::1]:5000"),
        ("127.0.0.2:5000", "http://127.0.0.2:5000"),
        ("localhost.evil.example:5000", "https://localhost.evil.example:5000"),
        ("127.example.com", "https://127.example.com"),
        (
            "123456789012.dkr.ecr.us-east-1.amazonaws.com",
            "https://123456789012.dkr.ecr.us-east-1.amazonaws.com",
        ),
    ],
)
def test_loopback_registries_are_plain_http_as_docker_treats_them(host: str, url: str) -> None:
    assert CheckedRegistry(host, "123456789012", "us-east-1").url == url


URL = "https://api.ecr.us-east-1.amazonaws.com"


@pytest.mark.parametrize(
    ("environ", "found"),
    [
        ({}, None),
        ({"HTTPS_PROXY": "http://p:3128"}, ("HTTPS_PROXY", "http://p:3128")),
        ({"https_proxy": "http://a:1", "HTTPS_PROXY": "http://b:2"}, ("https_proxy", "http://a:1")),
        ({"ALL_PROXY": "http://p:3128"}, ("ALL_PROXY", "http://p:3128")),
        ({"HTTP_PROXY": "http://p:3128"}, None),  # another scheme's proxy
        ({"HTTPS_PROXY": "http://p:3128", "NO_PROXY": ".amazonaws.com"}, None),
        ({"HTTPS_PROXY": "http://p:3128", "no_proxy": "*"}, None),
        (
            {"HTTPS_PROXY": "http://p:3128", "NO_PROXY": "example.com"},
            ("HTTPS_PROXY", "http://p:3128"),
        ),
    ],
)
def test_proxy_for(environ: dict[str, str], found: tuple[str, str] | None) -> None:
    assert proxy_for(URL, environ) == found


def test_proxy_note_and_fix_name_the_variable_and_keep_no_proxy() -> None:
    environ = {"HTTPS_PROXY": "http://p:3128", "NO_PROXY": "example.com"}
    assert (
        proxy_note(URL, environ)
        == " (through http://p:3128 from HTTPS_PROXY; NO_PROXY=example.com)"
    )
    assert proxy_fix(URL, environ) == (
        "fix HTTPS_PROXY=http://p:3128, or bypass it: "
        "export NO_PROXY=example.com,api.ecr.us-east-1.amazonaws.com"
    )
    bare = {"HTTPS_PROXY": "http://p:3128"}
    assert proxy_note(URL, bare) == " (through http://p:3128 from HTTPS_PROXY)"
    assert proxy_fix(URL, bare) == (
        "fix HTTPS_PROXY=http://p:3128, or bypass it: "
        "export NO_PROXY=api.ecr.us-east-1.amazonaws.com"
    )
    assert proxy_note(URL, {}) == "" and proxy_fix(URL, {}) is None
