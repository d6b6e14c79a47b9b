"""Policy templates as records: what a template takes, how it is found by name,
and the listing ``template --list`` prints.

Shared by the repository-policy templates (``templates``) and the IAM policy
templates (``iam``); it knows nothing of either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ecrctl.errors import InvalidInput
from ecrctl.jsonrecord import record_json

Policy = dict[str, Any]


@dataclass(frozen=True)
class PolicyTemplate:
    name: str
    description: str
    options: tuple[str, ...]  # the options it takes; (required ones end with "!")
    build: Callable[[Any], Policy]
    aliases: tuple[str, ...] = field(default=())

    @property
    def required(self) -> list[str]:
        return [o.rstrip("!") for o in self.options if o.endswith("!")]

    @property
    def optional(self) -> list[str]:
        return [o for o in self.options if not o.endswith("!")]

    @property
    def usage(self) -> str:
        """The options as the listing shows them: required ones bare, others in brackets."""
        return " ".join([*self.required, *(f"[{o}]" for o in self.optional)])

    def to_dict(self) -> dict[str, Any]:
        return record_json(self, "name", "description", "required", "optional", "aliases")


def find(table: dict[str, PolicyTemplate], name: str, command: str) -> PolicyTemplate:
    """The template called ``name`` (or one of its aliases) in ``table``."""
    for template in table.values():
        if name == template.name or name in template.aliases:
            return template
    raise InvalidInput(
        f"unknown template {name!r}",
        hint=f"one of {', '.join(table)} (see: ecrctl policy {command} template --list)",
    )


def require_name(name: str | None, command: str) -> str:
    """``template`` needs a NAME unless it lists the templates."""
    if name is None:
        raise InvalidInput(
            "give a template NAME or --list", hint=f"ecrctl policy {command} template --list"
        )
    return name
