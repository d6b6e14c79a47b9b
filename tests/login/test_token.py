"""Registry credentials: ECR host parsing, token decoding, and the tokens of the
caller's registry through the token cache, against moto's in-process ECR and STS
(tokens of named hosts: tests/login/test_registries.py)."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import pytest

from ecrctl.aws.clients import Aws
from ecrctl.aws.settings import AwsSettings
from ecrctl.errors import AuthError
from ecrctl.login import cache as tokencache
from ecrctl.login.registries import Registries
from ecrctl.login.token import (
    EcrHost,
    RegistryAuth,
    decode_token,
    parse_ecr_host,
    registry_auths,
    server_host,
)
from tests.conftest import ACCOUNT, REGION
from tests.login_support import (  # noqa: F401 - fixture
    MOTO_PASSWORD,
    credential_source,
    ecr_host,
    fresh_keyring,
    seed_token,
    use_keyring_backend,
)

A = "123456789012"


@pytest.mark.parametrize(
    ("server", "expected"),
    [
        (f"{A}.dkr.ecr.us-east-1.amazonaws.com", EcrHost(A, "us-east-1", False, "aws")),
        (f"https://{A}.dkr.ecr.us-east-1.amazonaws.com", EcrHost(A, "us-east-1", False, "aws")),
        (f"https://{A}.dkr.ecr.eu-west-1.amazonaws.com/v2/", EcrHost(A, "eu-west-1", False, "aws")),
        (f"{A}.dkr.ecr.eu-west-1.amazonaws.com:443", EcrHost(A, "eu-west-1", False, "aws")),
        (f"{A}.dkr.ecr-fips.us-east-1.amazonaws.com", EcrHost(A, "us-east-1", True, "aws")),
        (
            f"{A}.dkr.ecr-fips.us-gov-west-1.amazonaws.com",
            EcrHost(A, "us-gov-west-1", True, "aws-us-gov"),
        ),
        (
            f"{A}.dkr.ecr.us-gov-east-1.amazonaws.com",
            EcrHost(A, "us-gov-east-1", False, "aws-us-gov"),
        ),
        (f"{A}.dkr.ecr.cn-north-1.amazonaws.com.cn", EcrHost(A, "cn-north-1", False, "aws-cn")),
        (
            f"{A}.dkr.ecr.cn-northwest-1.amazonaws.com.cn",
            EcrHost(A, "cn-northwest-1", False, "aws-cn"),
        ),
        (f"{A}.dkr.ecr.ap-southeast-5.amazonaws.com", EcrHost(A, "ap-southeast-5", False, "aws")),
        (f"{A}.DKR.ECR.US-EAST-1.AMAZONAWS.COM", EcrHost(A, "us-east-1", False, "aws")),
        (
            "137112412989.dkr.ecr.us-west-2.amazonaws.com",
            EcrHost("137112412989", "us-west-2", False, "aws"),
        ),
        # not ECR hosts
        ("docker.io", None),
        ("127.0.0.1:5000", None),
        ("", None),
        (f"{A}.dkr.ecr.us-east-1.amazonaws.com.evil.example", None),
        (f"evil.example/{A}.dkr.ecr.us-east-1.amazonaws.com", None),
        ("12345678901.dkr.ecr.us-east-1.amazonaws.com", None),  # 11 digits
        ("1234567890123.dkr.ecr.us-east-1.amazonaws.com", None),  # 13 digits
        (f"{A}.dkr.ecr.us-east-1.amazonaws.com.cn", None),  # .cn outside China
        (f"{A}.dkr.ecr.cn-north-1.amazonaws.com", None),  # China without .cn
        (f"{A}.dkr.ecr.amazonaws.com", None),  # no region
        (f"{A}.dkr.ecr.us_east_1.amazonaws.com", None),
        (f"{A}.dkr.ecr-gov.us-east-1.amazonaws.com", None),
        (f"{A}.dkr.ecr.us-east-1.amazonaws.com:5000", None),
        (f"x{A}.dkr.ecr.us-east-1.amazonaws.com", None),
        (f"{A}.ecr.us-east-1.amazonaws.com", None),
        (f"{A}.dkr.ecr.us-east-1.on.aws.example", None),
    ],
)
def test_parse_ecr_host(server: str, expected: EcrHost | None) -> None:
    assert parse_ecr_host(server) == expected


@pytest.mark.parametrize(
    ("server", "host"),
    [
        ("https://h.example:5000/v2/", "h.example:5000"),
        ("http://127.0.0.1:5000", "127.0.0.1:5000"),
        ("  h.example/path \n", "h.example"),
        ("h.example:443", "h.example"),
        ("h.example", "h.example"),
    ],
)
def test_server_host_drops_scheme_path_and_default_port(server: str, host: str) -> None:
    assert server_host(server) == host


def test_decode_token_splits_on_the_first_colon_only() -> None:
    token = base64.b64encode(b"AWS:pass:with:colons").decode()
    assert decode_token(token) == ("AWS", "pass:with:colons")


@pytest.mark.parametrize(
    "raw",
    ["not base64!", base64.b64encode(b"nocolon").decode(), base64.b64encode(b":nouser").decode()],
)
def test_decode_token_rejects_malformed_tokens(raw: str) -> None:
    with pytest.raises(AuthError):
        decode_token(raw)


pytestmark_moto = pytest.mark.usefixtures("moto")


def _app(**settings: Any) -> Aws:
    return Aws(AwsSettings(region=REGION, **settings))


def registry_auth(
    aws: Aws, registry_id: str | None = None, *, use_cache: bool = True
) -> RegistryAuth:
    """One token of the caller's side, as a command asks the resolver for it."""
    registries = Registries.of(aws)
    own = registries.serve(None)
    return registry_auths(registries, own, [registry_id or own.account], use_cache=use_cache)[0]


