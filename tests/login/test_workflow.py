"""Logging docker in and out, against moto's ECR: the token stored where the docker CLI
looks (or the credential helper named), each login recorded without its secret, and a
logout that undoes what was recorded; the engine's refusal of a credential."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ecrctl import paths
from ecrctl.errors import AuthError, EcrctlError, InvalidInput
from ecrctl.login import cache as tokencache
from ecrctl.login.mappings import load_config
from ecrctl.login.workflow import (
    LoginReport,
    hours_left,
    log_in,
    logout,
    read_records,
    records_path,
)
from tests.conftest import REGION, DockerBackends
from tests.login_support import (  # noqa: F401 - fixture
    MOTO_PASSWORD,
    ecr_host,
    fresh_keyring,
    seed_token,
)
from tests.support.aws import own_registries
from tests.support.files import read_docker_config, stored_password

HOST = ecr_host()
OTHER = ecr_host("111111111111")

pytestmark = pytest.mark.usefixtures("moto", "fresh_tokens")


def test_hours_left_is_rounded_to_a_tenth() -> None:
    now = datetime(2030, 1, 1, tzinfo=UTC)
    assert hours_left(now + timedelta(hours=11, minutes=58), now) == 12.0
    assert hours_left(now - timedelta(minutes=30), now) == -0.5


def test_login_stores_each_token_and_records_it_without_the_secret() -> None:
    report = LoginReport()
    results = log_in(
        own_registries(),
        ["", "111111111111"],
        registry_url=None,
        use_cache=True,
        helper=False,
        verify=False,
        report=report,
    )
    assert [r.auth.host for r in results] == [HOST, OTHER]
    assert stored_password(HOST) == MOTO_PASSWORD
    assert stored_password(OTHER) == "111111111111-auth-token"
    assert [(i.key, i.status) for i in report.items] == [(HOST, "done"), (OTHER, "done")]
    assert report.unfinished() == []
    records = read_records()
    assert records[OTHER] == {
        "registryId": "111111111111",
        "region": REGION,
        "storedIn": "config.json",
        "program": None,
        "expiresAt": records[OTHER]["expiresAt"],
        "profile": None,
    }
    assert datetime.fromisoformat(records[OTHER]["expiresAt"]) > datetime.now(UTC)
    assert MOTO_PASSWORD not in records_path().read_text()
    assert results[0].to_json()["storedIn"] == "config.json auths"


def test_a_login_again_with_the_same_token_rewrites_no_file() -> None:
    """A login served again from the cache changes neither docker's config nor the
    login records: nothing is written (no temp file, no fsync, the inodes kept)."""
    registries = own_registries()

    def files() -> list[tuple[int, int]]:
        found = (paths.docker_config_file().stat(), records_path().stat())
        return [(st.st_ino, st.st_mtime_ns) for st in found]

    log_in(registries, [], registry_url=None, use_cache=True, helper=False, verify=False)
    before = files()
    [again] = log_in(registries, [], registry_url=None, use_cache=True, helper=False, verify=False)
    assert again.auth.host == HOST and stored_password(HOST) == MOTO_PASSWORD
    assert files() == before
    assert read_records()[HOST]["storedIn"] == "config.json"


@pytest.mark.usefixtures("kernel_cache")
def test_the_installed_login_on_a_hit_loads_only_what_it_needs(tmp_path: Path) -> None:
    """``ecrctl login`` served from the kernel keyring, piped: the real console script,
    its ``sys.modules`` recorded as it exits. No AWS SDK, HTTP client, rich (a piped
    table is laid out without it) or keyring, and none of the standard library a hit
    does not use (logging, tempfile, subprocess, traceback)."""
    from tests.login.cache_support import heavy, modules_at_exit
    from tests.login_support import ECRCTL

    seed_token("cached-secret")
    done, modules = modules_at_exit(tmp_path, [ECRCTL, "login"], "")
    assert done.returncode == 0, done.stdout + done.stderr
    assert stored_password(HOST) == "cached-secret"
    assert "ecrctl.login.workflow" in modules
    assert [m for m in heavy(modules) if not m.startswith("click")] == []  # click: the CLI
    assert {"logging", "tempfile", "subprocess", "traceback", "jeepney"} & modules == set()


def test_login_with_the_helper_names_it_and_maps_an_address_it_could_not_place() -> None:
    [plain] = log_in(
        own_registries(), [], registry_url=None, use_cache=True, helper=True, verify=False
    )
    assert (plain.location.kind, plain.mapping) == ("helper", None)
    [mapped] = log_in(
        own_registries(),
        [],
        registry_url="127.0.0.1:5999",
        use_cache=True,
        helper=True,
        verify=False,
    )
    assert read_docker_config()["credHelpers"] == {HOST: "ecrctl", "127.0.0.1:5999": "ecrctl"}
    assert "auths" not in read_docker_config()
    assert mapped.mapping is not None
    assert load_config().registries["127.0.0.1:5999"] == mapped.mapping
    assert (mapped.mapping.account, mapped.mapping.region) == ("123456789012", REGION)


def test_one_address_for_several_registries_is_refused_before_any_call() -> None:
    with pytest.raises(InvalidInput, match="names one address but 2 registries were given"):
        log_in(
            own_registries(),
            ["111111111111", "222222222222"],
            registry_url="127.0.0.1:5999",
            use_cache=True,
            helper=False,
            verify=False,
        )
    assert not paths.docker_config_file().exists()
    assert read_records() == {}


def test_logout_undoes_every_recorded_login_and_drops_its_tokens() -> None:
    log_in(
        own_registries(),
        ["", "111111111111"],
        registry_url=None,
        use_cache=False,  # the one cached token is the seeded one
        helper=False,
        verify=False,
    )
    seed_token("cached", account="111111111111")
    cache = tokencache.open_cache()
    results = logout(own_registries(), [], helper_entry=False, cache=cache)
    assert {r.host: r.cached_tokens_dropped for r in results} == {OTHER: 1, HOST: 0}
    assert all(r.erased_from == "config.json auths" for r in results)
    assert read_docker_config().get("auths", {}) == {}
    assert read_records() == {}
    assert cache.entries() == []
    assert logout(own_registries(), [], helper_entry=False, cache=cache) == []


def test_logout_keeps_a_helper_entry_unless_told_to_remove_it() -> None:
    log_in(
        own_registries(),
        [],
        registry_url="127.0.0.1:5999",
        use_cache=True,
        helper=True,
        verify=False,
    )
    cache = tokencache.open_cache()
    [kept] = logout(own_registries(), ["http://127.0.0.1:5999/"], helper_entry=False, cache=cache)
    assert (kept.host, kept.helper_entry_kept, kept.erased_from) == ("127.0.0.1:5999", True, None)
    assert read_docker_config()["credHelpers"] == {"127.0.0.1:5999": "ecrctl"}
    assert "127.0.0.1:5999" in read_records()
    [gone] = logout(own_registries(), ["127.0.0.1:5999"], helper_entry=True, cache=cache)
    assert gone.erased_from is not None and gone.erased_from.startswith("credHelpers: ")
    assert "credHelpers" not in read_docker_config()
    assert load_config().registries == {}
    assert read_records() == {}


def test_nothing_is_stored_when_the_state_dir_cannot_be_written(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "state-is-a-file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    with pytest.raises(EcrctlError, match=r"cannot write in .*/state-is-a-file/ecrctl: "):
        log_in(own_registries(), [], registry_url=None, use_cache=True, helper=False, verify=False)
    assert not paths.docker_config_file().exists()


@pytest.mark.services
def test_login_verify_rejected_names_the_doctor(docker_env: DockerBackends, tmp_path: Path) -> None:
    from ecrctl.login.token import RegistryAuth
    from ecrctl.login.workflow import verify_with_engine

    auth = RegistryAuth(
        "123456789012", docker_env.registry, "https://x", "AWS", "wrong", datetime.now(UTC)
    )
    with pytest.raises(AuthError) as info:
        verify_with_engine([auth])
    assert info.value.one_line().endswith("nothing was stored; to see why: ecrctl doctor")
