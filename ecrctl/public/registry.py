"""ECR Public registries and their aliases (DescribeRegistries).

A public registry has aliases, each ``{name, status, primaryRegistryAlias,
defaultRegistryAlias}``: the primary one is the alias in every repository URI
(``public.ecr.aws/<primary>/REPO``); the default one is the alias AWS assigned.
"""

from __future__ import annotations

from typing import Any

from ecrctl.aws.access import items


def describe_registries(client: Any) -> list[dict[str, Any]]:
    """The caller's public registries (one per account), with their aliases."""
    return list(items(client, "describe_registries", "registries"))


def alias_names(registry: dict[str, Any]) -> list[str]:
    """The names of a registry's aliases, the primary one first."""
    aliases = sorted(registry.get("aliases") or [], key=lambda a: not a.get("primaryRegistryAlias"))
    return [str(a["name"]) for a in aliases if a.get("name")]


def primary_alias(registry: dict[str, Any]) -> str | None:
    """The alias repository URIs carry (``None`` when the registry reports none)."""
    primary = [a for a in registry.get("aliases") or [] if a.get("primaryRegistryAlias")]
    return str(primary[0]["name"]) if primary else None


def show_registries(client: Any) -> list[dict[str, Any]]:
    """DescribeRegistries' ``registries``, each with ``primaryAlias`` added."""
    return [{**r, "primaryAlias": primary_alias(r)} for r in describe_registries(client)]