@pytestmark_moto
def test_caller_registry_from_ecr_and_expired_token_not_cached() -> None:
    auth = registry_auth(_app())
    assert (auth.registry_id, auth.host, auth.username) == (ACCOUNT, ecr_host(), "AWS")
    assert auth.password == MOTO_PASSWORD
    assert auth.from_cache is False
    # moto's token expired in 2015: it must not be cached, but the identity is remembered
    cache = tokencache.open_cache()
    assert cache.entries() == []
    source = credential_source()
    assert cache.identity(source) == tokencache.Identity(
        arn=f"arn:aws:sts::{ACCOUNT}:user/moto", account=ACCOUNT
    )


@pytestmark_moto
def test_fresh_cached_token_is_used_without_fetching() -> None:
    seed_token("cached-secret")
    auth = registry_auth(_app())
    assert auth.password == "cached-secret"
    assert auth.from_cache is True
    assert auth.host == ecr_host()
    assert "cached-secret" not in repr(auth)


@pytestmark_moto
def test_token_past_half_life_is_refreshed() -> None:
    seed_token("stale-secret", issued_ago=timedelta(hours=7), lifetime=timedelta(hours=12))
    auth = registry_auth(_app())
    assert auth.password == MOTO_PASSWORD
    assert auth.from_cache is False


@pytestmark_moto
def test_expired_cached_token_is_refreshed() -> None:
    seed_token("expired-secret", issued_ago=timedelta(hours=13), lifetime=timedelta(hours=12))
    assert registry_auth(_app()).password == MOTO_PASSWORD


@pytestmark_moto
def test_use_cache_false_ignores_the_cache() -> None:
    seed_token("cached-secret")
    assert registry_auth(_app(), use_cache=False).password == MOTO_PASSWORD


@pytestmark_moto
def test_no_cache_env_ignores_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    seed_token("cached-secret")
    monkeypatch.setenv("ECRCTL_NO_CACHE", "1")
    assert registry_auth(_app()).password == MOTO_PASSWORD


@pytestmark_moto
def test_cache_is_keyed_by_region_and_account() -> None:
    seed_token("us-secret")
    other_region = Aws(AwsSettings(region="eu-west-1"))
    assert registry_auth(other_region).password == MOTO_PASSWORD
    assert registry_auth(_app(), "111111111111").password == "111111111111-auth-token"


@pytestmark_moto
def test_assumed_role_sessions_share_the_cached_token() -> None:
    role = f"arn:aws:sts::{ACCOUNT}:assumed-role/deploy/session-1"
    key = seed_token("role-secret", arn=role)
    assert key.principal == f"arn:aws:sts::{ACCOUNT}:assumed-role/deploy"
    # a later session of the same role (another session name) hits the same key
    cache = tokencache.open_cache()
    other = tokencache.principal_of(f"arn:aws:sts::{ACCOUNT}:assumed-role/deploy/session-2")
    hit = cache.get(tokencache.CacheKey("aws", ACCOUNT, REGION, other))
    assert hit is not None and hit.password == "role-secret"


@pytestmark_moto
def test_several_registries_in_order_with_cache_hits_and_misses() -> None:
    seed_token("cached-222", account="222222222222")
    registries = Registries(_app())
    own = registries.serve(None)
    auths = registry_auths(registries, own, ["111111111111", "222222222222", None])
    assert [a.registry_id for a in auths] == ["111111111111", "222222222222", ACCOUNT]
    assert [a.password for a in auths] == [
        "111111111111-auth-token",
        "cached-222",
        MOTO_PASSWORD,
    ]
    assert [a.from_cache for a in auths] == [False, True, False]


@pytestmark_moto
def test_raising_keyring_works_uncached_with_one_warning(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_keyring_backend(monkeypatch, "tests.raising_keyring.RaisingKeyring")
    auth = registry_auth(_app())
    assert auth.password == MOTO_PASSWORD
    err = capsys.readouterr().err
    assert err.count("ecrctl: warning: the keyring failed") == 1
    assert "working without the token cache" in err


@pytestmark_moto
def test_locked_keyring_works_uncached_silently(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_keyring_backend(monkeypatch, "tests.raising_keyring.LockedKeyring")
    assert registry_auth(_app()).password == MOTO_PASSWORD
    assert "warning" not in capsys.readouterr().err
