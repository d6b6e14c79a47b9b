"""``ecrctl registry replication``: the installed ``ecrctl`` against a moto_server
(one rule: moto's PutReplicationConfiguration takes no more), and through a
recording stand-in that answers the registry calls as ECR does where moto cannot
(several rules; tests/registry/standin.py says why); in-process for the tables."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ACCOUNT, Runner
from tests.registry.standin import registry_answers, stand_in
from tests.test_installed import ecrctl


def _client(url: str) -> Any:
    import boto3

    return boto3.client("ecr", endpoint_url=url)


def test_set_from_flags_show_and_delete_on_moto_server(moto_url: str) -> None:
    client = _client(moto_url)
    for name in ("team/app", "base/os"):
        client.create_repository(repositoryName=name)
    args = ("--to", "eu-west-1", "--to", "us-west-2:111122223333", "--prefix", "team/")
    done = ecrctl("registry", "replication", "set", *args, "-o", "json", url=moto_url)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    rules = [
        {
            "destinations": [
                {"region": "eu-west-1", "registryId": ACCOUNT},
                {"region": "us-west-2", "registryId": "111122223333"},
            ],
            "repositoryFilters": [{"filter": "team/", "filterType": "PREFIX_MATCH"}],
        }
    ]
    assert client.describe_registry()["replicationConfiguration"] == {"rules": rules}
    assert data["replicationConfiguration"] == {"rules": rules}
    assert data["repositories"] == [
        {"repositoryName": "base/os", "destinations": [], "rules": []},
        {
            "repositoryName": "team/app",
            "destinations": rules[0]["destinations"],
            "rules": [1],
        },
    ]
    assert data["changed"] is True
    assert "only images pushed after a rule exists replicate" in done.stderr
    assert "--replication-from 123456789012 --region us-west-2" in done.stderr

    shown = ecrctl("registry", "replication", "show", url=moto_url)
    lines = shown.stdout.splitlines()
    assert lines[2].split() == ["1", "eu-west-1,", "us-west-2:111122223333", "team/*"]
    assert lines[-1].split() == ["team/app", "eu-west-1,", "us-west-2:111122223333", "1"]
    assert "Replication rules   1" in ecrctl("registry", "show", url=moto_url).stdout

    again = ecrctl("registry", "replication", "set", *args, url=moto_url)
    assert "replication rules unchanged" in again.stderr

    refused = ecrctl("registry", "replication", "delete", url=moto_url)
    assert (
        refused.returncode == 2 and client.describe_registry()["replicationConfiguration"]["rules"]
    )
    deleted = ecrctl("registry", "replication", "delete", "--yes", url=moto_url)
    assert deleted.returncode == 0, deleted.stderr
    assert client.describe_registry()["replicationConfiguration"] == {"rules": []}
    assert "Replication rules   0" in ecrctl("registry", "show", url=moto_url).stdout


def test_bad_input_sends_no_put(moto_url: str, tmp_path: Path) -> None:
    answers = registry_answers(ACCOUNT)
    many = {"rules": [{"destinations": [{"region": "eu-west-1", "registryId": ACCOUNT}]}] * 11}
    (tmp_path / "many.json").write_text(json.dumps(many))
    with stand_in(moto_url, answers) as (recorder, url):
        for args in (
            (str(tmp_path / "many.json"),),
            ("--to", "eu-west-1:1"),
            ("--to", "us-east-1"),
            ("--to", "mars-north-1"),
        ):
            done = ecrctl("registry", "replication", "set", *args, url=url)
            assert done.returncode == 2, done.stderr
            assert len(done.stderr.splitlines()) == 1
    assert recorder.called("PutReplicationConfiguration") == []


def test_several_rules_from_a_file_and_append(moto_url: str, tmp_path: Path) -> None:
    # moto answers "This feature is disabled" to more than one rule; ECR takes 10
    _client(moto_url).create_repository(repositoryName="team/app")
    answers = registry_answers(ACCOUNT)
    rules = [
        {
            "destinations": [{"region": "eu-west-1", "registryId": ACCOUNT}],
            "repositoryFilters": [{"filter": "team/", "filterType": "PREFIX_MATCH"}],
        },
        {"destinations": [{"region": "ap-northeast-1", "registryId": "111122223333"}]},
    ]
    (tmp_path / "rules.json").write_text(json.dumps({"rules": rules}, indent=2))
    with stand_in(moto_url, answers) as (recorder, url):
        dry = ecrctl(
            "registry", "replication", "set", str(tmp_path / "rules.json"), "--dry-run", url=url
        )
        assert dry.returncode == 0 and recorder.called("PutReplicationConfiguration") == []
        done = ecrctl("registry", "replication", "set", str(tmp_path / "rules.json"), url=url)
        assert done.returncode == 0, done.stderr
        appended = ecrctl(
            "registry", "replication", "set", "--to", "us-west-2", "--append", "-o", "json", url=url
        )
    assert recorder.called("PutReplicationConfiguration") == [
        {"replicationConfiguration": {"rules": rules}},
        {
            "replicationConfiguration": {
                "rules": [
                    *rules,
                    {"destinations": [{"region": "us-west-2", "registryId": ACCOUNT}]},
                ]
            }
        },
    ]
    preview = json.loads(appended.stdout)["repositories"]
    assert preview == [
        {
            "repositoryName": "team/app",
            "destinations": [
                {"region": "eu-west-1", "registryId": ACCOUNT},
                {"region": "ap-northeast-1", "registryId": "111122223333"},
                {"region": "us-west-2", "registryId": ACCOUNT},
            ],
            "rules": [1, 2, 3],
        }
    ]


@pytest.mark.usefixtures("moto")
def test_show_without_rules_and_from_stdin(cli: Runner, ecr: Any) -> None:
    shown = cli("registry", "replication", "show")
    assert shown.exit_code == 0 and shown.stdout == "" and "no replication rules" in shown.stderr
    rule = {"rules": [{"destinations": [{"region": "eu-west-1", "registryId": ACCOUNT}]}]}
    done = cli("registry", "replication", "set", "-", input=json.dumps(rule))
    assert done.exit_code == 0, done.stderr
    assert ecr.describe_registry()["replicationConfiguration"] == rule
    both = cli("registry", "replication", "set", "-", "--to", "eu-west-1", input="{}")
    assert both.exit_code == 2 and "give FILE or --to/--prefix, not both" in both.stderr
    none = cli("registry", "replication", "set")
    assert none.exit_code == 2 and "nothing to set" in none.stderr
