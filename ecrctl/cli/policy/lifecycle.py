"""``ecrctl policy lifecycle``: get, put, delete, validate, template, preview."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from ecrctl.cli.app import App
from ecrctl.cli.common import confirm, group, pass_app, read_source, yes_option
from ecrctl.cli.paramtypes import complete_names
from ecrctl.cli.render import Table, emit, error, fmt_time, notice, to_json
from ecrctl.errors import EcrctlError, ExitCode, InvalidInput
from ecrctl.registry.refs import check_repository_name

if TYPE_CHECKING:
    from ecrctl.lifecycle.engine import Fate, Preview
    from ecrctl.lifecycle.images import Image


@group(
    "lifecycle",
    epilog="\b\nExamples:\n  ecrctl policy lifecycle template keep-untagged count=3 > policy.json\n"
    "  ecrctl policy lifecycle preview team/app --policy policy.json\n"
    "  ecrctl policy lifecycle put team/app policy.json",
)
def lifecycle() -> None:
    """Lifecycle policies: check them, preview them offline with ECR's rules, apply them."""


def _repo(name: str) -> str:
    return check_repository_name(name)


@lifecycle.command(
    "get",
    epilog="\b\nExamples:\n  ecrctl policy lifecycle get team/app\n"
    "  ecrctl policy lifecycle get team/app -o json",
)
@click.argument("repository")
@pass_app
def get(app: App, repository: str) -> None:
    """Print the lifecycle policy of REPOSITORY, rules in priority order.

    With -o json: the policy document exactly as stored.
    """
    from ecrctl.lifecycle import store

    name = _repo(repository)
    response = store.get_policy(app.ecr, name, registry_id=app.settings.registry_id)
    document = store.policy_document(response)
    emit(app, document, text=lambda: to_json(store.canonical(document)))


@lifecycle.command(
    "put",
    epilog="\b\nExamples:\n  ecrctl policy lifecycle put team/app policy.json\n"
    "  ecrctl policy lifecycle template keep-latest count=10 | "
    "ecrctl policy lifecycle put team/app - --yes",
)
@click.argument("repository")
@click.argument("source", metavar="FILE|-")
@yes_option
@pass_app
def put(app: App, repository: str, source: str, yes: bool) -> None:
    """Validate FILE, show how many images it would expire now, and set it on REPOSITORY.

    ECR acts on the affected images within 24 hours of the change.
    """
    import time

    from ecrctl.lifecycle import engine, store, validate

    name = _repo(repository)
    text = read_source(source, what="policy file")
    document = validate.parse(text, name=f"lifecycle policy {_shown(source)}")
    registry_id = app.settings.registry_id
    images = store.repository_images(app.ecr, name, registry_id=registry_id)
    counts = engine.preview(document, images, time.time()).counts()
    effect = _effect(counts, len(images))
    notice(app, f"{name}: {effect} within 24 hours of applying this policy")
    confirm(
        f"Put this lifecycle policy on {name} ({effect})?",
        yes=yes,
        what=f"put a lifecycle policy on {name!r}",
    )
    response = store.put_policy(app.ecr, name, text, registry_id=registry_id)
    rules = len(document["rules"])
    emit(app, response, text=f"lifecycle policy set on {name}: {rules} rule(s); {effect}")


def _shown(source: str) -> str:
    return "from stdin" if source == "-" else f"in {source}"


def _effect(counts: dict[str, int], total: int) -> str:
    text = f"{counts['expire']} of {total} image(s) would expire"
    if counts["transition"]:
        text += f", {counts['transition']} would move to archive"
    return text


@lifecycle.command("delete", epilog="\b\nExample:\n  ecrctl policy lifecycle delete team/app --yes")
@click.argument("repository")
@yes_option
@pass_app
def delete(app: App, repository: str, yes: bool) -> None:
    """Delete the lifecycle policy of REPOSITORY (its images stay)."""
    from ecrctl.lifecycle import store

    name = _repo(repository)
    confirm(
        f"Delete the lifecycle policy of {name}?", yes=yes, what=f"delete the policy of {name!r}"
    )
    response = store.delete_policy(app.ecr, name, registry_id=app.settings.registry_id)
    emit(app, response, text=f"deleted the lifecycle policy of {name}")


