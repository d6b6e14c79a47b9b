"""The preview's JSON text, written directly.

``json.dumps(..., indent=2)`` runs the pure-Python encoder (the C one has no
indent); for 100,000 images that alone takes seconds. :func:`preview_text`
gives exactly the same text as ``json.dumps(preview.to_json(), indent=2,
ensure_ascii=False)``, the way ecrctl prints every JSON document, using the
C string encoder and per-rule templates.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring

from ecrctl.lifecycle.engine import Preview
from ecrctl.lifecycle.images import ARCHIVE, iso
from ecrctl.lifecycle.rules import TRANSITION, Rule

_ITEM = "\n      "
_TAG = ",\n        "


def _tail(rule: Rule, kind: str, archived: bool) -> str:
    action = f'{{\n        "type": "{kind.upper()}"'
    if kind == TRANSITION:
        action += f',\n        "targetStorageClass": "{str(rule.target_storage_class).upper()}"'
    text = f',{_ITEM}"action": {action}\n      }},{_ITEM}"appliedRulePriority": {rule.priority}'
    if archived:
        text += f',{_ITEM}"storageClass": "ARCHIVE"'
    return text + "\n    }"


def preview_text(preview: Preview) -> str:
    enc = encode_basestring
    entries = []
    tails: dict[tuple[int, str, bool], str] = {}
    for image, kind, rule in preview.acted_on():
        key = (rule.priority, kind, image.storage_class == ARCHIVE)
        tail = tails.get(key)
        if tail is None:
            tail = tails[key] = _tail(rule, kind, key[2])
        tags = image.tags
        tag_text = "[\n        " + _TAG.join(map(enc, tags)) + "\n      ]" if tags else "[]"
        entries.append(
            f'    {{{_ITEM}"imageTags": {tag_text},{_ITEM}"imageDigest": {enc(image.digest)},'
            f'{_ITEM}"imagePushedAt": "{iso(image.pushed_at)}"{tail}'
        )
    summary = json.dumps(preview.to_json_summary(), indent=2, ensure_ascii=False)
    summary = summary.replace("\n", "\n  ")
    if not entries:
        return f'{{\n  "previewResults": [],\n  "summary": {summary}\n}}'
    body = ",\n".join(entries)
    return f'{{\n  "previewResults": [\n{body}\n  ],\n  "summary": {summary}\n}}'
