"""skopeo logged in through Debian's docker-credential-ecr-login, with its cache off: the
neutral peer of "ecrctl without its token cache" (both ask the ECR API for each
registry's token at run time, and neither is ecrctl's own code).

docker-credential-ecr-login (0.6.4) has no endpoint setting: it works out the account
and region from an ECR-shaped host name and calls https://api.ecr.REGION.amazonaws.com.
So, for skopeo and its helper only, a private mount namespace (``unshare --mount``, as
root) binds a hosts file over /etc/hosts that sends those names to 127.0.0.1; a second
moto_server answers on 127.0.0.1:443 with a certificate for the API names, signed by a
throwaway CA given to the helper as AWS_CA_BUNDLE. moto's tokens depend only on the
account, so this moto's token is the one the docker-registry servers take. The registry
names keep their ports (``ACCOUNT.dkr.ecr.REGION.amazonaws.com:PORT``); skopeo speaks
plain HTTP to them after its HTTPS probe fails (``--*-tls-verify=false``).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

HELPER = "docker-credential-ecr-login"
API_NAMES = ("api.ecr.us-east-1.amazonaws.com", "api.ecr.eu-west-1.amazonaws.com")


def why_not() -> str | None:
    """Why this peer cannot run here (None: it can)."""
    if os.geteuid() != 0:
        return "it needs root (a private mount namespace and port 443)"
    for tool in (HELPER, "unshare", "openssl"):
        if not shutil.which(tool):
            return f"{tool} is not installed"
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", 443)) == 0:
            return "port 443 is taken"
    return None


class EcrLoginPeer:
    """The moto on 443, the hosts file and the CA of one benchmark run."""

    def __init__(self, workdir: Path, names: dict[str, str]) -> None:
        """``names``: each loopback registry (``127.0.0.1:PORT``) -> its ECR host name
        (``ACCOUNT.dkr.ecr.REGION.amazonaws.com``)."""
        self.dir = workdir / "ecr-login-peer"
        self.dir.mkdir()
        self.names = names
        self._certificates()
        self.hosts = self.dir / "hosts"
        every = " ".join([*API_NAMES, *names.values()])
        self.hosts.write_text(f"127.0.0.1 localhost {every}\n")
        moto = Path(sys.executable).parent / "moto_server"
        self.moto = subprocess.Popen(
            [str(moto), "-H", "127.0.0.1", "-p", "443", "-c", str(self.cert), "-k", str(self.key)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait_for_moto()

    def _certificates(self) -> None:
        ca_key, self.ca = self.dir / "ca.key", self.dir / "ca.pem"
        self.key, self.cert = self.dir / "api.key", self.dir / "api.pem"
        csr, ext = self.dir / "api.csr", self.dir / "api.ext"
        ext.write_text("subjectAltName=" + ",".join(f"DNS:{n}" for n in API_NAMES) + "\n")
        for argv in (
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out",
             self.ca, "-days", "1", "-subj", "/CN=ecrctl benchmark CA"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", self.key, "-out", csr,
             "-subj", f"/CN={API_NAMES[0]}"],
            ["x509", "-req", "-in", csr, "-CA", self.ca, "-CAkey", ca_key, "-CAcreateserial",
             "-out", self.cert, "-days", "1", "-extfile", ext],
        ):  # fmt: skip
            subprocess.run(["openssl", *map(str, argv)], check=True, capture_output=True)

    def _wait_for_moto(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", 443)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError("moto_server did not start on 127.0.0.1:443")

    def ecr_name(self, reference: str) -> str:
        """``127.0.0.1:PORT/repo:tag`` as ``ACCOUNT.dkr.ecr.REGION.amazonaws.com:PORT/repo:tag``."""
        host, rest = reference.split("/", 1)
        port = host.rsplit(":", 1)[1]
        return f"{self.names[host]}:{port}/{rest}"

    def auth_file(self) -> Path:
        """A docker config naming ecr-login for both registries (credHelpers)."""
        path = self.dir / "auth.json"
        helpers = {self.ecr_name(f"{host}/x").split("/")[0]: "ecr-login" for host in self.names}
        path.write_text(json.dumps({"credHelpers": helpers}))
        return path

    def wrap(self, argv: list[str], env: dict[str, str]) -> tuple[list[str], dict[str, str]]:
        """``argv`` run with the hosts file, the helper's cache off and the CA it trusts."""
        script = 'mount --bind "$0" /etc/hosts && exec "$@"'
        wrapped = ["unshare", "--mount", "--propagation", "private", "sh", "-c", script]
        extra = {"AWS_ECR_DISABLE_CACHE": "true", "AWS_CA_BUNDLE": str(self.ca)}
        return [*wrapped, str(self.hosts), *argv], {**env, **extra}

    def close(self) -> None:
        self.moto.terminate()
        self.moto.wait(timeout=10)