@lifecycle.command(
    "validate",
    epilog="\b\nExamples:\n  ecrctl policy lifecycle validate policy.json\n"
    "  aws ecr get-lifecycle-policy --repository-name app --query lifecyclePolicyText "
    "--output text | ecrctl policy lifecycle validate -",
)
@click.argument("source", metavar="FILE|-")
@pass_app
@click.pass_context
def validate_(ctx: click.Context, app: App, source: str) -> None:
    """Check a lifecycle policy offline; exit 0 when valid, 2 with every problem when not.

    Each problem names its JSON path, e.g. rules[1].selection.countUnit
    (rules[0] is the first rule of the document).
    """

    from ecrctl.lifecycle.validate import check_text

    text = read_source(source, what="policy file")
    document, problems = check_text(text)
    if not problems and document is not None:
        count = len(document["rules"])
        data = {"valid": True, "rules": count, "problems": []}
        emit(app, data, text=f"valid: {count} rule(s)")
        return
    data = {"valid": False, "problems": [{"path": p.path, "message": p.message} for p in problems]}
    if app.out.output == "json" or app.out.query:
        emit(app, data)
    for problem in problems:
        error(str(problem))
    ctx.exit(ExitCode.USAGE)


@lifecycle.command(
    "template",
    epilog="\b\nExamples:\n  ecrctl policy lifecycle template --list\n"
    "  ecrctl policy lifecycle template expire-untagged days=30\n"
    "  ecrctl policy lifecycle template keep-per-prefix prefixes=prod,beta count=5",
)
@click.argument(
    "name", required=False, shell_complete=complete_names("ecrctl.lifecycle.templates:TEMPLATES")
)
@click.argument("params", nargs=-1, metavar="[KEY=VALUE]...")
@click.option("--list", "list_", is_flag=True, help="List the templates and their parameters.")
@pass_app
def template(app: App, name: str | None, params: tuple[str, ...], list_: bool) -> None:
    """Print a ready-to-use policy from the user guide's examples."""
    from ecrctl.lifecycle import validate
    from ecrctl.lifecycle.templates import TEMPLATES, render

    if list_ or name is None:
        listing = [
            {
                "name": t.name,
                "summary": t.summary,
                "parameters": {p.name: {"default": p.default, "help": p.help} for p in t.params},
            }
            for t in TEMPLATES.values()
        ]
        rows = [
            [t.name, " ".join(f"{p.name}={p.default}" for p in t.params), t.summary]
            for t in TEMPLATES.values()
        ]
        emit(app, listing, table=Table(["NAME", "PARAMETERS (DEFAULTS)", "POLICY"], rows))
        return
    given: dict[str, str] = {}
    for param in params:
        key, sep, value = param.partition("=")
        if not sep or not key:
            raise InvalidInput(f"malformed template parameter {param!r}", hint="use KEY=VALUE")
        given[key] = value
    document = render(name, given)
    validate.parse(to_json(document), name=f"policy from template {name}")  # e.g. > 50 rules
    emit(app, document, text=lambda: to_json(document))


def _now(value: str | None) -> float:
    import time

    from ecrctl.lifecycle.images import parse_time

    if value is None:
        return time.time()
    try:
        return parse_time(value, "--now")
    except InvalidInput:
        raise InvalidInput(
            f"--now {value!r} is not a time", hint="give ISO 8601, e.g. 2024-05-01T12:00:00Z"
        ) from None


def _load_policy(
    app: App, source: str | None, repository: str | None
) -> tuple[dict[str, Any], str]:
    from ecrctl.lifecycle import store, validate

    if source is not None:
        text = read_source(source, what="policy file")
        return validate.parse(text, name=f"lifecycle policy {_shown(source)}"), text
    assert repository is not None
    response = store.get_policy(app.ecr, repository, registry_id=app.settings.registry_id)
    text = str(response["lifecyclePolicyText"])
    return validate.parse(text, name=f"lifecycle policy of {repository}"), text


