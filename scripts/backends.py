#!/usr/bin/env python3
"""Real backends on loopback for ecrctl's tests and demo.

    python scripts/backends.py start --dir DIR [--moto] [--registry] [--dockerd]
        [--registry2] [--registry-s3]
    python scripts/backends.py stop --dir DIR

``start`` launches each backend as a child process, waits until it answers,
records its PID in DIR/pids and writes DIR/env (``export NAME=value`` lines:
AWS_ENDPOINT_URL_ECR, ECRCTL_TEST_REGISTRY, DOCKER_HOST, ...). ``stop`` ends
exactly those PIDs. The same functions are imported by the pytest fixtures.

moto's ECR emulator is started through :func:`moto_main`, which first applies
:func:`apply_moto_fixes` so that digests are sha256 of the manifest bytes, as
in ECR, and :func:`apply_token_expiry` so that its tokens expire 12 hours after
issue, as ECR's do (the token cache then works against it).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
MOTO_ACCOUNT = "123456789012"
MOTO_PASSWORD = f"{MOTO_ACCOUNT}-auth-token"  # what moto's GetAuthorizationToken decodes to
# A second account: moto's token for registryIds=[SECOND_ACCOUNT] decodes to AWS:<id>-auth-token,
# so the second registry, standing for that account, accepts only that one.
SECOND_ACCOUNT = "210987654321"
SECOND_PASSWORD = f"{SECOND_ACCOUNT}-auth-token"


# -- moto fixes -------------------------------------------------------------------


def apply_moto_fixes() -> None:
    """Make moto's ECR digests and sizes behave like ECR's (idempotent).

    * the digest is sha256 of the exact manifest bytes (moto hashes layer digests);
    * the size is the sum of layer sizes plus the config size (moto: config only);
    * put_image with a wrong imageDigest fails with ImageDigestDoesNotMatchException.
    """
    from moto.core.exceptions import JsonRESTError
    from moto.ecr import models

    image_cls: Any = models.Image
    if getattr(image_cls, "_ecrctl_fixed", False):
        return

    def create_digest(self: Any) -> None:
        self._image_digest = "sha256:" + hashlib.sha256(self.image_manifest.encode()).hexdigest()

    def size_in_bytes(self: Any) -> int | None:
        manifest = json.loads(self.image_manifest)
        if "layers" not in manifest:
            return None
        total = sum(int(layer.get("size", 0)) for layer in manifest["layers"])
        return total + int(manifest.get("config", {}).get("size", 0))

    image_cls._create_digest = create_digest
    image_cls.get_image_size_in_bytes = size_in_bytes

    backend_cls: Any = models.ECRBackend
    original_put_image = backend_cls.put_image

    def put_image(
        self: Any, repository_name: str, image_manifest: str, *args: Any, **kwargs: Any
    ) -> Any:
        digest = kwargs.get("image_digest")
        if digest is None and len(args) >= 3:
            digest = args[2]
        actual = "sha256:" + hashlib.sha256(image_manifest.encode()).hexdigest()
        if digest and digest != actual:
            raise JsonRESTError(
                "ImageDigestDoesNotMatchException",
                f"The specified digest {digest} does not match the calculated digest {actual}",
            )
        return original_put_image(self, repository_name, image_manifest, *args, **kwargs)

    backend_cls.put_image = put_image
    image_cls._ecrctl_fixed = True


TOKEN_LIFETIME_HOURS = 12


def apply_token_expiry() -> None:
    """GetAuthorizationToken answers with tokens that expire 12 hours after issue, as
    ECR's do (moto's expired on 2015-01-01), so the token cache keeps them and
    ``ecrctl login`` takes them (idempotent)."""
    from moto.ecr.responses import ECRResponse

    responses: Any = ECRResponse
    if getattr(responses, "_ecrctl_token_fixed", False):
        return
    responses.get_authorization_token = expiring_tokens(responses.get_authorization_token)
    responses._ecrctl_token_fixed = True


def expiring_tokens(original: Any) -> Any:
    """moto's GetAuthorizationToken handler ``original``, its tokens expiring
    :data:`TOKEN_LIFETIME_HOURS` after issue."""
    from datetime import UTC, datetime, timedelta

    def get_authorization_token(self: Any) -> Any:
        answer = original(self)
        expires = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=TOKEN_LIFETIME_HOURS)
        for data in answer.result["authorizationData"]:
            data["expiresAt"] = expires
        return answer

    return get_authorization_token


def moto_main(argv: list[str]) -> None:
    """``moto_server`` with :func:`apply_moto_fixes` and :func:`apply_token_expiry`."""
    apply_moto_fixes()
    apply_token_expiry()
    from moto.server import main

    main(argv)


# -- process helpers -------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_http(url: str, timeout: float = 30.0, ok: tuple[int, ...] = (200, 401)) -> None:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status in ok:
                    return
        except urllib.error.HTTPError as exc:
            if exc.code in ok:
                return
            last = exc
        except OSError as exc:
            last = exc
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout}s: {last}")


def wait_unix_socket(path: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            try:
                with socket.socket(socket.AF_UNIX) as sock:
                    sock.connect(str(path))
                    sock.sendall(b"GET /_ping HTTP/1.0\r\n\r\n")
                    if b"OK" in sock.recv(4096):
                        return
            except OSError:
                pass
        time.sleep(0.1)
    raise RuntimeError(f"dockerd did not answer on {path} within {timeout}s")


def _spawn(
    args: list[str], log: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    handle = open(log, "ab")  # noqa: SIM115 - the child keeps it
    return subprocess.Popen(
        args, stdout=handle, stderr=subprocess.STDOUT, env=env, start_new_session=True
    )


def stop_pid(pid: int, timeout: float = 10.0) -> None:
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    except PermissionError:
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            finished, _ = os.waitpid(pid, os.WNOHANG)
            if finished:
                return
        except ChildProcessError:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


# -- the backends -------------------------------------------------------------------


def start_moto(workdir: Path) -> tuple[int, dict[str, str]]:
    port = free_port()
    proc = _spawn(
        [
            sys.executable,
            str(HERE / "backends.py"),
            "moto-server",
            "-H",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        workdir / "moto.log",
    )
    url = f"http://127.0.0.1:{port}"
    wait_http(f"{url}/moto-api/")
    # STS too: commands that ask who the caller is (policy lock-out checks, the token
    # cache key) must not leave loopback.
    return proc.pid, {
        "AWS_ENDPOINT_URL_ECR": url,
        "AWS_ENDPOINT_URL_STS": url,
        "ECRCTL_TEST_MOTO_URL": url,
    }


def start_registry(
    workdir: Path, users: dict[str, str] | None = None, name: str = "registry"
) -> tuple[int, dict[str, str]]:
    binary = shutil.which("docker-registry")
    if not binary:
        raise RuntimeError("docker-registry is not installed (apt-get install docker-registry)")
    users = users or {"AWS": MOTO_PASSWORD}
    root = workdir / name
    (root / "data").mkdir(parents=True, exist_ok=True)
    htpasswd = root / "htpasswd"
    htpasswd.unlink(missing_ok=True)
    for index, (user, password) in enumerate(users.items()):
        flags = "-Bbc" if index == 0 else "-Bb"
        subprocess.run(
            ["htpasswd", flags, str(htpasswd), user, password], check=True, capture_output=True
        )
    port = free_port()
    config = root / "config.yml"
    config.write_text(
        "version: 0.1\n"
        "log: {level: warn}\n"
        f"storage: {{filesystem: {{rootdirectory: {root / 'data'}}}, delete: {{enabled: true}}}}\n"
        f"http: {{addr: 127.0.0.1:{port}, secret: ecrctl-tests}}\n"
        f"auth: {{htpasswd: {{realm: basic-realm, path: {htpasswd}}}}}\n"
    )
    proc = _spawn([binary, "serve", str(config)], workdir / f"{name}.log")
    wait_http(f"http://127.0.0.1:{port}/v2/")
    return proc.pid, {"ECRCTL_TEST_REGISTRY": f"127.0.0.1:{port}"}


S3_BUCKET = "ecrctl-registry"


def create_bucket(endpoint: str, bucket: str = S3_BUCKET) -> None:
    """The bucket an S3-backed registry stores into, in moto's S3 (idempotent)."""
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou):
        client.create_bucket(Bucket=bucket)


