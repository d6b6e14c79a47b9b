"""``ecrctl image copy`` between two real docker-registry servers standing for
two accounts (moto's ECR API behind both), within one registry, and back."""

from __future__ import annotations

import pytest

from tests.conftest import Runner
from tests.registry.copy_support import CopyEnv, copy_env, registries, unique  # noqa: F401
from tests.registry.proxy import Proxy


def test_copy_across_accounts_keeps_bytes_and_digest(copy_env: CopyEnv, cli: Runner) -> None:
    a, b = copy_env.a, copy_env.b
    src, dst = unique(), unique()
    pushed = a.push_image(src, "1.0")
    copy_env.create_repo(dst, second=True)
    result = cli("image", "copy", f"{a.host}/{src}:1.0", f"{b.host}/{dst}", "-o", "json")
    assert result.exit_code == 0, result.stderr
    data = result.json
    assert data["status"] == "copied" and data["digest"] == pushed.digest
    assert data["blobs"] == {"copied": 3, "mounted": 0, "exists": 0}
    assert data["bytesMoved"] == sum(pushed.blobs.values())
    answer = b.manifest(dst, "1.0")
    assert answer.content == pushed.body
    assert answer.headers["Docker-Content-Digest"] == pushed.digest
    assert all(b.has_blob(dst, d) for d in pushed.blobs)
