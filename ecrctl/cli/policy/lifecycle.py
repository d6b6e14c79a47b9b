"""``ecrctl policy lifecycle``: the group, and get, put, delete, validate and
template (``preview`` is :mod:`ecrctl.cli.policy.lifecycle_preview`)."""

from __future__ import annotations

import click

from ecrctl.cli.app import App
from ecrctl.cli.common import confirm, group, pass_app, read_source
from ecrctl.cli.examples import examples
from ecrctl.cli.options import file_argument, yes_option
from ecrctl.cli.paramtypes import REPOSITORY, complete_names
from ecrctl.cli.render import Table, emit, error, notice, to_json
from ecrctl.cli.usage_view import UsageRequest, usage_options
from ecrctl.distribution.refs import check_repository_name
from ecrctl.errors import ExitCode, InvalidInput


@group(
    "lifecycle",
    epilog=examples("policy lifecycle"),
    lazy={
        "preview": "ecrctl.cli.policy.lifecycle_preview:preview",
        "check": "ecrctl.cli.policy.lifecycle_check:check",
    },
)
def lifecycle() -> None:
    """Lifecycle policies: check them, preview them offline with ECR's rules, apply them."""


def _repo(name: str) -> str:
    return check_repository_name(name)


@lifecycle.command("get", epilog=examples("policy lifecycle get"))
@click.argument("repository", type=REPOSITORY)
@pass_app
def get(app: App, repository: str) -> None:
    """Print the lifecycle policy of REPOSITORY, rules in priority order.

    With -o json: the policy document exactly as stored.
    """
    from ecrctl.lifecycle import store

    name = _repo(repository)
    response = store.get_lifecycle_policy(app.ecr, name, registry_id=app.settings.registry_id)
    document = store.policy_document(response)
    emit(app, document, text=lambda: to_json(store.with_rules_sorted(document)))


@lifecycle.command("put", epilog=examples("policy lifecycle put"))
@click.argument("repository", type=REPOSITORY)
@file_argument
@click.option(
    "--guard",
    is_flag=True,
    help="Refuse if the policy would expire or archive an image in use (a usage scan).",
)
@usage_options
@yes_option
@pass_app
def put(
    app: App, repository: str, source: str, guard: bool, usage_scan: UsageRequest, yes: bool
) -> None:
    """Validate FILE, show how many images it would expire now, and set it on REPOSITORY.

    ECR acts on the affected images within 24 hours of the change. With
    --guard, nothing is put when an image it would expire or archive is in use,
    or of unknown use: the images are listed with a policy that keeps them.
    """
    import time

    from ecrctl.lifecycle import engine, store, validate
    from ecrctl.lifecycle.preview import load_repository

    name = _repo(repository)
    text = read_source(source, what="policy file")
    document = validate.parse(text, name=f"lifecycle policy {_shown(source)}", source=source)
    registry_id = app.settings.registry_id
    images, graph = load_repository(app.ecr, name, registry_id=registry_id)
    if guard:
        from ecrctl.cli.policy import lifecycle_check

        checked = lifecycle_check.run_check(
            app, name, document, images, usage_scan, graph=graph, quiet_when_safe=True
        )
        if not checked.safe:
            raise lifecycle_check.refusal(checked, "refusing to put a policy that would expire")
        notice(app, lifecycle_check.safe_text(checked))
    counts = engine.preview(document, images, time.time(), graph).counts()
    effect = _effect(counts, len(images))
    notice(app, f"{name}: {effect} within 24 hours of applying this policy")
    confirm(
        f"Put this lifecycle policy on {name} ({effect})?",
        yes=yes,
        what=f"put a lifecycle policy on {name!r}",
    )
    response = store.put_lifecycle_policy(app.ecr, name, text, registry_id=registry_id)
    rules = len(document["rules"])
    emit(app, response, text=f"lifecycle policy set on {name}: {rules} rule(s); {effect}")


def _shown(source: str) -> str:
    return "from stdin" if source == "-" else f"in {source}"


def _effect(counts: dict[str, int], total: int) -> str:
    text = f"{counts['expire']} of {total} image(s) would expire"
    if counts["transition"]:
        text += f", {counts['transition']} would move to archive"
    return text


@lifecycle.command("delete", epilog=examples("policy lifecycle delete"))
@click.argument("repository", type=REPOSITORY)
@yes_option
@pass_app
def delete(app: App, repository: str, yes: bool) -> None:
    """Delete the lifecycle policy of REPOSITORY (its images stay)."""
    from ecrctl.lifecycle import store

    name = _repo(repository)
    confirm(
        f"Delete the lifecycle policy of {name}?", yes=yes, what=f"delete the policy of {name!r}"
    )
    response = store.delete_lifecycle_policy(app.ecr, name, registry_id=app.settings.registry_id)
    emit(app, response, text=f"deleted the lifecycle policy of {name}")


@lifecycle.command("validate", epilog=examples("policy lifecycle validate"))
@file_argument
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


@lifecycle.command("template", epilog=examples("policy lifecycle template"))
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
