"""The exception hierarchy: exit codes on the classes, the one-line form of a message and
its hint, the redacted error line, and the signals as errors."""

from __future__ import annotations

import pytest

from ecrctl import errors, redact
from ecrctl.errors import ExitCode


@pytest.mark.parametrize(
    ("cls", "code"),
    [
        (errors.EcrctlError, 1),
        (errors.InvalidInput, 2),
        (errors.ConfirmationRequired, 2),
        (errors.NotFound, 1),
        (errors.Conflict, 1),
        (errors.AccessDenied, 1),
        (errors.AuthError, 1),
        (errors.ServiceError, 1),
        (errors.PartialFailure, 1),
        (errors.ScanTimedOut, 3),
        (errors.NoScanResult, 4),
        (errors.ScanDenied, 5),
        (errors.Aborted, 1),
        (errors.Interrupted, 130),
        (errors.Terminated, 143),
    ],
)
def test_exit_codes_live_on_the_classes(cls: type[errors.EcrctlError], code: int) -> None:
    assert cls("x").exit_code == code


def test_the_documented_exit_codes() -> None:
    assert [(c.name, c.value) for c in ExitCode] == [
        ("OK", 0),
        ("FAILED", 1),
        ("USAGE", 2),
        ("TIMED_OUT", 3),
        ("NO_RESULT", 4),
        ("DENIED", 5),
        ("INTERRUPTED", 130),
        ("TERMINATED", 143),
    ]


@pytest.mark.parametrize(
    ("message", "hint", "line"),
    [
        ("repository 'x' not found", None, "repository 'x' not found"),
        ("repository 'x' not found.", "create it", "repository 'x' not found; create it"),
        ("two\nlines  and   spaces", "a\thint", "two lines and spaces; a hint"),
        ("", None, ""),
    ],
)
def test_one_line(message: str, hint: str | None, line: str) -> None:
    error = errors.NotFound(message, hint=hint)
    assert error.one_line() == line
    assert (error.message, error.hint, str(error)) == (message, hint, message)


def test_the_error_line_is_redacted() -> None:
    redact.register("hunter2-secret")
    assert errors.error_line("login failed with hunter2-secret") == (
        "ecrctl: error: login failed with ***"
    )


@pytest.mark.parametrize(
    ("signum", "name", "kind", "code"),
    [
        (errors.Signalled.SIGINT, "interrupted", errors.Interrupted, 130),
        (errors.Signalled.SIGTERM, "terminated (SIGTERM)", errors.Terminated, 143),
    ],
)
def test_signals_become_errors(
    signum: int, name: str, kind: type[errors.Interrupted], code: int
) -> None:
    signalled = errors.Signalled(signum)
    assert not isinstance(signalled, Exception)  # no `except Exception` swallows it
    assert signalled.name == name
    error = signalled.as_error()
    assert type(error) is kind
    assert (error.message, error.exit_code) == (name, code)


def test_the_error_line_escapes_control_characters() -> None:
    line = errors.error_line("registry said: \x1b]0;title\x07\x1b[2J\nsecond line")
    assert line == "ecrctl: error: registry said: \\x1b]0;title\\x07\\x1b[2J\\nsecond line"
