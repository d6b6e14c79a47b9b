"""A streamed blob is verified before its last bytes are sent: copies from a
hostile source (wrong bytes, a connection cut short, a stall) into Debian's
docker-registry behind a counting proxy. A blob goes up in one PUT with its
Content-Length, whose last chunk goes only once the digest matches: a wrong or
broken blob's PUT is cut short, so the registry never has the whole blob (read in
its storage directory) and commits nothing; an upload no bytes reached is
cancelled at once. A source that breaks off is named as the source."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import time
from urllib.parse import unquote

import pytest

from tests.conftest import Result, Runner
from tests.distribution.copy_support import (  # noqa: F401 - fixtures
    CopyEnv,
    Registries,
    copy_env_fixture,
    proxy_b_fixture,
    registries_fixture,
)
from tests.distribution.hostile import Answer, Hostile, Image, make_image, serve_image
from tests.distribution.proxy import Fault, Proxy
from tests.login_support import ECRCTL
from tests.support.names import unique

MIB = 1 << 20


@pytest.fixture
def source(registry: Hostile) -> Hostile:
    """The hostile registry on 127.0.0.1, the copies' source."""
    return registry


def left_uploads(registries: Registries, repository: str) -> dict[str, int]:
    """Uploads of ``repository`` the registry still holds bytes or a start time for,
    with the bytes each holds."""
    root = registries.workdir / "registry2" / "data" / "docker" / "registry" / "v2"
    uploads = root / "repositories" / repository / "_uploads"
    if not uploads.is_dir():
        return {}
    return {
        upload.name: (upload / "data").stat().st_size if (upload / "data").exists() else 0
        for upload in uploads.iterdir()
        if (upload / "data").exists() or (upload / "startedat").exists()
    }


def never_whole(copy_env: CopyEnv, registries: Registries, dst: str, layer: bytes) -> None:
    """The registry commits nothing of ``layer``: no upload of ``dst`` holds all of it,
    the blob is not there, and no tag is."""
    assert all(held < len(layer) for held in left_uploads(registries, dst).values())
    digest = "sha256:" + hashlib.sha256(layer).hexdigest()
    assert copy_env.b.session.head(copy_env.b.url(f"/v2/{dst}/blobs/{digest}")).status_code == 404
    assert copy_env.b.tags(dst) == []


def hostile_image(source: Hostile, layer: bytes, answer: Answer) -> Image:
    """An image whose big layer (``layer``) is answered with ``answer``."""
    image = make_image([layer])
    digest = next(d for d, data in image.blobs.items() if data == layer)
    source.on("GET", f"/blobs/{digest}$", answer)
    serve_image(source, "app", "1", image, lambda _: None)
    return image


def flipped(data: bytes) -> bytes:
    """``data`` with its last byte changed: the wrong bytes for its digest."""
    return data[:-1] + bytes([data[-1] ^ 0xFF])


def copy_into_new(
    cli: Runner, copy_env: CopyEnv, source: Hostile, proxy_b: Proxy, *extra: str
) -> tuple[str, Result]:
    """Copy the source's app:1 through ``proxy_b`` into a new repository of B: its name
    and the outcome."""
    dst = unique()
    copy_env.create_repo(dst, second=True)
    return dst, cli("image", "copy", f"{source.host}/app:1", f"{proxy_b.host}/{dst}:1", *extra)


def test_every_blob_is_one_post_and_one_put_that_carries_it_with_its_length(
    stack: str, copy_env: CopyEnv, proxy_b: Proxy, cli: Runner
) -> None:
    src, dst = unique(), unique()
    layer, small = os.urandom(3 * MIB + 123), os.urandom(MIB)
    pushed = copy_env.a.push_image(src, "1", [layer, small])
    copy_env.create_repo(dst, second=True)
    result = cli("image", "copy", f"{copy_env.a.host}/{src}:1", f"{proxy_b.host}/{dst}:1")
    assert result.exit_code == 0, result.stderr
    uploads = [(m, p, h) for m, p, h in proxy_b.counters.sent if "/blobs/uploads/" in p]
    assert sorted(m for m, _, _ in uploads) == ["POST"] * 3 + ["PUT"] * 3
    puts = {unquote(p.split("digest=", 1)[1]): h for m, p, h in uploads if m == "PUT"}
    assert puts.keys() == pushed.blobs.keys()
    for digest, size in pushed.blobs.items():
        assert int(puts[digest]["Content-Length"]) == size  # not in the chunked encoding
        assert "Transfer-Encoding" not in puts[digest]
    assert copy_env.b.manifest(dst, "1").content == pushed.body
    assert proxy_b.counters.uploaded == sum(pushed.blobs.values())


