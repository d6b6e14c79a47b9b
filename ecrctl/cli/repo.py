"""``ecrctl repo``: create, list, show, delete, and resource tags (``set``:
:mod:`ecrctl.cli.repo_settings`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from ecrctl.cli import public as public_cli
from ecrctl.cli.app import App
from ecrctl.cli.common import confirm, group, pass_app
from ecrctl.cli.examples import examples
from ecrctl.cli.options import (
    create_option,
    jobs_option,
    referrers_option,
    repeatable_option,
    yes_option,
)
from ecrctl.cli.paramtypes import REPOSITORY, remember_repositories
from ecrctl.cli.public import catalog_options, public_option
from ecrctl.cli.render import Table, emit, fmt_bool, fmt_digest, fmt_mib, fmt_time, notice
from ecrctl.distribution.refs import check_repository_name, check_repository_prefix
from ecrctl.repo import repository
from ecrctl.repo import tags as repo_tags
from ecrctl.repo.tags import parse_tags

if TYPE_CHECKING:
    from ecrctl.image.repo_copy import RepoCopyReport
    from ecrctl.repo.delete import RepoDelete


@group("repo", epilog=examples("repo"), lazy={"set": "ecrctl.cli.repo_settings:set_"})
def repo() -> None:
    """Create, list, inspect, delete and tag repositories."""


@repo.command("create", epilog=examples("repo create"))
@click.argument("name", type=REPOSITORY)
@repeatable_option("--tag", "KEY=VALUE", "Resource tag (repeatable, at most 50).", dest="tags")
@click.option("--immutable", is_flag=True, help="Tags cannot be overwritten once pushed.")
@click.option("--scan-on-push", is_flag=True, help="Scan every image for vulnerabilities on push.")
@click.option(
    "--encryption",
    type=click.Choice(["AES256", "KMS"]),
    help="Encryption at rest (default: AES256).",
)
@click.option(
    "--kms-key", metavar="ARN", help="KMS key for --encryption KMS (default: AWS managed)."
)
@public_option
@catalog_options
@pass_app
def create(
    app: App,
    name: str,
    tags: tuple[str, ...],
    immutable: bool,
    scan_on_push: bool,
    encryption: str | None,
    kms_key: str | None,
    public: bool,
    description: str | None,
    about: str | None,
    usage: str | None,
    architectures: tuple[str, ...],
    operating_systems: tuple[str, ...],
) -> None:
    """Create repository NAME and print its URI (--public: an ECR Public one,
    with its catalog data)."""
    name = check_repository_name(name)
    parsed = parse_tags(tags)
    catalog: dict[str, Any] = {"description": description, "about": about, "usage": usage}
    catalog |= {"architectures": architectures, "operating_systems": operating_systems}
    if public:
        private = {"immutable": immutable, "scan_on_push": scan_on_push}
        public_cli.refuse({**private, "encryption": encryption, "kms_key": kms_key}, public=True)
        return public_cli.create_repo(app, name, parsed, **catalog)
    public_cli.refuse(catalog, public=False)
    created = repository.create_repository(
        app.ecr,
        name,
        tags=parsed,
        immutable=immutable,
        scan_on_push=scan_on_push,
        encryption=encryption,
        kms_key=kms_key,
        registry_id=app.registry_id,
    )
    emit(app, created, text=created["repositoryUri"])


def _repo_row(r: dict[str, Any]) -> list[str]:
    scan = r.get("imageScanningConfiguration", {}).get("scanOnPush")
    return [
        r["repositoryName"],
        r["repositoryUri"],
        fmt_time(r.get("createdAt")),
        r.get("imageTagMutability", "-"),
        fmt_bool(scan),
    ]


@repo.command("list", epilog=examples("repo list"))
@click.argument("prefix", required=False, type=REPOSITORY)
@public_option
@pass_app
def list_(app: App, prefix: str | None, public: bool) -> None:
    """List every repository (whose name starts with PREFIX)."""
    if prefix:
        check_repository_prefix(prefix)
    if public:
        return public_cli.list_repos(app, prefix)
    found = repository.list_repositories(app.ecr, prefix, registry_id=app.registry_id)
    remember_repositories(app, found, prefix=prefix)
    emit(
        app,
        found,
        table=lambda: Table(
            ["NAME", "URI", "CREATED", "MUTABILITY", "SCAN ON PUSH"],
            [_repo_row(r) for r in found],
            empty=f"no repositories start with {prefix!r}" if prefix else "no repositories",
        ),
    )


@repo.command("show", epilog=examples("repo show"))
@click.argument("name", type=REPOSITORY)
@public_option
@pass_app
def show(app: App, name: str, public: bool) -> None:
    """Show a repository with its image count, size, tags and policies."""
    name = check_repository_name(name)
    if public:
        return public_cli.show_repo(app, name)
    info = repository.show_repository(app.ecr, name, registry_id=app.registry_id)

    def table() -> Table:
        from ecrctl.cli.repo_settings import settings_rows

        r = info["repository"]
        rows = [
            ["Name", r["repositoryName"]],
            ["URI", r["repositoryUri"]],
            ["ARN", r["repositoryArn"]],
            ["Created", fmt_time(r.get("createdAt"))],
            *settings_rows(r),
            ["Images", str(info["imageCount"])],
            ["Total size (MiB)", fmt_mib(info["totalSizeInBytes"])],
            ["Tags", ", ".join(f"{t['Key']}={t['Value']}" for t in info["tags"]) or "-"],
            ["Repository policy", fmt_bool(info["hasRepositoryPolicy"])],
            ["Lifecycle policy", fmt_bool(info["hasLifecyclePolicy"])],
        ]
        return Table(["FIELD", "VALUE"], rows)

    emit(app, info, table=table)


@repo.command("delete", epilog=examples("repo delete"))
@click.argument("name", type=REPOSITORY)
@click.option("--force", is_flag=True, help="Also delete the images the repository holds.")
@yes_option
@public_option
@pass_app
def delete(app: App, name: str, force: bool, yes: bool, public: bool) -> None:
    """Delete a repository (a non-empty one only with --force).

    With --force the images are listed first and each one is reported: all
    deleted, or, when the call fails or is interrupted, a table of what
    happened to each (exit 1, 130 on Ctrl-C, 143 on SIGTERM).
    """
    from ecrctl.repo import delete as core

    name = check_repository_name(name)
    if public:
        return public_cli.delete_repo(app, name, force=force, yes=yes)
    plan = core.plan_repository_delete(app.ecr, name, force=force, registry_id=app.registry_id)
    if plan.items:
        noun = "image" if len(plan.items) == 1 else "images"
        confirm(
            f"Delete repository {name!r} and its {len(plan.items)} {noun}?",
            yes=yes,
            what=f"delete {name!r} with its {len(plan.items)} {noun}",
        )
    try:
        core.execute_repository_delete(app.ecr, plan)
    finally:  # also when the call, the connection or a signal stopped it
        _emit_delete(app, plan)


def _emit_delete(app: App, plan: RepoDelete) -> None:
    """One line when the repository went with every image, else a row per image
    (none for an empty repository: the error line says what happened)."""
    n = len(plan.items)
    if not plan.deleted and not n and not app.out.json and app.out.output != "text":
        return
    if plan.deleted:
        images = f" and its {n} image{'' if n == 1 else 's'}" if n else ""
        return emit(app, plan.to_dict(), text=f"deleted {plan.name}{images}")
    rows = [
        [
            ", ".join(i.tags) or "<untagged>",
            fmt_digest(i.key),
            f"{i.status}: {i.failure_code}" if i.failure_code else i.status,
        ]
        for i in plan.items
    ]
    emit(app, plan.to_dict(), table=Table(["TAGS", "DIGEST", "STATUS"], rows, empty=None))


def _tags_table(tags: list[dict[str, str]]) -> Table:
    return Table(["KEY", "VALUE"], [[t["Key"], t["Value"]] for t in tags], empty="no tags")


@repo.command("tag", epilog=examples("repo tag"))
@click.argument("name", type=REPOSITORY)
@click.argument("pairs", nargs=-1, metavar="KEY=VALUE...")
@repeatable_option("--tag", "KEY=VALUE", "As repo create takes it.", dest="options")
@pass_app
def tag(app: App, name: str, pairs: tuple[str, ...], options: tuple[str, ...]) -> None:
    """Add or overwrite resource tags on a repository (NAME or ARN)."""
    from ecrctl.cli.policy_style import some_tags

    tags = repo_tags.tag(app.aws, name, some_tags(pairs, options))
    notice(app, f"tagged {name}")
    emit(app, tags, table=lambda: _tags_table(tags))


@repo.command("untag", epilog=examples("repo untag"))
@click.argument("name", type=REPOSITORY)
@click.argument("keys", nargs=-1, required=True, metavar="KEY...")
@pass_app
def untag(app: App, name: str, keys: tuple[str, ...]) -> None:
    """Remove resource tags from a repository (NAME or ARN)."""
    tags, absent = repo_tags.untag_keys(app.aws, name, keys)
    notice(app, repo_tags.untag_summary(name, keys, absent))
    emit(app, tags, table=lambda: _tags_table(tags))


@repo.command("tags", epilog=examples("repo tags"))
@click.argument("name", type=REPOSITORY)
@pass_app
def tags_of(app: App, name: str) -> None:
    """List the resource tags of a repository (NAME or ARN)."""
    found = repo_tags.tags_of(app.aws, name)
    emit(app, found, table=lambda: _tags_table(found))


@repo.command("copy", epilog=examples("repo copy"))
@click.argument("source", metavar="SRC_REPO")
@click.argument("destination", metavar="DST_REPO")
@click.option("--tags", "pattern", metavar="PATTERN", help="Only tags matching this glob.")
@click.option("--include-untagged", is_flag=True, help="Also untagged images (ECR source only).")
@create_option
@jobs_option
@referrers_option
@pass_app
def copy(
    app: App,
    source: str,
    destination: str,
    pattern: str | None,
    include_untagged: bool,
    create: bool,
    jobs: int,
    referrers: bool,
) -> None:
    """Copy every tag of SRC_REPO into DST_REPO through the registry API.

    Both are [HOST/]REPO (no host: the caller's ECR registry). Each shared
    blob is sent once; images already there are unchanged, so a rerun after
    an interruption finishes the rest. Reports each tag as done, failed, not
    attempted or unknown (exit 1 when any is not done, 130 on Ctrl-C, 143 on SIGTERM).
    """
    from ecrctl.batch import FAILED, NOT_ATTEMPTED, count, outcome_error
    from ecrctl.cli.image.copy_progress import BlobProgress
    from ecrctl.cli.image.copy_referrers import end_repo_copy
    from ecrctl.errors import PartialFailure
    from ecrctl.image.copy import CopyOptions
    from ecrctl.image.repo_copy import copy_repository

    with BlobProgress(app) as progress:
        on_item = progress.item if progress.enabled else None
        report = copy_repository(
            app.registries,
            source,
            destination,
            CopyOptions(create, jobs, referrers, progress),
            pattern=pattern,
            include_untagged=include_untagged,
            on_item=on_item,
        )
    _emit_copy(app, report)
    end_repo_copy(app, report)
    if report.stopped is not None:
        stop = report.stopped
        raise type(stop)(stop.message, hint="run the same command again to copy the rest")
    if outcome_error(report.items) is not None:
        failed, rest = count(report.items, FAILED), count(report.items, NOT_ATTEMPTED)
        raise PartialFailure(f"{failed} failed, {rest} not attempted (see above)")


def _emit_copy(app: App, report: RepoCopyReport) -> None:
    """A row per item (done, then failed, not attempted, unknown) and the summary line."""
    from ecrctl.batch import DONE, FAILED, NOT_ATTEMPTED, UNKNOWN, count

    items = report.items
    rows = [[i.key, str(i.outcome), str(i.digest)] for i in items if i.status == DONE]
    rows += [
        [i.key, "FAILED", f"{i.failure_code}: {i.failure_reason}"]
        for i in items
        if i.status == FAILED
    ]
    rows += [[i.key, "not attempted", ""] for i in items if i.status == NOT_ATTEMPTED]
    rows += [[i.key, "unknown (sent, answer lost)", ""] for i in items if i.status == UNKNOWN]
    emit(app, report.to_dict(), table=lambda: Table(["ITEM", "STATUS", "DETAIL"], rows))
    unknown = count(items, UNKNOWN)
    notice(
        app,
        f"{report.destination}: {count(items, DONE)} done, {count(items, FAILED)} failed, "
        f"{count(items, NOT_ATTEMPTED)} not attempted"
        + (f", {unknown} unknown (sent, answer lost)" if unknown else "")
        + f"; {report.bytesMoved} bytes moved "
        f"({report.blobs.get('copied', 0)} blobs copied, {report.blobs.get('mounted', 0)} "
        f"mounted, {report.blobs.get('exists', 0)} already there)",
    )
