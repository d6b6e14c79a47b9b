"""``registry scanning``'s core (ecrctl/registry/scanning.py) against moto in process:
show, the plan of a change (each repository's frequency now and after, matched locally)
and its one PutRegistryScanningConfiguration, the reset to ECR's default, and
``--registry-id`` refused rather than ignored."""

from __future__ import annotations

from typing import Any

import pytest

from ecrctl.errors import InvalidInput
from ecrctl.registry.scanning import (
    Change,
    apply_scanning,
    check_own_registry,
    frequency_text,
    plan_scanning,
    show_scanning,
)
from ecrctl.repo.scanning import DEFAULT, RepositoryScanning, ScanningConfiguration
from tests.conftest import ACCOUNT
from tests.support.scanning import rule

ENHANCED = ScanningConfiguration(
    "ENHANCED", (("SCAN_ON_PUSH", ("team/*",)), ("CONTINUOUS_SCAN", ("prod*",)))
)


@pytest.fixture
def names(ecr: Any) -> list[str]:
    """Four repositories in moto, sorted."""
    made = ["team/api", "prod-db", "other", "team/web"]
    for name in made:
        ecr.create_repository(repositoryName=name)
    return sorted(made)


def test_show_lists_every_repository_under_the_rules(ecr: Any, names: list[str]) -> None:
    ecr.put_registry_scanning_configuration(scanType="BASIC", rules=[rule("SCAN_ON_PUSH", "team")])
    shown = show_scanning(ecr)
    assert shown["registryId"] == ACCOUNT
    assert shown["scanningConfiguration"] == {
        "scanType": "BASIC",
        "rules": [rule("SCAN_ON_PUSH", "team")],
    }
    frequencies = {r["repositoryName"]: r["scanFrequency"] for r in shown["repositories"]}
    assert list(frequencies) == names
    assert frequencies == {
        "other": "MANUAL",
        "prod-db": "MANUAL",
        "team/api": "SCAN_ON_PUSH",
        "team/web": "SCAN_ON_PUSH",
    }


def test_a_plan_changes_nothing_until_applied(ecr: Any, names: list[str]) -> None:
    plan = plan_scanning(ecr, ENHANCED)
    assert plan.current.scan_type == "BASIC" and plan.new == ENHANCED
    assert [c.name for c in plan.changes] == names
    after = {c.name: c.after.scan_frequency for c in plan.changes}
    assert after == {
        "other": "MANUAL",
        "prod-db": "CONTINUOUS_SCAN",
        "team/api": "SCAN_ON_PUSH",
        "team/web": "SCAN_ON_PUSH",
    }
    # other stays MANUAL, but under enhanced scanning that is no scan at all: a change
    assert [c.name for c in plan.changed] == names
    assert (
        plan.summary() == "scan type BASIC -> ENHANCED; 4 of 4 repositories change scan frequency"
    )
    assert plan.to_json()["applied"] is False
    assert ecr.get_registry_scanning_configuration()["scanningConfiguration"]["scanType"] == "BASIC"

    applied = apply_scanning(ecr, plan)
    assert applied.applied and applied.to_json()["applied"] is True
    stored = ecr.get_registry_scanning_configuration()["scanningConfiguration"]
    assert stored == ENHANCED.to_api()
    again = plan_scanning(ecr, ENHANCED)
    assert again.changed == [] and again.summary() == "0 of 4 repositories change scan frequency"


def test_no_configuration_plans_ecrs_default(ecr: Any, names: list[str]) -> None:
    apply_scanning(ecr, plan_scanning(ecr, ENHANCED))
    reset = plan_scanning(ecr, None)
    assert reset.new == DEFAULT
    document = reset.to_json()
    assert document["scanningConfiguration"] == {"scanType": "BASIC", "rules": []}
    assert document["previousScanningConfiguration"] == ENHANCED.to_api()
    prod = next(r for r in document["repositories"] if r["repositoryName"] == "prod-db")
    assert prod == {
        "repositoryName": "prod-db",
        "before": {
            "scanFrequency": "CONTINUOUS_SCAN",
            "appliedScanFilters": [{"filter": "prod*", "filterType": "WILDCARD"}],
        },
        "after": {"scanFrequency": "MANUAL", "appliedScanFilters": []},
        "changed": True,
    }
    apply_scanning(ecr, reset)
    assert ecr.get_registry_scanning_configuration()["scanningConfiguration"] == {
        "scanType": "BASIC",
        "rules": [],
    }


@pytest.mark.parametrize(
    ("before", "after", "changed"),
    [
        (("BASIC", "MANUAL"), ("BASIC", "MANUAL"), False),
        (("BASIC", "MANUAL"), ("BASIC", "SCAN_ON_PUSH"), True),
        (("BASIC", "SCAN_ON_PUSH"), ("ENHANCED", "SCAN_ON_PUSH"), True),
        (("ENHANCED", "CONTINUOUS_SCAN"), ("ENHANCED", "CONTINUOUS_SCAN"), False),
    ],
)
def test_a_change_is_its_scan_type_or_frequency(
    before: tuple[str, str], after: tuple[str, str], changed: bool
) -> None:
    change = Change(RepositoryScanning("r", *before), RepositoryScanning("r", *after, ("r",)))
    assert change.changed is changed
    assert change.to_json()["changed"] is changed


@pytest.mark.parametrize(
    ("scan_type", "frequency", "text"),
    [
        ("BASIC", "MANUAL", "MANUAL"),
        ("ENHANCED", "MANUAL", "NONE (not scanned)"),
        ("ENHANCED", "SCAN_ON_PUSH", "SCAN_ON_PUSH"),
        ("BASIC", "SCAN_ON_PUSH", "SCAN_ON_PUSH"),
    ],
)
def test_frequency_text(scan_type: str, frequency: str, text: str) -> None:
    assert frequency_text(RepositoryScanning("r", scan_type, frequency)) == text


def test_another_registry_id_is_refused_before_any_call(ecr: Any) -> None:
    check_own_registry(None)
    check_own_registry("")
    for call in (
        lambda: show_scanning(ecr, registry_id="210987654321"),
        lambda: plan_scanning(ecr, ENHANCED, registry_id="210987654321"),
    ):
        with pytest.raises(InvalidInput) as caught:
            call()
        assert caught.value.message.startswith("--registry-id 210987654321: the scanning")
        assert "--profile with credentials of that account" in (caught.value.hint or "")
