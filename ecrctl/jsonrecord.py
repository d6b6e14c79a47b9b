"""A record's documented JSON, declared by its fields: which fields, in which order, and
the keys that are not the field's camelCase name.

``record_json(change, tag="imageTag")`` writes every field of the dataclass ``change`` in
its order, ``previous_digest`` as ``previousDigest`` and ``tag`` as ``imageTag``;
``record_json(policy, "name", "arn")`` writes only those two, in that order. A value is
written as it is, but a list or tuple as a list, and a record with a ``to_json`` (or
``to_dict``) method by that method, in lists too. Standard library only.
"""

from __future__ import annotations

import dataclasses
from typing import Any


def record_json(record: Any, *names: str, **keys: str) -> dict[str, Any]:
    """The JSON of the dataclass ``record``: the fields ``names`` (default: every field, in
    order), each under its key in ``keys`` or else its camelCase name."""
    chosen = names or tuple(f.name for f in dataclasses.fields(record))
    return {keys.get(name, camel(name)): json_value(getattr(record, name)) for name in chosen}


def camel(name: str) -> str:
    """``previous_digest`` -> ``previousDigest``."""
    first, *rest = name.split("_")
    return first + "".join(word.capitalize() for word in rest)


def json_value(value: Any) -> Any:
    """A field's value as JSON writes it: records by their own method, sequences as lists."""
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value]
    for method in ("to_json", "to_dict"):
        write = getattr(value, method, None)
        if callable(write):
            return write()
    return value
