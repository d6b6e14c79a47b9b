"""``ecrctl image inspect``'s table: each field of an image's config as a row, empty
values as ``-``, one row per env entry, label, layer and history step."""

from __future__ import annotations

from typing import Any

from ecrctl.cli.image.inspect import _format_rows, _rows

SUMMARY: dict[str, Any] = {
    "created": "2026-01-02T03:04:05Z",
    "platform": "linux/arm64",
    "entrypoint": ["/bin/app", "--serve"],
    "cmd": None,
    "workingDir": "",
    "user": {},
    "exposedPorts": ["8080/tcp", "9090/udp"],
    "env": ["PATH=/bin", "MODE=prod"],
    "labels": {"z": "last", "a": "first"},
    "history": [
        {"created_by": "/bin/sh -c  #(nop)   ADD file:abc in /  "},
        {"comment": "no command"},
        {"created_by": "RUN " + "x" * 200},
    ],
}
LAYERS = [{"digest": "sha256:" + "1" * 64, "size": 3 * 1024 * 1024}, {"digest": "sha256:22"}]


def test_rows_name_every_field_of_the_config() -> None:
    assert _rows(SUMMARY, LAYERS) == [
        ["Created", "2026-01-02T03:04:05Z"],
        ["Platform", "linux/arm64"],
        ["Entrypoint", '["/bin/app", "--serve"]'],
        ["Cmd", "-"],
        ["WorkingDir", ""],
        ["User", "-"],
        ["ExposedPorts", "8080/tcp, 9090/udp"],
        ["Env", "PATH=/bin"],
        ["Env", "MODE=prod"],
        ["Label", "a=first"],
        ["Label", "z=last"],
        ["Layer 1", "sha256:" + "1" * 64 + " (3.00 MiB)"],
        ["Layer 2", "sha256:22 (- MiB)"],
        ["History", "/bin/sh -c #(nop) ADD file:abc in /"],
        ["History", ("RUN " + "x" * 200)[:160]],
    ]


def test_an_empty_config_is_dashes() -> None:
    empty = {key: None for key in ("created", "platform", "entrypoint", "cmd", "workingDir")}
    empty |= {"user": None, "exposedPorts": [], "env": [], "labels": {}, "history": []}
    assert _rows(empty, []) == [
        ["Created", "-"],
        ["Platform", "-"],
        ["Entrypoint", "-"],
        ["Cmd", "-"],
        ["WorkingDir", "-"],
        ["User", "-"],
        ["ExposedPorts", "-"],
    ]


def test_format_rows_follow_the_guides_table() -> None:
    from ecrctl.distribution import manifest as mt
    from ecrctl.image.inspect import Inspection

    data = Inspection("r", "sha256:1", mt.DOCKER_SCHEMA1_SIGNED, {}).to_dict()
    assert _format_rows(data) == [
        ["Format", "schema 1"],
        ["By tag, schema 1 client", "schema 1 (no conversion needed)"],
        ["By tag, schema 2 client", "schema 1 (no conversion; the client falls back to schema 1)"],
        ["By tag, OCI manifest client", "nothing it accepts (no conversion available)"],
        ["By digest", "schema 1 (none: a client that does not accept it fails)"],
    ]
