"""A VPC in moto that meets the guide's private networking chapter for an ECS
service, and the ways to break each condition: the network tests build it,
break one thing, and read ``ecrctl network check``'s answer."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

ACCOUNT = "123456789012"
REGION = "us-east-1"
IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/team/web:1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole"
LAYERS = f"arn:aws:s3:::prod-{REGION}-starport-layer-bucket/*"
EC2_ENDPOINTS = ("ecr.api", "ecs-agent", "ecs-telemetry", "ecs")


def service_name(short: str, region: str = REGION) -> str:
    return f"com.amazonaws.{region}.{short}"


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(actions: list[str], resource: Any = "*", principal: Any = "*") -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": principal, "Action": actions, "Resource": resource}


MINIMUM_S3 = policy(allow(["s3:GetObject", "s3:PutObject"], [LAYERS]))


@dataclass
class Net:
    """The clients, and the ids of what :func:`build` made."""

    ec2: Any
    ecs: Any
    vpc: str = ""
    subnets: list[str] = field(default_factory=list)
    route_table: str = ""
    task_group: str = ""
    endpoint_group: str = ""
    endpoints: dict[str, str] = field(default_factory=dict)  # short name -> vpce id

    def endpoint(self, short: str, *, private_dns: bool = True, group: str | None = None) -> str:
        made = self.ec2.create_vpc_endpoint(
            VpcId=self.vpc,
            ServiceName=service_name(short),
            VpcEndpointType="Interface",
            SubnetIds=self.subnets,
            SecurityGroupIds=[group or self.endpoint_group],
            PrivateDnsEnabled=private_dns,
        )
        self.endpoints[short] = str(made["VpcEndpoint"]["VpcEndpointId"])
        return self.endpoints[short]

    def gateway(self, tables: list[str], document: str | None = MINIMUM_S3) -> str:
        extra = {"PolicyDocument": document} if document else {}
        made = self.ec2.create_vpc_endpoint(
            VpcId=self.vpc,
            ServiceName=service_name("s3"),
            VpcEndpointType="Gateway",
            RouteTableIds=tables,
            **extra,
        )
        self.endpoints["s3"] = str(made["VpcEndpoint"]["VpcEndpointId"])
        return self.endpoints["s3"]

    def delete(self, short: str) -> None:
        self.ec2.delete_vpc_endpoints(VpcEndpointIds=[self.endpoints.pop(short)])

    def set_policy(self, short: str, document: str) -> None:
        self.ec2.modify_vpc_endpoint(VpcEndpointId=self.endpoints[short], PolicyDocument=document)

    def group(self, name: str, **rule: Any) -> str:
        """A security group in the VPC with one TCP 443 rule (``rule``: IpRanges=...,
        UserIdGroupPairs=..., or other ports)."""
        made = self.ec2.create_security_group(GroupName=name, Description=name, VpcId=self.vpc)
        group = str(made["GroupId"])
        if rule:
            permission = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, **rule}
            self.ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[permission])
        return group

    def vpc_attribute(self, name: str, value: bool) -> None:
        self.ec2.modify_vpc_attribute(VpcId=self.vpc, **{name: {"Value": value}})

    def route_out(self, nat: bool = True) -> str:
        """A default route out of the subnets' route table (a NAT gateway, else an
        internet gateway)."""
        if nat:
            address = self.ec2.allocate_address(Domain="vpc")["AllocationId"]
            made = self.ec2.create_nat_gateway(SubnetId=self.subnets[0], AllocationId=address)
            target = {"NatGatewayId": made["NatGateway"]["NatGatewayId"]}
        else:
            gateway = self.ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
            self.ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=self.vpc)
            target = {"GatewayId": gateway}
        self.ec2.create_route(
            RouteTableId=self.route_table, DestinationCidrBlock="0.0.0.0/0", **target
        )
        return next(iter(target.values()))

    def task_definition(
        self, *, launch: str = "FARGATE", awslogs: bool = False, image: str = IMAGE
    ) -> str:
        container: dict[str, Any] = {"name": "web", "image": image, "memory": 512}
        if awslogs:
            container["logConfiguration"] = {
                "logDriver": "awslogs",
                "options": {"awslogs-group": "/ecs/web", "awslogs-region": REGION},
            }
        made = self.ecs.register_task_definition(
            family="web",
            networkMode="awsvpc",
            requiresCompatibilities=[launch],
            cpu="256",
            memory="512",
            executionRoleArn=ROLE,
            containerDefinitions=[container],
        )
        return str(made["taskDefinition"]["taskDefinitionArn"])


def network(ec2: Any, ecs: Any, *, dns_hostnames: bool = True) -> Net:
    """A VPC with two private subnets (two zones, one route table, no route out),
    a security group for the tasks and one for the endpoints (TCP 443 from the VPC)."""
    net = Net(ec2, ecs)
    net.vpc = str(ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"])
    if dns_hostnames:
        net.vpc_attribute("EnableDnsHostnames", True)
    net.route_table = str(ec2.create_route_table(VpcId=net.vpc)["RouteTable"]["RouteTableId"])
    for index, zone in enumerate(("a", "b"), start=1):
        subnet = ec2.create_subnet(
            VpcId=net.vpc, CidrBlock=f"10.0.{index}.0/24", AvailabilityZone=f"{REGION}{zone}"
        )["Subnet"]["SubnetId"]
        ec2.associate_route_table(RouteTableId=net.route_table, SubnetId=subnet)
        net.subnets.append(str(subnet))
    net.task_group = net.group("tasks")
    net.endpoint_group = net.group("endpoints", IpRanges=[{"CidrIp": "10.0.0.0/16"}])
    return net


def build(
    ec2: Any,
    ecs: Any,
    *,
    launch: str = "FARGATE",
    awslogs: bool = False,
    image: str = IMAGE,
    complete: bool = True,
) -> Net:
    """:func:`network`, the ECS service ``prod/web`` in its subnets, and (``complete``)
    every endpoint the service needs: ecr.dkr and the S3 gateway with the guide's
    minimum policy; for EC2, ecr.api and the ECS endpoints; for awslogs, logs."""
    net = network(ec2, ecs)
    ecs.create_cluster(clusterName="prod")
    ecs.create_service(
        cluster="prod",
        serviceName="web",
        taskDefinition=net.task_definition(launch=launch, awslogs=awslogs, image=image),
        desiredCount=1,
        launchType=launch,
        networkConfiguration={
            "awsvpcConfiguration": {
                "subnets": net.subnets,
                "securityGroups": [net.task_group],
                "assignPublicIp": "DISABLED",
            }
        },
    )
    if complete:
        net.endpoint("ecr.dkr")
        net.gateway([net.route_table])
        for short in EC2_ENDPOINTS if launch == "EC2" else ():
            net.endpoint(short)
        if awslogs:
            net.endpoint("logs")
    return net
