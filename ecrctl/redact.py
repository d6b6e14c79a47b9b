"""The one place where secrets are scrubbed from text: logs, errors, --debug.

Any code that learns a secret (a registry password, a decoded token) calls
:func:`register`; every log record and every error message printed by ecrctl
goes through :func:`redact`.
"""

from __future__ import annotations

import logging
import re

_secrets: set[str] = set()

# Fields that carry secrets in ECR/STS responses and HTTP requests, whatever
# their value.
_FIELD_PATTERNS = [
    re.compile(r'("authorizationToken"\s*:\s*")[^"]*(")'),
    re.compile(r"('authorizationToken'\s*:\s*')[^']*(')"),
    re.compile(r'("(?:Secret|password|Password|SecretAccessKey|SessionToken)"\s*:\s*")[^"]*(")'),
    re.compile(r"('(?:Secret|password|Password|SecretAccessKey|SessionToken)'\s*:\s*')[^']*(')"),
    re.compile(
        r"((?:Authorization|X-Amz-Security-Token|X-Registry-Auth)'?\s*[:=]\s*b?'?)[^,'}\s]+()"
    ),
]
MASK = "***"


def register(secret: str | None) -> None:
    """Remember a secret so that it never shows in output or logs."""
    if secret and len(secret) >= 4:
        _secrets.add(secret)


def redact(text: str) -> str:
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    for pattern in _FIELD_PATTERNS:
        text = pattern.sub(lambda m: f"{m.group(1)}{MASK}{m.group(2)}", text)
    return text


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