def start_s3_registry(
    workdir: Path, s3_endpoint: str, bucket: str = S3_BUCKET, name: str = "registry-s3"
) -> tuple[int, dict[str, str]]:
    """A docker-registry whose storage is ``bucket`` in the S3 at ``s3_endpoint`` (moto's,
    or a proxy in front of it), htpasswd user AWS with moto's token as the first one.

    Like ECR it answers blob GETs and HEADs with a 307 to a presigned URL of the object;
    with a regionendpoint the URL is path-style (``http://ENDPOINT/BUCKET/docker/...``)."""
    binary = shutil.which("docker-registry")
    if not binary:
        raise RuntimeError("docker-registry is not installed (apt-get install docker-registry)")
    create_bucket(s3_endpoint, bucket)
    root = workdir / name
    root.mkdir(parents=True, exist_ok=True)
    htpasswd = root / "htpasswd"
    subprocess.run(
        ["htpasswd", "-Bbc", str(htpasswd), "AWS", MOTO_PASSWORD], check=True, capture_output=True
    )
    port = free_port()
    config = root / "config.yml"
    config.write_text(
        "version: 0.1\n"
        "log: {level: warn}\n"
        "storage:\n"
        "  s3: {accesskey: testing, secretkey: testing, region: us-east-1, "
        f"regionendpoint: '{s3_endpoint}', bucket: {bucket}, secure: false, v4auth: true}}\n"
        "  delete: {enabled: true}\n"
        "  redirect: {disable: false}\n"
        f"http: {{addr: 127.0.0.1:{port}, secret: ecrctl-tests}}\n"
        f"auth: {{htpasswd: {{realm: basic-realm, path: {htpasswd}}}}}\n"
    )
    # The AWS SDK in docker-registry reads AWS_* too: AWS_CA_BUNDLE makes it panic at start
    # ("unable to load custom CA bundle"), and the keys above must be the only ones.
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    proc = _spawn([binary, "serve", str(config)], workdir / f"{name}.log", env)
    try:
        wait_http(f"http://127.0.0.1:{port}/v2/")
    except RuntimeError:
        stop_pid(proc.pid)
        raise
    return proc.pid, {"ECRCTL_TEST_REGISTRY_S3": f"127.0.0.1:{port}"}


