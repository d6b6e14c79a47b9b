"""``ecrctl registry scanning show|set|delete`` (ecrctl/cli/registry_scanning.py): end
to end with the installed ecrctl against moto_server (moto keeps the configuration and
answers BatchGetRepositoryScanningConfiguration), and the tables through the real main()
wrapper against moto in process."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Runner
from tests.support.scanning import rule as _rule
from tests.test_installed import ecrctl


def _client(url: str) -> Any:
    import boto3

    return boto3.client("ecr", endpoint_url=url)


def test_show_set_and_delete_with_the_preview(moto_url: str) -> None:
    client = _client(moto_url)
    for name in ("team/api", "team/web", "prod-db", "other"):
        client.create_repository(repositoryName=name)
    shown = json.loads(
        ecrctl("registry", "scanning", "show", "-o", "json", env_url=moto_url).stdout
    )
    assert shown["scanningConfiguration"] == {"scanType": "BASIC", "rules": []}
    assert {r["scanFrequency"] for r in shown["repositories"]} == {"MANUAL"}

    args = ["--scan-type", "ENHANCED", "--scan-on-push", "team/*", "--continuous", "prod*"]
    dry = ecrctl("registry", "scanning", "set", *args, "--dry-run", env_url=moto_url)
    assert dry.returncode == 0, dry.stderr
    rows = {line.split()[0]: line.split()[1:] for line in dry.stdout.splitlines() if line.strip()}
    assert rows["prod-db"] == ["MANUAL", "CONTINUOUS_SCAN", "prod*", "changes"]
    assert rows["other"] == ["MANUAL", "NONE", "(not", "scanned)", "-", "changes"]
    assert "dry run: nothing was changed" in dry.stderr
    assert (
        client.get_registry_scanning_configuration()["scanningConfiguration"]["scanType"] == "BASIC"
    )

    done = ecrctl("registry", "scanning", "set", *args, "--yes", "-o", "json", env_url=moto_url)
    assert done.returncode == 0, done.stderr
    plan = json.loads(done.stdout)
    assert plan["applied"] is True
    local = {r["repositoryName"]: r["after"]["scanFrequency"] for r in plan["repositories"]}
    names = sorted(local)
    aws = client.batch_get_repository_scanning_configuration(repositoryNames=names)
    # the local preview agrees with what the service now answers for every repository
    assert local == {c["repositoryName"]: c["scanFrequency"] for c in aws["scanningConfigurations"]}
    assert local == {
        "team/api": "SCAN_ON_PUSH",
        "team/web": "SCAN_ON_PUSH",
        "prod-db": "CONTINUOUS_SCAN",
        "other": "MANUAL",
    }
    stored = client.get_registry_scanning_configuration()["scanningConfiguration"]
    assert stored == plan["scanningConfiguration"]

    refused = ecrctl("registry", "scanning", "delete", env_url=moto_url)
    assert refused.returncode == 2 and "pass --yes" in refused.stderr  # stdin is no terminal
    reset = ecrctl("registry", "scanning", "delete", "--yes", env_url=moto_url)
    assert reset.returncode == 0, reset.stderr
    stored = client.get_registry_scanning_configuration()["scanningConfiguration"]
    assert stored == {"scanType": "BASIC", "rules": []}


def test_set_from_a_file_and_from_stdin(moto_url: str, tmp_path: Any) -> None:
    client = _client(moto_url)
    client.create_repository(repositoryName="svc/app")
    document = {"scanType": "BASIC", "rules": [_rule("SCAN_ON_PUSH", "svc/*")]}
    path = tmp_path / "scanning.json"
    path.write_text(json.dumps(document))
    result = ecrctl("registry", "scanning", "set", str(path), "--yes", env_url=moto_url)
    assert result.returncode == 0, result.stderr
    assert "registry scanning configuration set: BASIC, 1 rule(s)" in result.stdout
    shown = ecrctl(
        "registry",
        "scanning",
        "show",
        "-o",
        "json",
        "--query",
        "scanningConfiguration",
        env_url=moto_url,
    )
    assert json.loads(shown.stdout) == document
    piped = ecrctl(
        "registry", "scanning", "set", "-", "--yes", stdin=shown.stdout, env_url=moto_url
    )
    assert piped.returncode == 0, piped.stderr
    assert "0 of 1 repositories change scan frequency" in piped.stderr


@pytest.mark.parametrize(
    ("args", "stdin", "words"),
    [
        (
            ["--scan-type", "BASIC", "--continuous", "*"],
            None,
            "--continuous needs --scan-type ENHANCED",
        ),
        (["--scan-type", "BASIC", "--scan-on-push", "Prod*"], None, "use lowercase: 'prod*'"),
        (["-", "--scan-type", "BASIC"], "{}", "give a FILE or --scan-type"),
        ([], None, "nothing to set: no FILE and no --scan-type"),
        (
            ["-"],
            '{"scanType": "BASIC", "scanType": "ENHANCED"}',
            "scanType: this key appears twice",
        ),
        (
            ["-", "--registry-id", "210987654321"],
            '{"scanType": "BASIC"}',
            "--registry-id 210987654321",
        ),
    ],
)
def test_bad_input_changes_nothing(
    moto_url: str, args: list[str], stdin: str | None, words: str
) -> None:
    result = ecrctl("registry", "scanning", "set", *args, "--yes", stdin=stdin, env_url=moto_url)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("ecrctl: error: ") and words in result.stderr
    assert len(result.stderr.splitlines()) == 1
    stored = _client(moto_url).get_registry_scanning_configuration()["scanningConfiguration"]
    assert stored == {"scanType": "BASIC", "rules": []}


# -- the tables --------------------------------------------------------------------------------


def test_show_with_no_rules_and_with_enhanced_rules(ecr: Any, cli: Runner) -> None:
    for name in ("team/api", "other"):
        ecr.create_repository(repositoryName=name)
    plain = cli("registry", "scanning", "show")
    assert plain.exit_code == 0, plain.stderr
    lines = plain.stdout.splitlines()
    assert lines[0] == "Scan type BASIC, no rules (every repository MANUAL)"
    rows = {x.split()[0]: x.split()[1:] for x in lines if x.startswith(("other", "team/"))}
    assert rows == {"other": ["MANUAL", "-"], "team/api": ["MANUAL", "-"]}

    ecr.put_registry_scanning_configuration(
        scanType="ENHANCED", rules=[_rule("CONTINUOUS_SCAN", "team/*")]
    )
    enhanced = cli("registry", "scanning", "show").stdout.splitlines()
    assert "Scan type ENHANCED" in enhanced[0]
    assert ["CONTINUOUS_SCAN", "team/*"] in [x.split() for x in enhanced]
    rows = {
        x.split()[0]: x.split()[1:] for x in enhanced if x.split()[:1] in (["other"], ["team/api"])
    }
    assert rows == {
        "other": ["NONE", "(not", "scanned)", "-"],
        "team/api": ["CONTINUOUS_SCAN", "team/*"],
    }


def test_delete_previews_the_reset_and_says_what_changes(ecr: Any, cli: Runner) -> None:
    ecr.create_repository(repositoryName="team/api")
    ecr.put_registry_scanning_configuration(
        scanType="ENHANCED", rules=[_rule("SCAN_ON_PUSH", "team/*")]
    )
    dry = cli("registry", "scanning", "delete", "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    lines = dry.stdout.splitlines()
    assert lines[0] == "Scan type BASIC, no rules (every repository MANUAL)"
    row = next(x.split() for x in lines if x.startswith("team/api"))
    assert row == ["team/api", "SCAN_ON_PUSH", "MANUAL", "-", "changes"]
    assert "scan type ENHANCED -> BASIC; 1 of 1 repositories change scan frequency" in dry.stderr
    assert "dry run: nothing was changed" in dry.stderr
    stored = ecr.get_registry_scanning_configuration()["scanningConfiguration"]
    assert stored["scanType"] == "ENHANCED"
    done = cli("registry", "scanning", "delete", "--yes")
    assert done.exit_code == 0, done.stderr
    assert "registry scanning configuration set: BASIC, 0 rule(s)" in done.stdout
    assert ecr.get_registry_scanning_configuration()["scanningConfiguration"]["rules"] == []


def test_a_file_and_flags_together_are_refused(ecr: Any, cli: Runner) -> None:
    result = cli("registry", "scanning", "set", "-", "--scan-on-push", "*", input="{}")
    assert result.exit_code == 2
    assert "give a FILE or --scan-type/--scan-on-push/--continuous, not both" in result.stderr
    assert "put everything in the file, or drop the FILE" in result.stderr
