"""A record's JSON from its fields: the order, the keys, the values written."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ecrctl.jsonrecord import camel, record_json


@dataclass(frozen=True)
class Inner:
    name: str

    def to_json(self) -> dict[str, Any]:
        return {"innerName": self.name}


@dataclass(frozen=True)
class Record:
    image_tag: str
    previous_digest: str | None = None
    inner: Inner | None = None
    items: tuple[Inner, ...] = ()
    counts: tuple[int, ...] = ()


RECORD = Record("v1", "sha256:aa", Inner("a"), (Inner("b"), Inner("c")), (1, 2))


def test_every_field_in_order_under_its_camel_case_name() -> None:
    assert json.dumps(record_json(RECORD)) == json.dumps(
        {
            "imageTag": "v1",
            "previousDigest": "sha256:aa",
            "inner": {"innerName": "a"},
            "items": [{"innerName": "b"}, {"innerName": "c"}],
            "counts": [1, 2],
        }
    )


def test_the_names_given_in_their_order_with_the_keys_given() -> None:
    written = record_json(RECORD, "counts", "image_tag", image_tag="tag")
    assert list(written.items()) == [("counts", [1, 2]), ("tag", "v1")]


def test_none_is_written_not_left_out() -> None:
    assert record_json(Record("v1"), "previous_digest", "inner") == {
        "previousDigest": None,
        "inner": None,
    }


def test_a_record_with_to_dict_is_written_by_it() -> None:
    @dataclass(frozen=True)
    class Outer:
        part: Any

    class Part:
        def to_dict(self) -> dict[str, Any]:
            return {"part": True}

    assert record_json(Outer([Part()])) == {"part": [{"part": True}]}


def test_camel() -> None:
    assert [camel(n) for n in ("id", "attached_to", "execution_role_arn")] == [
        "id",
        "attachedTo",
        "executionRoleArn",
    ]
