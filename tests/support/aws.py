"""An :class:`~ecrctl.cli.app.App` whose ECR client is one the test made (usually under
botocore's Stubber), for what moto cannot answer; a repository as ECR describes it; a
repository with one image in moto; the resolver of the test's own registry; the keys of an
assumed role's session in moto."""

from __future__ import annotations

import json
from typing import Any

from ecrctl.aws.clients import Aws
from ecrctl.aws.settings import AwsSettings
from ecrctl.cli.app import App
from ecrctl.login.registries import Registries
from tests.conftest import ACCOUNT, REGION


def app_with_ecr(client: Any, settings: AwsSettings | None = None) -> App:
    """An App whose commands use ``client`` as their ECR client."""
    app = App(settings or AwsSettings())
    app.aws.__dict__["ecr"] = client  # the lazily built client, replaced before first use
    return app


def repository_answer(name: str) -> dict[str, Any]:
    """Repository ``name`` as DescribeRepositories answers it (for a Stubber)."""
    return {
        "repositoryName": name,
        "repositoryArn": f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/{name}",
        "registryId": ACCOUNT,
        "repositoryUri": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{name}",
    }


# a Docker schema 2 manifest with no layers: enough for PutImage, no blob behind it
SMALL_MANIFEST = {
    "schemaVersion": 2,
    "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
    "config": {
        "mediaType": "application/vnd.docker.container.image.v1+json",
        "size": 1,
        "digest": "sha256:" + "1" * 64,
    },
    "layers": [],
}


def repository_with_one_image(ecr: Any, repository: str, tag: str = "v1") -> None:
    """Repository ``repository`` created through ``ecr`` (moto), with one image
    (:data:`SMALL_MANIFEST`) tagged ``tag``."""
    ecr.create_repository(repositoryName=repository)
    ecr.put_image(repositoryName=repository, imageTag=tag, imageManifest=json.dumps(SMALL_MANIFEST))


def own_registries() -> Registries:
    """Who serves each registry host, for the caller in the test's region."""
    return Registries(Aws(AwsSettings(region=REGION)))


def role_keys(
    role: str, session: str = "setup", *, endpoint_url: str | None = None
) -> dict[str, str]:
    """The keys of a session of ``role`` (AssumeRole through moto's STS), as boto3's
    clients take them: ``aws_access_key_id``, ``aws_secret_access_key``, ``aws_session_token``
    (upper-cased, the variables AWS_ACCESS_KEY_ID, ... that botocore reads)."""
    import boto3

    sts = boto3.client("sts", region_name=REGION, endpoint_url=endpoint_url)
    keys = sts.assume_role(RoleArn=role, RoleSessionName=session)["Credentials"]
    return {
        "aws_access_key_id": keys["AccessKeyId"],
        "aws_secret_access_key": keys["SecretAccessKey"],
        "aws_session_token": keys["SessionToken"],
    }
