"""``-o yaml``: JSON-shaped data (what ``-o json`` prints) as block-style YAML,
without a YAML library. A string that could read as anything but itself in YAML
(a number, ``true``, ``null``, a ``: ``, a leading sign) is written double-quoted,
in JSON's escapes, which YAML reads the same.
"""

from __future__ import annotations

import json
import re
from typing import Any

_PLAIN = re.compile(r"[A-Za-z_./][A-Za-z0-9_ ./@:+=,()*-]*")
_WORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}


def to_yaml(data: Any) -> str:
    """``data`` (decoded JSON: dicts, lists, strings, numbers, booleans, None) as YAML."""
    lines = _block(data, 0)
    return "\n".join(lines) + "\n"


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    text = str(value)
    plain = (
        _PLAIN.fullmatch(text)
        and text.lower() not in _WORDS
        and ": " not in text
        and " #" not in text
        and not text.endswith((" ", ":"))
    )
    return text if plain else json.dumps(text, ensure_ascii=False)


def _nested(value: Any) -> bool:
    return isinstance(value, dict | list) and bool(value)


def _block(value: Any, indent: int) -> list[str]:
    pad = " " * indent
    if isinstance(value, dict) and value:
        lines = []
        for key, item in value.items():
            if _nested(item):
                lines.append(f"{pad}{_scalar(str(key))}:")
                lines.extend(_block(item, indent + 2))
            else:
                lines.append(f"{pad}{_scalar(str(key))}: {_scalar(item)}")
        return lines
    if isinstance(value, list) and value:
        lines = []
        for item in value:
            if _nested(item):
                inner = _block(item, indent + 2)
                lines.append(f"{pad}- {inner[0].lstrip()}")
                lines.extend(inner[1:])
            else:
                lines.append(f"{pad}- {_scalar(item)}")
        return lines
    return [f"{pad}{_scalar(value)}"]