def _load_images(app: App, source: str | None, repository: str | None) -> list[Image]:
    from ecrctl.lifecycle import images, store

    if source is not None:
        text = read_source(source, what="images file")
        return images.load_images_json(text, name=f"images file {source!r}")
    assert repository is not None
    return store.repository_images(app.ecr, repository, registry_id=app.settings.registry_id)


def _tags(tags: Any) -> str:
    return ", ".join(tags) if tags else "<untagged>"


def _local_minute(epoch: float) -> str:
    """What fmt_time prints, straight from epoch seconds (100,000 rows to format)."""
    import time

    return time.strftime("%Y-%m-%d %H:%M", time.localtime(epoch))


def _fate_table(result: Preview, only_expiring: bool) -> Table:
    now = result.now
    rows = []
    fates: list[Fate] = result.affected() if only_expiring else result.fates
    for fate in fates:
        image = fate.image
        rows.append(
            [
                _tags(image.tags),
                image.short_digest,
                _local_minute(image.pushed_at),
                fate.action,
                str(fate.rule.priority) if fate.rule and fate.action != "keep" else "-",
                fate.reason(now),
            ]
        )
    return Table(["TAGS", "DIGEST", "PUSHED", "FATE", "RULE", "WHY"], rows)


PLAIN_ABOVE = 1000  # rows; rich needs about half a millisecond per row


def plain_table(table: Table) -> str:
    """The text rich prints for ``table`` when stdout is not a terminal, without rich."""
    columns = list(zip(*table.rows, strict=True)) if table.rows else [()] * len(table.columns)
    widths = [
        max(len(name), *map(len, cells)) if cells else len(name)
        for name, cells in zip(table.columns, columns, strict=True)
    ]
    line = "   ".join(f"{{:<{w}}}" for w in widths).format
    lines = [line(*table.columns), "\u2500" * (sum(widths) + 3 * (len(widths) - 1))]
    lines.extend(line(*row) for row in table.rows)
    return "\n".join(lines) + "\n"


def _show(app: App, data: Callable[[], Any], table: Callable[[], Table]) -> None:
    """emit(), with long tables printed as plain aligned text."""
    import sys

    if app.out.output == "json" or app.out.query:
        emit(app, data())
        return
    built = table()
    if len(built.rows) <= PLAIN_ABOVE:
        emit(app, None, table=built)
    else:
        sys.stdout.write(plain_table(built))


def _dt(value: str | None) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(value) if value else None


def _short(digest: str) -> str:
    return digest.split(":", 1)[-1][:12]


def _results_table(data: dict[str, Any]) -> Table:
    rows = [
        [
            _tags(r["imageTags"]),
            _short(r["imageDigest"]),
            fmt_time(_dt(r["imagePushedAt"])),
            str(r["action"]["type"]).lower(),
            str(r["appliedRulePriority"]),
        ]
        for r in data["previewResults"]
    ]
    return Table(["TAGS", "DIGEST", "PUSHED", "FATE", "RULE"], rows)


def _summary(counts: dict[str, int], now: float) -> str:
    from ecrctl.lifecycle.images import iso

    total = sum(counts.values())
    text = f"{total} image(s): {counts['expire']} expire"
    if counts["transition"]:
        text += f", {counts['transition']} transition to archive"
    return text + f", {counts['keep']} kept (now = {iso(now)})"


def _remote(app: App, repository: str, text: str | None, timeout: float) -> dict[str, Any]:
    import sys

    from ecrctl.cli.render import console
    from ecrctl.lifecycle.remote import POLL_SECONDS, remote_preview

    registry_id = app.settings.registry_id
    if not sys.stderr.isatty() or app.out.quiet:
        notice(
            app,
            f"waiting for AWS's lifecycle policy preview of {repository} "
            f"(polling every {POLL_SECONDS:g} s, timeout {timeout:g} s)",
        )
        return remote_preview(app.ecr, repository, text, registry_id=registry_id, timeout=timeout)
    label = f"AWS is previewing the lifecycle policy of {repository}"
    with console(app, stderr=True).status(label) as status:
        return remote_preview(
            app.ecr,
            repository,
            text,
            registry_id=registry_id,
            timeout=timeout,
            on_wait=lambda waited: status.update(f"{label} ({waited:.0f} s)"),
        )


