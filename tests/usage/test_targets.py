"""Where the scan looks: the registry's region and its replicas' regions (or
--usage-regions), the caller's account and each --usage-role's (STS AssumeRole
into a second account), against moto's ECR replication, STS, ECS and Lambda."""

from __future__ import annotations

import pytest

from ecrctl.aws.clients import Aws
from ecrctl.aws.settings import AwsSettings
from ecrctl.errors import InvalidInput
from ecrctl.usage.calls import Calls
from ecrctl.usage.model import IN_USE, NOT_IN_USE
from ecrctl.usage.scan import UsageOptions, repository_usage
from ecrctl.usage.targets import SESSION_NAME, plan, role_account
from tests.support.aws import role_keys
from tests.usage import world as w

OTHER = "210987654321"
ROLE = f"arn:aws:iam::{OTHER}:role/usage-reader"
KEY = (w.ACCOUNT, w.REGION, "app")


@pytest.mark.parametrize(
    ("arn", "account"),
    [(ROLE, OTHER), ("arn:aws-cn:iam::111122223333:role/path/to/r", "111122223333")],
)
def test_role_accounts(arn: str, account: str) -> None:
    assert role_account(arn) == account


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"roles": ("arn:aws:iam::1234:role/x",)}, "is not an IAM role ARN"),
        ({"roles": (f"arn:aws:iam::{OTHER}:user/x",)}, "is not an IAM role ARN"),
        ({"regions": ("us_east_1",)}, "invalid region 'us_east_1' (from --usage-regions)"),
        ({"revisions": 0}, "--usage-revisions 0 is not a count"),
    ],
)
def test_options_are_checked_before_any_call(options: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        UsageOptions(**options)  # type: ignore[arg-type]
    assert message in refused.value.one_line()


def _replicate(world: w.World, *destinations: tuple[str, str], prefix: str = "") -> None:
    rule: dict[str, object] = {
        "destinations": [{"region": r, "registryId": a} for a, r in destinations]
    }
    if prefix:
        rule["repositoryFilters"] = [{"filter": prefix, "filterType": "PREFIX_MATCH"}]
    world.ecr.put_replication_configuration(replicationConfiguration={"rules": [rule]})


def _plan(options: UsageOptions) -> tuple[list[str], list[tuple[str, str, str]], list[str]]:
    calls = Calls()
    try:
        found = plan(Aws(), calls, options, KEY, w.ACCOUNT)
    finally:
        calls.close()
    where = [f"{t.scope.account}/{t.scope.region}" for t in found.targets]
    return where, found.replicas, [gap.warning() for gap in calls.gaps]


def test_the_default_regions_are_the_registrys_and_its_replicas(in_process: None) -> None:
    world = w.clients()
    world.ecr.create_repository(repositoryName="app")
    _replicate(world, (w.ACCOUNT, "us-west-2"), (w.ACCOUNT, "eu-west-1"))
    where, replicas, gaps = _plan(UsageOptions())
    assert where == [f"{w.ACCOUNT}/us-east-1", f"{w.ACCOUNT}/us-west-2", f"{w.ACCOUNT}/eu-west-1"]
    assert replicas == [(w.ACCOUNT, "us-west-2", "app"), (w.ACCOUNT, "eu-west-1", "app")]
    assert gaps == []
    given, none, _ = _plan(UsageOptions(regions=("ap-south-1",)))
    assert (given, none) == ([f"{w.ACCOUNT}/ap-south-1"], [])


def test_a_filter_that_does_not_take_the_repository_replicates_nothing(in_process: None) -> None:
    world = w.clients()
    world.ecr.create_repository(repositoryName="app")
    _replicate(world, (w.ACCOUNT, "us-west-2"), prefix="team/")
    assert _plan(UsageOptions())[:2] == ([f"{w.ACCOUNT}/us-east-1"], [])


def test_a_replica_in_another_account_needs_a_role(in_process: None) -> None:
    world = w.clients()
    world.ecr.create_repository(repositoryName="app")
    _replicate(world, (OTHER, "us-west-2"))
    where, _, gaps = _plan(UsageOptions())
    assert where == [f"{w.ACCOUNT}/us-east-1", f"{w.ACCOUNT}/us-west-2"]
    assert gaps == [
        f"account {OTHER}, us-west-2 was not scanned: image usage is unknown (a replica of app "
        "lives there; give --usage-role for its account)"
    ]
    with_role, _, none = _plan(UsageOptions(roles=(ROLE,)))
    assert none == [] and f"{OTHER}/us-west-2" in with_role and f"{OTHER}/us-east-1" in with_role


def test_a_second_account_is_scanned_with_the_role(in_process: None) -> None:
    """ECS and Lambda of account 210987654321 pull from 123456789012's repository."""
    world = w.clients()
    world.ecr.create_repository(repositoryName="app")
    used, free = world.image("app", "one", "v1"), world.image("app", "two", "v2")
    theirs = w.clients(**role_keys(ROLE))
    theirs.ecs.create_cluster(clusterName="prod")
    theirs.task_definition("web", w.uri("app", "v1"))
    alone = repository_usage(Aws(), "app")
    assert alone.status(used) == NOT_IN_USE  # the caller's account runs nothing
    usage = repository_usage(Aws(AwsSettings()), "app", UsageOptions(roles=(ROLE,)))
    assert w.texts(usage, used) == [f"task definition web:1 in account {OTHER}, us-east-1 [tag v1]"]
    assert usage.status(used) == IN_USE and usage.status(free) == NOT_IN_USE
    scanned = usage.to_json()["scope"]
    assert scanned["accounts"] == [w.ACCOUNT, OTHER]
    assert [s.get("role") for s in scanned["scanned"]] == [None, ROLE]
    assert SESSION_NAME == "ecrctl-usage-scan"


def test_a_task_in_another_region_pulling_cross_region_counts(in_process: None) -> None:
    import boto3

    world = w.clients()
    world.ecr.create_repository(repositoryName="app")
    used, free = world.image("app", "one", "v1"), world.image("app", "two", "v2")
    west = w.clients()
    west.ecs = boto3.client("ecs", region_name="us-west-2")
    west.task_definition("web", w.uri("app", "v1"))
    usage = repository_usage(Aws(), "app", UsageOptions(regions=("us-east-1", "us-west-2")))
    assert w.texts(usage, used) == [
        f"task definition web:1 in account {w.ACCOUNT}, us-west-2 [tag v1]"
    ]
    assert usage.status(free) == NOT_IN_USE
    assert [s.region for s in usage.usage.scan_scope.scopes] == ["us-east-1", "us-west-2"]
    home = repository_usage(Aws(), "app")
    assert home.status(used) == NOT_IN_USE  # the default scope: the registry's region only
