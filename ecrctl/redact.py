"""The one place where secrets are scrubbed from text: logs, errors, --debug;
and where remote text is made safe for a terminal.

Any code that learns a secret (a registry password, a decoded token) calls
:func:`register`; every log record and every error message printed by ecrctl
goes through :func:`redact`, which also masks the signature, credential and
token of any presigned URL (S3's ``X-Amz-*``, GCS's ``X-Goog-*``, CloudFront's
``Signature=``, Azure's ``sig=``). :func:`printable` escapes control
characters (ESC, BEL, C1, bidirectional overrides) that a registry's text may
carry, so that they never reach a terminal as they are.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import logging

MASK = "***"
_secrets: set[str] = set()

_SECRET_FIELDS = (
    r"authorizationToken|Secret|[Pp]assword|SecretAccessKey|SessionToken|"
    r"Authorization|X-Amz-Security-Token|X-Registry-Auth|IdentityToken"
)
# The patterns are compiled on first use (re keeps them): a command that never
# redacts (login, --help) does not pay for compiling them all.
# A secret field followed by a quoted value: JSON, Python reprs of dicts and headers.
_QUOTED = rf"""((?:{_SECRET_FIELDS})['"]?\s*[:=]\s*b?(['"]))(.*?)(\2)"""
# A raw header line: "Authorization: AWS4-HMAC-SHA256 ...".
_HEADER = r"(?m)^((?:Authorization|X-Amz-Security-Token|X-Registry-Auth):[ \t]*)\S.*$"
# A presigned URL's query parameters that grant access.
_SIGNED = (
    r"(?i)([?&;](?:X-Amz-Signature|X-Amz-Security-Token|X-Amz-Credential|X-Goog-Signature|"
    r"X-Goog-Credential|Signature|sig|Policy|Key-Pair-Id)=)[^&\s\"'<>]+"
)
# Control characters (C0 but newline, DEL, C1), line/paragraph separators, bidi controls.
_CONTROL = "[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
_CONTROL_IN_LINES = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]"


def register(secret: str | None) -> None:
    """Remember a secret so that it never shows in output or logs."""
    if secret and len(secret) >= 4:
        _secrets.add(secret)


def redact(text: str) -> str:
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    text = re.sub(_QUOTED, lambda m: f"{m.group(1)}{MASK}{m.group(4)}", text)
    text = re.sub(_SIGNED, lambda m: f"{m.group(1)}{MASK}", text)
    return re.sub(_HEADER, lambda m: f"{m.group(1)}{MASK}", text)


def printable(text: str, *, lines: bool = False) -> str:
    """``text`` with every control character escaped (``\\x1b``, ``\\u202e``); with
    ``lines``, newlines and tabs stay (a log record, a body), else they are escaped too."""
    if lines:
        return re.sub(_CONTROL_IN_LINES, _escape, text)
    return re.sub(_CONTROL, _escape, text).replace("\n", "\\n")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class RedactingFilter:
    """A logging filter (a callable, so this module needs no ``logging`` at import: the
    CLI loads it on every run) that rewrites each record's message with secrets masked
    and control characters escaped."""

    def __call__(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record: leave it to logging to report
            return True
        record.msg = printable(redact(message), lines=True)
        record.args = None
        return True
