"""aws-cli option names and misspelt commands, in process (the installed ecrctl walks
every command in tests/test_first_hour.py)."""

from __future__ import annotations

from tests.conftest import Runner


def test_repository_name_points_to_the_positional_name(cli: Runner) -> None:
    result = cli("repo", "create", "--repository-name", "team/x")
    assert result.exit_code == 2
    assert "NAME is positional: ecrctl repo create team/x" in result.stderr
    assert "did you mean --registry-id" not in result.stderr


def test_option_with_equals_keeps_its_value(cli: Runner) -> None:
    result = cli("policy", "repo", "get", "--repository-name=team/x")
    assert "REPOSITORY is positional: ecrctl policy repo get team/x" in result.stderr


def test_put_is_set_on_policy_repo(cli: Runner) -> None:
    result = cli("policy", "repo", "put", "team/x", "p.json")
    assert result.exit_code == 2 and "(did you mean 'set'?)" in result.stderr
