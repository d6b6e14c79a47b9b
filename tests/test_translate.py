"""The one translation point: each library's exceptions to an ecrctl error, by where
they came from; a bug stays a bug."""

from __future__ import annotations

import pytest

from ecrctl import errors
from ecrctl.translate import expected, translate


def test_an_ecrctl_error_is_itself() -> None:
    error = errors.Conflict("exists")
    assert translate(error) is error


def test_ctrl_c_is_interrupted() -> None:
    error = translate(KeyboardInterrupt())
    assert isinstance(error, errors.Interrupted)
    assert (error.message, error.exit_code) == ("interrupted", 130)


def test_botocore_errors_go_to_the_aws_table() -> None:
    from botocore.exceptions import ClientError, NoRegionError

    denied = ClientError(
        {"Error": {"Code": "RepositoryNotFoundException", "Message": "no such repository"}},
        "DescribeImages",
    )
    assert isinstance(translate(denied, region="eu-west-1"), errors.NotFound)
    assert isinstance(translate(NoRegionError()), errors.InvalidInput)


def test_requests_errors_go_to_the_docker_engine_table() -> None:
    import requests

    error = translate(requests.exceptions.ConnectionError("refused"))
    assert isinstance(error, errors.EcrctlError)
    assert error.exit_code == 1


def test_keyring_errors_are_a_keyring_failure() -> None:
    from keyring.errors import KeyringLocked

    error = translate(KeyringLocked("the collection is locked"))
    assert isinstance(error, errors.ServiceError)
    assert error.one_line() == "keyring failed: the collection is locked; retry with --no-cache"


def test_a_file_that_cannot_be_used_is_named() -> None:
    error = translate(PermissionError(13, "Permission denied", "/etc/x.json"))
    assert error is not None and type(error) is errors.EcrctlError
    assert error.message.startswith("cannot use /etc/x.json: permission denied; ")


@pytest.mark.parametrize("exc", [OSError("no file named"), ValueError("bug"), KeyError("k")])
def test_anything_else_is_a_bug(exc: BaseException) -> None:
    assert translate(exc) is None


def test_expected_makes_a_bug_a_service_error() -> None:
    error = expected(ValueError("odd answer"))
    assert isinstance(error, errors.ServiceError)
    assert error.message == "ValueError: odd answer"
    assert isinstance(expected(KeyboardInterrupt()), errors.Interrupted)
