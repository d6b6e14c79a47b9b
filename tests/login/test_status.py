"""``login status``: every ECR or mapped host the docker config, the login records and
the token cache know of, whose registry it is, where its credential lives, when it
expires and whether a fresh token is cached; never a secret."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ecrctl.login import cache as tokencache
from ecrctl.login.mappings import RegistryMapping, save_mapping
from ecrctl.login.status import StatusRow, status
from ecrctl.login.workflow import log_in
from tests.conftest import REGION
from tests.login_support import ecr_host, fresh_keyring, seed_token  # noqa: F401 - fixture
from tests.support.aws import own_registries
from tests.support.files import write_docker_config

HOST = ecr_host()


def rows() -> dict[str, StatusRow]:
    return {row.host: row for row in status(own_registries(), tokencache.open_cache())}


def test_nothing_known_is_no_row() -> None:
    write_docker_config({"auths": {"ghcr.io": {"auth": "eDp5"}}})
    assert rows() == {}


def test_each_source_of_a_host_is_a_row() -> None:
    helper_host = ecr_host("333333333333", "eu-west-1")
    write_docker_config({"auths": {HOST: {"auth": "QVdTOng="}}, "credHelpers": {helper_host: "x"}})
    seed_token("cached", account="222222222222", host=ecr_host("222222222222"))
    save_mapping(RegistryMapping("127.0.0.1:5999", "444444444444", "ap-south-1", profile="dev"))
    found = rows()
    assert set(found) == {HOST, ecr_host("222222222222"), helper_host, "127.0.0.1:5999"}
    assert (found[HOST].stored_in, found[HOST].cached) == ("config.json auths", False)
    assert (found[HOST].registry_id, found[HOST].region) == ("123456789012", REGION)
    cached = found[ecr_host("222222222222")]
    assert (cached.stored_in, cached.cached) == ("not in docker", True)
    assert cached.expires_at is not None and cached.to_json()["hoursLeft"] == 12.0
    assert found[helper_host].stored_in == "credHelpers: docker-credential-x"
    mapped = found["127.0.0.1:5999"]
    assert (mapped.registry_id, mapped.region, mapped.profile) == (
        "444444444444",
        "ap-south-1",
        "dev",
    )


@pytest.mark.parametrize("key", [f"https://{HOST}", f"https://{HOST}/v1/", f"{HOST}:443"])
def test_an_auths_key_written_with_a_scheme_or_path_is_the_host(key: str) -> None:
    write_docker_config({"auths": {key: {"auth": "QVdTOng="}}})
    [row] = rows().values()
    assert (row.host, row.stored_in) == (HOST, "config.json auths")


def test_a_token_past_half_its_life_is_not_fresh() -> None:
    seed_token("old", account="222222222222", issued_ago=timedelta(hours=7))
    [row] = rows().values()
    assert row.cached is False
    assert row.expires_at is not None and row.to_json()["hoursLeft"] == 5.0


@pytest.mark.usefixtures("moto", "fresh_tokens")
def test_a_login_shows_its_record_and_no_secret() -> None:
    [done] = log_in(
        own_registries(), [], registry_url=None, use_cache=False, helper=False, verify=False
    )
    [row] = status(own_registries(), tokencache.open_cache())
    assert row.to_json() == {
        "host": HOST,
        "registryId": "123456789012",
        "region": REGION,
        "storedIn": "config.json auths",
        "expiresAt": done.auth.expires_at,
        "hoursLeft": row.to_json()["hoursLeft"],
        "cached": False,
        "profile": None,
    }
    assert "auth-token" not in repr(row)
