"""The user guide's example policies as parameterised templates.

``render(name, {"days": "14"})`` returns a policy document; every template
with every valid parameter set passes :mod:`ecrctl.lifecycle.validate`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ecrctl.errors import InvalidInput


@dataclass(frozen=True)
class Param:
    name: str
    default: str
    help: str
    kind: str = "count"  # "count": an integer >= 1; "prefixes": comma-separated tag prefixes


@dataclass(frozen=True)
class LifecycleTemplate:
    name: str
    summary: str
    params: tuple[Param, ...]
    build: Callable[[dict[str, Any]], list[dict[str, Any]]]


def _rule(
    priority: int,
    description: str,
    tag_status: str,
    count_type: str,
    count: int,
    prefixes: list[str] | None = None,
) -> dict[str, Any]:
    selection: dict[str, Any] = {"tagStatus": tag_status}
    if prefixes:
        selection["tagPrefixList"] = prefixes
    selection["countType"] = count_type
    if count_type != "imageCountMoreThan":
        selection["countUnit"] = "days"
    selection["countNumber"] = count
    return {
        "rulePriority": priority,
        "description": description,
        "selection": selection,
        "action": {"type": "expire"},
    }


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def _images(n: int) -> str:
    return f"{n} image{'s' if n != 1 else ''}"


def _keep_per_prefix(p: dict[str, Any]) -> list[dict[str, Any]]:
    """One rule per prefix, in order: keep the COUNT newest images tagged with it."""
    return [
        _rule(
            i,
            f"Keep {_images(p['count'])} tagged {prefix}*",
            "tagged",
            "imageCountMoreThan",
            p["count"],
            [prefix],
        )
        for i, prefix in enumerate(p["prefixes"], start=1)
    ]


TEMPLATES: dict[str, LifecycleTemplate] = {
    t.name: t
    for t in (
        LifecycleTemplate(
            "expire-untagged",
            "Expire untagged images older than DAYS days",
            (Param("days", "14", "age in days"),),
            lambda p: [
                _rule(
                    1,
                    f"Expire untagged images older than {_days(p['days'])}",
                    "untagged",
                    "sinceImagePushed",
                    p["days"],
                )
            ],
        ),
        LifecycleTemplate(
            "keep-untagged",
            "Keep the COUNT newest untagged images, expire the other untagged ones",
            (Param("count", "1", "untagged images to keep"),),
            lambda p: [
                _rule(
                    1,
                    f"Keep {_images(p['count'])} untagged, expire the others",
                    "untagged",
                    "imageCountMoreThan",
                    p["count"],
                )
            ],
        ),
        LifecycleTemplate(
            "keep-per-prefix",
            "Keep the COUNT newest images of each tag prefix (one rule per prefix, in order)",
            (
                Param("prefixes", "prod,beta", "tag prefixes, comma-separated", "prefixes"),
                Param("count", "1", "images to keep per prefix"),
            ),
            _keep_per_prefix,
        ),
        LifecycleTemplate(
            "expire-tagged-older",
            "Expire images carrying ALL the PREFIXES that are older than DAYS days",
            (
                Param("prefixes", "alpha,beta", "tag prefixes an image must all carry", "prefixes"),
                Param("days", "5", "age in days"),
            ),
            lambda p: [
                _rule(
                    1,
                    f"Expire {'+'.join(p['prefixes'])} images older than {_days(p['days'])}",
                    "tagged",
                    "sinceImagePushed",
                    p["days"],
                    p["prefixes"],
                )
            ],
        ),
        LifecycleTemplate(
            "keep-latest",
            "Keep the COUNT newest images of the repository, tagged or not",
            (Param("count", "1", "images to keep"),),
            lambda p: [
                _rule(
                    1,
                    f"Keep the newest {_images(p['count'])}",
                    "any",
                    "imageCountMoreThan",
                    p["count"],
                )
            ],
        ),
        LifecycleTemplate(
            "combined",
            "Keep COUNT images per PREFIXES, expire untagged older than DAYS days, "
            "keep KEEP images overall",
            (
                Param("prefixes", "alpha", "tag prefixes, one rule each", "prefixes"),
                Param("count", "1", "images to keep per prefix"),
                Param("days", "1", "age in days for untagged images"),
                Param("keep", "1", "images to keep overall"),
            ),
            lambda p: [
                *_keep_per_prefix(p),
                _rule(
                    len(p["prefixes"]) + 1,
                    f"Expire untagged older than {_days(p['days'])}",
                    "untagged",
                    "sinceImagePushed",
                    p["days"],
                ),
                _rule(
                    len(p["prefixes"]) + 2,
                    f"Keep the newest {_images(p['keep'])}",
                    "any",
                    "imageCountMoreThan",
                    p["keep"],
                ),
            ],
        ),
    )
}


def _convert(template: LifecycleTemplate, param: Param, raw: str) -> Any:
    where = f"{template.name}: {param.name}={raw!r}"
    if param.kind == "prefixes":
        prefixes = [p.strip() for p in raw.split(",")]
        if not all(prefixes) or len(set(prefixes)) != len(prefixes):
            raise InvalidInput(f"{where} is not a list of distinct prefixes", hint="e.g. prod,beta")
        return prefixes
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise InvalidInput(f"{where} is not a whole number >= 1", hint=f"e.g. {param.default}")
    return value


def render(name: str, params: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The policy document of template ``name`` with ``params`` (defaults for the rest)."""
    template = TEMPLATES.get(name)
    if template is None:
        raise InvalidInput(
            f"no lifecycle template {name!r}", hint="choose one of: " + ", ".join(TEMPLATES)
        )
    given = dict(params or {})
    known = {p.name for p in template.params}
    unknown = sorted(set(given) - known)
    if unknown:
        raise InvalidInput(
            f"template {name} takes no parameter {unknown[0]!r}",
            hint="its parameters: " + (", ".join(sorted(known)) or "none"),
        )
    values = {p.name: _convert(template, p, given.get(p.name, p.default)) for p in template.params}
    return {"rules": template.build(values)}
