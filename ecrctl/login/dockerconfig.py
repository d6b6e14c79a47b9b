"""The docker CLI's config.json: where registry credentials live, and how to
put them there so that a plain ``docker push``/``docker pull`` finds them.

Order, as the docker CLI reads it: ``credHelpers[host]``, else ``credsStore``,
else ``auths[host].auth`` (base64 ``user:password``) in the file itself. Writes
go through :mod:`ecrctl.atomicfile` (lock, temp file, fsync, rename, 0600) and
keep every other key and entry. Credential-helper programs
(``docker-credential-NAME``) get the secret on stdin only, never in argv or
their environment.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from ecrctl import paths, redact
from ecrctl.distribution.hosts import server_host
from ecrctl.errors import InvalidInput, ServiceError

# credHelpers values that serve ECR hosts themselves: nothing is stored for them.
ECR_HELPERS = ("ecrctl", "ecr-login")
HELPER_TIMEOUT = 60

T = TypeVar("T")


def read_config(path: Path | None = None) -> dict[str, Any]:
    """The parsed file ({} when missing); a clear error when it is not a JSON object."""
    path = path or paths.docker_config_file()
    fix = "fix or move the file, then retry"
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"the docker config {path} is not UTF-8 text (byte {exc.start}); it was left untouched",
            hint=fix,
        ) from None
    except OSError as exc:
        raise ServiceError(
            f"cannot read the docker config {path}: {exc.strerror or exc}",
            hint="check the file's permissions (or set DOCKER_CONFIG), then retry",
        ) from None
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except RecursionError:
        raise InvalidInput(
            f"the docker config {path} is nested too deeply to read; it was left untouched",
            hint=fix,
        ) from None
    except ValueError as exc:
        raise InvalidInput(
            f"the docker config {path} is not valid JSON ({exc}); it was left untouched",
            hint=fix,
        ) from None
    if not isinstance(data, dict):
        raise InvalidInput(
            f"the docker config {path} is not a JSON object; it was left untouched", hint=fix
        )
    _check_sections(data, path)
    return data


_SECTIONS = {"auths": dict, "credHelpers": dict, "credsStore": str}


def _check_sections(data: dict[str, Any], path: Path) -> None:
    """The sections ecrctl reads must have docker's types (null counts as absent)."""
    for key, kind in _SECTIONS.items():
        value = data.get(key)
        if value is None:
            data.pop(key, None)  # docker reads null as absent
            continue
        if not isinstance(value, kind):
            want = "an object" if kind is dict else "a string"
            raise InvalidInput(
                f"the docker config {path}: {key!r} is {_json_type(value)}, not {want}; "
                "it was left untouched",
                hint=f"fix or remove {key!r} in the file, then retry",
            )


