"""The token cache's index file: identities and token entries, written atomically,
with everything expired dropped on each write."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from ecrctl.login.cache_entries import CacheEntry, Identity, now_utc
from ecrctl.login.cache_index import Index, prune


def entry(key: str, hours: float) -> CacheEntry:
    expires = now_utc() + timedelta(hours=hours)
    return CacheEntry(
        key, "123456789012", "us-east-1", "role/ci", "h", expires, expires - timedelta(hours=1)
    )


def test_a_remembered_identity_is_read_back_until_it_expires(tmp_path: Path) -> None:
    index = Index(tmp_path / "index.json")
    index.remember("env:AKIA", Identity("arn:aws:iam::123456789012:role/ci", "123456789012"))
    assert index.identity("env:AKIA", now_utc()) == Identity(
        "arn:aws:iam::123456789012:role/ci", "123456789012"
    )
    assert index.identity("env:AKIA", now_utc() + timedelta(hours=13)) is None
    assert index.identity("profile:other", now_utc()) is None


def test_entries_are_recorded_sorted_and_forgotten(tmp_path: Path) -> None:
    index = Index(tmp_path / "index.json")
    index.record(entry("b", 5))
    index.record(entry("a", 5))
    assert [e.key for e in index.entries()] == ["a", "b"]
    index.forget("a")
    assert [e.key for e in index.entries()] == ["b"]


def test_a_write_drops_what_has_expired_and_names_the_tokens(tmp_path: Path) -> None:
    path = tmp_path / "index.json"
    stale = entry("old", -1)
    record = stale._asdict()
    record["expires_at"] = stale.expires_at.isoformat()
    record["refresh_at"] = stale.refresh_at.isoformat()
    gone = (now_utc() - timedelta(minutes=1)).isoformat()
    identities = {"env:OLD": {"Arn": "a", "Account": "1", "expiresAt": gone}}
    path.write_text(json.dumps({"tokens": {"old": record}, "identities": identities}))
    assert Index(path).record(entry("new", 5)) == ["old"]
    data = json.loads(path.read_text())
    assert list(data["tokens"]) == ["new"] and data["identities"] == {}


def test_prune_drops_records_it_cannot_read() -> None:
    data = {"tokens": {"junk": {"key": "junk"}}, "identities": {"x": {"no": "time"}}}
    assert prune(data, now_utc()) == ["junk"]
    assert data == {"tokens": {}, "identities": {}}


def test_an_unreadable_index_starts_afresh(tmp_path: Path) -> None:
    path = tmp_path / "index.json"
    path.write_text("[not an object")
    assert Index(path).read() == {}
    path.write_text("[1, 2]")
    assert Index(path).read() == {}
    assert Index(tmp_path / "missing.json").entries() == []
