"""``docker-credential-ecrctl``: the Docker credential-helper protocol for ECR.

    get    server URL on stdin -> {"ServerURL", "Username", "Secret"} on stdout
    list   {"<host>": "AWS", ...} for the hosts the helper knows of
    store  reads and ignores the credential: exit 0, nothing stored
    erase  drops the cached tokens for the host: exit 0

It serves every ECR registry host (private ones in every partition, FIPS and
dual-stack included, and ECR Public's ``public.ecr.aws``; see ecrctl.distribution.hosts)
and every host mapped in ecrctl's config file (account, region, profile,
endpoint). Any other host gets the protocol's "credentials not found" answer
and exit 1, so docker carries on without credentials.

A cache hit must be fast: this module and what it imports on that path use
the standard library and ecrctl's light modules (with jeepney to read the Secret
Service, or keyring for a backend named in ``PYTHON_KEYRING_BACKEND``), never
boto3, botocore, requests, click, rich or docker. Those load only when a token
has to be fetched. Processes that miss the same token at once take turns
(:meth:`~ecrctl.login.cache.StoreCache.filling`): the first asks AWS, the others
find its token in the cache.
"""

from __future__ import annotations

import importlib
import json
import sys
import types
from typing import IO, TYPE_CHECKING

from ecrctl import __version__
from ecrctl.errors import ExitCode

if TYPE_CHECKING:
    from ecrctl.login.cache import TokenCache
    from ecrctl.login.registries import Registries, Registry

NOT_FOUND = "credentials not found in native keychain"
USAGE = "usage: docker-credential-ecrctl get|list|store|erase|version"

# keyring's import chain loads modules that reading one password never uses:
# urllib.request (jaraco.context's tarball helper, about 15 ms here),
# importlib_metadata (plugin entry points, unused with a configured backend) and
# more_itertools (jaraco.functools). The cache hit defers them; each loads for
# real on first use, and all do before a token is fetched.
_DEFERRED = ("urllib.request", "importlib_metadata", "more_itertools")


class _DeferredModule(types.ModuleType):
    def __getattr__(self, attr: str) -> object:
        return getattr(_load_for_real(self.__name__), attr)


def _load_for_real(name: str) -> types.ModuleType:
    if isinstance(sys.modules.get(name), _DeferredModule):
        del sys.modules[name]
    module = importlib.import_module(name)
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)
    return module


def _defer_imports() -> None:
    for name in _DEFERRED:
        if name in sys.modules:
            continue
        stub = _DeferredModule(name)
        stub.__spec__ = None
        sys.modules[name] = stub
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(importlib.import_module(parent), child, stub)


def _undefer_imports() -> None:
    for name in _DEFERRED:
        if isinstance(sys.modules.get(name), _DeferredModule):
            _load_for_real(name)


def _credentials(host: str, username: str, secret: str) -> str:
    return json.dumps({"ServerURL": host, "Username": username, "Secret": secret})


def served(server: str) -> tuple[Registries, Registry] | None:
    """Who serves ``server`` for docker: an ECR registry (private in any partition, or
    ECR Public) or a host mapped in ecrctl's config; ``None`` for any other host. The
    AWS side is the environment's, as docker gives it to the helper."""
    from ecrctl.aws.clients import Aws
    from ecrctl.login.registries import OTHER, Registries

    if not server.strip():
        return None
    registries = Registries(Aws())
    answer = registries.serve(server, write=True)
    return None if answer.kind == OTHER else (registries, answer)


def _owner(answer: Registry) -> tuple[str, str]:
    """The account and region the cached tokens of ``answer`` are filed under."""
    from ecrctl.login.registries import PUBLIC, PUBLIC_KEY_ACCOUNT

    account = PUBLIC_KEY_ACCOUNT if answer.kind == PUBLIC else str(answer.account)
    return account, str(answer.region)


def cached_answer(answer: Registry, cache: TokenCache) -> str | None:
    """The ``get`` answer from the cache alone, without any AWS call."""
    from ecrctl.login.registries import PUBLIC, public_token_key, token_key

    if not cache.usable or answer.aws is None:
        return None
    identity = cache.identity(answer.aws.resolved.credential_source())
    if identity is None:
        return None
    if answer.kind == PUBLIC:
        key = public_token_key(identity)
    else:
        key = token_key(answer.aws, str(answer.account), identity)
    token = cache.get(key)
    if token is None:
        return None
    return _credentials(str(answer.address), token.username, token.password)


def fetched_answer(registries: Registries, answer: Registry, cache: TokenCache) -> str:
    """The ``get`` answer from GetAuthorizationToken (cached for next time)."""
    from ecrctl.login.registries import PUBLIC
    from ecrctl.login.token import public_registry_auth, registry_auths
    from ecrctl.translate import translate

    try:
        if answer.kind == PUBLIC:
            assert answer.aws is not None
            auth = public_registry_auth(answer.aws, cache=cache)
        else:
            auth = registry_auths(registries, answer, cache=cache)[0]
    except Exception as exc:
        error = translate(exc, region=answer.region)
        if error is None:
            raise
        raise error from None
    return _credentials(str(answer.address), auth.username, auth.password)


