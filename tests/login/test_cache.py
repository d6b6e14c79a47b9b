"""The token cache: freshness rules with an injected clock, the keyring and
index split, identities, and the NullCache cases."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ecrctl.login import cache as tokencache
from ecrctl.login.cache import CachedToken, CacheKey, Identity, KeyringCache
from tests.login_support import fresh_keyring, use_keyring_backend  # noqa: F401 - fixture

T0 = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
KEY = CacheKey("aws", "123456789012", "us-east-1", "arn:aws:iam::123456789012:user/dev")


def token(password: str = "s3cret-value", lifetime: timedelta = timedelta(hours=12)) -> CachedToken:
    return CachedToken("AWS", password, "https://x", T0 + lifetime, T0, host="h.example")


def test_token_is_reused_until_half_its_lifetime() -> None:
    cache = tokencache.open_cache()
    assert cache.put(KEY, token(), now=T0)
    assert cache.get(KEY, now=T0 + timedelta(hours=5, minutes=59)).password == "s3cret-value"
    assert cache.get(KEY, now=T0 + timedelta(hours=6)) is None


def test_token_is_never_served_after_expiry_even_with_clock_skew() -> None:
    # the local clock ran ahead when it was fetched: its half-life lies after its expiry
    skewed = CachedToken("AWS", "pw", "https://x", T0 + timedelta(hours=2), T0 + timedelta(hours=3))
    cache = tokencache.open_cache()
    assert cache.put(KEY, skewed, now=T0)
    assert cache.get(KEY, now=T0 + timedelta(hours=1)) is not None
    assert cache.get(KEY, now=T0 + timedelta(hours=2)) is None


def test_already_expired_token_is_not_cached(caplog: pytest.LogCaptureFixture) -> None:
    cache = tokencache.open_cache()
    caplog.set_level("DEBUG", logger="ecrctl.cache")
    assert cache.put(KEY, token(lifetime=timedelta(hours=1)), now=T0 + timedelta(hours=2)) is False
    assert cache.get(KEY, now=T0) is None
    assert "ECR says it expired at 2030-01-01T13:00:00+00:00" in caplog.text


def test_secret_is_in_the_keyring_and_not_in_the_index() -> None:
    import keyring

    cache = tokencache.open_cache()
    cache.put(KEY, token(), now=T0)
    stored = json.loads(keyring.get_password("ecrctl", KEY.name))
    assert stored["password"] == "s3cret-value"
    index = tokencache.index_path()
    assert "s3cret-value" not in index.read_text()
    assert stat.S_IMODE(index.stat().st_mode) == 0o600
    [entry] = cache.entries()
    assert (entry.key, entry.host, entry.expires_at) == (
        KEY.name,
        "h.example",
        T0 + timedelta(hours=12),
    )
    assert entry.refresh_at == T0 + timedelta(hours=6)


def test_identity_is_remembered_per_source_with_a_ttl() -> None:
    cache = tokencache.open_cache()
    me = Identity("arn:aws:iam::123456789012:user/dev", "123456789012")
    cache.remember_identity("src-a", me)
    assert cache.identity("src-a") == me
    assert cache.identity("src-b") is None
    assert cache.identity("src-a", now=datetime.now(UTC) + timedelta(hours=13)) is None


@pytest.mark.parametrize(
    ("region", "partition"),
    [
        ("us-east-1", "aws"),
        ("cn-north-1", "aws-cn"),
        ("us-gov-west-1", "aws-us-gov"),
        ("us-iso-east-1", "aws-iso"),
        ("us-isob-east-1", "aws-iso-b"),
    ],
)
def test_partition_of_region(region: str, partition: str) -> None:
    assert tokencache.partition_of(region) == partition


def test_no_cache_flag_and_env_give_a_null_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    assert tokencache.open_cache(disabled=True).reason == "the token cache is off (--no-cache)"
    monkeypatch.setenv("ECRCTL_NO_CACHE", "yes")
    null = tokencache.open_cache()
    assert not null.usable and "ECRCTL_NO_CACHE" in null.reason
    assert null.put(KEY, token(), now=T0) is False
    assert null.get(KEY, now=T0) is None


def test_fail_backend_gives_a_null_cache_explained_in_debug(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG", logger="ecrctl.cache")
    use_keyring_backend(monkeypatch, "keyring.backends.fail.Keyring")
    monkeypatch.setenv("ECRCTL_TOKEN_CACHE", "keyring")  # the OS keyring or nothing
    cache = tokencache.open_cache()
    assert not cache.usable
    assert "no usable keyring backend" in cache.reason
    assert "no usable keyring backend" in caplog.text


def test_raising_keyring_turns_the_cache_off_with_one_warning() -> None:
    from tests.raising_keyring import RaisingKeyring

    warnings: list[str] = []
    cache = KeyringCache(RaisingKeyring(), warn=warnings.append)
    assert cache.get(KEY, now=T0) is None
    assert cache.put(KEY, token(), now=T0) is False
    assert len(warnings) == 1 and "the keyring daemon went away" in warnings[0]
    assert not cache.usable


def test_unreadable_keyring_value_is_dropped() -> None:
    import keyring

    keyring.set_password("ecrctl", KEY.name, "{not json")
    cache = tokencache.open_cache()
    assert cache.get(KEY, now=T0) is None
    assert keyring.get_password("ecrctl", KEY.name) is None


def test_drop_where_removes_secret_and_index_entry() -> None:
    import keyring

    cache = tokencache.open_cache()
    other = CacheKey("aws", "222222222222", "us-east-1", "p")
    cache.put(KEY, token(), now=T0)
    cache.put(other, token("other-pw"), now=T0)
    dropped = cache.drop_where(lambda e: e.account != "123456789012")
    assert [e.key for e in dropped] == [KEY.name]
    assert keyring.get_password("ecrctl", KEY.name) is None
    assert [e.account for e in cache.entries()] == ["222222222222"]


def test_corrupt_index_is_started_afresh() -> None:
    index = tokencache.index_path()
    index.parent.mkdir(parents=True)
    index.write_text("][")
    cache = tokencache.open_cache()
    assert cache.entries() == []
    cache.put(KEY, token(), now=T0)
    assert [e.key for e in cache.entries()] == [KEY.name]


# -- where the secrets go -------------------------------------------------------------


@pytest.mark.usefixtures("kernel_cache")
def test_a_refused_keyring_backend_falls_back_to_the_kernel_and_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_keyring_backend(monkeypatch, "keyrings.alt.file.PlaintextKeyring")
    cache = tokencache.open_cache()
    assert (cache.usable, cache.kind) == (True, "kernel")
    assert cache.reason.startswith(
        "the keyring backend keyrings.alt.file.PlaintextKeyring does not keep secrets in an "
        "OS store: tokens are cached in the kernel keyring"
    )
    assert cache.put(KEY, token(), now=T0)
    assert cache.get(KEY, now=T0).password == "s3cret-value"


@pytest.mark.usefixtures("kernel_cache")
def test_a_keyring_that_cannot_start_is_a_warning_and_the_kernel_serves(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.no_such_module.Keyring")
    code = "from ecrctl.login import cache\nprint(cache.open_cache().kind)\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout == "kernel\n", done.stderr
    [warning] = done.stderr.splitlines()
    assert warning.startswith("ecrctl: warning: keyring could not start (ModuleNotFoundError: ")
    assert warning.endswith(
        "; tokens are cached in the kernel keyring (this user's keyring @u, in kernel memory "
        "only) instead"
    )


@pytest.mark.parametrize(
    ("variable", "config", "kind", "reason"),
    [
        ("off", None, "none", "the token cache is off (ECRCTL_TOKEN_CACHE)"),
        (None, "off", "none", "the token cache is off (token_cache in ecrctl's config)"),
        ("kernel", "off", "kernel", ""),
        ("Kernel", None, "kernel", ""),
        (None, "file", "file", ""),
        ("keyring", "kernel", "keyring", ""),
    ],
)
def test_the_variable_wins_over_the_config_file(
    variable: str | None,
    config: str | None,
    kind: str,
    reason: str,
    kernel_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ecrctl.login.mappings import config_path

    use_keyring_backend(monkeypatch, "tests.store_keyring.StoreKeyring")
    if variable is not None:
        monkeypatch.setenv("ECRCTL_TOKEN_CACHE", variable)
    if config is not None:
        config_path().parent.mkdir(parents=True, exist_ok=True)
        config_path().write_text(f'token_cache = "{config}"\n')
    cache = tokencache.open_cache()
    assert (cache.kind, cache.reason) == (kind, reason)


def test_a_bad_setting_is_refused_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from ecrctl.errors import InvalidInput
    from ecrctl.login.mappings import config_path

    monkeypatch.setenv("ECRCTL_TOKEN_CACHE", "disk")
    with pytest.raises(InvalidInput) as bad:
        tokencache.open_cache()
    assert bad.value.one_line() == (
        "ECRCTL_TOKEN_CACHE 'disk' is not a token cache; use one of auto, keyring, kernel, "
        "file, off (see docs/login.md#the-token-cache)"
    )
    monkeypatch.delenv("ECRCTL_TOKEN_CACHE")
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text("token_cache = 3\n")
    with pytest.raises(InvalidInput) as bad:
        tokencache.open_cache()
    assert f"{config_path()}: token_cache '3' is not a token cache" in bad.value.message


def test_every_write_drops_expired_tokens_their_secrets_and_old_identities() -> None:
    import keyring

    index = tokencache.index_path()
    index.parent.mkdir(parents=True)
    past = datetime.now(UTC) - timedelta(hours=1)
    stale = CacheKey("aws", "999999999999", "us-east-1", "p")
    keyring.set_password("ecrctl", stale.name, token("stale").to_json())
    record = {
        "key": stale.name, "account": "999999999999", "region": "us-east-1", "principal": "p",
        "host": "h", "expires_at": past.isoformat(), "refresh_at": past.isoformat(),
    }  # fmt: skip
    old = {"Arn": "arn:aws:iam::1:user/old", "Account": "1", "expiresAt": past.isoformat()}
    index.write_text(json.dumps({"tokens": {stale.name: record}, "identities": {"old": old}}))
    cache = tokencache.open_cache()
    assert cache.put(KEY, token(), now=T0)
    data = json.loads(index.read_text())
    assert list(data["tokens"]) == [KEY.name]
    assert data.get("identities", {}) == {}
    assert keyring.get_password("ecrctl", stale.name) is None
    assert keyring.get_password("ecrctl", KEY.name) is not None
