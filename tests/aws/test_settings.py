"""The one resolver of AWS settings, case by case against what botocore's own session resolves."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ecrctl.aws.settings import AwsSettings, profile_names, resolve
from ecrctl.errors import InvalidInput

CONFIG = """\
[default]
region = ap-southeast-2

[profile dev]
region = eu-west-3
max_attempts = 7
retry_mode = adaptive

[profile prod]
region = us-west-2
endpoint_url = http://127.0.0.1:7001

[profile svc]
services = local
endpoint_url = http://127.0.0.1:7002

[profile quiet]
region = ca-central-1
endpoint_url = http://127.0.0.1:7003
ignore_configured_endpoint_urls = true

[services local]
ecr =
  endpoint_url = http://127.0.0.1:7004
sts =
  endpoint_url = http://127.0.0.1:7005
"""

CREDENTIALS = """\
[dev]
aws_access_key_id = AKIADEV
aws_secret_access_key = dev-secret

[creds-only]
aws_access_key_id = AKIACRED
aws_secret_access_key = cred-secret
region = sa-east-1
"""


@dataclass
class Case:
    name: str
    env: dict[str, str] = field(default_factory=dict)
    profile: str | None = None  # --profile
    region: str | None = None  # --region


CASES = [
    Case("nothing set: the default profile's region"),
    Case("AWS_PROFILE", {"AWS_PROFILE": "dev"}),
    Case("AWS_DEFAULT_PROFILE", {"AWS_DEFAULT_PROFILE": "prod"}),
    Case(
        "AWS_DEFAULT_PROFILE wins over AWS_PROFILE",
        {"AWS_PROFILE": "dev", "AWS_DEFAULT_PROFILE": "prod"},
    ),
    Case("--profile wins over both", {"AWS_PROFILE": "dev", "AWS_DEFAULT_PROFILE": "prod"}, "svc"),
    Case(
        "AWS_DEFAULT_REGION wins over the profile",
        {"AWS_PROFILE": "dev", "AWS_DEFAULT_REGION": "eu-north-1"},
    ),
    Case(
        "--region wins over AWS_DEFAULT_REGION",
        {"AWS_DEFAULT_REGION": "eu-north-1"},
        region="me-south-1",
    ),
    Case("a region from the credentials file", {"AWS_PROFILE": "creds-only"}),
    Case("profile endpoint_url", {"AWS_PROFILE": "prod"}),
    Case("services section beats the profile's endpoint_url", {"AWS_PROFILE": "svc"}),
    Case(
        "AWS_ENDPOINT_URL beats the profile",
        {"AWS_PROFILE": "svc", "AWS_ENDPOINT_URL": "http://127.0.0.1:7010"},
    ),
    Case(
        "AWS_ENDPOINT_URL_ECR beats AWS_ENDPOINT_URL",
        {
            "AWS_ENDPOINT_URL": "http://127.0.0.1:7010",
            "AWS_ENDPOINT_URL_ECR": "http://127.0.0.1:7011",
        },
    ),
    Case(
        "the profile ignores configured endpoints",
        {"AWS_PROFILE": "quiet", "AWS_ENDPOINT_URL": "http://127.0.0.1:7010"},
    ),
    Case(
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
        {
            "AWS_PROFILE": "prod",
            "AWS_ENDPOINT_URL_ECR": "http://127.0.0.1:7011",
            "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true",
        },
    ),
    Case(
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=1 is not true to botocore",
        {
            "AWS_PROFILE": "prod",
            "AWS_ENDPOINT_URL_ECR": "http://127.0.0.1:7011",
            "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "1",
        },
    ),
    Case("retries from the profile", {"AWS_PROFILE": "dev"}),
    Case(
        "retries from the environment",
        {"AWS_PROFILE": "dev", "AWS_MAX_ATTEMPTS": "3", "AWS_RETRY_MODE": "legacy"},
    ),
]


@pytest.fixture
def aws_files(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(os.environ):
        if name.startswith("AWS_") and name not in {
            "AWS_CONFIG_FILE",
            "AWS_SHARED_CREDENTIALS_FILE",
        }:
            monkeypatch.delenv(name)
    monkeypatch.delenv("ECRCTL_MAX_ATTEMPTS", raising=False)
    config = Path(os.environ["AWS_CONFIG_FILE"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(CONFIG)
    Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"]).write_text(CREDENTIALS)
    return config


def botocore_view(case: Case) -> dict[str, object]:
    """What botocore itself resolves for the case."""
    import botocore.session

    session = botocore.session.Session(profile=case.profile)
    if case.region:
        session.set_config_variable("region", case.region)
    region = session.get_config_variable("region")
    client = session.create_client("ecr", region_name=region or "us-east-1")
    default = f"https://api.ecr.{region or 'us-east-1'}.amazonaws.com"
    endpoint = client.meta.endpoint_url
    return {
        "profile": session.profile or "default",
        "region": region,
        "endpoint": None if endpoint == default else endpoint,
        "max_attempts": session.get_config_variable("max_attempts"),
        "retry_mode": session.get_config_variable("retry_mode"),
    }


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_resolver_agrees_with_botocore(
    case: Case, aws_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in case.env.items():
        monkeypatch.setenv(name, value)
    expected = botocore_view(case)
    ours = resolve(AwsSettings(profile=case.profile, region=case.region))
    assert ours.profile == expected["profile"]
    assert ours.region == expected["region"]
    assert ours.endpoint_url == expected["endpoint"]
    if expected["max_attempts"] is not None:
        assert ours.max_attempts == expected["max_attempts"]
    assert ours.retry_mode == expected["retry_mode"]


def test_aws_region_is_the_last_resort(aws_files: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore ignores AWS_REGION; the AWS CLI v2 and the other SDKs read it."""
    aws_files.write_text("[profile bare]\n")
    monkeypatch.setenv("AWS_PROFILE", "bare")
    monkeypatch.setenv("AWS_REGION", "eu-south-1")
    resolved = resolve(AwsSettings())
    assert (resolved.region, resolved.region_from) == ("eu-south-1", "AWS_REGION")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    assert resolve(AwsSettings()).region == "eu-west-1"


