"""Blob reads through a real redirect to S3, as ECR answers them: a docker-registry
whose storage is a bucket in moto's S3 answers blob GETs with a 307 to a presigned
URL of the object. A recording proxy in front of moto's S3 is the registry's S3
endpoint, so the presigned URLs point at it and it sees every request made to the
S3 host: the registry's own (signed with its S3 key) and the clients' redirected
reads (which must carry no Authorization header). As in ECR, the S3 host has another
name than the registry's: localhost, where the registry is 127.0.0.1."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.conftest import Runner, backends
from tests.distribution.copy_support import (  # noqa: F401 - fixtures
    CopyEnv,
    copy_env_fixture,
    registries_fixture,
)
from tests.distribution.images import Pushed, Registry, digest
from tests.distribution.proxy import Fault, Proxy
from tests.support.names import unique

pytestmark = pytest.mark.usefixtures("stack")  # each test over both HTTP stacks

BUCKET = backends.S3_BUCKET
PRESIGNED = "X-Amz-Signature="
# what ecrctl sends the registry: Basic base64("AWS:<moto's token>")
BASIC = base64.b64encode(f"AWS:{backends.MOTO_PASSWORD}".encode()).decode()


@dataclass
class S3Backend:
    host: str  # the S3-backed registry
    s3: Proxy  # in front of moto's S3, reached as localhost:PORT


@pytest.fixture(scope="session")
def s3_backend(moto_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Backend]:
    """The S3-backed registry, its S3 endpoint a proxy in front of moto's; for the session."""
    workdir = tmp_path_factory.mktemp("registry-s3")
    with Proxy(urlsplit(moto_server).netloc) as s3:
        port = s3.host.rsplit(":", 1)[1]
        pid, env = backends.start_s3_registry(workdir, f"http://localhost:{port}")
        try:
            yield S3Backend(env["ECRCTL_TEST_REGISTRY_S3"], s3)
        finally:
            backends.stop_pid(pid)


@dataclass
class S3Env:
    registry: Registry  # the S3-backed registry, mapped to account A
    s3: Proxy  # the S3 host: the registry's storage endpoint and the redirect target
    copy: CopyEnv

    @property
    def s3_host(self) -> str:
        return "localhost:" + self.s3.host.rsplit(":", 1)[1]

    def presigned_gets(self, blob: str) -> list[tuple[str, dict[str, str]]]:
        """(path, request headers) of the redirected reads of ``blob`` at the S3 host."""
        key = f"/{BUCKET}/docker/registry/v2/blobs/sha256/{blob[7:9]}/{blob[7:]}/data?"
        return [
            (path, headers)
            for method, path, headers in self.s3.counters.sent
            if method == "GET" and path.startswith(key) and PRESIGNED in path
        ]

    def assert_no_registry_credential_reached_s3(self) -> None:
        """Only the registry's own S3 signatures reach the S3 host; the redirected
        reads carry no Authorization at all, and ecrctl's token is in no header."""
        signed = 0
        for method, path, headers in self.s3.counters.sent:
            auth = {k.lower(): v for k, v in headers.items()}.get("authorization")
            if PRESIGNED in path:
                assert auth is None, f"{method} {path} carried Authorization: {auth}"
            elif auth is not None:
                assert auth.startswith("AWS4-HMAC-SHA256 "), f"{method} {path}: {auth}"
                signed += 1
            values = " ".join(headers.values())
            assert BASIC not in values and backends.MOTO_PASSWORD not in values
        # the recording sees Authorization headers: the registry's own requests have one
        assert signed > 0


@pytest.fixture
def s3env(s3_backend: S3Backend, copy_env: CopyEnv) -> S3Env:
    # copy_env reset moto (its S3 too): the bucket is new and the registry empty
    backends.create_bucket(copy_env.moto_url)
    s3_backend.s3.faults.clear()
    s3_backend.s3.reset()
    copy_env.map_host(s3_backend.host)
    return S3Env(Registry(s3_backend.host, backends.MOTO_PASSWORD), s3_backend.s3, copy_env)


def push(env: S3Env, repo: str, layers: list[bytes]) -> Pushed:
    pushed = env.registry.push_image(repo, "1.0", layers, config_extra={"Labels": {"at": "s3"}})
    env.s3.reset()  # only what ecrctl does from here on
    return pushed