@pytest.mark.parametrize(
    ("size", "most_uploaded"),
    [
        # streamed into its PUT: everything but its last MiB, and the config
        pytest.param(3 * MIB, 2 * MIB + 4096, id="streamed"),
        # up to 1 MiB: read whole and checked before its one PUT, so nothing but the config
        pytest.param(MIB // 2, 4096, id="small"),
    ],
)
def test_a_wrong_blob_never_sends_its_end_and_is_never_committed(
    stack: str,
    size: int,
    most_uploaded: int,
    source: Hostile,
    copy_env: CopyEnv,
    proxy_b: Proxy,
    registries: Registries,
    cli: Runner,
) -> None:
    layer = os.urandom(size)
    hostile_image(source, layer, Answer(200, {}, flipped(layer)))
    dst, result = copy_into_new(cli, copy_env, source, proxy_b)
    assert result.exit_code == 1
    assert "hashing to" in result.stderr and "nothing was tagged" in result.stderr
    assert proxy_b.counters.uploaded <= most_uploaded
    assert any(m == "DELETE" for m, _, _ in proxy_b.counters.sent)
    never_whole(copy_env, registries, dst, layer)
    if size <= MIB:  # nothing of it was sent: its upload is cancelled at once
        assert left_uploads(registries, dst) == {}


def test_a_failed_blob_stops_the_others_in_flight(
    source: Hostile, copy_env: CopyEnv, proxy_b: Proxy, registries: Registries, cli: Runner
) -> None:
    slow = os.urandom(4 * MIB)  # 64 parts a quarter of a second apart: 16 s if let run
    bad = os.urandom(3 * MIB)
    parts = [slow[i : i + MIB // 16] for i in range(0, len(slow), MIB // 16)]
    image = make_image([slow, bad])
    digests = {data: d for d, data in image.blobs.items()}
    source.on("GET", f"/blobs/{digests[slow]}$", Answer(200, {}, parts, pause=0.25))
    source.on("GET", f"/blobs/{digests[bad]}$", Answer(200, {}, flipped(bad), pause=1.0))
    serve_image(source, "app", "1", image, lambda _: None)
    dst = unique()
    copy_env.create_repo(dst, second=True)
    started = time.monotonic()
    result = cli("image", "copy", f"{source.host}/app:1", f"{proxy_b.host}/{dst}:1")
    took = time.monotonic() - started
    assert result.exit_code == 1
    assert "hashing to" in result.stderr and "no manifest put" in result.stderr
    assert took < 8, took  # the slow blob was not let run to its end
    opened = [p for m, p, _ in proxy_b.counters.sent if m == "PUT" and "/uploads/" in p]
    cancelled = [p for m, p, _ in proxy_b.counters.sent if m == "DELETE"]
    assert len(opened) >= 2 and len(cancelled) >= 2
    never_whole(copy_env, registries, dst, slow)
    never_whole(copy_env, registries, dst, bad)


def test_a_source_cut_short_is_named_and_never_committed(
    stack: str,
    source: Hostile,
    copy_env: CopyEnv,
    proxy_b: Proxy,
    registries: Registries,
    cli: Runner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ECRCTL_REGISTRY_ATTEMPTS", "3")
    layer = os.urandom(3 * MIB)
    declared = {"Content-Length": str(len(layer))}
    hostile_image(source, layer, Answer(200, declared, iter([layer[: 2 * MIB]])))
    dst, result = copy_into_new(cli, copy_env, source, proxy_b)
    assert result.exit_code == 1
    assert f"of {source.host}/app: the source broke off after" in result.stderr
    assert f"cannot reach registry {proxy_b.host}" not in result.stderr
    assert "(the copy stopped with" in result.stderr
    gets = [s for s in source.seen if s.method == "GET" and "/blobs/" in s.path]
    assert len(gets) >= 3  # retried, each time with a new upload
    assert len(left_uploads(registries, dst)) <= 3
    never_whole(copy_env, registries, dst, layer)


def test_a_stalling_source_ends_at_its_deadline_and_is_never_committed(
    source: Hostile, copy_env: CopyEnv, proxy_b: Proxy, registries: Registries, cli: Runner
) -> None:
    layer = os.urandom(MIB + MIB // 4)
    # a MiB, then a byte every 0.5 s for 20 s, then the connection closes
    parts = iter([layer[:MIB], *(layer[i : i + 1] for i in range(MIB, MIB + 40))])
    hostile_image(source, layer, Answer(200, {"Content-Length": str(len(layer))}, parts, 0.5))
    dst, result = copy_into_new(cli, copy_env, source, proxy_b, "--registry-timeout", "2")
    assert result.exit_code == 1
    # 2 s, and 1 s per 256 KiB of the blob: 7 s
    assert f"registry {source.host} did not finish answering within 7 s" in result.stderr
    assert "(the copy stopped with" in result.stderr
    never_whole(copy_env, registries, dst, layer)


def test_the_upload_area_check_sees_a_left_upload(
    copy_env: CopyEnv, registries: Registries
) -> None:
    dst = unique()
    start = copy_env.b.session.post(copy_env.b.url(f"/v2/{dst}/blobs/uploads/"))
    assert start.status_code == 202
    assert list(left_uploads(registries, dst).values()) == [0]


@pytest.mark.parametrize("size", [MIB // 4, 3 * MIB], ids=["small", "streamed"])
def test_a_lost_answer_to_the_put_that_commits_a_blob_is_retried_to_a_copy(
    size: int, copy_env: CopyEnv, proxy_b: Proxy, registries: Registries, cli: Runner
) -> None:
    """The registry took the blob, its answer was lost (a 500 in its place): the copy
    still ends with the image there, and no upload left behind."""
    src, dst, pushed = copy_env.image_to_copy("1", layers=[os.urandom(size)])
    proxy_b.faults = [Fault("PUT", "/blobs/uploads/", 1, 500, after=True)]
    result = cli("image", "copy", f"{copy_env.a.host}/{src}:1", f"{proxy_b.host}/{dst}:1")
    assert result.exit_code == 0, result.stderr
    assert 500 in [status for _, _, status in proxy_b.counters.requests]
    assert copy_env.b.manifest(dst, "1").content == pushed.body
    assert left_uploads(registries, dst) == {}


def test_a_put_refused_every_time_fails_the_copy_and_cancels_the_upload(
    copy_env: CopyEnv, proxy_b: Proxy, registries: Registries, cli: Runner
) -> None:
    """Not taken (500 before the registry sees it, past every retry): the blob is not
    there, so the copy fails, says how far it got, and leaves no upload."""
    src, dst, _ = copy_env.image_to_copy("1", layers=[os.urandom(MIB // 4)])
    proxy_b.faults = [Fault("PUT", "/blobs/uploads/", 100, 500)]
    result = cli("image", "copy", f"{copy_env.a.host}/{src}:1", f"{proxy_b.host}/{dst}:1")
    assert result.exit_code == 1
    assert "HTTP 500" in result.stderr and "no manifest put" in result.stderr
    assert "Traceback" not in result.stderr
    assert left_uploads(registries, dst) == {}
    assert copy_env.b.tags(dst) == []


def test_a_put_refused_before_its_body_is_read_is_named_by_its_answer(
    stack: str, copy_env: CopyEnv, proxy_b: Proxy, cli: Runner
) -> None:
    """A front end that answers 403 to a layer's PUT without reading it and closes: the
    copy's send breaks, and the answer waiting on the connection is what it reports."""
    layer = os.urandom(32 * MIB)
    src, dst, _ = copy_env.image_to_copy("1", layers=[layer])
    digest = "sha256:" + hashlib.sha256(layer).hexdigest()
    proxy_b.faults = [Fault("PUT", f"digest={digest}", 100, 403, unread=True)]
    result = cli("image", "copy", f"{copy_env.a.host}/{src}:1", f"{proxy_b.host}/{dst}:1")
    assert result.exit_code != 0
    assert "HTTP 403" in result.stderr and "refused by the proxy" in result.stderr
    assert "cannot reach registry" not in result.stderr
    assert copy_env.b.tags(dst) == []


def test_ctrl_c_in_the_middle_of_a_layers_put_commits_nothing_and_says_so(
    source: Hostile, copy_env: CopyEnv, proxy_b: Proxy, registries: Registries
) -> None:
    """A real SIGINT while a layer streams into its PUT: exit 130, one line saying the
    copy was interrupted and how far it got, and the layer is not at the destination."""
    layer = os.urandom(8 * MIB)
    parts = [layer[i : i + MIB // 4] for i in range(0, len(layer), MIB // 4)]  # 3.2 s
    hostile_image(source, layer, Answer(200, {"Content-Length": str(len(layer))}, parts, 0.1))
    dst = unique()
    copy_env.create_repo(dst, second=True)
    args = [ECRCTL, "image", "copy", f"{source.host}/app:1", f"{proxy_b.host}/{dst}:1"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while proxy_b.counters.uploaded < 2 * MIB and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None  # still streaming the layer
    proc.send_signal(signal.SIGINT)
    signalled = time.monotonic()
    _, err = proc.communicate(timeout=30)
    took = time.monotonic() - signalled
    text = err.decode()
    assert took < 1.5, took  # the layer stopped at its next chunk, not at its end
    assert proc.returncode == 130, text
    assert "interrupted" in text and "no manifest put" in text, text
    assert "Traceback" not in text and len(text.strip().splitlines()) == 1, text
    assert proxy_b.counters.uploaded < len(layer)
    never_whole(copy_env, registries, dst, layer)
