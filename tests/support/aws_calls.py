"""What a command asks AWS, counted for real: the AWS API calls a counting proxy in
front of moto forwarded (operation, region, access key), and a profile whose
credentials come from a ``credential_process`` that logs each run and hands out a
new access key each time, so that every botocore session that resolves credentials
shows as one run, and each call names the session that signed it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tests.distribution.proxy import Proxy

PROCESS = """\
import json, sys
with open(sys.argv[1], "a") as log:
    log.write("run\\n")
with open(sys.argv[1]) as log:
    runs = sum(1 for _ in log)
print(json.dumps({"Version": 1, "AccessKeyId": f"AKIDCOUNTED{runs:04d}",
                  "SecretAccessKey": "testing"}))
"""


def counted_profile(directory: Path, name: str = "counted") -> Path:
    """Add ``[profile NAME]`` to ``$AWS_CONFIG_FILE``, its credentials from a
    ``credential_process`` that logs each run; returns the log."""
    directory.mkdir(parents=True, exist_ok=True)
    script = directory / "credentials.py"
    script.write_text(PROCESS)
    log = directory / "runs.log"
    config = Path(os.environ["AWS_CONFIG_FILE"])
    config.parent.mkdir(parents=True, exist_ok=True)
    with config.open("a") as handle:
        handle.write(f"\n[profile {name}]\ncredential_process = {sys.executable} {script} {log}\n")
    return log


def credential_runs(log: Path) -> int:
    """How many times the profile's credentials were resolved: one per botocore session."""
    return len(log.read_text().splitlines()) if log.exists() else 0


def api_calls(proxy: Proxy) -> list[tuple[str, str, str]]:
    """(operation, region, access key id) of each AWS API call through ``proxy``."""
    calls = []
    for _, _, headers in proxy.counters.sent:
        operation = headers.get("X-Amz-Target", "?").rsplit(".", 1)[-1]
        scope = headers.get("Authorization", "").split("Credential=", 1)[-1].split(",")[0]
        key, _, region, *_ = [*scope.split("/"), "", "", ""]
        calls.append((operation, region, key))
    return calls
