"""docker-credential-ecrctl: the protocol, the import budget of a cache hit,
and fetching through moto_server when the cache has nothing."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ecrctl.distribution.hosts import server_host
from ecrctl.login import cache as tokencache
from ecrctl.login import helper as credhelper
from ecrctl.login.mappings import RegistryMapping, save_mapping
from tests.conftest import ACCOUNT
from tests.login_support import (  # noqa: F401 - fixture
    HELPER,
    MOTO_PASSWORD,
    ecr_host,
    fresh_keyring,
    seed_token,
)

HEAVY = ("boto3", "botocore", "click", "rich", "docker", "requests", "urllib3")


def helper(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [HELPER, *args], input=stdin, capture_output=True, text=True, timeout=60, check=False
    )


def get_in_a_new_interpreter(server: str) -> tuple[int, str, list[str]]:
    """The helper's ``get`` of ``server``, run in a new interpreter: its exit code, its
    answer, and the HEAVY modules it loaded."""
    code = (
        "import io, json, sys\nfrom ecrctl.login import helper as credhelper\n"
        f"out = io.StringIO()\ncode = credhelper.run(['get'], io.StringIO({server!r}), out)\n"
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})\n"
        "print(json.dumps([code, out.getvalue(), heavy]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    code, answer, heavy = json.loads(done.stdout)
    return int(code), str(answer), list(heavy)


def test_get_answers_from_the_cache() -> None:
    seed_token("cached-secret")
    done = helper("get", stdin=f"https://{ecr_host()}\n")
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout) == {
        "ServerURL": ecr_host(),
        "Username": "AWS",
        "Secret": "cached-secret",
    }


def test_cache_hit_imports_nothing_heavy_and_calls_no_aws() -> None:
    seed_token("cached-secret")
    # without boto3/botocore loaded no AWS call can have been made
    code, answer, heavy = get_in_a_new_interpreter(ecr_host())
    assert code == 0 and "cached-secret" in answer
    assert heavy == []


def test_deferred_import_still_works_after_a_hit() -> None:
    seed_token("cached-secret")
    out = io.StringIO()
    assert credhelper.get_credential(ecr_host(), out) == 0
    import urllib.request

    assert callable(urllib.request.urlopen)
    assert type(sys.modules["urllib.request"]).__name__ == "module"


def test_get_fetches_through_aws_on_a_miss(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", moto_url)
    done = helper("get", stdin=ecr_host())
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["Secret"] == MOTO_PASSWORD


def test_mapped_host_uses_its_account_region_and_endpoint(moto_url: str) -> None:
    save_mapping(
        RegistryMapping("127.0.0.1:5999", "111111111111", "us-east-1", endpoint_url=moto_url)
    )
    done = helper("get", stdin="127.0.0.1:5999")
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout) == {
        "ServerURL": "127.0.0.1:5999",
        "Username": "AWS",
        "Secret": "111111111111-auth-token",
    }


def test_mapped_profile_is_used(moto_url: str) -> None:
    save_mapping(
        RegistryMapping(
            "127.0.0.1:5999", ACCOUNT, "us-east-1", profile="prod", endpoint_url=moto_url
        )
    )
    done = helper("get", stdin="127.0.0.1:5999")
    assert done.returncode != 0
    assert (
        "AWS profile 'prod' (from the mapping of 127.0.0.1:5999 in ecrctl's config) is not in"
        in done.stdout
    )
    aws = Path(os.environ["AWS_CONFIG_FILE"])
    aws.parent.mkdir(parents=True, exist_ok=True)
    aws.write_text("[profile prod]\naws_access_key_id = AKIAPROD\naws_secret_access_key = x\n")
    assert helper("get", stdin="127.0.0.1:5999").returncode == 0


@pytest.mark.parametrize(
    "server",
    ["docker.io", "https://ghcr.io/v2/", "127.0.0.1:5000", "123.dkr.ecr.us-east-1.amazonaws.com"],
)
def test_other_hosts_are_not_found(server: str) -> None:
    done = helper("get", stdin=server)
    assert (done.returncode, done.stdout) == (1, "credentials not found in native keychain\n")


def test_store_succeeds_and_stores_nothing() -> None:
    payload = json.dumps({"ServerURL": ecr_host(), "Username": "AWS", "Secret": "typed-secret"})
    done = helper("store", stdin=payload)
    assert done.returncode == 0
    assert tokencache.open_cache().entries() == []
    import keyring

    assert keyring.get_password("ecrctl", ecr_host()) is None
    home = Path(os.environ["HOME"])
    assert not any(
        "typed-secret" in p.read_text(errors="replace") for p in home.rglob("*") if p.is_file()
    )


def test_erase_drops_the_cached_token() -> None:
    seed_token("cached-secret")
    seed_token("other-secret", account="222222222222")
    done = helper("erase", stdin=ecr_host())
    assert done.returncode == 0
    assert [e.account for e in tokencache.open_cache().entries()] == ["222222222222"]


def test_list_names_mapped_and_cached_hosts() -> None:
    seed_token("cached-secret")
    save_mapping(RegistryMapping("127.0.0.1:5999", ACCOUNT, "us-east-1"))
    done = helper("list")
    assert json.loads(done.stdout) == {ecr_host(): "AWS", "127.0.0.1:5999": "AWS"}


def test_version_and_bad_usage() -> None:
    assert helper("version").stdout.startswith("docker-credential-ecrctl (ecrctl) ")
    bad = helper("fetch")
    assert bad.returncode == 1 and "unknown action 'fetch'" in bad.stderr
    assert helper().returncode == 1


def test_fetch_failure_is_one_line_on_stdout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("ECRCTL_MAX_ATTEMPTS", "1")
    done = helper("get", stdin=ecr_host())
    assert done.returncode == 1
    assert done.stdout.startswith("ecrctl: error: cannot reach the AWS endpoint")
    assert len(done.stdout.splitlines()) == 1
    assert "Traceback" not in done.stderr


# -- every host form --------------------------------------------------------------------

PRIVATE_FORMS = [
    # (host docker names, region, partition's API endpoint for the token; None: botocore's)
    (f"{ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com", "us-west-2", None),
    (
        f"{ACCOUNT}.dkr.ecr-fips.us-east-1.amazonaws.com",
        "us-east-1",
        "ecr-fips.us-east-1.amazonaws.com",
    ),
    (f"{ACCOUNT}.dkr-ecr.us-west-2.on.aws", "us-west-2", "ecr.us-west-2.api.aws"),
    (f"{ACCOUNT}.dkr-ecr-fips.us-west-2.on.aws", "us-west-2", "ecr-fips.us-west-2.api.aws"),
    (f"{ACCOUNT}.dkr-ecr.us-gov-east-1.on.aws", "us-gov-east-1", "ecr.us-gov-east-1.api.aws"),
    (
        f"{ACCOUNT}.dkr.ecr-fips.us-gov-west-1.amazonaws.com",
        "us-gov-west-1",
        "ecr-fips.us-gov-west-1.amazonaws.com",
    ),
    (f"{ACCOUNT}.dkr.ecr.cn-north-1.amazonaws.com.cn", "cn-north-1", None),
    (
        f"{ACCOUNT}.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn",
        "cn-north-1",
        "ecr.cn-north-1.api.amazonwebservices.com.cn",
    ),
    (f"{ACCOUNT}.dkr.ecr.us-iso-east-1.c2s.ic.gov", "us-iso-east-1", None),
    (f"{ACCOUNT}.dkr.ecr.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1", None),
    (f"{ACCOUNT}.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk", "eu-isoe-west-1", None),
    (f"{ACCOUNT}.dkr.ecr.us-isof-south-1.csp.hci.ic.gov", "us-isof-south-1", None),
    (f"{ACCOUNT}.dkr.ecr.eusc-de-east-1.amazonaws.eu", "eusc-de-east-1", None),
]

# botocore's own endpoint for each region, where the host does not name one
DEFAULT_API = {
    "us-west-2": "api.ecr.us-west-2.amazonaws.com",
    "cn-north-1": "api.ecr.cn-north-1.amazonaws.com.cn",
    "us-iso-east-1": "api.ecr.us-iso-east-1.c2s.ic.gov",
    "us-isob-east-1": "api.ecr.us-isob-east-1.sc2s.sgov.gov",
    "eu-isoe-west-1": "api.ecr.eu-isoe-west-1.cloud.adc-e.uk",
    "us-isof-south-1": "api.ecr.us-isof-south-1.csp.hci.ic.gov",
    "eusc-de-east-1": "api.ecr.eusc-de-east-1.amazonaws.eu",
}


@pytest.mark.parametrize(("host", "region", "api"), PRIVATE_FORMS)
def test_every_private_form_is_answered_for_the_host_docker_named(
    host: str, region: str, api: str | None
) -> None:
    seed_token(
        f"secret-{region}", region=region, host=host, endpoint=f"https://{api}" if api else None
    )
    done = helper("get", stdin=f"https://{host.upper()}:443/v2/")
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout) == {
        "ServerURL": host,
        "Username": "AWS",
        "Secret": f"secret-{region}",
    }


@pytest.mark.parametrize(("host", "region", "api"), PRIVATE_FORMS)
def test_every_private_form_asks_its_region_partition_and_api_endpoint(
    host: str, region: str, api: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real HTTPS proxy on loopback records where botocore went, and refuses."""
    from tests.public_support import ConnectRecorder, serving

    proxy = ConnectRecorder()
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    monkeypatch.setenv("ECRCTL_MAX_ATTEMPTS", "1")
    with serving(proxy.server):
        done = helper("get", stdin=host)
    assert done.returncode == 1
    assert done.stdout.startswith("ecrctl: error: "), done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    assert f"{api or DEFAULT_API[region]}:443" in proxy.targets, proxy.targets


