"""The one exception hierarchy of ecrctl.

Every error a user can cause or meet carries its exit code and a one-line
message that names the bad value and, where there is one, the fix. The CLI
layer prints ``ecrctl: error: <message>`` and exits with ``exit_code``; no
traceback unless ``--debug``.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes, documented in the README."""

    OK = 0
    FAILED = 1  # the operation failed, or some items of a batch did
    USAGE = 2  # bad usage or input; nothing was changed
    TIMED_OUT = 3  # waiting ended before a final result (image scan)
    NO_RESULT = 4  # the scan failed, is unsupported or has no findings to judge (image scan)
    DENIED = 5  # a permission the scan gate needs is missing; the message names the action
    INTERRUPTED = 130  # Ctrl-C (SIGINT)
    TERMINATED = 143  # SIGTERM


def error_line(message: str) -> str:
    """The one form of an error line, ``ecrctl: error: <message>``, secrets redacted and
    control characters (a registry's text may carry ESC or BEL) escaped."""
    from ecrctl.redact import printable, redact

    return printable(redact(f"ecrctl: error: {message}"))


class EcrctlError(Exception):
    """Base of all expected errors. A subclass names its exit code where it is
    declared, ``class InvalidInput(EcrctlError, exit_code=ExitCode.USAGE)``, or keeps
    its base's."""

    exit_code: int = ExitCode.FAILED

    def __init_subclass__(cls, *, exit_code: int | None = None) -> None:
        super().__init_subclass__()
        if exit_code is not None:
            cls.exit_code = exit_code

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def one_line(self) -> str:
        text = self.message.rstrip(".")
        if self.hint:
            text = f"{text}; {self.hint}"
        return " ".join(text.split())


class InvalidInput(EcrctlError, exit_code=ExitCode.USAGE):
    """Bad input caught before any call: nothing was created or changed."""


class ConfirmationRequired(InvalidInput):
    """A destructive action needs --yes when nobody can answer a prompt."""


class NotFound(EcrctlError):
    """A repository, image, policy or registry does not exist."""


class Conflict(EcrctlError):
    """The thing exists already, or its state forbids the action."""


class AccessDenied(EcrctlError):
    """AWS refused the caller."""


class AuthError(EcrctlError):
    """Credentials are missing, expired or rejected."""


class ServiceError(EcrctlError):
    """AWS, the registry or the Docker Engine failed or could not be reached."""


class PartialFailure(EcrctlError):
    """A batch finished, but some of its items failed (reported one by one)."""


class ScanTimedOut(EcrctlError, exit_code=ExitCode.TIMED_OUT):
    """``image scan`` stopped waiting before the scan's result was final."""


class NoScanResult(EcrctlError, exit_code=ExitCode.NO_RESULT):
    """The scan failed, the image is not supported, or there are no findings to judge."""


class ScanDenied(AccessDenied, exit_code=ExitCode.DENIED):
    """``image scan`` lacks a permission; the message names the action to grant."""


class Aborted(EcrctlError):
    """The user answered no at a confirmation prompt: nothing was changed."""


class Interrupted(EcrctlError, exit_code=ExitCode.INTERRUPTED):
    """Ctrl-C (SIGINT)."""


class Terminated(Interrupted, exit_code=ExitCode.TERMINATED):
    """SIGTERM."""


class Signalled(BaseException):
    """Raised by ecrctl's SIGINT/SIGTERM handlers wherever the main thread is.

    A BaseException, like KeyboardInterrupt, so that no ``except Exception``
    swallows it; batch work settles its items and leaves as
    :class:`Interrupted` or :class:`Terminated`.
    """

    SIGINT = 2
    SIGTERM = 15

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        return "terminated (SIGTERM)" if self.signum == self.SIGTERM else "interrupted"

    def as_error(self) -> Interrupted:
        kind = Terminated if self.signum == self.SIGTERM else Interrupted
        return kind(self.name)