def _fill_scope(answer: Registry) -> str:
    """What processes missing a token at once share: the caller and the registry."""
    assert answer.aws is not None
    account, region = _owner(answer)
    return f"{answer.aws.resolved.credential_source()} {account} {region}"


def get_credential(server: str, out: IO[str]) -> int:
    """``get``: the credential for ``server`` as docker reads it, from the token cache
    when it holds one, else fetched (and cached)."""
    found = served(server)
    if found is None:
        out.write(NOT_FOUND + "\n")
        return ExitCode.FAILED
    from ecrctl.login.cache import open_cache

    registries, target = found
    _defer_imports()
    cache = open_cache(config=registries.config)
    answer = cached_answer(target, cache)
    if answer is None:
        with cache.filling(_fill_scope(target)):
            answer = cached_answer(target, cache)  # filled while this one waited?
            if answer is None:
                return _fetched(registries, target, cache, out)
    out.write(answer + "\n")
    return ExitCode.OK


def _fetched(registries: Registries, target: Registry, cache: TokenCache, out: IO[str]) -> int:
    from ecrctl.login.registries import PUBLIC

    _undefer_imports()
    if target.kind == PUBLIC:
        return _public_answer(registries, target, cache, out)
    out.write(fetched_answer(registries, target, cache) + "\n")
    return ExitCode.OK


def _public_answer(
    registries: Registries, target: Registry, cache: TokenCache, out: IO[str]
) -> int:
    """ECR Public without a token (no credentials, no ``sts:GetServiceBearerToken``)
    is still ECR Public: docker pulls anonymously when told "not found"."""
    from ecrctl.errors import EcrctlError

    try:
        answer = fetched_answer(registries, target, cache)
    except EcrctlError as exc:
        sys.stderr.write(
            f"docker-credential-ecrctl: no ECR Public token ({exc.one_line()}); "
            f"pulling public images from {target.address} needs no login\n"
        )
        out.write(NOT_FOUND + "\n")
        return ExitCode.FAILED
    out.write(answer + "\n")
    return ExitCode.OK


def list_hosts(out: IO[str]) -> int:
    from ecrctl.login.cache import open_cache
    from ecrctl.login.mappings import load_config

    config = load_config()
    hosts = {host: "AWS" for host in config.registries}
    for entry in open_cache(config=config).entries():
        if entry.host:
            hosts.setdefault(entry.host, "AWS")
    out.write(json.dumps(hosts) + "\n")
    return ExitCode.OK


def erase_tokens(server: str) -> int:
    """``docker logout HOST``: forget the cached tokens for the host; store nothing."""
    from ecrctl.login.cache import open_cache

    found = served(server)
    if found is not None:
        registries, answer = found
        host, owner = answer.address, _owner(answer)
        cache = open_cache(config=registries.config)
        cache.drop_where(lambda e: e.host != host and (e.account, e.region) != owner)
    return ExitCode.OK


def _read(stdin: IO[str] | None) -> str:
    """The server URL docker writes; nothing when stdin is closed or unreadable."""
    if stdin is None:
        return ""
    try:
        return stdin.read()
    except (OSError, ValueError):
        return ""


def run(argv: list[str], stdin: IO[str] | None, out: IO[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write(USAGE + "\n")
        return ExitCode.FAILED
    action = argv[0]
    if action in {"version", "--version", "-v"}:
        out.write(f"docker-credential-ecrctl (ecrctl) {__version__}\n")
        return ExitCode.OK
    if action == "list":
        return list_hosts(out)
    if action == "store":
        _read(stdin)  # the protocol hands over a credential; ecrctl keeps none
        return ExitCode.OK
    if action == "get":
        return get_credential(_read(stdin).strip(), out)
    if action == "erase":
        return erase_tokens(_read(stdin).strip())
    sys.stderr.write(f"unknown action {action!r}\n{USAGE}\n")
    return ExitCode.FAILED


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    from ecrctl.errors import ExitCode, error_line

    try:
        code = run(sys.argv[1:] if argv is None else argv, sys.stdin, sys.stdout)
    except KeyboardInterrupt:
        code = ExitCode.INTERRUPTED
    except Exception as exc:
        from ecrctl.translate import expected

        error = expected(exc)
        # docker shows a helper's stdout when it fails
        sys.stdout.write(error_line(error.one_line()) + "\n")
        code = int(error.exit_code)
    sys.stdout.flush()
    import gc

    gc.freeze()  # freed with the process: the interpreter's last collection skips it
    sys.exit(code)