@lifecycle.command(
    "preview",
    epilog="\b\nExamples:\n  ecrctl policy lifecycle preview team/app --policy policy.json\n"
    "  aws ecr describe-images --repository-name app > images.json\n"
    "  ecrctl policy lifecycle preview --policy policy.json --images images.json "
    "--now 2024-05-01T00:00:00Z\n"
    "  ecrctl policy lifecycle preview team/app --diff stricter.json\n"
    "  ecrctl policy lifecycle preview team/app --compare",
)
@click.argument("repository", required=False)
@click.option(
    "--policy",
    "policy_source",
    metavar="FILE|-",
    help="Policy to preview (default: the repository's own).",
)
@click.option(
    "--images",
    "images_source",
    metavar="FILE|-",
    help="describe-images JSON to use instead of the repository (no AWS call).",
)
@click.option(
    "--now",
    "now_value",
    metavar="TIMESTAMP",
    help="ISO 8601 time the age rules count from (default: now).",
)
@click.option("--only-expiring", is_flag=True, help="Hide the images the policy keeps.")
@click.option("--remote", is_flag=True, help="Run AWS's own preview instead (slow, no reasons).")
@click.option(
    "--compare",
    is_flag=True,
    help="Run both previews; list every image they disagree on (exit 1 if any).",
)
@click.option(
    "--diff",
    "other_source",
    metavar="OTHER_FILE",
    help="List the images whose fate changes under OTHER_FILE instead.",
)
@click.option(
    "--timeout",
    metavar="SECONDS",
    type=click.FloatRange(min=0),
    default=300.0,
    show_default=True,
    help="Seconds to wait for AWS's preview (--remote, --compare).",
)
@pass_app
def preview(
    app: App,
    repository: str | None,
    policy_source: str | None,
    images_source: str | None,
    now_value: str | None,
    only_expiring: bool,
    remote: bool,
    compare: bool,
    other_source: str | None,
    timeout: float,
) -> None:
    """Show what a lifecycle policy does to each image, and why, with ECR's rules.

    The images come from REPOSITORY (DescribeImages) or --images FILE; the
    policy from --policy FILE or the repository. -o json prints
    GetLifecyclePolicyPreview's shape: the affected images, oldest first.
    """
    name = _repo(repository) if repository else None
    _check_preview_usage(
        name, policy_source, images_source, remote, compare, other_source, now_value
    )
    now = _now(now_value)
    with _no_cyclic_gc():
        if remote:
            assert name is not None
            _preview_remote(app, name, policy_source, timeout)
            return
        from ecrctl.lifecycle import engine

        document, text = _load_policy(app, policy_source, name)
        found = _load_images(app, images_source, name)
        result = engine.preview(document, found, now)
        if compare:
            assert name is not None
            _preview_compare(app, name, result, text if policy_source else None, timeout)
        elif other_source is not None:
            _preview_diff(app, result, found, other_source)
        else:
            _preview_local(app, result, only_expiring)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """A preview builds hundreds of thousands of small acyclic objects: the cyclic
    collector would only rescan them again and again (a third of the run time)."""
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _preview_remote(app: App, name: str, policy_source: str | None, timeout: float) -> None:
    from ecrctl.lifecycle import validate

    text = None
    if policy_source is not None:
        text = read_source(policy_source, what="policy file")
        validate.parse(text, name=f"lifecycle policy {_shown(policy_source)}")
    data = _remote(app, name, text, timeout)
    _show(app, lambda: data, lambda: _results_table(data))


def _preview_local(app: App, result: Preview, only_expiring: bool) -> None:
    import sys

    if app.out.output == "json" and not app.out.query:
        from ecrctl.lifecycle.jsontext import preview_text

        sys.stdout.write(preview_text(result) + "\n")
    else:
        _show(app, result.to_json, lambda: _fate_table(result, only_expiring))
    notice(app, _summary(result.counts(), result.now))


