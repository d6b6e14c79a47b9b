"""``login --public``'s core, with ECR Public's API on loopback (moto has no
ecr-public) and moto's STS: ECR Public's token for public.ecr.aws (or the address
given), stored and recorded like any login, or the credential helper named for the
host, with a ``public = true`` mapping for a host that is not ECR Public's."""

from __future__ import annotations

import base64

from ecrctl.aws.clients import Aws
from ecrctl.aws.settings import AwsSettings
from ecrctl.login.mappings import RegistryMapping, load_config
from ecrctl.login.registries import Registries
from ecrctl.login.workflow import read_records
from ecrctl.public.login import fetch_public_auth, log_in
from tests.login_support import fresh_keyring  # noqa: F401 - fixture
from tests.public_support import PUBLIC_PASSWORD, FakeEcrPublic, fake_fixture  # noqa: F401
from tests.support.files import read_docker_config


def registries() -> Registries:
    return Registries.of(Aws(AwsSettings()))


def test_the_token_is_for_public_ecr_aws_or_the_address_given(fake: FakeEcrPublic) -> None:
    auth = fetch_public_auth(registries(), use_cache=False)
    assert (auth.host, auth.username, auth.password) == ("public.ecr.aws", "AWS", PUBLIC_PASSWORD)
    mirror = fetch_public_auth(
        registries(), use_cache=False, registry_url="https://127.0.0.1:5002/"
    )
    assert (mirror.host, mirror.password) == ("127.0.0.1:5002", PUBLIC_PASSWORD)
    assert fake.operations() == ["GetAuthorizationToken", "GetAuthorizationToken"]


def test_the_token_is_stored_and_recorded(fake: FakeEcrPublic) -> None:
    result = log_in(registries(), use_cache=False, helper=False, registry_url=None)
    assert (result.auth.host, result.location.kind, result.mapping) == (
        "public.ecr.aws",
        "config.json",
        None,
    )
    stored = base64.b64decode(read_docker_config()["auths"]["public.ecr.aws"]["auth"]).decode()
    assert stored == f"AWS:{PUBLIC_PASSWORD}"
    assert read_records()["public.ecr.aws"]["region"] == "us-east-1"


def test_the_helper_serves_ecr_public_and_a_mapped_address(fake: FakeEcrPublic) -> None:
    public = log_in(registries(), use_cache=False, helper=True, registry_url=None)
    assert (public.location.kind, public.mapping) == ("helper", None)
    mirror = log_in(registries(), use_cache=False, helper=True, registry_url="127.0.0.1:5002")
    assert mirror.mapping == RegistryMapping("127.0.0.1:5002", "", "us-east-1", public=True)
    assert load_config().registries == {"127.0.0.1:5002": mirror.mapping}
    assert read_docker_config()["credHelpers"] == {
        "public.ecr.aws": "ecrctl",
        "127.0.0.1:5002": "ecrctl",
    }
    assert "auths" not in read_docker_config()
    assert read_records() == {}  # a helper login of ECR Public is not recorded
