"""``ecrctl repo set`` and the settings ``repo show`` prints: in-process against
moto's ECR, and the installed ``ecrctl`` against a moto_server (through a recording
proxy, so the exact requests are checked).

moto 5.2 stores the ``*_WITH_EXCLUSION`` values and their filters and returns them
from DescribeRepositories, so these run against it. It is looser than ECR in one
way (it takes ``IMMUTABLE_WITH_EXCLUSION`` without filters) and leaves the filters
out of PutImageTagMutability's answer: ecrctl refuses the first itself and reads
the settings back with DescribeRepositories, so neither matters here.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Runner
from tests.faults.proxy import Proxy
from tests.test_installed import ecrctl

EXCLUDE = ("--mutability", "IMMUTABLE_WITH_EXCLUSION", "--exclude", "latest", "--exclude", "dev-*")


def _repository(ecr: Any, name: str = "team/app") -> dict[str, Any]:
    found: dict[str, Any] = ecr.describe_repositories(repositoryNames=[name])["repositories"][0]
    return found


@pytest.mark.usefixtures("moto")
def test_set_exclusions_and_scan_on_push(cli: Runner, ecr: Any) -> None:
    ecr.create_repository(repositoryName="team/app")
    result = cli("repo", "set", "team/app", *EXCLUDE, "--scan-on-push")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "set tag mutability and scan on push of team/app\n"
    repo = _repository(ecr)
    assert repo["imageTagMutability"] == "IMMUTABLE_WITH_EXCLUSION"
    assert repo["imageTagMutabilityExclusionFilters"] == [
        {"filterType": "WILDCARD", "filter": "latest"},
        {"filterType": "WILDCARD", "filter": "dev-*"},
    ]
    assert repo["imageScanningConfiguration"] == {"scanOnPush": True}
    rows = [line.split(None, 2) for line in result.stdout.splitlines()[2:]]
    assert rows[0][2].strip() == "IMMUTABLE_WITH_EXCLUSION; mutable: latest, dev-*"


@pytest.mark.usefixtures("moto")
def test_json_is_what_ecr_holds_and_show_prints_the_exclusions(cli: Runner, ecr: Any) -> None:
    ecr.create_repository(
        repositoryName="team/app", imageScanningConfiguration={"scanOnPush": True}
    )
    args = ("--mutability", "mutable_with_exclusion", "--exclude", "release-*")
    data = cli("repo", "set", "team/app", *args, "--no-scan-on-push", "-o", "json").json
    assert data == {
        "repositoryName": "team/app",
        "registryId": "123456789012",
        "imageTagMutability": "MUTABLE_WITH_EXCLUSION",
        "imageTagMutabilityExclusionFilters": [{"filterType": "WILDCARD", "filter": "release-*"}],
        "imageScanningConfiguration": {"scanOnPush": False},
        "encryptionConfiguration": {"encryptionType": "AES256"},
        "changed": ["imageTagMutability", "scanOnPush"],
        "dryRun": False,
    }
    shown = cli("repo", "show", "team/app").stdout
    assert "MUTABLE_WITH_EXCLUSION; immutable: release-*" in shown
    assert "Scan on push        no" in shown
    assert "Encryption          AES256" in shown
    # back to plain IMMUTABLE: the exclusions go
    cli("repo", "set", "team/app", "--mutability", "IMMUTABLE")
    assert "imageTagMutabilityExclusionFilters" not in _repository(ecr)


@pytest.mark.usefixtures("moto")
def test_dry_run_changes_nothing(cli: Runner, ecr: Any) -> None:
    ecr.create_repository(repositoryName="team/app")
    result = cli("repo", "set", "team/app", *EXCLUDE, "--dry-run", "-o", "json")
    assert result.exit_code == 0
    assert result.json["dryRun"] is True
    assert result.json["imageTagMutability"] == "IMMUTABLE_WITH_EXCLUSION"
    assert _repository(ecr)["imageTagMutability"] == "MUTABLE"


@pytest.mark.usefixtures("moto")
def test_a_later_call_failing_says_what_was_set(
    cli: Runner, ecr: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # moto's backend refuses the second call (ECR may, e.g. a scan-on-push change
    # under a registry scanning configuration): the error says the first took effect
    from moto.core.exceptions import JsonRESTError
    from moto.ecr.models import ECRBackend

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise JsonRESTError("InvalidParameterException", "scan on push refused")

    monkeypatch.setattr(ECRBackend, "put_image_scanning_configuration", refuse)
    ecr.create_repository(repositoryName="team/app")
    result = cli("repo", "set", "team/app", "--mutability", "IMMUTABLE", "--scan-on-push")
    assert result.exit_code == 1
    assert "(imageTagMutability was set; scanOnPush was not changed)" in result.stderr
    assert _repository(ecr)["imageTagMutability"] == "IMMUTABLE"


@pytest.mark.usefixtures("moto")
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--mutability", "MUTABLE_WITH_EXCLUSION"], "needs at least one --exclude"),
        (["--exclude", "latest"], "--exclude needs --mutability"),
        (["--mutability", "IMMUTABLE_WITH_EXCLUSION", "--exclude", "a b"], "invalid --exclude"),
        (["--mutability", "IMMUTABLE_WITH_EXCLUSION", "--exclude", "x" * 129], "1-128"),
        (
            ["--mutability", "IMMUTABLE_WITH_EXCLUSION", "--exclude", "v1", "--exclude", "v1"],
            "--exclude 'v1' is given twice",
        ),
        (["--mutability", "sometimes"], "'sometimes' is not one of"),
    ],
)
def test_bad_values_change_nothing(cli: Runner, ecr: Any, args: list[str], message: str) -> None:
    ecr.create_repository(repositoryName="team/app")
    result = cli("repo", "set", "team/app", *args, "--scan-on-push")
    assert result.exit_code == 2
    assert message in result.stderr
    assert _repository(ecr)["imageScanningConfiguration"] == {"scanOnPush": False}


def test_installed_sends_ecrs_request_and_shows_it(moto_url: str) -> None:
    with Proxy(moto_url).running() as proxy:
        assert ecrctl("repo", "create", "team/app", url=proxy.url).returncode == 0
        done = ecrctl("repo", "set", "team/app", *EXCLUDE, "--scan-on-push", url=proxy.url)
        assert done.returncode == 0, done.stderr
        refused = ecrctl("repo", "set", "team/app", "--exclude", "x", url=proxy.url)
        assert refused.returncode == 2
        shown = ecrctl("repo", "show", "team/app", url=proxy.url).stdout
    sent = {op: params for op, _, _, params in proxy.log if op.startswith("Put")}
    assert sent == {
        "PutImageTagMutability": {
            "repositoryName": "team/app",
            "imageTagMutability": "IMMUTABLE_WITH_EXCLUSION",
            "imageTagMutabilityExclusionFilters": [
                {"filterType": "WILDCARD", "filter": "latest"},
                {"filterType": "WILDCARD", "filter": "dev-*"},
            ],
        },
        "PutImageScanningConfiguration": {
            "repositoryName": "team/app",
            "imageScanningConfiguration": {"scanOnPush": True},
        },
    }
    assert [op for op, *_ in proxy.log].count("PutImageTagMutability") == 1  # none when refused
    assert "IMMUTABLE_WITH_EXCLUSION; mutable: latest, dev-*" in shown
