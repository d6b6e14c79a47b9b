"""The ``--public`` branches of ``login``, ``repo`` and ``image``: ECR Public.

Each command keeps its own module; with ``--public`` it hands over to the
function of the same name here, which calls one core function in
:mod:`ecrctl.public` and renders it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from ecrctl.cli.app import App
from ecrctl.cli.common import confirm
from ecrctl.cli.options import repeatable_option
from ecrctl.cli.render import Table, emit, fmt_digest, fmt_mib, fmt_time, notice, warn

F = TypeVar("F", bound=Callable[..., Any])

public_option = click.option(
    "--public", is_flag=True, help="ECR Public (public.ecr.aws) instead of the private registry."
)


def catalog_options(func: F) -> F:
    """``repo create --public``'s catalog data."""
    options = [
        click.option("--description", metavar="TEXT", help="--public: short description."),
        click.option("--about", metavar="TEXT", help="--public: the 'About' text (Markdown)."),
        click.option("--usage", metavar="TEXT", help="--public: the 'Usage' text (Markdown)."),
        repeatable_option(
            "--architecture",
            "ARCH",
            "--public: ARM, ARM 64, x86 or x86-64 (repeatable).",
            dest="architectures",
        ),
        repeatable_option(
            "--os", "OS", "--public: Linux or Windows (repeatable).", dest="operating_systems"
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def refuse(given: dict[str, Any], *, public: bool) -> None:
    """Options of one registry kind given with the other: exit 2, naming them."""
    spelled = {
        "architectures": "--architecture",
        "operating_systems": "--os",
        "status": "--tagged/--untagged",
    }
    named = [
        spelled.get(name, "--" + name.replace("_", "-")) for name, value in given.items() if value
    ]
    if named:
        from ecrctl.errors import InvalidInput

        where = "ECR Public" if public else "private repositories"
        hint = f"drop {', '.join(named)}" + ("" if public else " or add --public")
        raise InvalidInput(f"{', '.join(named)} cannot be used for {where}", hint=hint)


def _client(app: App) -> Any:
    from ecrctl.public.repository import public_client

    return public_client(app.aws)


def login(
    app: App, *, print_password: bool, helper: bool, no_cache: bool, registry_url: str | None
) -> None:
    from ecrctl.public import login as core

    if print_password:
        sys.stdout.write(
            core.fetch_public_auth(app.registries, use_cache=not no_cache).password + "\n"
        )
        return
    from ecrctl import batch

    result = core.log_in(
        app.registries, use_cache=not no_cache, helper=helper, registry_url=registry_url
    )
    notice(app, "pulling public images needs no login; a login raises the pull rate limit")
    fields = {k: v for k, v in result.to_json().items() if k != "status"}
    emit(
        app,
        batch.report([batch.Item(result.auth.host, batch.DONE)], detail=lambda _: fields),
        table=lambda: Table(
            ["HOST", "CREDENTIAL", "EXPIRES"],
            [[result.auth.host, result.location.describe(), fmt_time(result.auth.expires_at)]],
        ),
    )


def _repo_rows(found: list[dict[str, Any]]) -> list[list[str]]:
    return [[r["repositoryName"], r["repositoryUri"], fmt_time(r.get("createdAt"))] for r in found]


def list_repos(app: App, prefix: str | None) -> None:
    from ecrctl.public import repository as core

    found = core.list_repositories(_client(app), prefix, registry_id=app.registry_id)
    emit(app, found, table=lambda: Table(["NAME", "URI", "CREATED"], _repo_rows(found)))


def create_repo(app: App, name: str, tags: list[dict[str, str]], **catalog: Any) -> None:
    from ecrctl.public import repository as core

    data = core.catalog_data(**catalog)
    created = core.create_repository(_client(app), name, data, tags=tags)
    emit(app, created, text=created["repositoryUri"])


def show_repo(app: App, name: str) -> None:
    from ecrctl.public import repository as core

    info = core.show_repository(_client(app), name, registry_id=app.registry_id)

    def table() -> Table:
        r, c = info["repository"], info["catalogData"]
        rows = [
            ["Name", r["repositoryName"]],
            ["URI", r["repositoryUri"]],
            ["ARN", r["repositoryArn"]],
            ["Created", fmt_time(r.get("createdAt"))],
            ["Description", c.get("description") or "-"],
            ["Architectures", ", ".join(c.get("architectures") or []) or "-"],
            ["Operating systems", ", ".join(c.get("operatingSystems") or []) or "-"],
            ["About", (c.get("aboutText") or "-").splitlines()[0]],
            ["Usage", (c.get("usageText") or "-").splitlines()[0]],
            ["Images", str(info["imageCount"])],
            ["Total size (MiB)", fmt_mib(info["totalSizeInBytes"])],
        ]
        return Table(["FIELD", "VALUE"], rows)

    emit(app, info, table=table)
    notice(app, core.LACKS["lifecycle"])


def delete_repo(app: App, name: str, *, force: bool, yes: bool) -> None:
    from ecrctl.public import repository as core

    if force:
        confirm(
            f"Delete public repository {name!r} and its images?",
            yes=yes,
            what=f"delete public repository {name!r} with its images",
        )
    deleted = core.delete_repository(_client(app), name, force=force, registry_id=app.registry_id)
    emit(app, deleted, text=f"deleted {deleted['repositoryName']}")


def _image_rows(found: list[dict[str, Any]]) -> list[list[str]]:
    return [
        [
            ", ".join(i.get("imageTags") or []) or "<untagged>",
            fmt_digest(i["imageDigest"]),
            fmt_mib(i.get("imageSizeInBytes")),
            fmt_time(i.get("imagePushedAt")),
        ]
        for i in found
    ]


def list_images(app: App, repository: str) -> None:
    from ecrctl.public import images as core

    found = core.list_images(_client(app), repository, registry_id=app.registry_id)
    emit(app, found, table=lambda: Table(["TAGS", "DIGEST", "MIB", "PUSHED"], _image_rows(found)))


def delete_images(app: App, repository: str, refs: tuple[str, ...], *, yes: bool) -> None:
    from ecrctl.distribution.reference import parse_image_ref
    from ecrctl.errors import PartialFailure
    from ecrctl.public import images as core

    parsed = [parse_image_ref(r) for r in refs]
    if not parsed:
        from ecrctl.errors import InvalidInput

        raise InvalidInput(
            "no image named", hint=f"ecrctl image delete --public {repository} sha256:..."
        )
    plan = core.plan_delete(repository, parsed)
    confirm(
        f"Delete {len(parsed)} image(s) and all their tags from public {repository!r}?",
        yes=yes,
        what=f"delete {len(parsed)} public image(s)",
    )
    client = _client(app)
    try:
        core.execute_delete(client, plan, registry_id=app.registry_id)
    finally:  # also when a call, the connection or a signal stopped the batch
        text = f"deleted {len(plan.deleted)} image(s) from {repository}"
        emit(app, plan.to_dict(), text=text)
        for failure in plan.failures:
            digest = failure.get("imageId", {}).get("imageDigest")
            warn(app, f"{digest}: {failure.get('failureCode')}: {failure.get('failureReason')}")
    if plan.failures:
        raise PartialFailure(f"{len(plan.failures)} of {len(parsed)} deletions failed")
