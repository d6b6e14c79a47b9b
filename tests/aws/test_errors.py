"""The translation of AWS errors, and the behaviours moto cannot produce
(pagination, throttling, AccessDenied), through botocore's Stubber and a
patched moto backend."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from ecrctl.aws.settings import AwsSettings
from ecrctl.cli.app import App
from tests.conftest import ACCOUNT, REGION, Runner
from tests.support.aws import app_with_ecr, repository_answer


def stubbed_app() -> tuple[App, Stubber]:
    client = boto3.client("ecr", region_name=REGION)
    return app_with_ecr(client, AwsSettings(region=REGION)), Stubber(client)


def test_repo_list_follows_next_token_with_max_results(cli: Runner) -> None:
    app, stub = stubbed_app()
    stub.add_response(
        "describe_repositories",
        {"repositories": [repository_answer("bb"), repository_answer("cc")], "nextToken": "t1"},
        {"maxResults": 1000},
    )
    stub.add_response(
        "describe_repositories",
        {"repositories": [repository_answer("aa")], "nextToken": "t2"},
        {"maxResults": 1000, "nextToken": "t1"},
    )
    stub.add_response(
        "describe_repositories",
        {"repositories": [repository_answer("dd")]},
        {"maxResults": 1000, "nextToken": "t2"},
    )
    with stub:
        result = cli("repo", "list", "-o", "json", app=app)
    stub.assert_no_pending_responses()
    assert result.exit_code == 0, result.stderr
    assert [r["repositoryName"] for r in result.json] == ["aa", "bb", "cc", "dd"]


def test_access_denied_names_action_and_principal(cli: Runner) -> None:
    app, stub = stubbed_app()
    principal = f"arn:aws:iam::{ACCOUNT}:user/dev"
    stub.add_client_error(
        "create_repository",
        service_error_code="AccessDeniedException",
        http_status_code=400,
        service_message=f"User: {principal} is not authorized to perform: ecr:CreateRepository "
        f"on resource: arn:aws:ecr:{REGION}:{ACCOUNT}:repository/app because no "
        "identity-based policy allows the ecr:CreateRepository action",
    )
    with stub:
        result = cli("repo", "create", "app", app=app)
    assert result.exit_code == 1
    assert result.stderr == (
        f"ecrctl: error: {principal} is not allowed to perform ecr:CreateRepository; "
        "grant ecr:CreateRepository in an IAM or repository policy, or use --profile for a "
        "principal that has it\n"
    )


@pytest.mark.usefixtures("moto")
def test_throttling_is_retried_by_botocore(cli: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.core.exceptions import JsonRESTError
    from moto.ecr.models import ECRBackend

    calls = {"n": 0}
    original = ECRBackend.describe_repositories

    def flaky(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise JsonRESTError("ThrottlingException", "Rate exceeded")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ECRBackend, "describe_repositories", flaky)
    result = cli("repo", "list", "-o", "json", "--max-attempts", "3")
    assert result.exit_code == 0, result.stderr
    assert calls["n"] == 2


@pytest.mark.usefixtures("moto")
def test_throttling_after_all_attempts_is_one_line(
    cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from moto.core.exceptions import JsonRESTError
    from moto.ecr.models import ECRBackend

    calls = {"n": 0}

    def throttled(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        raise JsonRESTError("ThrottlingException", "Rate exceeded")

    monkeypatch.setattr(ECRBackend, "describe_repositories", throttled)
    monkeypatch.setenv("ECRCTL_MAX_ATTEMPTS", "2")
    result = cli("repo", "list")
    assert calls["n"] == 2
    assert result.exit_code == 1
    assert result.stderr == (
        "ecrctl: error: AWS throttled DescribeRepositories (ThrottlingException) after 2 "
        "attempts; wait and retry, or raise --max-attempts / ECRCTL_MAX_ATTEMPTS\n"
    )


def test_bad_max_attempts_env(cli: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECRCTL_MAX_ATTEMPTS", "lots")
    result = cli("repo", "list")
    assert result.exit_code == 2
    assert "ECRCTL_MAX_ATTEMPTS='lots' is not a whole number >= 1" in result.stderr


@pytest.mark.parametrize(
    ("setup", "args", "code", "message"),
    [
        ("no-credentials", ["repo", "list"], 2, "no AWS credentials found"),
        ("no-region", ["repo", "list"], 2, "no AWS region is set; pass --region REGION"),
        (
            "",
            ["repo", "list", "--profile", "ghost"],
            2,
            "AWS profile 'ghost' (from --profile) is not in",
        ),
        (
            "",
            ["repo", "list", "--endpoint-url", "http://127.0.0.1:9", "--max-attempts", "1"],
            1,
            "cannot reach the AWS endpoint http://127.0.0.1:9",
        ),
    ],
)
def test_environment_errors_are_one_line(
    cli: Runner,
    monkeypatch: pytest.MonkeyPatch,
    setup: str,
    args: list[str],
    code: int,
    message: str,
) -> None:
    if setup == "no-credentials":
        monkeypatch.delenv("AWS_ACCESS_KEY_ID")
        monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
        monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    if setup == "no-region":
        monkeypatch.delenv("AWS_DEFAULT_REGION")
    result = cli(*args)
    assert result.exit_code == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_debug_shows_traceback_and_redacted_wire_log(cli: Runner) -> None:
    result = cli(
        "repo", "list", "--debug", "--endpoint-url", "http://127.0.0.1:9", "--max-attempts", "1"
    )
    assert result.exit_code == 1
    assert "Traceback" in result.stderr
    assert result.stderr.rstrip().endswith(
        "cannot reach the AWS endpoint http://127.0.0.1:9; "
        "check --endpoint-url/AWS_ENDPOINT_URL_ECR, the "
        "region, and the network"
    )


@pytest.mark.parametrize(
    ("code", "message", "kind", "line"),
    [
        (
            "ThrottlingException",
            "Rate exceeded",
            "ServiceError",
            "AWS throttled PutImage (ThrottlingException) after 3 attempts; wait and retry, "
            "or raise --max-attempts / ECRCTL_MAX_ATTEMPTS",
        ),
        (
            "ExpiredTokenException",
            "The security token included in the request is expired",
            "AuthError",
            "the AWS session credentials have expired; refresh them (e.g. aws sso login) and retry",
        ),
        (
            "InvalidSignatureException",
            "bad signature",
            "AuthError",
            "AWS rejected the credentials (InvalidSignatureException): bad signature; check "
            "the access key, secret and --profile",
        ),
        ("ImageNotFoundException", "", "NotFound", "ImageNotFoundException"),
        ("ImageNotFoundException", "no image", "NotFound", "no image"),
        (
            "InvalidVpcID.NotFound",
            "The vpc ID 'vpc-1' does not exist",
            "NotFound",
            "The vpc ID 'vpc-1' does not exist (region eu-west-1); VPCs, subnets and "
            "security groups are regional: check the id and --region",
        ),
        (
            "InvalidParameterException",
            "bad {x}",
            "InvalidInput",
            "InvalidParameterException: bad {x}",
        ),
        (
            "RepositoryNotEmptyException",
            "",
            "Conflict",
            "the repository is not empty; delete its images first, or pass --force",
        ),
    ],
)
def test_each_rule_of_the_table_says_what_failed(
    code: str, message: str, kind: str, line: str
) -> None:
    from botocore.exceptions import ClientError

    from ecrctl.aws.errors import translate_client_error

    answer: Any = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"RetryAttempts": 2},
    }
    error = translate_client_error(ClientError(answer, "PutImage"), "eu-west-1")
    assert (type(error).__name__, error.one_line()) == (kind, line)
