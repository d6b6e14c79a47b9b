"""``ecrctl login``, ``login status`` and ``logout``: in-process against moto,
and end to end against moto_server, the Debian docker-registry and a real
dockerd driven by the docker CLI."""

from __future__ import annotations

import base64
import json
import os
import shutil
import stat
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ecrctl import paths
from ecrctl.login import cache as tokencache
from tests.conftest import ACCOUNT, DockerBackends, Runner
from tests.login_support import (  # noqa: F401 - fixture
    BIN,
    ECRCTL,
    MOTO_PASSWORD,
    ecr_host,
    fresh_keyring,
    install_vault,
    seed_token,
    use_keyring_backend,
)
from tests.support.docker import push_pull, run
from tests.support.files import read_docker_config, stored_password, write_docker_config

HOST = ecr_host()


# -- in-process, moto ----------------------------------------------------------------


@pytest.mark.usefixtures("moto", "fresh_tokens")
class TestLogin:
    def test_stores_in_config_json_and_reports_without_secret(self, cli: Runner) -> None:
        write_docker_config({"auths": {"ghcr.io": {"auth": "eDp5"}}, "detachKeys": "ctrl-e"})
        result = cli("login")
        assert result.exit_code == 0, result.stderr
        assert stored_password(HOST) == MOTO_PASSWORD
        assert read_docker_config()["auths"]["ghcr.io"] == {"auth": "eDp5"}
        assert read_docker_config()["detachKeys"] == "ctrl-e"
        header, *rows = [line.split() for line in result.stdout.splitlines() if line.strip()]
        assert header == ["HOST", "CREDENTIAL", "EXPIRES"]
        assert rows[-1][0] == HOST and "(12" in rows[-1] and "left)" in rows[-1]
        assert "stored unencrypted" in result.stderr  # no credential store: said
        status = cli("login", "status").stdout.splitlines()
        assert any(HOST in line and "(expired)" not in line for line in status), status
        for text in (result.stdout, result.stderr):
            assert MOTO_PASSWORD not in text
        mode = stat.S_IMODE(paths.docker_config_file().stat().st_mode)
        assert mode == 0o600

    def test_json_output_shape(self, cli: Runner) -> None:
        data = cli("login", "--registry-id", "111111111111", "-o", "json").json
        [done] = data["done"]
        assert data == {
            "complete": True,
            "done": [done],
            "failed": [],
            "notAttempted": [],
            "unknown": [],
        }
        assert done["id"] == ecr_host("111111111111")
        entry = done["detail"]
        assert entry == {
            "registryId": "111111111111",
            "host": ecr_host("111111111111"),
            "proxyEndpoint": f"https://{ecr_host('111111111111')}",
            "storedIn": "config.json auths",
            "expiresAt": entry["expiresAt"],
            "hoursLeft": entry["hoursLeft"],
            "cached": False,
        }
        assert datetime.fromisoformat(entry["expiresAt"]) > datetime.now(UTC)
        assert 11.9 <= entry["hoursLeft"] <= 12

    def test_several_registries_and_global_registry_id(self, cli: Runner) -> None:
        result = cli(
            "--registry-id", "111111111111", "login", "--registry-id", "222222222222", "-o", "json"
        )
        assert [e["detail"]["registryId"] for e in result.json["done"]] == [
            "111111111111",
            "222222222222",
        ]
        assert stored_password(ecr_host("222222222222")) == "222222222222-auth-token"

    def test_print_password_prints_only_the_password(self, cli: Runner) -> None:
        result = cli("login", "--print-password")
        assert result.stdout == MOTO_PASSWORD + "\n"
        assert not paths.docker_config_file().exists()

    def test_print_password_with_other_actions_is_usage_error(self, cli: Runner) -> None:
        result = cli("login", "--print-password", "--helper")
        assert result.exit_code == 2
        assert not paths.docker_config_file().exists()

    def test_cache_hit_and_no_cache(self, cli: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
        seed_token("cached-secret")
        assert cli("login", "--print-password").stdout == "cached-secret\n"
        assert cli("login", "--print-password", "--no-cache").stdout == MOTO_PASSWORD + "\n"
        monkeypatch.setenv("ECRCTL_NO_CACHE", "1")
        assert cli("login", "--print-password").stdout == MOTO_PASSWORD + "\n"

    @pytest.mark.parametrize("bad", ["12", "abcdefghijkl", "1234567890123", "12345678901 "])
    def test_malformed_registry_id_changes_nothing(self, cli: Runner, bad: str) -> None:
        result = cli("login", "--registry-id", bad)
        assert result.exit_code == 2
        assert result.stderr.startswith(f"ecrctl: error: invalid registry id {bad!r}")
        assert not paths.docker_config_file().exists()

    def test_registry_url_with_several_registries_is_refused(self, cli: Runner) -> None:
        result = cli(
            "login",
            "--registry-id",
            "111111111111",
            "--registry-id",
            "222222222222",
            "--registry-url",
            "127.0.0.1:5000",
        )
        assert result.exit_code == 2 and "names one address" in result.stderr
        assert not paths.docker_config_file().exists()

    @pytest.mark.parametrize("helper", [False, True], ids=["store", "helper"])
    def test_a_host_of_another_region_is_recorded_with_its_region(
        self, cli: Runner, monkeypatch: pytest.MonkeyPatch, helper: bool
    ) -> None:
        monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
        host = ecr_host(region="us-west-2")
        result = cli("login", "--registry-url", host, *["--helper"] * helper, "-o", "json")
        assert result.exit_code == 0, result.stderr
        assert result.json["done"][0]["detail"]["host"] == host
        from ecrctl.login.workflow import read_records

        assert read_records()[host]["region"] == "us-west-2"
        rows = {r["host"]: r for r in cli("login", "status", "-o", "json").json}
        assert (rows[host]["registryId"], rows[host]["region"]) == (ACCOUNT, "us-west-2")

    def test_corrupt_docker_config_is_left_untouched(self, cli: Runner) -> None:
        path = write_docker_config({})
        path.write_text('{"auths": {')
        result = cli("login")
        assert result.exit_code == 2
        assert f"the docker config {path} is not valid JSON" in result.stderr
        assert path.read_text() == '{"auths": {'

    def test_ecr_helper_host_gets_nothing_stored(self, cli: Runner) -> None:
        path = write_docker_config({"credHelpers": {HOST: "ecr-login"}})
        before = path.read_text()
        result = cli("login")
        assert result.exit_code == 0
        assert f"docker-credential-ecr-login serves {HOST}: nothing stored" in result.stderr
        assert path.read_text() == before

    def test_helper_writes_cred_helpers_and_mapping(self, cli: Runner) -> None:
        aws = Path(os.environ["AWS_CONFIG_FILE"])
        aws.parent.mkdir(parents=True, exist_ok=True)
        aws.write_text("[profile dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = x\n")
        result = cli("login", "--helper", "--registry-url", "127.0.0.1:5999", "--profile", "dev")
        assert result.exit_code == 0, result.stderr
        data = read_docker_config()
        assert data == {"credHelpers": {"127.0.0.1:5999": "ecrctl"}}
        from ecrctl.login.mappings import load_config

        mapping = load_config().mapping_for("127.0.0.1:5999")
        assert mapping is not None
        assert (mapping.account, mapping.region, mapping.profile, mapping.endpoint_url) == (
            ACCOUNT,
            "us-east-1",
            "dev",
            None,
        )
        assert MOTO_PASSWORD not in paths.docker_config_file().read_text()

    def test_helper_for_plain_ecr_host_needs_no_mapping(self, cli: Runner) -> None:
        assert cli("login", "--helper").exit_code == 0
        assert read_docker_config()["credHelpers"] == {HOST: "ecrctl"}
        from ecrctl.login.mappings import config_path

        assert not config_path().exists()

    def test_raising_keyring_still_logs_in(
        self, cli: Runner, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        use_keyring_backend(monkeypatch, "tests.raising_keyring.RaisingKeyring")
        result = cli("login")
        assert result.exit_code == 0
        assert "ecrctl: warning: the keyring failed" in result.stderr
        assert stored_password(HOST) == MOTO_PASSWORD

    def test_verify_names_an_unreachable_docker_host(
        self, cli: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/none.sock")
        result = cli("login", "--verify")
        assert result.exit_code == 1
        assert f"cannot reach the Docker Engine at unix://{tmp_path}/none.sock" in result.stderr
        assert not paths.docker_config_file().exists()


@pytest.mark.usefixtures("moto")
def test_an_expired_token_is_refused_and_an_expired_login_marked(cli: Runner) -> None:
    """moto's own tokens expired in 2015: no login mode stores or prints one (exit 1,
    one line, the docker config untouched); a login whose token has expired since
    is marked in login status."""
    from ecrctl.aws.clients import Aws
    from ecrctl.login.token import RegistryAuth
    from ecrctl.login.workflow import login, records_path

    before = {"auths": {"ghcr.io": {"auth": "eDp5"}}}
    write_docker_config(before)
    for mode in ([], ["--helper"], ["--print-password"], ["-o", "json"]):
        result = cli("login", *mode)
        assert (result.exit_code, result.stdout) == (1, ""), (mode, result.stderr)
        assert result.stderr == (
            f"ecrctl: error: the token ECR issued for {HOST} had expired when it arrived "
            "(2015-01-01 00:00 UTC; ECR's tokens last 12 hours): refused, nothing stored; "
            "check this machine's clock (timedatectl), and that the endpoint is ECR's API "
            "(--endpoint-url, AWS_ENDPOINT_URL_ECR)\n"
        ), mode
        assert read_docker_config() == before
        assert not records_path().exists()
    hours_ago = datetime.now(UTC) - timedelta(hours=1)
    auth = RegistryAuth(ACCOUNT, HOST, f"https://{HOST}", "AWS", MOTO_PASSWORD, hours_ago)
    login(Aws(), [auth], helper=False)  # logged in 13 hours ago
    status = cli("login", "status").stdout.splitlines()
    assert any(HOST in line and "(expired)" in line for line in status), status


@pytest.mark.usefixtures("moto", "fresh_tokens")
class TestLogoutAndStatus:
    def test_logout_defaults_to_what_ecrctl_logged_in(self, cli: Runner) -> None:
        write_docker_config({"auths": {"ghcr.io": {"auth": "eDp5"}, ecr_host("999999999999"): {}}})
        logins = ("--registry-id", "111111111111", "--registry-id", "222222222222")
        assert cli("login", *logins, "--no-cache").exit_code == 0
        seed_token("cached", account="111111111111")
        result = cli("logout", "-o", "json")
        assert result.exit_code == 0
        assert {r["host"] for r in result.json} == {
            ecr_host("111111111111"),
            ecr_host("222222222222"),
        }
        assert sum(r["cachedTokensDropped"] for r in result.json) == 1
        assert set(read_docker_config()["auths"]) == {"ghcr.io", ecr_host("999999999999")}
        assert tokencache.open_cache().entries() == []
        again = cli("logout")
        assert again.exit_code == 0 and "ecrctl has no login to undo" in again.stderr

    def test_logout_does_what_its_help_and_the_readme_say(self, cli: Runner) -> None:
        """A credential docker login stored is erased too, and the cached tokens of the
        host's registry go, another host's of that registry included."""
        stored_by_docker = base64.b64encode(b"AWS:from-docker-login").decode()
        write_docker_config({"auths": {HOST: {"auth": stored_by_docker}, "ghcr.io": {}}})
        seed_token("cached", host="127.0.0.1:5998")  # the same registry through a mirror
        result = cli("logout", HOST, "-o", "json")
        assert result.json == [
            {
                "host": HOST,
                "erasedFrom": "config.json auths",
                "helperEntryKept": False,
                "cachedTokensDropped": 1,
            }
        ]
        assert read_docker_config() == {"auths": {"ghcr.io": {}}}
        assert tokencache.open_cache().entries() == []
        said = " ".join(cli("logout", "--help").stdout.split())
        for claim in (
            "Erase docker's credential for each HOST, and ecrctl's cached tokens",
            "whoever stored it",
            "the cached tokens of the host's registry (its account and region)",
            "stays, and nothing is erased for it, unless --helper",
        ):
            assert claim in said, claim
        readme = (Path(__file__).parents[2] / "README.md").read_text()
        [line] = [line for line in readme.splitlines() if line.startswith("$ ecrctl logout")]
        assert "erases docker's credential and the cached tokens" in line

    def test_logout_named_host_and_helper_entries(self, cli: Runner) -> None:
        cli("login", "--helper", "--registry-url", "127.0.0.1:5999")
        kept = cli("logout", "http://127.0.0.1:5999/")
        assert "still uses the credential helper" in kept.stderr
        assert read_docker_config()["credHelpers"] == {"127.0.0.1:5999": "ecrctl"}
        gone = cli("logout", "--helper", "127.0.0.1:5999", "-o", "json")
        assert gone.json[0]["erasedFrom"].startswith("credHelpers: docker-credential-ecrctl")
        assert "credHelpers" not in read_docker_config()
        from ecrctl.login.mappings import load_config

        assert load_config().registries == {}

    def test_status_lists_docker_and_cache_hosts(self, cli: Runner) -> None:
        write_docker_config(
            {
                "auths": {"ghcr.io": {"auth": "eDp5"}, HOST: {"auth": "QVdTOng="}},
                "credHelpers": {ecr_host("333333333333", "eu-west-1"): "ecr-login"},
            }
        )
        seed_token("cached", account="222222222222", host=ecr_host("222222222222"))
        rows = {r["host"]: r for r in cli("login", "status", "-o", "json").json}
        assert set(rows) == {HOST, ecr_host("222222222222"), ecr_host("333333333333", "eu-west-1")}
        assert rows[HOST]["storedIn"] == "config.json auths"
        assert rows[ecr_host("222222222222")]["cached"] is True
        assert rows[ecr_host("222222222222")]["storedIn"] == "not in docker"
        assert rows[ecr_host("333333333333", "eu-west-1")]["region"] == "eu-west-1"
        assert rows[ecr_host("333333333333", "eu-west-1")]["storedIn"].startswith(
            "credHelpers: docker-credential-ecr-login"
        )
        table = cli("login", "status").stdout
        assert table.splitlines()[0].split() == [
            "HOST",
            "ACCOUNT",
            "REGION",
            "CREDENTIAL",
            "EXPIRES",
            "CACHED",
            "PROFILE",
        ]
        assert "cached" not in table.replace("CACHED", "")  # no secret, only metadata


# -- end to end: moto_server + docker-registry + dockerd + docker CLI ------------------


@pytest.fixture
def e2e(
    moto_url: str, docker_env: DockerBackends, monkeypatch: pytest.MonkeyPatch
) -> DockerBackends:
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", moto_url)
    monkeypatch.setenv("PATH", f"{BIN}{os.pathsep}{os.environ['PATH']}")
    return docker_env


@pytest.mark.services
def test_e2e_login_push_pull_logout(e2e: DockerBackends) -> None:
    done = run(ECRCTL, "login", "--registry-url", e2e.registry)
    assert done.returncode == 0, done.stderr
    assert e2e.password not in done.stdout + done.stderr
    assert stored_password(e2e.registry) == e2e.password
    pulled = push_pull(e2e.registry, e2e.image, "e2e/store")
    assert pulled.returncode == 0, pulled.stderr
    assert run(ECRCTL, "logout").returncode == 0
    assert e2e.registry not in read_docker_config().get("auths", {})
    failed = run("docker", "push", f"{e2e.registry}/e2e/store:1")
    assert failed.returncode != 0
    assert "no basic auth credentials" in failed.stderr or "unauthorized" in failed.stderr


@pytest.mark.services
def test_e2e_helper_path(e2e: DockerBackends, moto_url: str) -> None:
    done = run(ECRCTL, "login", "--helper", "--registry-url", e2e.registry)
    assert done.returncode == 0, done.stderr
    data = read_docker_config()
    assert data["credHelpers"] == {e2e.registry: "ecrctl"}
    assert e2e.password not in paths.docker_config_file().read_text()
    # docker runs docker-credential-ecrctl get
    pulled = push_pull(e2e.registry, e2e.image, "e2e/helper")
    assert pulled.returncode == 0, pulled.stderr
    # docker login/logout for the host work with the helper (store/erase succeed)
    assert (
        run(
            "docker",
            "login",
            "--username",
            "AWS",
            "--password-stdin",
            e2e.registry,
            input=e2e.password,
        ).returncode
        == 0
    )
    assert run("docker", "logout", e2e.registry).returncode == 0
    assert run(ECRCTL, "logout", "--helper").returncode == 0
    assert "credHelpers" not in read_docker_config()
    failed = run("docker", "push", f"{e2e.registry}/e2e/helper:1")
    assert failed.returncode != 0


@pytest.mark.services
def test_e2e_no_secret_in_any_child_argv_or_environment(
    e2e: DockerBackends, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    strace = shutil.which("strace")
    assert strace, "strace is needed (apt-get install strace)"
    vault = install_vault(tmp_path, monkeypatch)
    write_docker_config({"credsStore": "testvault"})
    trace = tmp_path / "trace"
    done = run(
        strace,
        "-f",
        "-qq",
        "-v",
        "-s",
        "100000",
        "-e",
        "trace=execve",
        "-o",
        str(trace),
        ECRCTL,
        "login",
        "--verify",
        "--registry-url",
        e2e.registry,
    )
    assert done.returncode == 0, done.stderr
    assert f"verified: the Docker Engine logged in to {e2e.registry}" in done.stderr
    text = trace.read_text()
    assert "docker-credential-testvault" in text  # a child ran, and strace saw it
    encoded = base64.b64encode(f"AWS:{e2e.password}".encode()).decode()
    assert e2e.password not in text and encoded not in text
    stored = json.loads((vault / "stored.json").read_text())
    assert stored == {"ServerURL": e2e.registry, "Username": "AWS", "Secret": e2e.password}
    assert read_docker_config() == {"credsStore": "testvault", "auths": {e2e.registry: {}}}
    assert stat.S_IMODE(paths.docker_config_file().stat().st_mode) == 0o600
    # docker reads it back through the store
    pulled = push_pull(e2e.registry, e2e.image, "e2e/vault")
    assert pulled.returncode == 0, pulled.stderr


@pytest.mark.services
def test_e2e_debug_output_redacts_the_token(e2e: DockerBackends) -> None:
    done = run(ECRCTL, "--debug", "login", "--registry-url", e2e.registry)
    assert done.returncode == 0
    assert "GetAuthorizationToken" in done.stderr or "authorizationToken" in done.stderr
    encoded = base64.b64encode(f"AWS:{e2e.password}".encode()).decode()
    assert e2e.password not in done.stderr and encoded not in done.stderr
    assert "not caching the token" not in done.stderr  # the emulator's token lasts 12 h


@pytest.mark.services
def test_e2e_verify_reports_a_rejected_credential(e2e: DockerBackends) -> None:
    write_docker_config({"auths": {"ghcr.io": {}}})
    before = paths.docker_config_file().read_text()
    done = run(
        ECRCTL, "login", "--verify", "--registry-id", "111111111111", "--registry-url", e2e.registry
    )
    assert done.returncode == 1
    assert f"the registry {e2e.registry} rejected the credential" in done.stderr
    assert paths.docker_config_file().read_text() == before


@pytest.mark.services
def test_e2e_two_concurrent_logins_keep_both(
    moto_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", moto_url)
    procs = [
        subprocess.Popen(
            [ECRCTL, "login", "--registry-id", rid, "-q"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for rid in ("111111111111", "222222222222")
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    auths = read_docker_config()["auths"]
    assert {ecr_host("111111111111"), ecr_host("222222222222")} <= set(auths)
