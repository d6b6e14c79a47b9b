"""--connect-timeout/--read-timeout set what every AWS client reads; bad values refused."""

from __future__ import annotations

import pytest

from ecrctl.aws.session import timeouts
from tests.conftest import Runner


def test_defaults_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ECRCTL_CONNECT_TIMEOUT", raising=False)
    monkeypatch.delenv("ECRCTL_READ_TIMEOUT", raising=False)
    assert timeouts() == (10.0, 60.0)
    monkeypatch.setenv("ECRCTL_READ_TIMEOUT", "2.5")
    assert timeouts() == (10.0, 2.5)


def test_options_set_the_environment(cli: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECRCTL_CONNECT_TIMEOUT", "10")  # restored after the test
    monkeypatch.setenv("ECRCTL_READ_TIMEOUT", "60")
    refused = "http://127.0.0.1:9"  # nothing listens: the command fails at once
    args = ["--cli-connect-timeout", "3", "repo", "list", "--read-timeout", "4"]
    assert cli(*args, "--endpoint-url", refused, "--max-attempts", "1").exit_code == 1
    assert timeouts() == (3.0, 4.0)


def test_a_bad_environment_value_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    from ecrctl.errors import InvalidInput

    monkeypatch.setenv("ECRCTL_CONNECT_TIMEOUT", "soon")
    with pytest.raises(InvalidInput, match="invalid ECRCTL_CONNECT_TIMEOUT 'soon'"):
        timeouts()
