"""Files a test hands to a command: JSON documents written under the test's directory,
and the docker CLI's config.json."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from ecrctl import paths


def write(tmp_path: Path, name: str, data: Any) -> str:
    """Write ``data`` (text as is, anything else as indented JSON) to ``tmp_path/name``;
    the path as a command-line argument."""
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, indent=2))
    return str(path)


def write_docker_config(data: Any) -> Path:
    """``data`` as the docker CLI's config.json (``DOCKER_CONFIG``'s), its path."""
    path = paths.docker_config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))
    return path


def read_docker_config() -> dict[str, Any]:
    """The docker CLI's config.json as it is now."""
    data: dict[str, Any] = json.loads(paths.docker_config_file().read_text())
    return data


def stored_password(host: str) -> str:
    """The password config.json's ``auths`` holds for ``host``."""
    auth = read_docker_config()["auths"][host]["auth"]
    return base64.b64decode(auth).decode().split(":", 1)[1]
