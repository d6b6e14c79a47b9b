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


def test_referrers_of_an_image_and_of_an_index_child(copy_env: CopyEnv, cli: Runner) -> None:
    from tests.distribution.images import Pushed
    from tests.distribution.referrers_front import (
        COSIGN_SIG,
        push_cosign,
        push_referrer,
        push_tag_schema,
    )

    a, repo = copy_env.a, unique()
    image = a.push_image(repo, "1", oci=True)
    sbom = push_referrer(a, repo, image, "application/spdx+json", b'{"spdxVersion": "2.3"}')
    push_tag_schema(a, repo, image.digest, [sbom])
    cosign = push_cosign(a, repo, image.digest)
    table = cli("image", "inspect", f"{a.host}/{repo}:1")
    assert table.exit_code == 0, table.stderr
    rows = [line.split() for line in table.stdout.splitlines() if line.startswith("Referrer")]
    assert rows == [
        ["Referrer", sbom.digest, "application/spdx+json", f"({len(sbom.body)}", "bytes)"],
        ["Referrer", cosign.digest, COSIGN_SIG, f"({len(cosign.body)}", "bytes)"],
    ]
    data = cli("image", "inspect", f"{a.host}/{repo}:1", "-o", "json").json["referrers"]
    assert [(r["digest"], r["via"], r["tag"]) for r in data] == [
        (sbom.digest, "tag-schema", None),
        (cosign.digest, "cosign-tag", cosign.tag),
    ]
    only = cli(
        "image", "inspect", f"{a.host}/{repo}:1", "--artifact-type", COSIGN_SIG, "-o", "json"
    )
    assert [r["digest"] for r in only.json["referrers"]] == [cosign.digest]
    bad = cli("image", "inspect", f"{a.host}/{repo}:1", "--artifact-type", "sbom")
    assert bad.exit_code == 2 and "invalid artifact type 'sbom'" in bad.stderr

    index = a.push_index(repo, "multi")
    child = Pushed(repo, "", index.children[0], a.manifest(repo, index.children[0]).content)
    provenance = push_referrer(a, repo, child, "application/vnd.in-toto+json", b"{}")
    push_tag_schema(a, repo, child.digest, [provenance])
    listing = cli("image", "inspect", f"{a.host}/{repo}:multi")
    assert listing.exit_code == 0, listing.stderr
    assert [line.split()[:4] for line in listing.stdout.splitlines() if "referrer" in line] == [
        ["referrer", "of", child.digest.split(":")[1][:12], provenance.digest]
    ]