def test_ecrctl_attempts_win(aws_files: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "dev")
    assert resolve(AwsSettings()).max_attempts == 7
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "4")
    assert resolve(AwsSettings()).max_attempts == 4
    monkeypatch.setenv("ECRCTL_MAX_ATTEMPTS", "6")
    assert resolve(AwsSettings()).max_attempts == 6
    assert resolve(AwsSettings(max_attempts=2)).max_attempts == 2
    monkeypatch.delenv("AWS_PROFILE")
    monkeypatch.delenv("AWS_MAX_ATTEMPTS")
    monkeypatch.delenv("ECRCTL_MAX_ATTEMPTS")
    assert resolve(AwsSettings()).max_attempts == 5  # ecrctl's default


@pytest.mark.parametrize(
    ("variable", "value"),
    [("ECRCTL_MAX_ATTEMPTS", "0"), ("AWS_MAX_ATTEMPTS", "many"), ("AWS_RETRY_MODE", "eager")],
)
def test_bad_retry_settings_name_the_variable(
    variable: str, value: str, aws_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(InvalidInput, match=f"{variable}={value!r}"):
        resolve(AwsSettings())


@pytest.mark.parametrize("variable", ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"])
def test_a_missing_profile_is_named_with_where_it_came_from(
    variable: str, aws_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import botocore.exceptions
    import botocore.session

    monkeypatch.setenv(variable, "nosuch")
    with pytest.raises(botocore.exceptions.ProfileNotFound):
        botocore.session.Session().get_scoped_config()
    with pytest.raises(InvalidInput) as caught:
        resolve(AwsSettings())
    assert f"AWS profile 'nosuch' (from {variable}) is not in" in caught.value.one_line()
    assert resolve(AwsSettings(), strict=False).profile == "nosuch"  # completion carries on


def test_credential_source_follows_botocore(
    aws_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An explicit profile ignores keys in the environment; AWS_PROFILE does not."""
    import botocore.session

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
    explicit = botocore.session.Session(profile="dev").get_credentials()
    assert explicit is not None and explicit.access_key == "AKIADEV"
    assert resolve(AwsSettings(profile="dev")).credential_source().startswith("profile=dev ")
    monkeypatch.setenv("AWS_PROFILE", "dev")
    from_env = botocore.session.Session().get_credentials()
    assert from_env is not None and from_env.access_key == "AKIAENV"
    assert resolve(AwsSettings()).credential_source() == "key=AKIAENV"


def test_credential_source_changes_with_the_key_the_endpoint_and_the_files(
    aws_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIA1")
    by_key = resolve(AwsSettings()).credential_source()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIA2")
    assert resolve(AwsSettings()).credential_source() != by_key
    with_endpoint = resolve(AwsSettings(endpoint_url="http://127.0.0.1:1")).credential_source()
    assert with_endpoint == "key=AKIA2 endpoint=http://127.0.0.1:1"
    before = resolve(AwsSettings(profile="dev")).credential_source()
    assert resolve(AwsSettings(profile="dev")).credential_source() == before
    os.utime(aws_files, ns=(1, 1))
    assert resolve(AwsSettings(profile="dev")).credential_source() != before


def test_profile_names_from_both_files(aws_files: Path) -> None:
    aws_files.write_text(
        "[default]\nregion = us-east-1\n[profile dev]\n[sso-session corp]\n[profile prod ]\n"
    )
    Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"]).write_text("[default]\n[ci]\n")
    assert profile_names() == ["ci", "default", "dev", "prod"]


def test_profile_names_survive_broken_or_missing_files(aws_files: Path) -> None:
    aws_files.unlink()
    Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"]).unlink()
    assert profile_names() == []
    aws_files.write_text("not an ini file\n[profile ok]\n")
    assert profile_names() == []
    Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"]).write_text("[ci]\n")
    assert profile_names() == ["ci"]
