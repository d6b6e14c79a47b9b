"""Files a test hands to a command: JSON documents written under the test's directory,
and the docker CLI's config.json."""

from __future__ import annotations

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
