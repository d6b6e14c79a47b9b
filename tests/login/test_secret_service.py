"""The Secret Service read straight over D-Bus, against a real gnome-keyring in a
private D-Bus session: the credential helper's hit loads neither keyring,
secretstorage nor cryptography; tokens keyring wrote are read, and items another
client wrote; a locked collection leaves the read to keyring, as before; a bus
with no Secret Service on it means no OS keyring, so the kernel keyring."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.login.cache_support import HEAVY, in_session

HIT = """
import json, subprocess, sys
from pathlib import Path
from ecrctl.login.secret_service import Reader
from tests.login.cache_support import HELPER, modules_at_exit
from tests.login_support import ecr_host, seed_token
key = seed_token("ss-secret")
done, modules = modules_at_exit(Path(sys.argv[1]), [HELPER, "get"], ecr_host())
stored = subprocess.run(["secret-tool", "lookup", "service", "ecrctl", "username", key.name],
                        capture_output=True, text=True).stdout
subprocess.run(["secret-tool", "store", "--label", "other client", "service", "ecrctl",
                "username", "written-elsewhere"], input="their-secret", text=True, check=True)
theirs = Reader.connect().read("ecrctl", "written-elsewhere")
print(json.dumps({"get": done.stdout, "err": done.stderr, "modules": sorted(modules),
                  "stored": stored, "theirs": theirs}))
"""


@pytest.fixture(autouse=True)
def keyrings_own_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    """No backend named: ecrctl finds the Secret Service as keyring's detection would."""
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)


def test_a_hit_reads_gnome_keyring_without_keyring_or_cryptography(tmp_path: Path) -> None:
    _, result = in_session(tmp_path, HIT, str(tmp_path))
    assert '"Secret": "ss-secret"' in result["get"], result["err"]
    loaded = set(result["modules"])
    assert "jeepney" in loaded  # it did talk to the Secret Service
    assert [m for m in loaded if m.split(".")[0] in HEAVY] == []
    assert '"password": "ss-secret"' in result["stored"]  # keyring's item, as before
    assert result["theirs"] == "their-secret"


LOCKED = """
import json
from jeepney import DBusAddress, new_method_call
from ecrctl.login import cache as tokencache
from ecrctl.login.secret_service import NeedsKeyring, Reader
from tests.login_support import seed_token
key = seed_token("locked-secret")
reader = Reader.connect()
service = DBusAddress("/org/freedesktop/secrets", bus_name="org.freedesktop.secrets",
                      interface="org.freedesktop.Secret.Service")
reader.connection.send_and_get_reply(
    new_method_call(service, "Lock", "ao", (["/org/freedesktop/secrets/aliases/default"],)))
try:
    reader.read("ecrctl", key.name)
    direct = "read"
except NeedsKeyring as exc:
    direct = str(exc)
cache = tokencache.open_cache()
print(json.dumps({"direct": direct, "got": cache.get(key) is not None,
                  "usable": cache.usable, "reason": cache.reason}))
"""


def test_a_locked_collection_is_left_to_keyring_which_cannot_unlock_it_here(
    tmp_path: Path,
) -> None:
    _, result = in_session(tmp_path, LOCKED)
    assert result["direct"] == "org.freedesktop.Secret.Error.IsLocked"
    assert result["got"] is False and result["usable"] is False
    assert result["reason"].startswith("the keyring is locked")


NO_SERVICE = """
import json, os
from ecrctl.login import cache as tokencache
auto = tokencache.open_cache()
os.environ["ECRCTL_TOKEN_CACHE"] = "keyring"
only = tokencache.open_cache()
print(json.dumps({"auto": auto.kind, "skipped": auto.skipped, "only": only.reason}))
"""


def test_a_bus_without_a_secret_service_is_no_os_keyring(tmp_path: Path) -> None:
    _, result = in_session(tmp_path, NO_SERVICE, keyring=False)
    assert result["auto"] == "kernel"
    assert result["skipped"] == "no OS keyring (no Secret Service on the D-Bus session bus)"
    assert result["only"].startswith(
        "no OS keyring (no Secret Service on the D-Bus session bus): tokens are not cached"
    )
