"""The did-you-mean for repository names: moto's RepositoryNotFound carries the closest
existing name once the handler is installed; nothing is added when no name is close or
when listing the names fails."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from ecrctl.aws.suggest import SUGGESTION, closest, install_suggestions
from tests.conftest import ACCOUNT


@pytest.fixture
def repos(ecr: Any) -> Any:
    for name in ("team/app", "team/api", "other/web"):
        ecr.create_repository(repositoryName=name)
    return ecr


def _error(call: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    error: dict[str, Any] = caught.value.response["Error"]
    return error


def test_a_missing_repository_names_the_closest(repos: Any) -> None:
    install_suggestions(repos)
    error = _error(repos.describe_images, repositoryName="team/ap")
    assert error["Code"] == "RepositoryNotFoundException"
    assert error[SUGGESTION] in {"team/app", "team/api"}
    assert _error(repos.list_images, repositoryName="other/wbe")[SUGGESTION] == "other/web"


def test_nothing_is_added_without_the_handler_or_a_close_name(repos: Any) -> None:
    assert SUGGESTION not in _error(repos.describe_images, repositoryName="team/ap")
    install_suggestions(repos)
    assert SUGGESTION not in _error(repos.describe_images, repositoryName="zzzzzzzz")


def test_other_errors_are_left_alone(repos: Any) -> None:
    install_suggestions(repos)
    error = _error(repos.create_repository, repositoryName="team/app")
    assert error["Code"] == "RepositoryAlreadyExistsException"
    assert SUGGESTION not in error


def test_closest_among_the_registrys_names(repos: Any) -> None:
    assert closest(repos, "other/webb", ACCOUNT) == "other/web"
    assert closest(repos, "nothing-like-it", ACCOUNT) is None


def test_a_failing_listing_is_no_second_failure() -> None:
    import boto3

    client = boto3.client("ecr", region_name="us-east-1")
    install_suggestions(client)
    message = (
        f"The repository with name 'team/ap' does not exist in the registry with id '{ACCOUNT}'"
    )
    with Stubber(client) as stub:
        stub.add_client_error("describe_images", "RepositoryNotFoundException", message)
        stub.add_client_error("describe_repositories", "AccessDeniedException", "no")
        error = _error(client.describe_images, repositoryName="team/ap")
        stub.assert_no_pending_responses()
    assert error["Code"] == "RepositoryNotFoundException"
    assert SUGGESTION not in error