def test_a_made_up_region_is_not_an_ecr_host() -> None:
    done = helper("get", stdin=f"{ACCOUNT}.dkr.ecr.xx-fake-9.amazonaws.com")
    assert (done.returncode, done.stdout) == (1, credhelper.NOT_FOUND + "\n")


# -- ECR Public ---------------------------------------------------------------------------


@pytest.fixture
def ecr_public(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    from tests.public_support import FakeEcrPublic, serving

    fake = FakeEcrPublic()
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR_PUBLIC", fake.url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", moto_url)
    with serving(fake.server):
        yield fake


@pytest.mark.parametrize("server", ["public.ecr.aws", "https://ecr-public.aws.com/v2/"])
def test_public_hosts_get_ecr_publics_token_then_the_cached_one(
    ecr_public: Any, server: str
) -> None:
    from tests.public_support import PUBLIC_PASSWORD

    host = server_host(server)
    for _ in range(2):
        done = helper("get", stdin=server)
        assert done.returncode == 0, done.stdout + done.stderr
        assert json.loads(done.stdout) == {
            "ServerURL": host,
            "Username": "AWS",
            "Secret": PUBLIC_PASSWORD,
        }
    assert ecr_public.operations() == ["GetAuthorizationToken"]  # the second from the cache


def test_public_host_without_a_token_lets_docker_pull_anonymously(ecr_public: Any) -> None:
    from tests.public_support import access_denied

    ecr_public.answers["GetAuthorizationToken"] = access_denied
    done = helper("get", stdin="public.ecr.aws")
    assert (done.returncode, done.stdout) == (1, credhelper.NOT_FOUND + "\n")
    assert "pulling public images from public.ecr.aws needs no login" in done.stderr
    assert "sts:GetServiceBearerToken" in done.stderr
    assert "Traceback" not in done.stderr


