"""What the token cache files: the key (partition, account, region, principal and a
custom endpoint), the token with its refresh time and JSON form (its secret never in
its repr), and the principal an assumed role's sessions share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ecrctl.login.cache_entries import CachedToken, CacheKey, Identity, principal_of

T0 = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
KEY = CacheKey("aws", "123456789012", "us-east-1", "arn:aws:iam::123456789012:user/dev")


def test_cache_key_name_includes_a_custom_endpoint() -> None:
    assert KEY.name == "aws/123456789012/us-east-1/arn:aws:iam::123456789012:user/dev"
    local = CacheKey("aws", "1", "r", "p", "http://127.0.0.1:5000")
    assert local.name.endswith("@http://127.0.0.1:5000")


@pytest.mark.parametrize(
    ("arn", "principal"),
    [
        ("arn:aws:sts::1:assumed-role/deploy/i-0abc", "arn:aws:sts::1:assumed-role/deploy"),
        ("arn:aws-cn:sts::1:assumed-role/r/s", "arn:aws-cn:sts::1:assumed-role/r"),
        ("arn:aws:iam::1:user/dev", "arn:aws:iam::1:user/dev"),
        ("arn:aws:sts::1:federated-user/bob", "arn:aws:sts::1:federated-user/bob"),
    ],
)
def test_principal_drops_the_role_session_name(arn: str, principal: str) -> None:
    assert principal_of(arn) == principal


def test_an_identity_names_the_principal_its_sessions_share() -> None:
    me = Identity("arn:aws:sts::123456789012:assumed-role/deploy/i-0abc", "123456789012")
    assert me.principal == "arn:aws:sts::123456789012:assumed-role/deploy"


def test_a_token_is_refreshed_half_way_and_never_served_expired() -> None:
    token = CachedToken("AWS", "pw", "https://x", T0 + timedelta(hours=12), T0)
    assert token.refresh_at() == T0 + timedelta(hours=6)
    assert token.fresh(T0 + timedelta(hours=5, minutes=59))
    assert not token.fresh(T0 + timedelta(hours=6))
    skewed = CachedToken("AWS", "pw", "https://x", T0 + timedelta(hours=2), T0 + timedelta(hours=3))
    assert skewed.fresh(T0 + timedelta(hours=1))
    assert not skewed.fresh(T0 + timedelta(hours=2))


def test_a_token_survives_its_json_and_hides_its_secret() -> None:
    token = CachedToken("AWS", "s3cret", "https://x", T0 + timedelta(hours=12), T0, host="h")
    assert CachedToken.from_json(token.to_json()) == token
    assert "s3cret" not in repr(token)
    assert repr(token) == f"CachedToken(host='h', expires_at={T0 + timedelta(hours=12)!r})"


def test_times_without_a_zone_are_utc_and_the_host_may_be_missing() -> None:
    text = (
        '{"username": "AWS", "password": "pw", "proxyEndpoint": "https://x",'
        ' "expiresAt": "2030-01-01T18:00:00", "issuedAt": "2030-01-01T12:00:00"}'
    )
    token = CachedToken.from_json(text)
    assert (token.issued_at, token.expires_at, token.host) == (T0, T0 + timedelta(hours=6), "")
