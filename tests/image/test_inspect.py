"""``ecrctl image inspect`` against a real docker-registry: the config of an
image, the platforms of an index, one platform of it, and the raw JSON."""

from __future__ import annotations

import json

from tests.conftest import Runner
from tests.distribution.copy_support import (  # noqa: F401 - fixtures
    CopyEnv,
    copy_env_fixture,
    registries_fixture,
)
from tests.support.names import unique


def test_image_fields_without_pulling(copy_env: CopyEnv, cli: Runner) -> None:
    repo = unique()
    extra = {
        "Entrypoint": ["/bin/app"],
        "WorkingDir": "/srv",
        "User": "1000",
        "Labels": {"org.opencontainers.image.source": "https://example.invalid/app"},
        "ExposedPorts": {"8080/tcp": {}},
    }
    pushed = copy_env.a.push_image(repo, "1", [b"a" * 2048, b"b" * 4096], config_extra=extra)
    result = cli("image", "inspect", f"{repo}:1")  # the caller's registry: mapped to A
    assert result.exit_code == 0, result.stderr
    rows = {}
    for line in result.stdout.splitlines():
        parts = line.split(None, 1)
        if len(parts) == 2:
            rows.setdefault(parts[0], []).append(parts[1].strip())
    assert rows["Created"] == ["2026-01-02T03:04:05Z"]
    assert rows["Platform"] == ["linux/amd64"]
    assert rows["Entrypoint"] == ['["/bin/app"]'] and rows["Cmd"] == ['["sh"]']
    assert rows["WorkingDir"] == ["/srv"] and rows["User"] == ["1000"]
    assert rows["Env"] == ["PATH=/bin"] and rows["ExposedPorts"] == ["8080/tcp"]
    assert rows["Label"] == ["org.opencontainers.image.source=https://example.invalid/app"]
    assert rows["History"] == ["layer 0", "layer 1"]
    assert pushed.digest in result.stdout

    raw = cli("image", "inspect", f"{copy_env.a.host}/{repo}:1", "-o", "json").json
    assert raw["digest"] == pushed.digest
    assert raw["manifest"] == json.loads(pushed.body)
    assert raw["config"]["config"]["WorkingDir"] == "/srv"


def test_index_platforms_and_one_platform(copy_env: CopyEnv, cli: Runner) -> None:
    repo = unique()
    index = copy_env.b.push_index(repo, "multi")
    ref = f"{copy_env.b.host}/{repo}:multi"
    listing = cli("image", "inspect", ref)
    assert listing.exit_code == 0, listing.stderr
    assert "linux/amd64" in listing.stdout and "linux/arm64/v8" in listing.stdout
    assert cli("image", "inspect", ref, "-o", "json").json["config"] is None
    arm = cli("image", "inspect", ref, "--platform", "linux/arm64", "-o", "json")
    assert arm.exit_code == 0, arm.stderr
    assert arm.json["digest"] == index.children[1]
    assert arm.json["config"]["architecture"] == "arm64"
    missing = cli("image", "inspect", ref, "--platform", "linux/s390x")
    assert missing.exit_code == 1 and "no image for linux/s390x" in missing.stderr