def test_blob_reads_answer_307_to_a_presigned_url_on_the_s3_host(s3env: S3Env) -> None:
    repo, layer = unique(), os.urandom(4000)
    push(s3env, repo, [layer])
    session = s3env.registry.session
    for method in ("GET", "HEAD"):
        answer = session.request(
            method, s3env.registry.url(f"/v2/{repo}/blobs/{digest(layer)}"), allow_redirects=False
        )
        assert answer.status_code == 307, (method, answer.status_code)
        location = urlsplit(answer.headers["Location"])
        assert location.netloc == s3env.s3_host  # path-style on the regionendpoint
        hexa = digest(layer)[7:]
        assert location.path == f"/{BUCKET}/docker/registry/v2/blobs/sha256/{hexa[:2]}/{hexa}/data"
        query = parse_qs(location.query)
        assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"] and "X-Amz-Signature" in query
    # the presigned URL needs no credential; without the signature S3 refuses
    target = answer.headers["Location"]
    assert requests.get(target, timeout=10).content == layer
    assert requests.get(target.split("?")[0], timeout=10).status_code == 403


def test_copy_from_the_s3_registry_reads_every_blob_through_the_redirect(
    s3env: S3Env, cli: Runner
) -> None:
    b = s3env.copy.b
    src, dst = unique(), unique()
    layers = [os.urandom(300_000), os.urandom(70_000)]
    pushed = push(s3env, src, layers)
    s3env.copy.create_repo(dst, second=True)
    ref = f"{s3env.registry.host}/{src}:1.0"
    result = cli("image", "copy", ref, f"{b.host}/{dst}", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json["digest"] == pushed.digest
    assert result.json["blobs"] == {"copied": 3, "mounted": 0, "exists": 0}
    assert result.json["bytesMoved"] == sum(pushed.blobs.values())
    answer = b.manifest(dst, "1.0")
    assert answer.content == pushed.body
    assert answer.headers["Docker-Content-Digest"] == pushed.digest
    for blob in pushed.blobs:
        copied = b.session.get(b.url(f"/v2/{dst}/blobs/{blob}")).content
        assert digest(copied) == blob and len(copied) == pushed.blobs[blob]
        # each blob read once, from S3, without the registry's credential
        reads = s3env.presigned_gets(blob)
        assert len(reads) == 1, reads
        assert not any(k.lower() == "authorization" for k in reads[0][1])
    assert [b.session.get(b.url(f"/v2/{dst}/blobs/{digest(x)}")).content for x in layers] == layers
    s3env.assert_no_registry_credential_reached_s3()


def test_inspect_reads_the_config_blob_through_the_redirect(s3env: S3Env, cli: Runner) -> None:
    repo = unique()
    pushed = push(s3env, repo, [os.urandom(2000)])
    config = json.loads(pushed.body)["config"]["digest"]
    result = cli("image", "inspect", f"{s3env.registry.host}/{repo}:1.0", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json["manifest"] == json.loads(pushed.body)
    assert result.json["config"]["config"]["Labels"] == {"at": "s3"}
    assert len(s3env.presigned_gets(config)) == 1
    s3env.assert_no_registry_credential_reached_s3()


def test_registry_api_of_a_blob_prints_the_object_s3_served(s3env: S3Env, cli: Runner) -> None:
    repo, layer = unique(), b"a layer kept in S3\n" * 300
    push(s3env, repo, [layer])
    path = f"/v2/{repo}/blobs/{digest(layer)}"
    result = cli("registry", "api", "--registry", s3env.registry.host, path, "-i")
    assert result.exit_code == 0, result.stderr
    head, body = result.stdout.split("\n\n", 1)
    # the status line and headers are S3's answer, after the redirect
    assert head.startswith("HTTP 200 OK\n") and "x-amzn-requestid" in head.lower()
    assert body == layer.decode()
    assert len(s3env.presigned_gets(digest(layer))) == 1
    s3env.assert_no_registry_credential_reached_s3()


def test_a_netrc_entry_for_the_s3_host_is_not_sent_with_the_presigned_url(
    s3env: S3Env, cli: Runner, isolated: Path
) -> None:
    """requests adds ~/.netrc credentials for a host to a request without auth, and
    again on its own redirects; the presigned URL is the only credential S3 needs
    (real S3 refuses a request with two), and ecrctl's redirect says "no Authorization"."""
    netrc = isolated / ".netrc"
    netrc.write_text("machine localhost login someone password netrc-secret\n")
    netrc.chmod(0o600)
    repo = unique()
    pushed = push(s3env, repo, [os.urandom(2000)])
    config = json.loads(pushed.body)["config"]["digest"]
    result = cli("image", "inspect", f"{s3env.registry.host}/{repo}:1.0", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json["config"]["config"]["Labels"] == {"at": "s3"}
    assert len(s3env.presigned_gets(config)) == 1
    s3env.assert_no_registry_credential_reached_s3()


def test_an_s3_error_is_retried_through_a_new_redirect(s3env: S3Env, cli: Runner) -> None:
    b = s3env.copy.b
    src, dst, layer = unique(), unique(), os.urandom(50_000)
    pushed = push(s3env, src, [layer])
    s3env.copy.create_repo(dst, second=True)
    s3env.s3.faults.append(Fault("GET", f"{digest(layer)[7:]}/data?X-Amz-Algorithm", 1))
    result = cli("image", "copy", f"{s3env.registry.host}/{src}:1.0", f"{b.host}/{dst}")
    assert result.exit_code == 0, result.stderr
    assert b.manifest(dst, "1.0").content == pushed.body
    statuses = [s for _, p, s in s3env.s3.counters.requests if PRESIGNED in p and "/data?" in p]
    assert sorted(statuses) == [200, 200, 503]  # the layer twice, the config once
    assert len(s3env.presigned_gets(digest(layer))) == 2  # each one presigned anew
    s3env.assert_no_registry_credential_reached_s3()


def test_an_object_altered_in_s3_fails_the_copy_and_tags_nothing(s3env: S3Env, cli: Runner) -> None:
    import boto3

    b = s3env.copy.b
    src, dst, layer = unique(), unique(), os.urandom(40_000)
    push(s3env, src, [layer])
    s3env.copy.create_repo(dst, second=True)
    hexa = digest(layer)[7:]
    # same size, other bytes: the registry still redirects to it, only the hash can tell
    boto3.client("s3", endpoint_url=s3env.copy.moto_url, region_name="us-east-1").put_object(
        Bucket=BUCKET,
        Key=f"docker/registry/v2/blobs/sha256/{hexa[:2]}/{hexa}/data",
        Body=os.urandom(len(layer)),
    )
    result = cli("image", "copy", f"{s3env.registry.host}/{src}:1.0", f"{b.host}/{dst}:1.0")
    assert result.exit_code == 1
    assert "bytes hashing to sha256:" in result.stderr
    assert f"not {len(layer)} bytes of {digest(layer)}" in result.stderr
    assert b.tags(dst) == []
    assert not b.has_blob(dst, digest(layer))


def test_skopeo_reads_what_ecrctl_copied_into_the_s3_registry(
    s3env: S3Env, cli: Runner, tmp_path: Path
) -> None:
    a = s3env.copy.a
    src, dst = unique(), unique()
    pushed = a.push_image(src, "2.0", [os.urandom(120_000)], oci=True)
    s3env.copy.create_repo(dst)
    result = cli("image", "copy", f"{a.host}/{src}:2.0", f"{s3env.registry.host}/{dst}:2.0")
    assert result.exit_code == 0, result.stderr
    s3env.s3.reset()
    out = tmp_path / "image"
    done = subprocess.run(
        [
            "skopeo",
            "--insecure-policy",
            "copy",
            "--src-tls-verify=false",
            "--src-creds",
            f"AWS:{backends.MOTO_PASSWORD}",
            f"docker://{s3env.registry.host}/{dst}:2.0",
            f"dir:{out}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert (out / "manifest.json").read_bytes() == pushed.body
    for blob, size in pushed.blobs.items():
        data = (out / blob[7:]).read_bytes()
        assert len(data) == size and "sha256:" + hashlib.sha256(data).hexdigest() == blob
        assert len(s3env.presigned_gets(blob)) == 1  # skopeo too was sent to S3


def test_a_403_from_s3_names_the_storage_not_the_registrys_credential(
    s3env: S3Env, cli: Runner
) -> None:
    # an expired presigned URL is S3's refusal, not the registry's: the line says so
    repo, layer = unique(), os.urandom(30_000)
    push(s3env, repo, [layer])
    s3env.s3.faults.append(Fault("GET", f"{digest(layer)[7:]}/data?X-Amz-Algorithm", 1, 403))
    dst = unique()
    s3env.copy.create_repo(dst, second=True)
    result = cli("image", "copy", f"{s3env.registry.host}/{repo}:1.0", f"{s3env.copy.b.host}/{dst}")
    assert result.exit_code != 0
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "the storage it redirected to" in result.stderr and "answered HTTP 403" in result.stderr
    assert "presigned URL may have expired" in result.stderr
    assert "the credential may not write or read here" not in result.stderr
