"""The lifecycle preview workflow behind ``ecrctl policy lifecycle preview``:
which options go together, where the policy and the images come from, and
which preview runs: the local one, AWS's (``remote``), both side by side
(``compare``) or the local one under a second policy (``diff``).

:func:`run_preview` takes the request as plain values and returns one of four
result models; it never prints. What it reads goes through :class:`PreviewIO`:
files (or stdin), the ECR client (built only when AWS is asked) and the wait
for AWS's preview, so callers decide how each is done and shown.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ecrctl.distribution.refs import check_repository_name
from ecrctl.errors import InvalidInput
from ecrctl.lifecycle import compare as cmp
from ecrctl.lifecycle import engine, images, validate

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

    from ecrctl.image.graph import Graph
    from ecrctl.usage.model import RepositoryUsage

DEFAULT_TIMEOUT = 300.0  # seconds to wait for AWS's preview

Reader = Callable[[str, str], str]
"""``(FILE or "-", what it is)`` -> its text, e.g. ``("p.json", "policy file")``."""

OnWait = Callable[[float], None]
Waiting = Callable[[str, float], AbstractContextManager[OnWait | None]]
"""``(repository, timeout)`` -> a context held while AWS previews; it may give a
callback that receives the seconds waited so far."""


def _no_wait(repository: str, timeout: float) -> AbstractContextManager[None]:
    return nullcontext()


@dataclass(frozen=True)
class PreviewRequest:
    """A preview as asked for on the command line (sources are FILE or ``-``)."""

    repository: str | None = None
    policy: str | None = None  # None: the repository's own policy
    images: str | None = None  # describe-images JSON; None: the repository's images
    now: str | None = None  # ISO 8601; None: the clock's time
    remote: bool = False
    compare: bool = False
    diff: str | None = None  # the other policy file
    timeout: float = DEFAULT_TIMEOUT
    in_use: bool = False  # also scan which images ECS and Lambda use


@dataclass(frozen=True)
class PreviewIO:
    """What the workflow reads through, injected by its caller."""

    read: Reader
    ecr: Callable[[], ECRClient]
    registry_id: str | None = None
    waiting: Waiting = _no_wait
    clock: Callable[[], float] = time.time
    usage: Callable[[str], RepositoryUsage] | None = None  # repository -> who uses its images


@dataclass(frozen=True)
class LocalPreview:
    """The offline preview: every image's fate and why."""

    preview: engine.Preview
    usage: RepositoryUsage | None = None


@dataclass(frozen=True)
class RemotePreview:
    """AWS's preview, in GetLifecyclePolicyPreview's shape (affected images only)."""

    results: dict[str, Any]
    usage: RepositoryUsage | None = None


@dataclass(frozen=True)
class Comparison:
    """Both previews of the same policy and repository, and the images they disagree on."""

    local: engine.Preview
    remote: dict[str, Any]
    differences: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return {
            "local": self.local.to_json(),
            "remote": self.remote,
            "differences": self.differences,
        }


@dataclass(frozen=True)
class Diff:
    """The local preview under the policy and under ``other`` (a file), and the images
    whose fate changes between them."""

    before: engine.Preview
    after: engine.Preview
    changes: list[dict[str, Any]]
    other: str

    def to_json(self) -> dict[str, Any]:
        summary = {"before": self.before.to_json_summary(), "after": self.after.to_json_summary()}
        return {"changes": self.changes, "summary": summary}

    def reasons(self) -> dict[str, str]:
        """Why each image has its fate under the other policy, by digest."""
        now = self.after.now
        return {fate.image.digest: fate.reason(now) for fate in self.after.fates}


PreviewResult = LocalPreview | RemotePreview | Comparison | Diff


def run_preview(request: PreviewRequest, io: PreviewIO) -> PreviewResult:
    """Check the request, load what it names and run the preview it asks for.

    Raises :class:`~ecrctl.errors.InvalidInput` for options that do not go
    together, unreadable files and invalid policies or images files.
    """
    name = check_repository_name(request.repository) if request.repository else None
    check_usage(request, name)
    now = parse_now(request.now, io.clock)
    if request.remote:
        assert name is not None
        return RemotePreview(_remote_only(request, name, io), _usage(request, name, io))
    document, text = _load_policy(request.policy, name, io)
    found, graph = _load_images(request.images, name, io)
    result = engine.preview(document, found, now, graph)
    if request.compare:
        assert name is not None
        policy_text = text if request.policy else None
        return _compare(result, name, policy_text, request.timeout, io)
    if request.diff is not None:
        return _diff(result, found, request.diff, io, graph)
    usage = _usage(request, name, io)
    if usage is not None and graph is not None:
        usage.linked = graph.links()  # an in-use child keeps its index in use, and back
    return LocalPreview(result, usage)


def _usage(request: PreviewRequest, name: str | None, io: PreviewIO) -> RepositoryUsage | None:
    if not request.in_use:
        return None
    assert name is not None and io.usage is not None
    return io.usage(name)


