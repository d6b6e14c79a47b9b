"""The checks of ``repo set``'s values and the settings it reports: pure, no AWS
(the command against moto: tests/cli/test_repo_settings.py)."""

from __future__ import annotations

import pytest

from ecrctl.errors import InvalidInput
from ecrctl.repo.settings import SettingsChange, check_change, settings_of


@pytest.mark.parametrize(
    ("mutability", "exclusions", "scan", "expected"),
    [
        ("immutable", (), None, SettingsChange("IMMUTABLE")),
        (
            "mutable-with-exclusion",
            ("v*",),
            None,
            SettingsChange("MUTABLE_WITH_EXCLUSION", ("v*",)),
        ),
        (None, (), False, SettingsChange(scan_on_push=False)),
        (
            "IMMUTABLE_WITH_EXCLUSION",
            ("a", "b", "c", "d", "e"),
            True,
            SettingsChange("IMMUTABLE_WITH_EXCLUSION", ("a", "b", "c", "d", "e"), True),
        ),
    ],
)
def test_good_changes(
    mutability: str | None, exclusions: tuple[str, ...], scan: bool | None, expected: SettingsChange
) -> None:
    assert check_change(mutability, exclusions, scan) == expected


@pytest.mark.parametrize(
    ("mutability", "exclusions", "expected"),
    [
        ("sometimes", (), "invalid --mutability 'sometimes'"),
        ("IMMUTABLE_WITH_EXCLUSION", (), "needs at least one --exclude"),
        ("IMMUTABLE", ("latest",), "e.g. --mutability IMMUTABLE_WITH_EXCLUSION --exclude 'latest'"),
        (None, ("latest",), "e.g. --mutability MUTABLE_WITH_EXCLUSION"),
        ("MUTABLE_WITH_EXCLUSION", tuple("abcdef"), "6 --exclude filters; ECR takes at most 5"),
        ("MUTABLE_WITH_EXCLUSION", ("",), "invalid --exclude ''"),
        ("MUTABLE_WITH_EXCLUSION", ("x" * 129,), "1-128"),
        ("MUTABLE_WITH_EXCLUSION", ("a/b",), "invalid --exclude 'a/b'"),
        ("MUTABLE_WITH_EXCLUSION", ("a", "a"), "given twice"),
        (None, (), "nothing to set"),
    ],
)
def test_bad_changes(mutability: str | None, exclusions: tuple[str, ...], expected: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_change(mutability, exclusions, None)
    assert expected in caught.value.one_line()


def test_settings_of_a_repository_without_the_new_fields() -> None:
    # an older answer (or an emulator's) has no mutability exclusions: none are shown
    assert settings_of({"repositoryName": "app", "registryId": "123456789012"}) == {
        "repositoryName": "app",
        "registryId": "123456789012",
        "imageTagMutability": "MUTABLE",
        "imageTagMutabilityExclusionFilters": [],
        "imageScanningConfiguration": {"scanOnPush": False},
        "encryptionConfiguration": {},
    }
