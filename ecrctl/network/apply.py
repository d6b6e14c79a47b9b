"""``ecrctl network create``: the facts read, the plan made, and its steps run one
at a time through :func:`ecrctl.batch.run_chunks`, so that a failure halfway says
exactly what was created and what was not.

A step AWS refuses is ``failed`` with AWS's code; one whose answer is lost is read
back (the endpoint or the group found by its name: ``done``), else ``unknown``;
the steps after it are ``not-attempted``. CreateVpcEndpoint carries a ClientToken,
so botocore's retries never make a second endpoint.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ecrctl import batch
from ecrctl.aws.access import error_code, error_message, items
from ecrctl.network.facts import OWN_GROUP, gather
from ecrctl.network.model import NetworkTarget
from ecrctl.network.plan import make_plan
from ecrctl.network.steps import GROUP, EndpointPlan, Step

if TYPE_CHECKING:
    from ecrctl.aws.clients import Aws

GROUP_DESCRIPTION = "HTTPS from the private subnets to the VPC endpoints (ecrctl network create)"


def plan_network(aws: Aws, target: NetworkTarget, *, modify: bool, s3_policy: str) -> EndpointPlan:
    """Read ``target``'s facts and plan what is missing (nothing is changed)."""
    return make_plan(gather(aws, target, own_group=True), modify=modify, s3_policy=s3_policy)


class Runner:
    """Runs a plan's steps against one EC2 client."""

    def __init__(self, ec2: Any, plan: EndpointPlan) -> None:
        self.ec2 = ec2
        self.plan = plan
        self.group = plan.group
        self.known = {e.id for e in plan.facts.endpoints}

    def _group_id(self, value: Any) -> Any:
        if value == GROUP:
            return self.group
        if isinstance(value, list):
            return [self._group_id(v) for v in value]
        return value

    def _params(self, step: Step) -> dict[str, Any]:
        return {k: self._group_id(v) for k, v in step.params.items()}

    def security_group(self, step: Step) -> str:
        params = self._params(step)
        answer = self.ec2.create_security_group(Description=GROUP_DESCRIPTION, **params)
        self.group = str(answer["GroupId"])
        return self.group

    def group_ingress(self, step: Step) -> str:
        params = self._params(step)
        ranges = [
            {"CidrIp": c, "Description": "HTTPS to the VPC endpoints"} for c in params["cidrs"]
        ]
        self.ec2.authorize_security_group_ingress(
            GroupId=params["GroupId"],
            IpPermissions=[
                {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": ranges}
            ],
        )
        return str(params["GroupId"])

    def vpc_attribute(self, step: Step) -> str:
        self.ec2.modify_vpc_attribute(**step.params)
        return str(step.params["VpcId"])

    def endpoint(self, step: Step) -> str:
        answer = self.ec2.create_vpc_endpoint(**self._params(step))
        created = str(answer["VpcEndpoint"]["VpcEndpointId"])
        self.known.add(created)
        return created

    def modify_endpoint(self, step: Step) -> str:
        self.ec2.modify_vpc_endpoint(**self._params(step))
        return str(step.params["VpcEndpointId"])

    def runner(self, kind: str) -> Callable[[Step], str]:
        return {
            "security-group": self.security_group,
            "group-ingress": self.group_ingress,
            "vpc-attribute": self.vpc_attribute,
            "interface-endpoint": self.endpoint,
            "gateway-endpoint": self.endpoint,
        }.get(kind, self.modify_endpoint)

    def call(self, chunk: list[Step]) -> None:
        for step in chunk:
            try:
                step.resource_id = self.runner(step.kind)(step)
            except Exception as exc:
                if error_code(exc):  # AWS answered: it was not done
                    step.settle(batch.FAILED, error_code(exc), error_message(exc))
                raise

    def reconcile(self, chunk: list[Step]) -> None:
        """A step whose answer was lost: look for what it would have made."""
        for step in chunk:
            if step.settled:
                continue
            found = self._find(step)
            if found:
                step.resource_id = found
                step.settle(batch.DONE)

    def _find(self, step: Step) -> str | None:
        vpc = {"Name": "vpc-id", "Values": [self.plan.facts.vpc_id]}
        if step.kind == "security-group":
            name = {"Name": "group-name", "Values": [OWN_GROUP]}
            groups = items(
                self.ec2, "describe_security_groups", "SecurityGroups", Filters=[vpc, name]
            )
            found = next((str(g["GroupId"]) for g in groups), None)
            self.group = found or self.group
            return found
        if step.kind in ("interface-endpoint", "gateway-endpoint"):
            service = {"Name": "service-name", "Values": [step.params["ServiceName"]]}
            endpoints = items(
                self.ec2, "describe_vpc_endpoints", "VpcEndpoints", Filters=[vpc, service]
            )
            return next(
                (
                    str(e["VpcEndpointId"])
                    for e in endpoints
                    if e["VpcEndpointId"] not in self.known
                ),
                None,
            )
        return None


def execute(aws: Aws, plan: EndpointPlan) -> None:
    """Run every runnable step in order; a step that fails stops the rest (the
    error raised counts what was done). The steps record what happened."""
    runner = Runner(aws.client("ec2"), plan)
    batch.run_chunks(plan.runnable, 1, runner.call, runner.reconcile, verb="done")