def check_usage(request: PreviewRequest, name: str | None) -> None:
    """Refuse option combinations that cannot work (``name``: the checked repository)."""
    remote, compare, other = request.remote, request.compare, request.diff
    if remote + compare + (other is not None) > 1:
        raise InvalidInput("--remote, --compare and --diff exclude each other", hint="pick one")
    if request.in_use and (compare or other is not None):
        raise InvalidInput(
            "--in-use goes with the local preview or --remote, not --compare or --diff",
            hint="drop one of them",
        )
    if request.in_use and name is None:
        raise InvalidInput("--in-use needs a REPOSITORY", hint="give the images' repository")
    if (remote or compare) and request.now is not None:
        raise InvalidInput(
            "--now cannot be used with --remote or --compare",
            hint="AWS previews at its own current time: drop --now",
        )
    if (remote or compare) and request.images is not None:
        raise InvalidInput(
            "--images cannot be used with --remote or --compare",
            hint="AWS previews the repository's own images: drop --images",
        )
    if (remote or compare) and name is None:
        raise InvalidInput("--remote and --compare need a REPOSITORY", hint="give its name")
    if name is None and (request.policy is None or request.images is None):
        raise InvalidInput(
            "nothing to preview: give a REPOSITORY, or both --policy FILE and --images FILE"
        )
    sources = (request.policy, request.images, other)
    if sum(source == "-" for source in sources) > 1:
        raise InvalidInput("only one of --policy, --images and --diff can read stdin (-)")


def parse_now(value: str | None, clock: Callable[[], float] = time.time) -> float:
    """The time age rules count from: ``value`` (ISO 8601 or epoch seconds), else the clock's."""
    if value is None:
        return clock()
    try:
        return images.parse_time(value, "--now")
    except InvalidInput:
        raise InvalidInput(
            f"--now {value!r} is not a time", hint="give ISO 8601, e.g. 2024-05-01T12:00:00Z"
        ) from None


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """A preview builds hundreds of thousands of small acyclic objects: the cyclic
    collector would only rescan them again and again (a third of the run time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _shown(source: str) -> str:
    return "from stdin" if source == "-" else f"in {source}"


def _load_policy(
    source: str | None, repository: str | None, io: PreviewIO
) -> tuple[dict[str, Any], str]:
    if source is not None:
        text = io.read(source, "policy file")
        return validate.parse(text, name=f"lifecycle policy {_shown(source)}", source=source), text
    from ecrctl.lifecycle import store

    assert repository is not None
    response = store.get_lifecycle_policy(io.ecr(), repository, registry_id=io.registry_id)
    text = str(response["lifecyclePolicyText"])
    return validate.parse(text, name=f"lifecycle policy of {repository}"), text


def _load_images(
    source: str | None, repository: str | None, io: PreviewIO
) -> tuple[list[images.Image], Graph | None]:
    """The images, and their graph when they come from the repository (an images
    file holds no manifests)."""
    if source is not None:
        text = io.read(source, "images file")
        return images.load_images_json(text, name=f"images file {source!r}"), None
    assert repository is not None
    return load_repository(io.ecr(), repository, registry_id=io.registry_id)


def load_repository(
    ecr: ECRClient, repository: str, *, registry_id: str | None = None
) -> tuple[list[images.Image], Graph]:
    """A repository's images (DescribeImages) and their graph (the indexes' manifests)."""
    from ecrctl.image.graph import read_graph
    from ecrctl.repo.images import iter_image_details

    details = list(iter_image_details(ecr, repository, registry_id=registry_id))
    found = images.from_details(details, source="DescribeImages")
    return found, read_graph(ecr, repository, details, registry_id=registry_id)


def _aws_preview(
    repository: str, policy_text: str | None, timeout: float, io: PreviewIO
) -> dict[str, Any]:
    from ecrctl.lifecycle.remote import remote_preview

    with io.waiting(repository, timeout) as on_wait:
        return remote_preview(
            io.ecr(),
            repository,
            policy_text,
            registry_id=io.registry_id,
            timeout=timeout,
            on_wait=on_wait,
        )


def _remote_only(request: PreviewRequest, repository: str, io: PreviewIO) -> dict[str, Any]:
    text = None
    if request.policy is not None:  # checked here: AWS's error would be less precise
        text = io.read(request.policy, "policy file")
        validate.parse(
            text, name=f"lifecycle policy {_shown(request.policy)}", source=request.policy
        )
    return _aws_preview(repository, text, request.timeout, io)


def _compare(
    local: engine.Preview,
    repository: str,
    policy_text: str | None,
    timeout: float,
    io: PreviewIO,
) -> Comparison:
    remote = _aws_preview(repository, policy_text, timeout, io)
    differences = cmp.changes(
        cmp.rows_of_preview(local) + cmp.rows_of_results(remote),
        cmp.outcomes_of_preview(local),
        cmp.outcomes_of_results(remote),
        names=("local", "remote"),
    )
    return Comparison(local, remote, differences)


def _diff(
    before: engine.Preview,
    found: list[images.Image],
    other: str,
    io: PreviewIO,
    graph: Graph | None = None,
) -> Diff:
    other_text = io.read(other, "policy file")
    other_doc = validate.parse(other_text, name=f"lifecycle policy in {other}")
    after = engine.preview(other_doc, found, before.now, graph)
    changed = cmp.changes(
        cmp.rows_of_preview(before),
        cmp.outcomes_of_preview(before),
        cmp.outcomes_of_preview(after),
    )
    return Diff(before, after, changed, other)
