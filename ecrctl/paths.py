"""Every file ecrctl reads or writes, in one place.

Each function reads the environment when it is called (tests and the
credential helper change it between calls), and none touches the disk:

=====================  ================================================  ==========================
what                   where                                             override
=====================  ================================================  ==========================
ecrctl's config file   ``$XDG_CONFIG_HOME/ecrctl/config.toml``           ``ECRCTL_CONFIG``
login records          ``$XDG_STATE_HOME/ecrctl/logins.json``            ``XDG_STATE_HOME``
token cache index      ``$XDG_CACHE_HOME/ecrctl/tokens.json``            ``XDG_CACHE_HOME``
token cache on disk    ``$XDG_CACHE_HOME/ecrctl/token-secrets.json``     ``XDG_CACHE_HOME``
runtime dir            ``$XDG_RUNTIME_DIR`` (none when unset)            ``XDG_RUNTIME_DIR``
notices told once      ``$XDG_RUNTIME_DIR/ecrctl/told.json``, else       ``XDG_RUNTIME_DIR``,
                       ``$XDG_STATE_HOME/ecrctl/told.json``              ``XDG_STATE_HOME``
completion names       ``$XDG_CACHE_HOME/ecrctl/completion/``            ``XDG_CACHE_HOME``
trimmed endpoints      ``$XDG_CACHE_HOME/ecrctl/endpoints-*.json``       ``XDG_CACHE_HOME``
completion scripts     ``~/.local/share/bash-completion/completions/``   ``XDG_DATA_HOME``,
                       ``~/.zfunc/``,                                    ``ZDOTDIR``,
                       ``~/.config/fish/completions/``                   ``XDG_CONFIG_HOME``
docker's config        ``~/.docker/config.json``                         ``DOCKER_CONFIG`` (a dir)
AWS config files       ``~/.aws/config``, ``~/.aws/credentials``         ``AWS_CONFIG_FILE``,
                                                                         ``AWS_SHARED_CREDENTIALS_FILE``
=====================  ================================================  ==========================

Only the standard library is imported: the credential helper's fast path uses it.
"""

from __future__ import annotations

import os
from pathlib import Path

APP = "ecrctl"


def _xdg(variable: str, *default: str) -> Path:
    value = os.environ.get(variable)
    return Path(value) if value else Path.home().joinpath(*default)


def config_home() -> Path:
    return _xdg("XDG_CONFIG_HOME", ".config") / APP


def state_home() -> Path:
    return _xdg("XDG_STATE_HOME", ".local", "state") / APP


def cache_home() -> Path:
    return _xdg("XDG_CACHE_HOME", ".cache") / APP


def ecrctl_config_file() -> Path:
    """ecrctl's own config file (registry mappings)."""
    explicit = os.environ.get("ECRCTL_CONFIG")
    return Path(explicit).expanduser() if explicit else config_home() / "config.toml"


def login_records() -> Path:
    return state_home() / "logins.json"


def token_index() -> Path:
    return cache_home() / "tokens.json"


def token_secrets() -> Path:
    """The token cache's secrets on disk, only with ``token_cache = "file"``."""
    return cache_home() / "token-secrets.json"


def runtime_dir() -> Path | None:
    """``$XDG_RUNTIME_DIR`` (an absolute path), else ``None``."""
    value = os.environ.get("XDG_RUNTIME_DIR", "")
    return Path(value) if os.path.isabs(value) else None


def zsh_dotdir() -> Path:
    """``$ZDOTDIR``, where zsh reads ``.zshrc``; else the home directory."""
    value = os.environ.get("ZDOTDIR")
    return Path(value) if value else Path.home()


def completion_script(shell: str) -> Path:
    """Where ``completion install`` writes ``shell``'s script: bash-completion's user
    dir, a dir for zsh's fpath, fish's user dir."""
    if shell == "bash":
        user = os.environ.get("BASH_COMPLETION_USER_DIR")
        base = Path(user) if user else _xdg("XDG_DATA_HOME", ".local", "share") / "bash-completion"
        return base / "completions" / APP
    if shell == "zsh":
        return zsh_dotdir() / ".zfunc" / f"_{APP}"
    return _xdg("XDG_CONFIG_HOME", ".config") / "fish" / "completions" / f"{APP}.fish"


def told_notices() -> Path:
    """The token cache's notices already told: the runtime dir (this login session),
    else the state dir."""
    runtime = runtime_dir()
    return (runtime / APP if runtime else state_home()) / "told.json"


def completion_cache() -> Path:
    return cache_home() / "completion"


def endpoints_cache(key: str) -> Path:
    return cache_home() / f"endpoints-{key}.json"


def docker_config_dir() -> Path:
    explicit = os.environ.get("DOCKER_CONFIG")
    return Path(explicit).expanduser() if explicit else Path.home() / ".docker"


def docker_config_file() -> Path:
    return docker_config_dir() / "config.json"


def aws_config_file() -> Path:
    explicit = os.environ.get("AWS_CONFIG_FILE")
    return Path(explicit).expanduser() if explicit else Path.home() / ".aws" / "config"


def aws_credentials_file() -> Path:
    explicit = os.environ.get("AWS_SHARED_CREDENTIALS_FILE")
    return Path(explicit).expanduser() if explicit else Path.home() / ".aws" / "credentials"


def path_failure(exc: OSError) -> str | None:
    """The one-line message for a file ecrctl could not read or write (an
    environment failure: exit 1), or None when ``exc`` names no path."""
    if not exc.filename:
        return None
    name = str(exc.filename)
    reason = (exc.strerror or type(exc).__name__).lower()
    fix = f"check the path and its permissions, or point {override_for(name)} elsewhere"
    return f"cannot use {name}: {reason}; {fix}"


def override_for(name: str | os.PathLike[str]) -> str:
    """The setting that moves the file or directory ``name`` elsewhere."""
    path = Path(name)
    if path == ecrctl_config_file() or config_home() in path.parents:
        return "ECRCTL_CONFIG / XDG_CONFIG_HOME"
    if path == docker_config_file() or docker_config_dir() in (path, *path.parents):
        return "DOCKER_CONFIG"
    if state_home() in (path, *path.parents):
        return "XDG_STATE_HOME"
    if cache_home() in (path, *path.parents):
        return "XDG_CACHE_HOME"
    return "HOME"
