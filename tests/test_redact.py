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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "GET /b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F1&"
            "X-Amz-Signature=abc&X-Amz-Security-Token=tok HTTP/1.1",
            "GET /b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=***&"
            "X-Amz-Signature=***&X-Amz-Security-Token=*** HTTP/1.1",
        ),
        (
            "https://cdn/x?Expires=1&Signature=s1&Key-Pair-Id=k",
            "https://cdn/x?Expires=1&Signature=***&Key-Pair-Id=***",
        ),
        ("https://blob/x?sv=1&sig=s2", "https://blob/x?sv=1&sig=***"),
        ("https://g/x?x-goog-signature=s3", "https://g/x?x-goog-signature=***"),
        ("a design= value and ?sign=keep", "a design= value and ?sign=keep"),
    ],
)
def test_presigned_urls_lose_their_signature_credential_and_token(text: str, expected: str) -> None:
    assert redact.redact(text) == expected


def test_printable_escapes_what_a_terminal_would_obey() -> None:
    assert redact.printable("a\x1b[2Jb\x07c\x9bd\u202ee") == "a\\x1b[2Jb\\x07c\\x9bd\\u202ee"
    assert redact.printable("one\ntwo\tthree") == "one\\ntwo\\x09three"
    assert redact.printable("one\ntwo\tthree\x1b", lines=True) == "one\ntwo\tthree\\x1b"
    assert redact.printable("plain tëxt") == "plain tëxt"


def test_the_log_filter_escapes_control_characters(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("ecrctl.test.escape")
    logger.addFilter(redact.RedactingFilter())
    with caplog.at_level(logging.DEBUG, logger="ecrctl.test.escape"):
        logger.debug("header %s", "x\x1b[31m")
    assert caplog.records[0].getMessage() == "header x\\x1b[31m"
