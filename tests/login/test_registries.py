"""Who serves a registry host: the resolver's answer for every kind of host, and
its "once" rules (config.toml read once, one Aws per side, one token per host),
in-process and on the installed ecrctl and docker-credential-ecrctl."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ecrctl.aws.clients import Aws
from ecrctl.aws.settings import AwsSettings
from ecrctl.errors import InvalidInput
from ecrctl.login.mappings import RegistryMapping, config_path, save_mapping
from ecrctl.login.registries import (
    DOCKER_CONFIG,
    ECR_TOKEN,
    OTHER,
    PRIVATE,
    PUBLIC,
    PUBLIC_TOKEN,
    Registries,
    Registry,
)
from ecrctl.login.token import served_auth
from tests.conftest import REGION, Runner
from tests.distribution.copy_support import (  # noqa: F401 - fixtures
    SECOND,
    CopyEnv,
    copy_env_fixture,
    registries_fixture,
)
from tests.distribution.proxy import Proxy
from tests.login_support import ECRCTL, HELPER

A = "123456789012"
MAPPED, MAPPED_PUBLIC = "127.0.0.1:5996", "127.0.0.1:5997"
# how MAPPED is served with the mapping ``mapped`` saves
MAPPED_SHAPE = (
    PRIVATE,
    ECR_TOKEN,
    MAPPED,
    "111111111111",
    "eu-central-1",
    "aws",
    "http://127.0.0.1:9",
)


@pytest.fixture
def mapped(isolated: Path) -> None:
    save_mapping(
        RegistryMapping(MAPPED, "111111111111", "eu-central-1", endpoint_url="http://127.0.0.1:9")
    )
    save_mapping(RegistryMapping(MAPPED_PUBLIC, "", "us-east-1", public=True))


def shape(served: Registry) -> tuple[Any, ...]:
    """(kind, source, address, account, region, partition, API endpoint)."""
    endpoint_url = served.aws.resolved.endpoint_url if served.aws else None
    return (
        served.kind,
        served.source,
        served.address,
        served.account,
        served.region,
        served.partition,
        endpoint_url,
    )


ANSWERS = [
    # (host, --registry-url, ECRCTL_REGISTRY_URL, written to, the answer's shape)
    (
        f"{A}.dkr.ecr.us-west-2.amazonaws.com",
        None,
        None,
        False,
        (PRIVATE, ECR_TOKEN, f"{A}.dkr.ecr.us-west-2.amazonaws.com", A, "us-west-2", "aws", None),
    ),
    (
        f"{A}.DKR.ECR.EU-WEST-1.AMAZONAWS.COM",
        None,
        None,
        True,
        (PRIVATE, ECR_TOKEN, f"{A}.dkr.ecr.eu-west-1.amazonaws.com", A, "eu-west-1", "aws", None),
    ),
    (
        f"{A}.dkr.ecr.cn-north-1.amazonaws.com.cn",
        None,
        None,
        False,
        (
            PRIVATE,
            ECR_TOKEN,
            f"{A}.dkr.ecr.cn-north-1.amazonaws.com.cn",
            A,
            "cn-north-1",
            "aws-cn",
            None,
        ),
    ),
    (
        f"{A}.dkr.ecr-fips.us-gov-west-1.amazonaws.com",
        None,
        None,
        False,
        (
            PRIVATE,
            ECR_TOKEN,
            f"{A}.dkr.ecr-fips.us-gov-west-1.amazonaws.com",
            A,
            "us-gov-west-1",
            "aws-us-gov",
            "https://ecr-fips.us-gov-west-1.amazonaws.com",
        ),
    ),
    (
        f"{A}.dkr.ecr-fips.us-east-1.amazonaws.com",
        None,
        None,
        True,
        (
            PRIVATE,
            ECR_TOKEN,
            f"{A}.dkr.ecr-fips.us-east-1.amazonaws.com",
            A,
            "us-east-1",
            "aws",
            "https://ecr-fips.us-east-1.amazonaws.com",
        ),
    ),
    (
        f"{A}.dkr-ecr.us-west-2.on.aws",
        None,
        None,
        False,
        (
            PRIVATE,
            ECR_TOKEN,
            f"{A}.dkr-ecr.us-west-2.on.aws",
            A,
            "us-west-2",
            "aws",
            "https://ecr.us-west-2.api.aws",
        ),
    ),
    (
        f"{A}.dkr.ecr.us-iso-east-1.c2s.ic.gov",
        None,
        None,
        False,
        (
            PRIVATE,
            ECR_TOKEN,
            f"{A}.dkr.ecr.us-iso-east-1.c2s.ic.gov",
            A,
            "us-iso-east-1",
            "aws-iso",
            None,
        ),
    ),
    (
        "public.ecr.aws",
        None,
        None,
        False,
        (PUBLIC, DOCKER_CONFIG, "public.ecr.aws", None, "us-east-1", "aws", None),
    ),
    (
        "public.ecr.aws",
        None,
        None,
        True,
        (PUBLIC, PUBLIC_TOKEN, "public.ecr.aws", None, "us-east-1", "aws", None),
    ),
    (
        "https://ecr-public.aws.com/v2/",
        None,
        None,
        True,
        (PUBLIC, PUBLIC_TOKEN, "ecr-public.aws.com", None, "us-east-1", "aws", None),
    ),
    (
        MAPPED,
        None,
        None,
        False,
        MAPPED_SHAPE,
    ),
    (
        MAPPED_PUBLIC,
        None,
        None,
        True,
        (PUBLIC, PUBLIC_TOKEN, MAPPED_PUBLIC, None, "us-east-1", "aws", None),
    ),
    ("localhost:5000", None, None, True, (OTHER, DOCKER_CONFIG, "localhost:5000") + (None,) * 4),
    ("docker.io", None, None, False, (OTHER, DOCKER_CONFIG, "registry-1.docker.io") + (None,) * 4),
    ("ghcr.io", None, None, False, (OTHER, DOCKER_CONFIG, "ghcr.io") + (None,) * 4),
    # the caller's own registry: its address comes with the token unless one is given
    (None, None, None, False, (PRIVATE, ECR_TOKEN, None, None, REGION, "aws", None)),
    (
        None,
        "http://127.0.0.1:5000/",
        None,
        True,
        (PRIVATE, ECR_TOKEN, "127.0.0.1:5000", None, REGION, "aws", None),
    ),
    (
        None,
        None,
        "127.0.0.1:6000",
        False,
        (PRIVATE, ECR_TOKEN, "127.0.0.1:6000", None, REGION, "aws", None),
    ),
    # a host that is the caller's registry address is the caller's registry, unless mapped
    (
        MAPPED,
        MAPPED,
        None,
        False,
        MAPPED_SHAPE,
    ),
    (
        "127.0.0.1:6000",
        None,
        "127.0.0.1:6000",
        False,
        (PRIVATE, ECR_TOKEN, "127.0.0.1:6000", None, REGION, "aws", None),
    ),
    # an unmapped ECR host as that address brings its region, account and endpoint
    (
        None,
        f"https://{A}.dkr-ecr-fips.us-west-2.on.aws/",
        None,
        False,
        (
            PRIVATE,
            ECR_TOKEN,
            f"{A}.dkr-ecr-fips.us-west-2.on.aws",
            A,
            "us-west-2",
            "aws",
            "https://ecr-fips.us-west-2.api.aws",
        ),
    ),
]


@pytest.mark.usefixtures("mapped")
@pytest.mark.parametrize(("host", "flag", "env", "write", "expected"), ANSWERS)
def test_who_serves_each_host(
    host: str | None,
    flag: str | None,
    env: str | None,
    write: bool,
    expected: tuple[Any, ...],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if env:
        monkeypatch.setenv("ECRCTL_REGISTRY_URL", env)
    registries = Registries.of(Aws())
    served = registries.serve(host, registry_url=flag, write=write)
    assert shape(served) == expected


@pytest.mark.usefixtures("mapped")
def test_an_answer_names_its_mapping_parts_and_docker_key() -> None:
    registries = Registries(Aws())
    mapped = registries.serve(MAPPED)
    assert mapped.mapping is not None and mapped.mapping.account == "111111111111"
    assert mapped.parsed is None
    fips = registries.serve(f"{A}.dkr-ecr-fips.us-west-2.on.aws")
    assert fips.parsed is not None and fips.parsed.fips and fips.parsed.dual_stack
    assert fips.mapping is None
    dual = registries.serve("ecr-public.aws.com")
    assert dual.parsed is not None and dual.parsed.public and dual.parsed.dual_stack
    assert registries.serve("index.docker.io").docker_key == "docker.io"
    assert registries.serve("ghcr.io").aws is None


# -- push and pull take private registries only --------------------------------------------


def test_another_accounts_ecr_host_gets_that_registry_and_region() -> None:
    registries = Registries(Aws(AwsSettings(region="us-east-1")))
    served = registries.private("999999999999.dkr.ecr.eu-west-1.amazonaws.com")
    assert served.account == "999999999999"
    assert served.address == "999999999999.dkr.ecr.eu-west-1.amazonaws.com"
    assert served.aws is not None and served.aws.settings.region == "eu-west-1"


def test_a_mapped_host_gets_its_mapping(isolated: object) -> None:
    save_mapping(RegistryMapping("127.0.0.1:5999", "111111111111", "eu-central-1"))
    served = Registries(Aws(AwsSettings())).private("127.0.0.1:5999")
    assert (served.account, served.address, served.region) == (
        "111111111111",
        "127.0.0.1:5999",
        "eu-central-1",
    )


@pytest.mark.parametrize("host", ["example.com", "127.0.0.1:5998"])
def test_other_hosts_are_refused_with_the_docker_hint(host: str) -> None:
    with pytest.raises(InvalidInput, match="not an ECR registry host") as info:
        Registries(Aws(AwsSettings())).private(host)
    assert info.value.exit_code == 2 and host in info.value.one_line()
    assert "use docker for it" in info.value.one_line()


@pytest.mark.parametrize(
    ("host", "public"),
    [
        ("public.ecr.aws", True),
        ("ecr-public.aws.com", True),
        ("PUBLIC.ECR.AWS", True),
        (MAPPED_PUBLIC, True),
        (MAPPED, False),
        ("123456789012.dkr.ecr.us-east-1.amazonaws.com", False),
        ("example.com", False),
        (None, False),
    ],
)
@pytest.mark.usefixtures("mapped")
def test_is_public(host: str | None, public: bool) -> None:
    assert Registries(Aws()).is_public(host) is public


def test_an_ecr_public_host_is_not_taken_for_a_private_registry() -> None:
    with pytest.raises(InvalidInput, match=r"public\.ecr\.aws is ECR Public") as info:
        Registries(Aws(AwsSettings())).private("public.ecr.aws")
    assert info.value.exit_code == 2


# -- once: config.toml, one Aws per side ------------------------------------------------


@pytest.mark.usefixtures("mapped")
def test_config_toml_is_read_once_per_resolver() -> None:
    """Replaced after the first question, the file changes no later answer of the same
    resolver; a new resolver (a new command) reads the new file."""
    registries = Registries(Aws())
    assert registries.serve(MAPPED).account == "111111111111"
    config_path().write_text(
        f'[registries."{MAPPED}"]\naccount = "222222222222"\nregion = "eu-west-1"\n'
        '[registries."127.0.0.1:5995"]\naccount = "333333333333"\nregion = "eu-west-1"\n'
    )
    assert registries.serve(MAPPED, write=True).account == "111111111111"
    assert registries.serve("127.0.0.1:5995").kind == OTHER
    assert registries.is_public(MAPPED_PUBLIC)
    fresh = Registries(Aws())
    assert fresh.serve(MAPPED).account == "222222222222"
    assert fresh.serve("127.0.0.1:5995").kind == PRIVATE
    assert not fresh.is_public(MAPPED_PUBLIC)


@pytest.mark.usefixtures("mapped")
def test_one_aws_per_profile_region_account_and_endpoint() -> None:
    caller = Aws(AwsSettings(region="eu-central-1", registry_id="111111111111"))
    registries = Registries(caller)
    fips = f"{A}.dkr.ecr-fips.us-east-1.amazonaws.com"
    read, written = registries.serve(fips), registries.serve(fips, write=True)
    assert read.aws is written.aws
    assert registries.serve(None, registry_url=fips).aws is read.aws  # the same side
    assert registries.serve(fips.upper()).aws is read.aws
    # the caller's own settings are the caller's own Aws
    same = registries.serve("111111111111.dkr.ecr.eu-central-1.amazonaws.com")
    assert same.aws is caller
    assert registries.serve(None).aws is caller
    # ECR Public: one side for the token, read or written, plain or dual-stack
    assert registries.serve("public.ecr.aws").aws is registries.public().aws
    assert registries.serve("ecr-public.aws.com", write=True).aws is registries.public().aws
    # another endpoint is another side
    assert registries.serve(MAPPED).aws is not registries.serve(None).aws


# -- tokens of the caller's registry given by address -------------------------------------


@pytest.mark.usefixtures("moto")
def test_registry_url_overrides_the_host(monkeypatch: pytest.MonkeyPatch) -> None:
    aws = Aws(AwsSettings(region=REGION))
    registries = Registries.of(aws)
    own = registries.serve(None, registry_url="http://127.0.0.1:5000/")
    assert served_auth(registries, own).host == "127.0.0.1:5000"
    monkeypatch.setenv("ECRCTL_REGISTRY_URL", "127.0.0.1:6000")
    registries = Registries.of(aws)
    assert served_auth(registries, registries.serve(None)).host == "127.0.0.1:6000"


@pytest.mark.usefixtures("moto")
def test_a_named_host_gets_its_own_regions_and_accounts_token() -> None:
    """--registry-url naming an ECR host: the token comes from that region and
    account, and docker is logged in to the host as named."""
    host = "111111111111.dkr.ecr.eu-west-1.amazonaws.com"
    registries = Registries(Aws(AwsSettings(region=REGION)))
    auth = served_auth(registries, registries.serve(None, registry_url=f"https://{host}/"))
    assert auth.host == host
    assert auth.registry_id == "111111111111"
    assert auth.password == "111111111111-auth-token"
    assert auth.proxy_endpoint == "https://111111111111.dkr.ecr.eu-west-1.amazonaws.com"


@pytest.mark.usefixtures("moto")
def test_a_named_dual_stack_host_stays_dual_stack(monkeypatch: pytest.MonkeyPatch) -> None:
    # a configured endpoint wins over the host's dual-stack one (in-process moto answers it)
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", "https://api.ecr.us-west-2.amazonaws.com")
    host = "111111111111.dkr-ecr.us-west-2.on.aws"
    registries = Registries(Aws(AwsSettings(region=REGION)))
    auth = served_auth(registries, registries.serve(None, registry_url=host))
    assert auth.host == host
    assert auth.proxy_endpoint == "https://111111111111.dkr.ecr.us-west-2.amazonaws.com"


# -- once, for real: the installed commands ----------------------------------------------


def config_opens(*command: str, stdin: str = "") -> tuple[subprocess.CompletedProcess[str], int]:
    """Run ``command`` under strace; how many times it opened config.toml."""
    trace = config_path().parent / "strace.txt"
    strace = ["strace", "-f", "-qq", "-s", "4096", "-e", "trace=open,openat,openat2"]
    done = subprocess.run(
        [*strace, "-o", str(trace), *command],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    opened = [line for line in trace.read_text().splitlines() if str(config_path()) in line]
    return done, len(opened)


@pytest.fixture
def ecr_api(copy_env: CopyEnv, moto_url: str) -> Iterator[Proxy]:
    """A counting proxy in front of moto's ECR API, the endpoint of both mappings."""
    with Proxy(moto_url.split("://", 1)[1]) as proxy:
        copy_env.config.write_text("")
        copy_env.map_host(copy_env.a.host, endpoint_url=f"http://{proxy.host}")
        copy_env.map_host(copy_env.b.host, second=True, endpoint_url=f"http://{proxy.host}")
        yield proxy


