"""Moving blobs between two real docker-registry servers: streamed and verified when
the destination lacks them, skipped when it has them, mounted within one registry,
each (destination, digest) once per run; a source whose bytes do not match their
digest is never committed."""

from __future__ import annotations

import os

import pytest

from ecrctl.distribution.blobs import BlobEvent, BlobMover, Route
from ecrctl.distribution.blobsource import SourceError
from tests.distribution.copy_support import (  # noqa: F401 - fixture
    Registries,
    registries_fixture,
    wire_clients,
)
from tests.support.names import unique


def test_a_blob_is_copied_once_then_found(registries: Registries) -> None:
    a, b = wire_clients(registries)
    src, dst = unique(), unique()
    route = Route(a, src, b, dst)
    data = os.urandom(3 << 20)  # streamed: above the size read into memory
    digest = registries.a.put_blob(src, data)
    events: list[BlobEvent] = []
    mover = BlobMover(events.append)
    assert mover.move(route, digest, len(data)) == "copied"
    assert registries.b.has_blob(dst, digest)
    assert (mover.counts, mover.bytes_sent) == ({"copied": 1, "mounted": 0, "exists": 0}, len(data))
    assert events[0].status == "checking"
    assert events[-1] == BlobEvent(digest, len(data), "copied", len(data))
    assert "copying" in {e.status for e in events}
    assert mover.move(route, digest, len(data)) == "exists"  # once per run
    assert BlobMover().move(route, digest, len(data)) == "exists"  # the registry has it
    assert mover.counts["exists"] == 0 and mover.counts["copied"] == 1


def test_within_one_registry_a_blob_is_mounted(registries: Registries) -> None:
    a, _ = wire_clients(registries)
    src, dst = unique(), unique()
    data = b"small layer"
    digest = registries.a.put_blob(src, data)
    mover = BlobMover()
    assert mover.move(Route(a, src, a, dst), digest, len(data)) == "mounted"
    assert registries.a.has_blob(dst, digest)
    assert (mover.counts["mounted"], mover.bytes_sent) == (1, 0)


def test_a_blob_already_moved_to_a_registry_is_mounted_into_the_next_repository(
    registries: Registries,
) -> None:
    a, b = wire_clients(registries)
    src, first, second = unique(), unique(), unique()
    data = os.urandom(1000)
    digest = registries.a.put_blob(src, data)
    mover = BlobMover()
    assert mover.move(Route(a, src, b, first), digest, len(data)) == "copied"
    assert mover.move(Route(a, src, b, second), digest, len(data)) == "mounted"
    assert registries.b.has_blob(second, digest)


def test_a_blob_of_another_size_than_declared_is_not_committed(registries: Registries) -> None:
    a, b = wire_clients(registries)
    src, dst = unique(), unique()
    digest = registries.a.put_blob(src, b"fourteen bytes")
    events: list[BlobEvent] = []
    # the source is named: it broke off before the size the manifest declared
    with pytest.raises(SourceError, match=rf"of {a.host}/{src}: the source broke off after 14"):
        BlobMover(events.append).move(Route(a, src, b, dst), digest, 2000)  # a manifest said 2000
    assert not registries.b.has_blob(dst, digest)
    assert events[-1].status == "failed"
