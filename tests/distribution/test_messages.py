"""What a hostile registry's text can do to a terminal and to ``--debug``: control
sequences (ESC, BEL) in its error messages are escaped in the error line and in
``registry api``'s output on a terminal; the signature, credential and token of a
presigned storage URL never show in the ``--debug`` wire log."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.conftest import Runner
from tests.distribution.hostile import Answer, Hostile, make_image, serve_image

BIN = Path(sys.executable).parent / "ecrctl"
NASTY = "\x1b]0;owned\x07\x1b[2J\x9b31m"


def test_control_characters_in_a_registry_error_are_escaped(registry: Hostile, cli: Runner) -> None:
    errors = {"errors": [{"code": "DENIED", "message": f"no {NASTY} way"}]}
    registry.on("GET", "/manifests/", Answer(400, {}, json.dumps(errors).encode()))
    result = cli("image", "inspect", f"{registry.host}/app:1")
    assert result.exit_code == 1
    assert not any(c in result.stderr for c in "\x1b\x07\x9b")
    assert "no \\x1b]0;owned\\x07\\x1b[2J\\x9b31m way" in result.stderr


def test_registry_api_output_on_a_terminal_is_escaped_and_piped_as_is(registry: Hostile) -> None:
    registry.on("GET", "^/v2/_catalog", Answer(200, {"X-Note": "bell\x07"}, f"{NASTY}\n".encode()))
    argv = [str(BIN), "registry", "api", "--registry", registry.host, "/v2/_catalog", "-i"]
    piped = subprocess.run(argv, capture_output=True, timeout=60)
    assert piped.returncode == 0 and NASTY.encode() in piped.stdout
    main, child = pty.openpty()
    try:
        done = subprocess.run(argv, stdout=child, stderr=subprocess.PIPE, timeout=60)
        os.close(child)
        shown = b""
        while True:
            try:
                chunk = os.read(main, 1 << 16)
            except OSError:  # the other side is closed: all read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(main)
    assert done.returncode == 0, done.stderr
    assert b"\x1b" not in shown and b"\x07" not in shown
    assert b"\\x1b]0;owned\\x07" in shown and b"X-Note: bell\\x07" in shown


def test_debug_never_shows_a_presigned_urls_signature_or_token(registry: Hostile) -> None:
    image = make_image([b"layer"])
    with Hostile("127.0.0.2") as storage:
        query = (
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIACREDSECRET%2F20260101"
            "&X-Amz-Security-Token=SESSIONTOKENSECRET&X-Amz-Signature=SIGNATURESECRET"
            "&Signature=CLOUDFRONTSECRET&sig=AZURESECRET"
        )
        redirect = Answer(307, {"Location": f"http://{storage.host}/bucket/config?{query}"})
        config = next(d for d in image.blobs if image.blobs[d].startswith(b"{"))
        registry.on("GET", f"/blobs/{config}", redirect)
        serve_image(registry, "app", "1", image, lambda _: None)
        storage.on("GET", "^/bucket/", Answer(200, {}, image.blobs[config]))
        argv = [str(BIN), "image", "inspect", f"{registry.host}/app:1", "--debug"]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "X-Amz-Signature=***" in done.stderr  # the URL was logged, masked
    for secret in ("CREDSECRET", "SESSIONTOKENSECRET", "SIGNATURESECRET", "CLOUDFRONT", "AZURE"):
        assert secret not in done.stderr
    assert storage.authorized() == []
