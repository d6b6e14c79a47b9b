"""The registry's scanning configuration as the repositories see it
(ecrctl/repo/scanning.py): ECR's WILDCARD matching (the User Guide's own table), which
rule wins, the configuration read and written in the API's shape, and
BatchGetRepositoryScanningConfiguration's answers (moto keeps the configuration)."""

from __future__ import annotations

from typing import Any

import pytest

from ecrctl.errors import NotFound
from ecrctl.repo.scanning import (
    BATCH_NAMES,
    DEFAULT,
    RepositoryScanning,
    ScanningConfiguration,
    filter_matches,
    get_scanning_configuration,
    put_scanning_configuration,
    repository_scanning,
)
from tests.conftest import ACCOUNT
from tests.support.scanning import rule

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


@pytest.mark.parametrize(
    ("pattern", "name", "matches"),
    [
        ("*", "anything/at-all", True),
        ("team/*", "team/", True),
        ("team/*", "team", False),
        ("a*b*c", "abc", True),
        ("a*b*c", "axxbyyc", True),
        ("a*b*c", "acb", False),
        ("a.b", "xa.by", True),  # without *: contains, and . is no wildcard
        ("a.b", "axb", False),
        ("a.b*", "axb", False),
    ],
)
def test_wildcards_and_literal_dots(pattern: str, name: str, matches: bool) -> None:
    assert filter_matches(pattern, name) is matches


def test_scan_on_push_wins_over_manual_and_names_its_filters() -> None:
    config = ScanningConfiguration(
        "BASIC", (("MANUAL", ("team",)), ("SCAN_ON_PUSH", ("team/*", "*/api", "nope")))
    )
    got = config.scanning_of("team/api")
    assert got == RepositoryScanning("team/api", "BASIC", "SCAN_ON_PUSH", ("team/*", "*/api"))
    assert got.to_json() == {
        "repositoryName": "team/api",
        "scanFrequency": "SCAN_ON_PUSH",
        "appliedScanFilters": [
            {"filter": "team/*", "filterType": "WILDCARD"},
            {"filter": "*/api", "filterType": "WILDCARD"},
        ],
    }
    assert DEFAULT.scanning_of("team/api") == RepositoryScanning("team/api", "BASIC", "MANUAL")


def test_the_api_shape_both_ways() -> None:
    document = {
        "scanType": "ENHANCED",
        "rules": [rule("SCAN_ON_PUSH", "team/*", "web"), rule("CONTINUOUS_SCAN", "prod*")],
    }
    config = ScanningConfiguration.from_api(document, "123456789012")
    assert config == ScanningConfiguration(
        "ENHANCED",
        (("SCAN_ON_PUSH", ("team/*", "web")), ("CONTINUOUS_SCAN", ("prod*",))),
        "123456789012",
    )
    assert config.to_api() == document
    assert ScanningConfiguration.from_api({}) == DEFAULT
    assert ScanningConfiguration.from_api({"scanType": None, "rules": None}) == DEFAULT


# -- the configuration and ECR's answers, in moto -------------------------------------------


def test_a_registry_nobody_configured_is_basic_and_manual(ecr: Any) -> None:
    config = get_scanning_configuration(ecr)
    assert (config.scan_type, config.rules, config.registry_id) == ("BASIC", (), ACCOUNT)


def test_put_then_get(ecr: Any) -> None:
    new = ScanningConfiguration(
        "ENHANCED", (("SCAN_ON_PUSH", ("team/*",)), ("CONTINUOUS_SCAN", ("prod*",)))
    )
    put = put_scanning_configuration(ecr, new)
    assert (put.scan_type, put.rules) == (new.scan_type, new.rules)
    got = get_scanning_configuration(ecr)
    assert (got.scan_type, got.rules, got.registry_id) == ("ENHANCED", new.rules, ACCOUNT)


def test_ecrs_answer_for_each_repository_in_batches_of_25(ecr: Any) -> None:
    names = [f"team/app{i:02}" for i in range(BATCH_NAMES + 3)]
    for name in names:
        ecr.create_repository(repositoryName=name)
    put_scanning_configuration(ecr, ScanningConfiguration("BASIC", (("SCAN_ON_PUSH", ("*7",)),)))
    found = repository_scanning(ecr, names)
    assert sorted(found) == names
    on_push = sorted(n for n, c in found.items() if c["scanFrequency"] == "SCAN_ON_PUSH")
    assert on_push == ["team/app07", "team/app17", "team/app27"]
    assert found["team/app27"]["appliedScanFilters"] == [{"filter": "*7", "filterType": "WILDCARD"}]
    assert found["team/app00"]["scanFrequency"] == "MANUAL"
    assert repository_scanning(ecr, []) == {}


def test_a_repository_ecr_does_not_know_is_named(ecr: Any) -> None:
    ecr.create_repository(repositoryName="team/app")
    with pytest.raises(NotFound) as caught:
        repository_scanning(ecr, ["team/app", "team/gone"])
    assert "repository 'team/gone' not found (" in caught.value.message
    assert caught.value.hint == "check the name and --region (ecrctl repo list shows them)"