def _preview_compare(
    app: App, name: str, result: Preview, policy_text: str | None, timeout: float
) -> None:
    from ecrctl.lifecycle import compare as cmp

    remote_data = _remote(app, name, policy_text, timeout)
    differences = cmp.changes(
        cmp.rows_of_preview(result) + cmp.rows_of_results(remote_data),
        cmp.outcomes_of_preview(result),
        cmp.outcomes_of_results(remote_data),
        names=("local", "remote"),
    )
    data = {"local": result.to_json(), "remote": remote_data, "differences": differences}
    _show(app, lambda: data, lambda: _changes_table(differences, ("LOCAL", "AWS")))
    if differences:
        raise EcrctlError(
            f"the local preview and AWS's disagree on {len(differences)} image(s)",
            hint="the images are listed above",
        )
    notice(app, f"the local preview and AWS's agree: {_summary(result.counts(), result.now)}")


def _preview_diff(app: App, result: Preview, found: list[Image], other_source: str) -> None:
    from ecrctl.lifecycle import compare as cmp
    from ecrctl.lifecycle import engine, validate

    other_text = read_source(other_source, what="policy file")
    other_doc = validate.parse(other_text, name=f"lifecycle policy in {other_source}")
    other = engine.preview(other_doc, found, result.now)
    changed = cmp.changes(
        cmp.rows_of_preview(result),
        cmp.outcomes_of_preview(result),
        cmp.outcomes_of_preview(other),
    )
    reasons = {f.image.digest: f.reason(result.now) for f in other.fates}
    data = {
        "changes": changed,
        "summary": {"before": result.to_json_summary(), "after": other.to_json_summary()},
    }
    _show(app, lambda: data, lambda: _changes_table(changed, ("BEFORE", "AFTER"), reasons))
    notice(app, f"{len(changed)} image(s) change fate under {other_source}")


def _check_preview_usage(
    name: str | None,
    policy_source: str | None,
    images_source: str | None,
    remote: bool,
    compare: bool,
    other_source: str | None,
    now_value: str | None,
) -> None:
    if remote + compare + (other_source is not None) > 1:
        raise InvalidInput("--remote, --compare and --diff exclude each other", hint="pick one")
    if (remote or compare) and now_value is not None:
        raise InvalidInput(
            "--now cannot be used with --remote or --compare",
            hint="AWS previews at its own current time: drop --now",
        )
    if (remote or compare) and images_source is not None:
        raise InvalidInput(
            "--images cannot be used with --remote or --compare",
            hint="AWS previews the repository's own images: drop --images",
        )
    if (remote or compare) and name is None:
        raise InvalidInput("--remote and --compare need a REPOSITORY", hint="give its name")
    if name is None and (policy_source is None or images_source is None):
        raise InvalidInput(
            "nothing to preview: give a REPOSITORY, or both --policy FILE and --images FILE"
        )
    if "-" in (policy_source, images_source, other_source):
        stdin_users = [s for s in (policy_source, images_source, other_source) if s == "-"]
        if len(stdin_users) > 1:
            raise InvalidInput("only one of --policy, --images and --diff can read stdin (-)")


def _changes_table(
    changes: list[dict[str, Any]], names: tuple[str, str], reasons: dict[str, str] | None = None
) -> Table:
    fixed = {"imageDigest", "imageTags", "imagePushedAt"}
    keys = [key for key in changes[0] if key not in fixed] if changes else []

    def outcome(value: dict[str, Any]) -> str:
        kind = str(value["type"]).lower()
        rule = value.get("appliedRulePriority")
        return kind if rule is None else f"{kind} (rule {rule})"

    rows = []
    for change in changes:
        row = [
            _tags(change["imageTags"]),
            _short(change["imageDigest"]),
            fmt_time(_dt(change["imagePushedAt"])),
            outcome(change[keys[0]]),
            outcome(change[keys[1]]),
        ]
        if reasons is not None:
            row.append(reasons.get(change["imageDigest"], ""))
        rows.append(row)
    columns = ["TAGS", "DIGEST", "PUSHED", *names]
    if reasons is not None:
        columns.append("WHY (AFTER)")
    return Table(columns, rows)
