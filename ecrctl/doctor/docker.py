"""Docker Engine checks: the engine answers, its version (the guide asks for
1.10 or later, for parallel layer uploads), free space where it keeps images,
and its own proxy settings (the engine, not the docker CLI, talks to the registry).
"""

from __future__ import annotations

import os
import shutil

from ecrctl.doctor.facts import DoctorFacts
from ecrctl.doctor.model import CheckOutcome, Skipped, failure, ok, skip, warning

MIN_VERSION = (1, 10)
GIB = 1024**3
FREE_FAIL = 1 * GIB
FREE_WARN = 5 * GIB


def _host() -> str:
    from ecrctl.docker_engine import docker_host

    return docker_host()


def check_engine(facts: DoctorFacts) -> CheckOutcome:
    try:
        engine = facts.engine()
    except Exception:
        return failure(
            f"the Docker Engine at {_host()} does not answer",
            "start it (sudo systemctl start docker), or point DOCKER_HOST at its socket",
        )
    version = facts.once("docker version", engine.version)
    return ok(f"{_host()} answers (API {version.get('ApiVersion', '?')})")


def _parse(version: str) -> tuple[int, ...]:
    parts = []
    for piece in version.split("-")[0].split("."):
        if not piece.isdigit():
            break
        parts.append(int(piece))
    return tuple(parts)


def check_version(facts: DoctorFacts) -> CheckOutcome:
    try:
        engine = facts.engine()
    except Exception:
        raise Skipped("needs the Docker Engine (see docker.engine)") from None
    version = str(facts.once("docker version", engine.version).get("Version", ""))
    parsed = _parse(version)
    if not parsed:
        return skip(f"the engine reports version {version!r}, which is not a number")
    if parsed < MIN_VERSION:
        return failure(
            f"Docker {version}: the guide needs 1.10 or later (parallel layer uploads)",
            "upgrade Docker (e.g. sudo apt-get install docker.io)",
        )
    return ok(f"Docker {version} (1.10 or later)")


def check_disk(facts: DoctorFacts) -> CheckOutcome:
    info = facts.engine_info()
    root = str(info.get("DockerRootDir") or "")
    if not _host().startswith("unix://") or not root or not os.path.isdir(root):
        return skip(f"the engine keeps images in {root or '?'}, not on this machine")
    usage = shutil.disk_usage(root)
    free = usage.free / GIB
    said = f"{free:.1f} GiB free of {usage.total / GIB:.0f} GiB in {root}"
    fix = "free space: docker system prune (or docker image prune -a)"
    if usage.free < FREE_FAIL:
        return failure(f"{said}: pulls and builds will fail", fix)
    if usage.free < FREE_WARN or usage.free < usage.total / 10:
        return warning(said, fix)
    return ok(said)


def _covered(host: str, no_proxy: str) -> bool:
    name = host.rsplit(":", 1)[0]
    for entry in (e.strip() for e in no_proxy.split(",")):
        if entry == "*":
            return True
        entry = entry.lstrip("*")
        if entry and (name == entry.lstrip(".") or name.endswith(entry)):
            return True
    return False


def check_proxy(facts: DoctorFacts) -> CheckOutcome:
    info = facts.engine_info()
    proxy = str(info.get("HttpsProxy") or info.get("HttpProxy") or "")
    no_proxy = str(info.get("NoProxy") or "")
    if not proxy:
        return ok("the engine uses no proxy")
    said = f"the engine sends registry traffic through {proxy}" + (
        f" (NoProxy: {no_proxy})" if no_proxy else ""
    )
    try:
        host = facts.target().host
    except Skipped:
        return ok(said)
    if _covered(host, no_proxy):
        return ok(f"{said}; {host} bypasses it")
    return ok(f"{said}, including {host}")
