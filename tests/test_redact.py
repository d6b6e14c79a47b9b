from __future__ import annotations

import logging

import pytest

from ecrctl import redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"authorizationToken": "QVdTOnNlY3JldA=="}', '{"authorizationToken": "***"}'),
        ("{'authorizationToken': 'QVdTOnNlY3JldA=='}", "{'authorizationToken': '***'}"),
        (
            "headers={'Authorization': b'AWS4-HMAC-SHA256 Credential=x'}",
            "headers={'Authorization': b'***'}",
        ),
        ('{"Secret": "hunter2"}', '{"Secret": "***"}'),
        ("nothing secret here", "nothing secret here"),
    ],
)
def test_field_patterns(text: str, expected: str) -> None:
    assert redact.redact(text) == expected


def test_registered_secret_is_masked_everywhere() -> None:
    redact.register("s3cr3t-pass-word")
    assert redact.redact("password=s3cr3t-pass-word;") == "password=***;"


def test_filter_rewrites_log_records(caplog: pytest.LogCaptureFixture) -> None:
    redact.register("another-secret-value")
    logger = logging.getLogger("ecrctl.test")
    logger.addFilter(redact.RedactingFilter())
    with caplog.at_level(logging.DEBUG, logger="ecrctl.test"):
        logger.debug("token %s", "another-secret-value")
    assert caplog.records[0].getMessage() == "token ***"


def test_raw_header_lines() -> None:
    text = "GET / HTTP/1.1\nAuthorization: Basic QVdTOnB3\nHost: x"
    assert redact.redact(text) == "GET / HTTP/1.1\nAuthorization: ***\nHost: x"
