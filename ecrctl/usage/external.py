"""Usage from outside AWS's APIs (``--usage-from FILE|-``): what App Runner,
Kubernetes or anything ecrctl does not scan runs, as image references one a line,
or as the JSON of ``kubectl get pods -A -o json``.

From a pod list, each container's ``image`` (what a restart pulls) and its
status's ``imageID`` (what runs: ``docker-pullable://REPO@sha256:...`` or
``REPO@sha256:...``; a bare image id names no repository and is skipped) are read.
Pure: the text comes in, references go out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ecrctl.distribution.reference import parse_reference
from ecrctl.errors import InvalidInput
from ecrctl.usage.model import Reference, User, references_to

KIND = "external"
FORMS = "give image references one a line, or the JSON of kubectl get pods -A -o json"


@dataclass(frozen=True)
class External:
    """What ``--usage-from`` held: the references to ECR images, and how much it read."""

    source: str
    references: list[Reference]
    read: int  # image references read (any registry)
    pods: int | None = None  # None: a list of references, not a pod list

    def counts(self) -> dict[str, int]:
        counts = {"references": self.read}
        return counts if self.pods is None else {**counts, "pods": self.pods}


def parse_external(text: str, source: str) -> External:
    """``text`` read from ``source`` (a file name, or ``-``)."""
    name = "stdin" if source == "-" else source
    if text.lstrip().startswith("{"):
        return _pods(text, name)
    return _lines(text, name)


def _lines(text: str, name: str) -> External:
    found: list[Reference] = []
    read = 0
    for number, line in enumerate(text.splitlines(), start=1):
        value = line.strip()
        if not value or value.startswith("#"):
            continue
        try:
            parse_reference(value, tag_and_digest=True)
        except InvalidInput as exc:
            raise InvalidInput(
                f"--usage-from {name} line {number}: {exc.one_line()}", hint=FORMS
            ) from None
        read += 1
        found += references_to(User(KIND, f"{name} line {number}", ""), [value])
    return External(name, found, read)


def _pods(text: str, name: str) -> External:
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise InvalidInput(f"--usage-from {name} is not valid JSON ({exc})", hint=FORMS) from None
    if isinstance(document, dict) and document.get("kind") == "Pod":
        pods = [document]
    elif isinstance(document, dict) and isinstance(document.get("items"), list):
        pods = document["items"]
    else:
        raise InvalidInput(f"--usage-from {name} is JSON but no pod list", hint=FORMS)
    found: list[Reference] = []
    read = 0
    for pod in pods:
        for user, image, running in _pod_images(pod if isinstance(pod, dict) else {}):
            read += 1
            found += references_to(user, [image], running=running)
    return External(name, found, read, len(pods))


def _pod_images(pod: dict[str, Any]) -> list[tuple[User, str, bool]]:
    """(container's user, image, whether it is the image that runs) of one pod."""
    meta = pod.get("metadata") or {}
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    pod_name = f"{meta.get('namespace', 'default')}/{meta.get('name', '?')}"
    uid = str(meta.get("uid", ""))

    def user(container: str) -> User:
        return User(KIND, f"pod {pod_name} ({container})", uid)

    found = []
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for container in spec.get(key) or []:
            if container.get("image"):
                found.append((user(str(container.get("name"))), str(container["image"]), False))
    for key in ("initContainerStatuses", "containerStatuses", "ephemeralContainerStatuses"):
        for state in status.get(key) or []:
            image_id = str(state.get("imageID") or "")
            scheme, sep, rest = image_id.partition("://")
            if image_id:  # a bare image id (sha256:...) names no registry: skipped
                found.append((user(str(state.get("name"))), rest if sep else scheme, True))
    return found
