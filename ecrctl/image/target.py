"""The registry host an image reference names (``image push`` and ``image pull``);
who serves it is :class:`ecrctl.login.registries.Registries`' answer."""

from __future__ import annotations


def registry_host(reference: str) -> str | None:
    """The registry host in front of a reference, ``None`` when it names none."""
    first, sep, _ = reference.split("@", 1)[0].partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        return first
    return None