# -- expected failures answer in the protocol ---------------------------------------------


def test_get_with_a_closed_stdin_is_not_found() -> None:
    done = subprocess.run(
        f"exec {HELPER} get <&-", shell=True, capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout, done.stderr) == (1, credhelper.NOT_FOUND + "\n", "")


def test_a_broken_config_file_is_one_error_line(tmp_path: Path) -> None:
    from ecrctl.login.mappings import config_path

    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text("[registries.\n")
    done = helper("get", stdin=ecr_host())
    assert done.returncode == 2
    assert done.stdout.startswith("ecrctl: error: ecrctl config file ")
    assert "is not valid TOML" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


@pytest.mark.parametrize(
    "server", ["public.ecr.aws", f"{ACCOUNT}.dkr-ecr-fips.us-gov-east-1.on.aws"]
)
def test_cache_hits_of_other_forms_import_nothing_heavy(ecr_public: Any, server: str) -> None:
    from ecrctl.distribution.hosts import parse_ecr_host

    parsed = parse_ecr_host(server)
    if parsed is None:
        assert helper("get", stdin=server).returncode == 0  # fetched once, then cached
    else:
        seed_token("s", region=parsed.region, host=server, endpoint=parsed.api_endpoint())
    code, answer, heavy = get_in_a_new_interpreter(server)
    assert (code, heavy) == (0, []), answer


@pytest.mark.usefixtures("kernel_cache")
@pytest.mark.parametrize("store", ["kernel", "file"])
def test_the_installed_helpers_hit_loads_no_heavy_module(
    store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real console script, unchanged: a sitecustomize on PYTHONPATH records
    ``sys.modules`` as it exits. No botocore, requests, docker, rich, click or
    keyring, and no D-Bus either where there is no session bus."""
    from tests.login.cache_support import heavy, modules_at_exit

    monkeypatch.setenv("ECRCTL_TOKEN_CACHE", store)
    seed_token("cached-secret")
    done, modules = modules_at_exit(tmp_path, [HELPER, "get"], ecr_host())
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["Secret"] == "cached-secret"
    assert "ecrctl.login.helper" in modules
    assert heavy(modules) == []
    assert "jeepney" not in modules