def token_requests(proxy: Proxy) -> int:
    """How many GetAuthorizationToken requests went through ``proxy``."""
    targets = [h.get("X-Amz-Target", "") for _, _, h in proxy.counters.sent]
    return sum(target.endswith(".GetAuthorizationToken") for target in targets)


@pytest.mark.services
def test_a_copy_reads_config_toml_once(copy_env: CopyEnv, ecr_api: Proxy) -> None:
    a, b = copy_env.a, copy_env.b
    src, dst, _ = copy_env.image_to_copy("1")
    done, opens = config_opens(ECRCTL, "image", "copy", f"{a.host}/{src}:1", f"{b.host}/{dst}:1")
    assert done.returncode == 0, done.stderr
    assert opens == 1
    assert b.tags(dst) == ["1"]


def test_the_credential_helper_reads_config_toml_once(moto_url: str) -> None:
    save_mapping(RegistryMapping("127.0.0.1:5999", SECOND, "eu-west-1", endpoint_url=moto_url))
    done, opens = config_opens(HELPER, "get", stdin="127.0.0.1:5999")
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["Secret"] == f"{SECOND}-auth-token"
    assert opens == 1


@pytest.mark.services
def test_one_token_per_ecr_host_per_command(
    copy_env: CopyEnv, ecr_api: Proxy, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the token cache to hide a second request: a copy within one registry
    asks one token for it; a copy between two asks one for each."""
    monkeypatch.setenv("ECRCTL_NO_CACHE", "1")
    a, b = copy_env.a, copy_env.b
    src, dst, _ = copy_env.image_to_copy("1")
    within = cli("image", "copy", f"{a.host}/{src}:1", f"{a.host}/{src}:2")
    assert within.exit_code == 0, within.stderr
    assert token_requests(ecr_api) == 1
    ecr_api.reset()
    across = cli("image", "copy", f"{a.host}/{src}:1", f"{b.host}/{dst}:1")
    assert across.exit_code == 0, across.stderr
    assert token_requests(ecr_api) == 2
    assert b.tags(dst) == ["1"] and a.tags(src) == ["1", "2"]
