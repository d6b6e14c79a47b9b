"""``repo copy`` carries each image's referrers: cosign's and the tag schema's tags go
with the image they name (their items say so), a referrer the destination refuses
is named in the report's ``referrers`` and the exit code is 1; ``--no-referrers``
copies those tags as any other, as before."""

from __future__ import annotations

from typing import Any

from tests.conftest import Runner, backends
from tests.distribution.copy_support import (  # noqa: F401 - fixtures
    CopyEnv,
    copy_env_fixture,
    proxy_b_fixture,
    registries_fixture,
)
from tests.distribution.images import Registry
from tests.distribution.proxy import Proxy
from tests.distribution.referrers_front import (
    SBOM,
    ReferrersFront,
    push_cosign,
    push_referrer,
    push_tag_schema,
)
from tests.support.names import unique


def outcomes(report: dict[str, Any]) -> dict[str, Any]:
    return {e["id"]: e["detail"]["outcome"] for e in report["done"]}


def test_referrer_tags_go_with_their_image_then_nothing_moves(
    copy_env: CopyEnv, proxy_b: Proxy, cli: Runner
) -> None:
    a, b = copy_env.a, copy_env.b
    src, dst = unique(), unique()
    signed = a.push_image(src, "1.0", oci=True)
    a.push_image(src, "2.0", oci=True)
    sbom = push_referrer(a, src, signed, SBOM, b"sbom")
    schema = push_tag_schema(a, src, signed.digest, [sbom])
    cosign = push_cosign(a, src, signed.digest)
    copy_env.create_repo(dst, second=True)
    args = ("repo", "copy", f"{a.host}/{src}", f"{proxy_b.host}/{dst}", "-o", "json")
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    report = result.json
    assert [e["id"] for e in report["done"]] == ["1.0", "2.0", schema.tag, cosign.tag]
    assert outcomes(report) == {
        "1.0": "copied",
        "2.0": "copied",
        schema.tag: "copied",
        cosign.tag: "copied",
    }
    assert outcomes(report["referrers"]) == {sbom.digest: "copied", cosign.digest: "copied"}
    assert b.manifest(dst, cosign.tag).content == cosign.body
    assert b.manifest(dst, sbom.digest).content == sbom.body
    assert b.tags(dst) == sorted(["1.0", "2.0", schema.tag, cosign.tag])

    proxy_b.reset()
    again = cli(*args)
    assert again.exit_code == 0, again.stderr
    assert set(outcomes(again.json).values()) == {"unchanged"}
    assert set(outcomes(again.json["referrers"]).values()) == {"unchanged"}
    assert proxy_b.counters.uploaded == 0


def test_a_refused_referrer_fails_the_run_not_the_images(copy_env: CopyEnv, cli: Runner) -> None:
    a, b = copy_env.a, copy_env.b
    src, dst = unique(), unique()
    signed = a.push_image(src, "1.0", oci=True)
    sbom = push_referrer(a, src, signed, SBOM, b"sbom")
    schema = push_tag_schema(a, src, signed.digest, [sbom])
    cosign = push_cosign(a, src, signed.digest, "att")
    copy_env.create_repo(dst, second=True)
    with ReferrersFront(b.host, refuse={sbom.digest}) as front:
        copy_env.map_host(front.host, second=True)
        result = cli("repo", "copy", f"{a.host}/{src}", f"{front.host}/{dst}", "-o", "json")
    assert result.exit_code == 1, result.stderr
    report = result.json
    assert outcomes(report) == {"1.0": "copied", cosign.tag: "copied"}
    [schema_item] = report["failed"]  # the tag lists only the refused SBOM
    assert schema_item["id"] == schema.tag and schema_item["failureCode"] == "NotCarried"
    [refused] = report["referrers"]["failed"]
    assert refused["id"] == sbom.digest and "HTTP 405" in refused["failureReason"]
    assert outcomes(report["referrers"]) == {cosign.digest: "copied"}
    assert f"referrer {sbom.digest} ({SBOM}) of {signed.digest}: not carried" in result.stderr
    assert "referrers: 1 copied, 1 not carried" in result.stderr
    assert b.manifest(dst, "1.0").content == signed.body


def test_no_referrers_copies_their_tags_as_any_other(copy_env: CopyEnv, cli: Runner) -> None:
    a, b = copy_env.a, copy_env.b
    src, dst = unique(), unique()
    signed = a.push_image(src, "v1", oci=True)
    cosign = push_cosign(a, src, signed.digest)
    copy_env.create_repo(dst, second=True)
    args = ("repo", "copy", f"{a.host}/{src}", f"{b.host}/{dst}", "-o", "json", "--no-referrers")
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    assert "referrers" not in result.json
    assert [e["id"] for e in result.json["done"]] == [cosign.tag, "v1"]
    assert b.manifest(dst, cosign.tag).content == cosign.body


def test_when_only_a_referrer_is_refused_the_run_exits_1(copy_env: CopyEnv, cli: Runner) -> None:
    """Every tag done, one referrer (listed by the source's API, so no tag of its own)
    refused: the batch of referrers is what did not finish."""
    a, b = copy_env.a, copy_env.b
    src, dst, signed = copy_env.image_to_copy("1.0", oci=True)
    with ReferrersFront(a.host) as source:
        copy_env.map_host(source.host)
        sbom = push_referrer(Registry(source.host, backends.MOTO_PASSWORD), src, signed, SBOM, b"x")
        with ReferrersFront(b.host, refuse={sbom.digest}) as front:
            copy_env.map_host(front.host, second=True)
            result = cli("repo", "copy", f"{source.host}/{src}", f"{front.host}/{dst}")
    assert result.exit_code == 1, result.stderr
    lines = result.stderr.splitlines()
    assert "1 done, 0 failed, 0 not attempted" in result.stderr
    assert lines[-1].startswith("ecrctl: error: 1 of 1 referrers not carried (see above)")
    assert "--no-referrers copies them alone" in lines[-1]
    assert b.manifest(dst, "1.0").content == signed.body
    assert b.manifest(dst, sbom.digest).status_code == 404