def start_second_registry(workdir: Path) -> tuple[int, dict[str, str]]:
    """Another docker-registry, with its own htpasswd user: the second account's token."""
    pid, env = start_registry(workdir, {"AWS": SECOND_PASSWORD}, name="registry2")
    return pid, {"ECRCTL_TEST_REGISTRY2": env["ECRCTL_TEST_REGISTRY"]}


def start_dockerd(workdir: Path) -> tuple[int, dict[str, str]]:
    binary = shutil.which("dockerd")
    if not binary:
        raise RuntimeError("dockerd is not installed (apt-get install docker.io)")
    # unix socket paths are limited to 107 bytes: keep the daemon's files short-pathed
    root = Path(os.environ.get("ECRCTL_DOCKERD_ROOT", "/tmp")) / f"ecrctl-dockerd-{os.getpid()}"
    root.mkdir(parents=True, exist_ok=True)
    (workdir / "dockerd-root").write_text(str(root))
    sock = root / "docker.sock"
    args = [
        binary,
        "-H",
        f"unix://{sock}",
        "--data-root",
        str(root / "data"),
        "--exec-root",
        str(root / "exec"),
        "--pidfile",
        str(root / "dockerd.pid"),
        "--iptables=false",
        "--ip6tables=false",
        "--bridge=none",
    ]
    driver = os.environ.get("ECRCTL_DOCKERD_STORAGE_DRIVER", "vfs")
    args.append(f"--storage-driver={driver}")
    proc = _spawn(args, workdir / "dockerd.log")
    try:
        wait_unix_socket(sock)
    except RuntimeError:
        stop_pid(proc.pid)
        raise
    return proc.pid, {"DOCKER_HOST": f"unix://{sock}"}


def build_test_image(docker_host: str, name: str, workdir: Path) -> str:
    """A tiny image built offline: busybox-static imported as a rootfs."""
    busybox = shutil.which("busybox") or "/bin/busybox"
    if not Path(busybox).exists():
        raise RuntimeError("busybox is not installed (apt-get install busybox-static)")
    rootfs = workdir / "rootfs"
    (rootfs / "bin").mkdir(parents=True, exist_ok=True)
    shutil.copy(busybox, rootfs / "bin" / "busybox")
    sh = rootfs / "bin" / "sh"
    if not sh.exists():
        sh.symlink_to("busybox")
    tar = subprocess.run(
        ["tar", "-C", str(rootfs), "-cf", "-", "."], check=True, capture_output=True
    ).stdout
    env = {**os.environ, "DOCKER_HOST": docker_host}
    subprocess.run(
        ["docker", "import", "-", name], input=tar, check=True, env=env, capture_output=True
    )
    return name


