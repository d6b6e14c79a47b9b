"""IAM's SimulatePrincipalPolicy asked for ``policy test --simulate``, against the
loopback stand-in for IAM's simulator (tests/policy/iam_standin.py: moto does not
implement it): what is asked for a role and for a user, the context entries, the
token asked without a resource, the answers read, and a simulator that fails."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ecrctl.policy.matching import Principal
from ecrctl.policy.simulate import IDENTITY_ONLY, WITH_REPOSITORY, Simulated, simulate
from tests.conftest import REGION
from tests.policy.iam_standin import Simulator, simulator_in_front_of

A = "111111111111"
ARN = f"arn:aws:ecr:{REGION}:{A}:repository/team/app"
ROLE = Principal(f"arn:aws:iam::{A}:role/ci", A, "role", "ci")
USER = Principal(f"arn:aws:iam::{A}:user/alice", A, "user", "alice")
POLICY = '{"Version": "2012-10-17", "Statement": []}'
TOKEN, PUT, GET = "ecr:GetAuthorizationToken", "ecr:PutImage", "ecr:BatchGetImage"


def iam_at(url: str) -> Any:
    import boto3
    from botocore.config import Config

    config = Config(retries={"total_max_attempts": 1})
    return boto3.client("iam", region_name=REGION, endpoint_url=url, config=config)


@pytest.fixture
def standin() -> Iterator[tuple[Any, Simulator]]:
    """An IAM client at the stand-in (nothing else is asked: no upstream listens)."""
    with simulator_in_front_of("http://127.0.0.1:9") as (url, simulator):
        yield iam_at(url), simulator


def actions_asked(form: dict[str, list[str]]) -> list[str]:
    return [form[k][0] for k in sorted(form) if k.startswith("ActionNames.member.")]


def test_a_role_is_simulated_on_its_identity_policies(standin: tuple[Any, Simulator]) -> None:
    iam, simulator = standin
    simulator.decisions = {PUT: "implicitDeny", GET: "explicitDeny"}
    simulator.missing = {GET: ["aws:SourceIp", "aws:SourceVpc"]}
    found = simulate(iam, ROLE, [TOKEN, GET, PUT], ARN, POLICY, {})
    assert found.scope == IDENTITY_ONLY
    assert found.error is None
    on_repository, token = simulator.requests
    assert on_repository["PolicySourceArn"] == [ROLE.arn]
    assert actions_asked(on_repository) == [GET, PUT]
    assert on_repository["ResourceArns.member.1"] == [ARN]
    assert "ResourcePolicy" not in on_repository  # IAM takes one only for a user
    assert "ContextEntries.member.1.ContextKeyName" not in on_repository
    assert actions_asked(token) == [TOKEN]
    assert "ResourceArns.member.1" not in token  # no resource
    assert found.results == {
        GET: Simulated(
            "explicitDeny",
            ({"sourcePolicyId": "ecr-policy", "sourcePolicyType": "IAM Policy"},),
            ("aws:SourceIp", "aws:SourceVpc"),
        ),
        PUT: Simulated("implicitDeny"),
        TOKEN: Simulated(
            "allowed", ({"sourcePolicyId": "ecr-policy", "sourcePolicyType": "IAM Policy"},)
        ),
    }


def test_a_user_is_simulated_with_the_repository_policy(standin: tuple[Any, Simulator]) -> None:
    iam, simulator = standin
    china = Principal("arn:aws-cn:iam::222222222222:user/bob", "222222222222", "user", "bob")
    china_arn = "arn:aws-cn:ecr:cn-north-1:333333333333:repository/team/app"
    assert simulate(iam, USER, [PUT], ARN, POLICY, {}).scope == WITH_REPOSITORY
    assert simulate(iam, china, [PUT], china_arn, POLICY, {}).scope == WITH_REPOSITORY
    ours, theirs = simulator.requests
    assert ours["ResourcePolicy"] == [POLICY]
    assert ours["ResourceOwner"] == [f"arn:aws:iam::{A}:root"]
    # the repository's owner, in the repository's partition
    assert theirs["ResourceOwner"] == ["arn:aws-cn:iam::333333333333:root"]


def test_a_user_without_a_repository_policy(standin: tuple[Any, Simulator]) -> None:
    iam, simulator = standin
    assert simulate(iam, USER, [PUT], ARN, None, {}).scope == IDENTITY_ONLY
    assert "ResourcePolicy" not in simulator.requests[0]


def test_the_token_alone_is_one_request(standin: tuple[Any, Simulator]) -> None:
    iam, simulator = standin
    found = simulate(iam, ROLE, [TOKEN], ARN, POLICY, {})
    assert list(found.results) == [TOKEN]
    assert len(simulator.requests) == 1


def test_context_values_are_passed_as_entries(standin: tuple[Any, Simulator]) -> None:
    iam, simulator = standin
    given = {"aws:SourceAccount": (A,), "aws:TagKeys": ("team", "cost")}
    simulate(iam, ROLE, [GET], ARN, POLICY, given)
    (form,) = simulator.requests

    def entry(n: int) -> tuple[str, list[str]]:
        values = f"ContextEntries.member.{n}.ContextKeyValues."
        kind = form[f"ContextEntries.member.{n}.ContextKeyType"][0]
        return kind, [form[k][0] for k in sorted(form) if k.startswith(values)]

    entries = {form[f"ContextEntries.member.{n}.ContextKeyName"][0]: entry(n) for n in (1, 2)}
    assert entries == {
        "aws:SourceAccount": ("string", [A]),
        "aws:TagKeys": ("stringList", ["team", "cost"]),
    }


def test_a_simulator_that_cannot_be_reached_is_the_simulations_error() -> None:
    found = simulate(iam_at("http://127.0.0.1:9"), ROLE, [TOKEN, PUT], ARN, POLICY, {})
    assert found.results == {}
    assert found.error is not None and found.error.startswith("cannot reach")
    assert "127.0.0.1:9" in found.error


def test_a_simulator_that_is_not_there_is_the_simulations_error(moto: None) -> None:
    """moto has no SimulatePrincipalPolicy: its refusal is reported, not raised."""
    import boto3

    found = simulate(boto3.client("iam", region_name=REGION), ROLE, [PUT], ARN, POLICY, {})
    assert found.results == {}
    assert found.error == (
        "unexpected NotImplementedError: "
        "The simulate_principal_policy action has not been implemented"
    )


def test_a_missing_context_value_is_shown() -> None:
    entry = Simulated("explicitDeny", (), ("aws:SourceIp",))
    assert entry.to_dict() == {
        "decision": "explicitDeny",
        "matchedStatements": [],
        "missingContextValues": ["aws:SourceIp"],
    }
