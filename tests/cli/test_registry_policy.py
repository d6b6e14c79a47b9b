"""``ecrctl registry policy``: the installed ``ecrctl`` against a moto_server for
replication grants, and through a recording stand-in for pull-through cache grants
(moto refuses ``ecr:BatchImportUpstreamImage`` in a registry policy; ECR takes it:
tests/registry/standin.py); in-process for validate and the errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ACCOUNT, Runner
from tests.registry.standin import registry_answers, stand_in
from tests.test_installed import ecrctl

RESOURCE = f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/*"


def _stored(url: str) -> Any:
    import boto3

    return json.loads(boto3.client("ecr", endpoint_url=url).get_registry_policy()["policyText"])


def _replication(account: str) -> dict[str, Any]:
    return {
        "Sid": f"ReplicationFrom{account}",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
        "Action": ["ecr:CreateRepository", "ecr:ReplicateImage"],
        "Resource": RESOURCE,
    }


def test_replication_grants_on_moto_server(moto_url: str, tmp_path: Path) -> None:
    missing = ecrctl("registry", "policy", "show", url=moto_url)
    assert missing.returncode == 1
    assert missing.stderr.startswith("ecrctl: error: this registry has no registry policy")

    dry = ecrctl(
        "registry", "policy", "set", "--replication-from", "111122223333", "--dry-run", url=moto_url
    )
    assert dry.returncode == 0 and json.loads(dry.stdout)["Statement"] == [
        _replication("111122223333")
    ]
    assert ecrctl("registry", "policy", "show", url=moto_url).returncode == 1  # nothing written

    for account in ("111122223333", "444455556666", "111122223333"):
        done = ecrctl("registry", "policy", "set", "--replication-from", account, url=moto_url)
        assert done.returncode == 0, done.stderr
    assert "registry policy unchanged" in done.stderr
    assert _stored(moto_url)["Statement"] == [
        _replication("111122223333"),
        _replication("444455556666"),
    ]

    shown = ecrctl(
        "registry",
        "policy",
        "show",
        "--replication-from",
        "999988887777",
        "-o",
        "json",
        url=moto_url,
    )
    assert shown.returncode == 0
    data = json.loads(shown.stdout)
    assert data["registryId"] == ACCOUNT and data["valid"] is False
    assert [e["text"] for e in data["errors"]] == [
        "policy: ecr:ReplicateImage: replication for 999988887777 needs ecr:ReplicateImage, "
        "which this policy does not grant"
    ]
    assert [w["text"] for w in data["warnings"]] == [
        "policy: ecr:CreateRepository: replication for 999988887777: ecr:CreateRepository is "
        "not granted, so only into repositories that already exist here"
    ]

    # a file that grants only ReplicateImage to a named source: refused, nothing written
    half = {
        "Version": "2012-10-17",
        "Statement": [{**_replication("222233334444"), "Action": "ecr:CreateRepository"}],
    }
    (tmp_path / "p.json").write_text(json.dumps(half, indent=2))
    refused = ecrctl(
        "registry",
        "policy",
        "set",
        str(tmp_path / "p.json"),
        "--replication-from",
        "222233334444",
        url=moto_url,
    )
    assert refused.returncode == 2
    assert "replication for 222233334444 needs ecr:ReplicateImage" in refused.stderr
    assert len(_stored(moto_url)["Statement"]) == 2

    replaced = ecrctl(
        "registry", "policy", "set", "--replication-from", "222233334444", "--replace", url=moto_url
    )
    assert replaced.returncode == 0, replaced.stderr
    assert _stored(moto_url)["Statement"] == [_replication("222233334444")]

    assert ecrctl("registry", "policy", "delete", url=moto_url).returncode == 2
    deleted = ecrctl("registry", "policy", "delete", "--yes", url=moto_url)
    assert deleted.returncode == 0 and deleted.stdout == "registry policy deleted\n"
    assert ecrctl("registry", "policy", "delete", "--yes", url=moto_url).returncode == 1


def test_pull_through_grants_are_sent_as_ecr_takes_them(moto_url: str) -> None:
    role = "arn:aws:iam::111122223333:role/ci"
    with stand_in(moto_url, registry_answers(ACCOUNT)) as (recorder, url):
        done = ecrctl("registry", "policy", "set", "--pull-through-for", role, url=url)
        assert done.returncode == 0, done.stderr
        shown = ecrctl("registry", "policy", "show", "--pull-through-for", role, url=url)
    sent = recorder.called("PutRegistryPolicy")
    assert len(sent) == 1 and set(sent[0]) == {"policyText"}
    assert json.loads(sent[0]["policyText"]) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PullThroughCache111122223333",
                "Effect": "Allow",
                "Principal": {"AWS": role},
                "Action": ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"],
                "Resource": RESOURCE,
            }
        ],
    }
    assert shown.returncode == 0 and shown.stderr == ""


@pytest.mark.usefixtures("moto")
def test_validate_is_offline_and_exits_2_when_invalid(cli: Runner, tmp_path: Path) -> None:
    good = {"Version": "2012-10-17", "Statement": [_replication("111122223333")]}
    (tmp_path / "good.json").write_text(json.dumps(good))
    (tmp_path / "bad.json").write_text('{"Version": "2012-10-17",\n "Statement": [}')
    valid = cli("registry", "policy", "validate", str(tmp_path / "good.json"))
    assert valid.exit_code == 0 and valid.stderr == f"{tmp_path / 'good.json'}: valid\n"
    lacking = cli(
        "registry",
        "policy",
        "validate",
        "-",
        "--pull-through-for",
        "111122223333",
        "-o",
        "json",
        input=json.dumps(good),
    )
    assert lacking.exit_code == 2
    assert lacking.json["errors"][0]["field"] == "ecr:BatchImportUpstreamImage"
    invalid = cli("registry", "policy", "validate", str(tmp_path / "bad.json"))
    assert invalid.exit_code == 2
    assert "not valid JSON: line 2, column 16" in invalid.stderr
    other = cli(
        "registry",
        "policy",
        "validate",
        str(tmp_path / "good.json"),
        "--registry-id",
        "999988887777",
    )
    assert other.exit_code == 0 and "names account 123456789012" in other.stderr