def _json_type(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return type(value).__name__


def _non_finite(value: Any, where: str = "") -> str | None:
    """The key path of the first NaN or infinite number (docker cannot parse them)."""
    if isinstance(value, float) and not math.isfinite(value):
        return where or "(top level)"
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _non_finite(item, f"{where}.{key}" if where else str(key))
        if found:
            return found
    return None


def _encode(data: dict[str, Any], path: Path) -> bytes:
    bad = _non_finite(data)
    if bad is not None:
        raise InvalidInput(
            f"the docker config {path} has {bad!r} = NaN or an out-of-range number, which "
            "docker cannot read; nothing was written",
            hint=f"fix the value of {bad!r} in the file, then retry",
        )
    return (json.dumps(data, indent="\t", allow_nan=False) + "\n").encode("utf-8")


def update_config(change: Callable[[dict[str, Any]], T], path: Path | None = None) -> T:
    """Lock, re-read, apply ``change`` (which edits the dict in place), write atomically."""
    from ecrctl.atomicfile import locked, target_of, write_atomic

    path = path or paths.docker_config_file()
    target = target_of(path)  # a symlinked config.json: lock and write the target
    with locked(target.parent):
        data = read_config(path)
        before = json.dumps(data, sort_keys=True)
        result = change(data)
        if json.dumps(data, sort_keys=True) != before or not path.exists():
            write_atomic(path, _encode(data, path))
    return result


# -- where a host's credential lives ------------------------------------------------


class Location(NamedTuple):
    """``kind``: ``helper`` (an ECR helper serves the host, nothing stored),
    ``credHelpers``, ``credsStore`` or ``config.json``."""

    kind: str
    program: str | None = None

    def describe(self) -> str:
        if self.kind == "helper":
            return f"credHelpers: docker-credential-{self.program} (serves the host; not stored)"
        if self.kind in {"credHelpers", "credsStore"}:
            return f"{self.kind}: docker-credential-{self.program}"
        return "config.json auths"


def location_for(config: dict[str, Any], host: str) -> Location:
    helpers = config.get("credHelpers") or {}
    program = helpers.get(host) if isinstance(helpers, dict) else None
    if program:
        return Location("helper" if program in ECR_HELPERS else "credHelpers", program)
    store = config.get("credsStore")
    if store:
        return Location("credsStore", str(store))
    return Location("config.json")


def has_credential(config: dict[str, Any], host: str) -> bool:
    """Whether config.json refers to a credential for ``host`` (inline or stored)."""
    helpers = config.get("credHelpers") or {}
    auths = config.get("auths") or {}  # keys as docker writes them, https://HOST/v1/ too
    return host in helpers or any(server_host(str(key)) == host for key in auths)


# -- the credential-helper protocol --------------------------------------------------


def run_helper(program: str, action: str, payload: bytes) -> bytes:
    """Run ``docker-credential-PROGRAM ACTION`` with ``payload`` on stdin."""
    import subprocess

    binary = f"docker-credential-{program}"
    try:
        done = subprocess.run(
            [binary, action],
            input=payload,
            capture_output=True,
            timeout=HELPER_TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        raise ServiceError(
            f"the docker credential helper {binary} is not installed (configured in "
            f"{paths.docker_config_file()})",
            hint="install it, or remove it from credsStore/credHelpers",
        ) from None
    except subprocess.TimeoutExpired:
        raise ServiceError(f"{binary} {action} did not finish in {HELPER_TIMEOUT}s") from None
    if done.returncode != 0:
        said = (done.stdout or done.stderr).decode("utf-8", "replace").strip()
        raise ServiceError(f"{binary} {action} failed: {redact.redact(said) or 'no message'}")
    return done.stdout


def _auth_field(username: str, password: str) -> str:
    return base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


def store(host: str, username: str, password: str, path: Path | None = None) -> Location:
    """Put the credential where the docker CLI will look for ``host``."""

    def change(config: dict[str, Any]) -> Location:
        where = location_for(config, host)
        if where.kind == "helper":
            return where
        auths = config.setdefault("auths", {})
        if where.kind in {"credHelpers", "credsStore"}:
            assert where.program is not None
            payload = json.dumps({"ServerURL": host, "Username": username, "Secret": password})
            run_helper(where.program, "store", payload.encode("utf-8"))
            if where.kind == "credsStore":
                auths[host] = {}  # the docker CLI lists credsStore hosts from here
            return where
        auths[host] = {"auth": _auth_field(username, password)}
        return where

    return update_config(change, path)


def erase(host: str, *, helper_entry: bool = False, path: Path | None = None) -> Location | None:
    """Remove ``host``'s credential wherever it lives; ``None`` when there was none.

    A credHelpers entry for an ECR helper is removed only with ``helper_entry``.
    """

    def change(config: dict[str, Any]) -> Location | None:
        where = location_for(config, host)
        auths = config.get("auths") or {}
        if where.kind == "helper":
            if not helper_entry:
                return where
            config["credHelpers"].pop(host, None)
            if not config["credHelpers"]:
                del config["credHelpers"]
            return where
        if where.kind in {"credHelpers", "credsStore"}:
            assert where.program is not None
            if where.kind == "credHelpers" or host in auths:
                run_helper(where.program, "erase", host.encode("utf-8"))
                auths.pop(host, None)
                return where
            return None
        return where if auths.pop(host, None) is not None else None

    return update_config(change, path)


def use_helper(host: str, program: str = "ecrctl", path: Path | None = None) -> Location:
    """Set ``credHelpers[host] = program`` and drop any secret stored inline for it."""

    def change(config: dict[str, Any]) -> Location:
        helpers = config.get("credHelpers")
        if not isinstance(helpers, dict):
            helpers = config["credHelpers"] = {}
        helpers[host] = program
        auths = config.get("auths")
        if isinstance(auths, dict) and auths.get(host, {}).get("auth"):
            del auths[host]
        return Location("helper", program)

    return update_config(change, path)