def mirror_image(registry: str, endpoint: str, repository: str, tag: str) -> str:
    """Copy a manifest pushed to the local registry into moto's ECR, byte for byte.

    On real ECR the registry and the API are one service; locally they are two
    programs, so after a push the emulator is told about the image this way.
    Returns the digest (sha256 of the manifest bytes, as both sides compute it).
    """
    import base64

    import boto3

    accept = ", ".join(
        [
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.docker.distribution.manifest.v2+json",
        ]
    )
    auth = base64.b64encode(f"AWS:{MOTO_PASSWORD}".encode()).decode()
    request = urllib.request.Request(
        f"http://{registry}/v2/{repository}/manifests/{tag}",
        headers={"Accept": accept, "Authorization": f"Basic {auth}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
        media_type = response.headers["Content-Type"]
    digest = "sha256:" + hashlib.sha256(body).hexdigest()
    client = boto3.client("ecr", endpoint_url=endpoint, region_name="us-east-1")
    client.put_image(
        repositoryName=repository,
        imageManifest=body.decode(),
        imageTag=tag,
        imageManifestMediaType=media_type,
        imageDigest=digest,
    )
    return digest


def _start_s3_registry_on_moto(workdir: Path, env: dict[str, str]) -> tuple[int, dict[str, str]]:
    if "ECRCTL_TEST_MOTO_URL" not in env:
        raise RuntimeError("registry-s3 stores into moto's S3: start moto with it")
    return start_s3_registry(workdir, env["ECRCTL_TEST_MOTO_URL"])


STARTERS = {
    "moto": start_moto,
    "registry": start_registry,
    "registry2": start_second_registry,
    "registry-s3": _start_s3_registry_on_moto,
    "dockerd": start_dockerd,
}
# started only when asked for by name
OPTIONAL = ("registry2", "registry-s3")


def start(workdir: Path, names: list[str]) -> dict[str, str]:
    workdir.mkdir(parents=True, exist_ok=True)
    env: dict[str, str] = {}
    pids: list[str] = []
    try:
        for name in names:
            starter: Any = STARTERS[name]
            pid, values = starter(workdir, env) if name == "registry-s3" else starter(workdir)
            pids.append(f"{name} {pid}")
            env.update(values)
            (workdir / "pids").write_text("\n".join(pids) + "\n")
    except Exception:
        stop(workdir)
        raise
    (workdir / "env").write_text("".join(f"export {k}={v}\n" for k, v in env.items()))
    return env


def stop(workdir: Path) -> None:
    pids = workdir / "pids"
    if pids.exists():
        for line in reversed(pids.read_text().split("\n")):
            if line.strip():
                stop_pid(int(line.split()[1]))
        pids.unlink()
    marker = workdir / "dockerd-root"
    if marker.exists():
        root = Path(marker.read_text())
        subprocess.run(["umount", "-R", str(root / "exec")], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
        marker.unlink()


def cli(argv: list[str]) -> None:
    if argv and argv[0] == "moto-server":
        moto_main(argv[1:])
        return
    if argv and argv[0] == "mirror-image":  # mirror-image REGISTRY ENDPOINT REPOSITORY TAG
        print(mirror_image(*argv[1:5]))
        return
    if argv and argv[0] == "build-image":  # build-image DOCKER_HOST NAME
        with tempfile.TemporaryDirectory(prefix="ecrctl-img-") as scratch:
            print(build_test_image(argv[1], argv[2], Path(scratch)))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("--dir", required=True, type=Path)
    for name in STARTERS:
        parser.add_argument(f"--{name}", action="store_true", help=f"start {name}")
    args = parser.parse_args(argv)
    if args.action == "stop":
        stop(args.dir)
        return
    chosen = [n for n in STARTERS if getattr(args, n.replace("-", "_"))]
    names = chosen or [n for n in STARTERS if n not in OPTIONAL]
    for key, value in start(args.dir, names).items():
        print(f"{key}={value}")


if __name__ == "__main__":
    cli(sys.argv[1:])
