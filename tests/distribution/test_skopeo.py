"""skopeo as an independent client: it reads what ecrctl wrote and ecrctl reads
what it wrote; it authenticates through docker-credential-ecrctl (credHelpers
in a private auth file), which serves both mapped registries with their own
account's token."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.conftest import Runner
from tests.distribution.copy_support import (  # noqa: F401 - fixtures
    CopyEnv,
    Skopeo,
    copy_env_fixture,
    registries_fixture,
    skopeo_fixture,
)
from tests.support.names import unique

pytestmark = pytest.mark.skipif(not shutil.which("skopeo"), reason="skopeo is not installed")


def test_skopeo_reads_what_ecrctl_wrote(copy_env: CopyEnv, cli: Runner, skopeo: Skopeo) -> None:
    src, dst, back = unique(), unique(), unique()
    index = copy_env.a.push_index(src, "multi")
    copy_env.create_repo(dst, second=True)
    result = cli("image", "copy", f"{copy_env.a.host}/{src}:multi", f"{copy_env.b.host}/{dst}")
    assert result.exit_code == 0, result.stderr
    auth = ["--authfile", skopeo.authfile]
    raw = skopeo(
        "inspect", "--tls-verify=false", *auth, "--raw", f"docker://{copy_env.b.host}/{dst}:multi"
    )
    assert raw.encode() == index.body
    info = json.loads(
        skopeo(
            "inspect", "--tls-verify=false", *auth, "--override-arch", "arm64",
            f"docker://{copy_env.b.host}/{dst}:multi",
        )
    )  # fmt: skip
    assert info["Architecture"] == "arm64" and info["Digest"] == index.digest
    skopeo(
        "copy", "--all", "--preserve-digests",
        "--src-tls-verify=false", "--dest-tls-verify=false", *auth,
        f"docker://{copy_env.b.host}/{dst}:multi", f"docker://{copy_env.a.host}/{back}:multi",
    )  # fmt: skip
    assert copy_env.a.manifest(back, "multi").content == index.body


def test_ecrctl_reads_what_skopeo_wrote(copy_env: CopyEnv, cli: Runner, skopeo: Skopeo) -> None:
    src, dst, again = unique(), unique(), unique()
    copy_env.a.push_image(src, "1", oci=True)
    auth = ["--authfile", skopeo.authfile]
    skopeo(
        "copy", "--src-tls-verify=false", "--dest-tls-verify=false", *auth,
        f"docker://{copy_env.a.host}/{src}:1", f"docker://{copy_env.b.host}/{dst}:1",
    )  # fmt: skip
    written = copy_env.b.manifest(dst, "1")
    inspected = cli("image", "inspect", f"{copy_env.b.host}/{dst}:1", "-o", "json")
    assert inspected.exit_code == 0, inspected.stderr
    assert inspected.json["digest"] == written.headers["Docker-Content-Digest"]
    assert inspected.json["config"]["os"] == "linux"
    copy_env.create_repo(again)
    copied = cli("image", "copy", f"{copy_env.b.host}/{dst}:1", f"{again}:1")
    assert copied.exit_code == 0, copied.stderr
    assert copy_env.a.manifest(again, "1").content == written.content
