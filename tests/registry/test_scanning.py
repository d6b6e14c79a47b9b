"""The registry scanning configuration: ECR's WILDCARD matching (the User Guide's own
table), the local checks, and ``registry scanning show|set|delete`` end to end with the
installed ecrctl against moto_server (moto keeps the configuration and answers
BatchGetRepositoryScanningConfiguration)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecrctl.errors import InvalidInput
from ecrctl.registry.scanning_input import FILTER, check_configuration, from_flags
from ecrctl.repo.scanning import ScanningConfiguration, filter_matches
from tests.test_installed import ecrctl

# -- ECR's matching ----------------------------------------------------------------------------

# User Guide, "Filters to choose which repositories are scanned", Filter wildcards:
# repository names across, filters down
NAMES = ["prod", "repo-prod", "prod-repo", "repo-prod-repo", "prodrepo"]
GUIDE_TABLE = {
    "prod": [True, True, True, True, True],
    "*prod": [True, True, False, False, False],
    "prod*": [True, False, True, False, True],
    "*prod*": [True, True, True, True, True],
    "prod*repo": [False, False, True, False, True],
}


@pytest.mark.parametrize("pattern", GUIDE_TABLE)
def test_the_user_guides_filter_table(pattern: str) -> None:
    assert [filter_matches(pattern, name) for name in NAMES] == GUIDE_TABLE[pattern]


def test_continuous_wins_and_no_match_is_manual() -> None:
    config = ScanningConfiguration(
        "ENHANCED", (("SCAN_ON_PUSH", ("team/*",)), ("CONTINUOUS_SCAN", ("*/api",)))
    )
    both = config.scanning_of("team/api")
    assert (both.scan_frequency, both.applied_scan_filters) == ("CONTINUOUS_SCAN", ("*/api",))
    assert config.scanning_of("team/web").scan_frequency == "SCAN_ON_PUSH"
    left_out = config.scanning_of("other")
    assert left_out.scan_frequency == "MANUAL" and not left_out.scanned
    basic = ScanningConfiguration("BASIC", (("SCAN_ON_PUSH", ("team",)),)).scanning_of("other")
    assert basic.scan_frequency == "MANUAL" and basic.scanned  # scanned when asked


# The API model's own pattern; its nested quantifiers are why ecrctl writes it another way
API_FILTER = re.compile(r"^[a-z0-9*](?:[._\-/a-z0-9*]?[a-z0-9*]+)*$")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab9*._-/A ", max_size=12))
def test_the_filter_check_is_the_api_pattern(text: str) -> None:
    assert bool(FILTER.fullmatch(text)) == bool(API_FILTER.match(text))


# -- the local checks --------------------------------------------------------------------------


def _rule(frequency: str, *filters: str, kind: str = "WILDCARD") -> dict[str, Any]:
    return {
        "scanFrequency": frequency,
        "repositoryFilters": [{"filter": f, "filterType": kind} for f in filters],
    }


@pytest.mark.parametrize(
    ("document", "words"),
    [
        ({"rules": []}, "scanType: missing; give BASIC or ENHANCED"),
        ({"scanType": "DEEP"}, "scanType: 'DEEP' is not a scan type"),
        ({"scanType": "BASIC", "rule": []}, "rule: unknown key; the keys are scanType, rules"),
        (
            {"scanType": "BASIC", "rules": [_rule("CONTINUOUS_SCAN", "*")]},
            "rules[0].scanFrequency: CONTINUOUS_SCAN needs scanType ENHANCED",
        ),
        (
            {"scanType": "ENHANCED", "rules": [_rule("MANUAL", "*")]},
            "rules[0].scanFrequency: enhanced scanning has no MANUAL frequency",
        ),
        (
            {"scanType": "ENHANCED", "rules": [_rule("SCAN_ON_PUSH")]},
            "rules[0].repositoryFilters: a rule needs a non-empty list of filters",
        ),
        (
            {"scanType": "ENHANCED", "rules": [_rule("SCAN_ON_PUSH", "Team/*")]},
            "rules[0].repositoryFilters[0].filter: 'Team/*' is not a valid repository filter; "
            "use lowercase: 'team/*'",
        ),
        (
            {"scanType": "ENHANCED", "rules": [_rule("SCAN_ON_PUSH", "a//b")]},
            "'a//b' is not a valid repository filter",
        ),
        (
            {"scanType": "ENHANCED", "rules": [_rule("SCAN_ON_PUSH", "a", kind="PREFIX_MATCH")]},
            "rules[0].repositoryFilters[0].filterType: 'PREFIX_MATCH'; use WILDCARD",
        ),
        (
            {"scanType": "ENHANCED", "rules": [_rule("SCAN_ON_PUSH", *["a"] * 101)]},
            "101 filters; a rule takes at most 100",
        ),
        (
            {"scanType": "ENHANCED", "rules": [_rule("SCAN_ON_PUSH", "a")] * 3},
            "rules: 3 rules; a registry has at most 2",
        ),
        (
            {
                "scanType": "ENHANCED",
                "rules": [_rule("SCAN_ON_PUSH", "a"), _rule("SCAN_ON_PUSH", "b")],
            },
            "rules[1].scanFrequency: a second SCAN_ON_PUSH rule; put the filters of both in one",
        ),
        (
            {"scanType": "BASIC", "rules": [_rule("SCAN_ON_PUSH", "x" * 256)]},
            "the filter has 256 characters; at most 255",
        ),
    ],
)
def test_bad_configurations_name_the_field(document: Any, words: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_configuration(document)
    assert words in caught.value.one_line()


def test_flags_make_the_same_configuration_as_a_file() -> None:
    document = {
        "scanType": "ENHANCED",
        "rules": [_rule("SCAN_ON_PUSH", "team/*", "web"), _rule("CONTINUOUS_SCAN", "prod*")],
    }
    flags = from_flags("ENHANCED", ["team/*", "web"], ["prod*"])
    assert flags == check_configuration(document)
    assert flags.to_api() == document
    with pytest.raises(InvalidInput, match="--continuous needs --scan-type ENHANCED"):
        from_flags("BASIC", [], ["prod*"])


# -- end to end: the installed ecrctl against moto_server --------------------------------------


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
