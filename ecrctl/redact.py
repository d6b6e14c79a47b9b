"""The one place where secrets are scrubbed from text: logs, errors, --debug.

Any code that learns a secret (a registry password, a decoded token) calls
:func:`register`; every log record and every error message printed by ecrctl
goes through :func:`redact`.
"""

from __future__ import annotations

import logging
import re

MASK = "***"
_secrets: set[str] = set()

_SECRET_FIELDS = (
    r"authorizationToken|Secret|[Pp]assword|SecretAccessKey|SessionToken|"
    r"Authorization|X-Amz-Security-Token|X-Registry-Auth|IdentityToken"
)
# A secret field followed by a quoted value: JSON, Python reprs of dicts and headers.
_QUOTED = re.compile(rf"""((?:{_SECRET_FIELDS})['"]?\s*[:=]\s*b?(['"]))(.*?)(\2)""")
# A raw header line: "Authorization: AWS4-HMAC-SHA256 ...".
_HEADER = re.compile(r"(?m)^((?:Authorization|X-Amz-Security-Token|X-Registry-Auth):[ \t]*)\S.*$")


def register(secret: str | None) -> None:
    """Remember a secret so that it never shows in output or logs."""
    if secret and len(secret) >= 4:
        _secrets.add(secret)


def redact(text: str) -> str:
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    text = _QUOTED.sub(lambda m: f"{m.group(1)}{MASK}{m.group(4)}", text)
    return _HEADER.sub(lambda m: f"{m.group(1)}{MASK}", text)


class RedactingFilter(logging.Filter):
    """Rewrites every record's message with secrets masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record: leave it to logging to report
            return True
        record.msg = redact(message)
        record.args = None
        return True
