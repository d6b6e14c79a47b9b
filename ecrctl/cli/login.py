"""``ecrctl login`` (with ``login status``) and ``ecrctl logout``.

``login`` is a group that runs itself when no subcommand follows, so
``ecrctl login [OPTIONS]`` logs in and ``ecrctl login status`` reports.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import click

from ecrctl.cli import public as public_cli
from ecrctl.cli.app import App
from ecrctl.cli.common import EcrctlCommand, _is_global, group, pass_app
from ecrctl.cli.examples import examples
from ecrctl.cli.public import public_option
from ecrctl.cli.render import Table, emit, fmt_time, notice, warn

if TYPE_CHECKING:
    from ecrctl.login.workflow import LoginReport, LoginResult


def _check_ids(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list[str]:
    if not values:
        return []
    from ecrctl.distribution.refs import check_registry_id

    return [check_registry_id(value) for value in values]


def _no_cache(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    from ecrctl.login.cache import cache_disabled_by_env

    return value or cache_disabled_by_env()


no_cache_option = click.option(
    "--no-cache",
    is_flag=True,
    callback=_no_cache,
    help="Neither read nor write the token cache (also ECRCTL_NO_CACHE=1).",
)


def _expiry(result: LoginResult) -> str:
    from ecrctl.login.workflow import hours_left

    left = hours_left(result.auth.expires_at)
    when = fmt_time(result.auth.expires_at)
    return f"{when} (expired)" if left <= 0 else f"{when} ({left:g} h left)"


PASSWORD_NOTE = """The password never appears in argv, the environment of a child process,
the output (except with --print-password) or --debug logs."""


@group("login", invoke_without_command=True, epilog=examples("login", PASSWORD_NOTE))
@click.option(
    "--registry-id",
    "registry_ids",
    multiple=True,
    metavar="ACCOUNT",
    callback=_check_ids,
    help="Registry (AWS account) to log in to; repeatable (default: the caller's).",
)
@click.option(
    "--registry-url",
    metavar="HOST[:PORT]",
    help="Address to log in to instead of ECR's proxyEndpoint (also ECRCTL_REGISTRY_URL "
    "or the config file).",
)
@click.option(
    "--helper",
    is_flag=True,
    help="Point docker at docker-credential-ecrctl for the host instead of storing a token.",
)
@click.option(
    "--print-password",
    is_flag=True,
    help="Print only the password on stdout (for --password-stdin); store nothing.",
)
@click.option(
    "--verify", is_flag=True, help="Have the Docker Engine log in with the credential first."
)
@no_cache_option
@public_option
@click.pass_context
def login(
    ctx: click.Context,
    registry_ids: list[str],
    registry_url: str | None,
    helper: bool,
    print_password: bool,
    verify: bool,
    no_cache: bool,
    public: bool,
) -> None:
    """Log the docker CLI in to ECR registries without exposing the password.

    Stores the token where the docker CLI looks for it (the configured
    credsStore or credHelpers program, else config.json), or with --helper
    makes docker ask docker-credential-ecrctl for it on every push and pull.
    Tokens are cached in the OS keyring until half their 12 h lifetime.
    """
    if ctx.invoked_subcommand is not None:
        return
    app = ctx.ensure_object(App)
    from ecrctl.login import workflow as core

    if app.settings.registry_id and app.settings.registry_id not in registry_ids:
        registry_ids = [app.settings.registry_id, *registry_ids]
    if print_password and (helper or verify or len(registry_ids) > 1):
        raise click.UsageError("--print-password prints one password and does nothing else")
    if public:
        public_cli.refuse({"registry_id": registry_ids, "verify": verify}, public=True)
        return public_cli.login(
            app,
            print_password=print_password,
            helper=helper,
            no_cache=no_cache,
            registry_url=registry_url,
        )
    if print_password:
        auths = core.fetch(
            app.registries, registry_ids, registry_url=registry_url, use_cache=not no_cache
        )
        sys.stdout.write(auths[0].password + "\n")
        return
    report = core.LoginReport()
    try:
        core.log_in(
            app.registries,
            registry_ids,
            registry_url=registry_url,
            use_cache=not no_cache,
            helper=helper,
            verify=verify,
            report=report,
        )
    finally:  # also when a registry failed or a signal came: say what was done
        if report.items:
            _tell(app, report.results, helper=helper, verified=verify)
            _emit_report(app, report)


def _emit_report(app: App, report: LoginReport) -> None:
    """Each registry logged in, then each one failed or not attempted (with the code)."""
    rows = [[r.auth.host, r.location.describe(), _expiry(r)] for r in report.results]
    rest = report.unfinished()
    rows += [
        [u["host"], f"{u['status']}: {u['failureCode']}" if u["failureCode"] else u["status"], "-"]
        for u in rest
    ]
    emit(app, _login_json(report), table=lambda: Table(["HOST", "CREDENTIAL", "EXPIRES"], rows))


def _login_json(report: LoginReport) -> dict[str, Any]:
    """The batch report (docs/output.md): one item per registry, its host the id, the
    fields of a registry logged in its detail."""
    from ecrctl.batch import report as batch_report

    fields = {r.auth.host: r.to_json() for r in report.results}

    def detail(item: Any) -> dict[str, Any]:
        return {k: v for k, v in fields.get(item.key, {}).items() if k != "status"}

    return batch_report(report.items, detail=detail)


def _tell(app: App, results: list[LoginResult], *, helper: bool, verified: bool) -> None:
    """What each login did beyond storing a token, on stderr."""
    for result in results:
        if verified:
            notice(
                app, f"verified: the Docker Engine logged in to {result.auth.host} with the token"
            )
        if result.location.kind == "helper" and not helper:
            notice(
                app,
                f"docker-credential-{result.location.program} serves {result.auth.host}:"
                " nothing stored",
            )
        if result.location.kind == "config.json":
            from ecrctl.paths import docker_config_file

            warn(
                app,
                f"the token for {result.auth.host} is stored unencrypted in "
                f"{docker_config_file()} (no credential store is configured); "
                "keep tokens out of it with: ecrctl login --helper",
            )
        if result.mapping is not None:
            notice(
                app,
                f"mapped {result.auth.host} to account {result.mapping.account} in "
                f"{result.mapping.region} in the ecrctl config file",
            )


def _expires(expires_at: datetime | None) -> str:
    """When a token expires, ``(expired)`` after it once it has."""
    expired = expires_at is not None and expires_at <= datetime.now(UTC)
    return fmt_time(expires_at) + (" (expired)" if expired else "")


# ``--registry-id`` is login's own repeatable option: drop the global one of that name.
login.params = [p for p in login.params if not (_is_global(p) and p.name == "registry_id")]


@login.command("status", epilog=examples("login status"))
@pass_app
def status(app: App) -> None:
    """List every ECR host docker knows of or ecrctl has cached: where its
    credential lives, when its token expires, its profile mapping. Never a secret."""
    from ecrctl.login import status as login_status
    from ecrctl.login.cache import open_cache

    cache = open_cache()
    if cache.reason and not app.out.quiet:  # no cache, or not where the user asked
        from ecrctl.login.told import tell_once

        tell_once(f"ecrctl: {cache.reason}", lambda line: sys.stderr.write(line + "\n"))
    rows = login_status.status(app.registries, cache)
    emit(
        app,
        [r.to_json() for r in rows],
        table=lambda: Table(
            ["HOST", "ACCOUNT", "REGION", "CREDENTIAL", "EXPIRES", "CACHED", "PROFILE"],
            [
                [
                    r.host,
                    r.registry_id or "-",
                    r.region or "-",
                    r.stored_in,
                    _expires(r.expires_at),
                    "yes" if r.cached else "no",
                    r.profile or "-",
                ]
                for r in rows
            ],
            empty="no ECR logins: nothing in the docker config, ecrctl's records or the cache",
        ),
    )


@click.command("logout", cls=EcrctlCommand, epilog=examples("logout"))
@click.argument("hosts", nargs=-1, metavar="[HOST]...")
@click.option(
    "--helper",
    is_flag=True,
    help="Also remove the host's credHelpers entry for an ECR credential helper (as login "
    "--helper makes) and its config-file mapping.",
)
@pass_app
def logout(app: App, hosts: tuple[str, ...], helper: bool) -> None:
    """Erase docker's credential for each HOST, and ecrctl's cached tokens.

    Default: every host ecrctl logged in to. The credential is erased where
    docker looks for it (the host's credHelpers program, else the credsStore
    program, else config.json), whoever stored it; the cached tokens of the
    host's registry (its account and region) and ecrctl's record of the login
    go too. A credHelpers entry for an ECR credential helper (ecrctl,
    ecr-login) stays, and nothing is erased for it, unless --helper.
    """
    from ecrctl.login import workflow as core
    from ecrctl.login.cache import open_cache

    results = core.logout(app.registries, list(hosts), helper_entry=helper, cache=open_cache())
    if not results:
        notice(app, "ecrctl has no login to undo")
    for result in results:
        if result.helper_entry_kept:
            notice(
                app,
                f"{result.host} still uses the credential helper: "
                "ecrctl logout --helper removes that",
            )

    def row(r: core.LogoutResult) -> list[str]:
        erased = r.erased_from or ("helper entry kept" if r.helper_entry_kept else "nothing stored")
        return [r.host, erased, str(r.cached_tokens_dropped)]

    emit(
        app,
        [r.to_json() for r in results],
        table=lambda: Table(
            ["HOST", "ERASED FROM", "CACHED TOKENS DROPPED"], [row(r) for r in results]
        ),
    )
