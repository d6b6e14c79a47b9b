"""Deleting a repository: its images listed first, one DeleteRepository call,
and an account of every image (done, failed with ECR's code, not attempted,
unknown), also when the answer is lost, the server dies or a signal arrives.

DeleteRepository with ``force`` is one atomic call on ECR: the repository goes
with every image it holds, or nothing goes. So on ECR's answer every image
shares the repository's fate; after a lost answer the service's state says
which (repository gone: all done; still there: the images still listed were
not deleted). An image pushed after the listing is deleted with the repository
too and is not in the report (the listing is what the user confirmed).

Pure functions over an ECR client; no click, no rich.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ecrctl import batch
from ecrctl.aws.access import error_code, error_message, registry_kwargs
from ecrctl.errors import Conflict, EcrctlError, Signalled
from ecrctl.repo.images import iter_image_details
from ecrctl.repo.repository import describe_repository

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

REPOSITORY_GONE = "RepositoryNotFoundException"


@dataclass
class ImageItem(batch.Item):
    """One image of the repository (key: its digest) and what happened to it."""

    tags: list[str] = field(default_factory=list)

    def detail(self) -> dict[str, Any]:
        return {"imageTags": list(self.tags)}

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "imageDigest": self.key,
            "imageTags": list(self.tags),
            "status": self.status,
        }
        data.update(self.failure_fields())
        return data


@dataclass
class RepoDelete:
    """A repository delete: the images it takes, and what happened to each."""

    name: str
    registry_id: str | None
    force: bool
    items: list[ImageItem]
    repository: batch.Item = field(init=False)
    answer: dict[str, Any] | None = None  # DeleteRepository's repository object
    reconciled: bool = False  # settled from the service's state, not from an answer

    def __post_init__(self) -> None:
        self.repository = batch.Item(self.name)

    @property
    def deleted(self) -> bool:
        return self.repository.status == batch.DONE

    def to_dict(self) -> dict[str, Any]:
        data = dict(self.answer or {"repositoryName": self.name, "registryId": self.registry_id})
        if self.reconciled:
            data["reconciled"] = True
        data["status"] = self.repository.status
        data.update(self.repository.failure_fields())
        data["images"] = [i.to_dict() for i in self.items]
        data.update(batch.report(self.items))
        return data


def plan_repository_delete(
    ecr: ECRClient, name: str, *, force: bool = False, registry_id: str | None = None
) -> RepoDelete:
    """The images deleting ``name`` takes (every one, paginated); a repository
    holding any is refused here, before any change, unless ``force``."""
    images = iter_image_details(ecr, name, registry_id=registry_id)
    items = [ImageItem(d["imageDigest"], tags=sorted(d.get("imageTags") or [])) for d in images]
    if items and not force:
        noun = "image" if len(items) == 1 else "images"
        raise Conflict(
            f"repository {name!r} holds {len(items)} {noun}",
            hint="pass --force to delete it with its images",
        )
    return RepoDelete(name, registry_id, force, items)


def execute_repository_delete(
    ecr: ECRClient, plan: RepoDelete, *, grace: float = batch.IN_FLIGHT_WAIT
) -> None:
    """Call DeleteRepository once and settle the repository and every image.

    Raises (after settling) when the repository was not deleted, and on Ctrl-C
    or SIGTERM: a call already sent gets ``grace`` seconds to answer, then the
    state is read back; the error leaves as Interrupted / Terminated."""
    flight = batch.InFlight(
        lambda: ecr.delete_repository(
            repositoryName=plan.name, force=plan.force, **registry_kwargs(plan.registry_id)
        ),
        start=False,
    )
    try:
        flight.start()  # a signal while the thread starts still waits for the call below
        flight.wait()
    except (KeyboardInterrupt, Signalled) as stop:
        flight.wait(grace)
        _settle(ecr, plan, flight)
        raise _stopped(stop, plan) from stop
    _settle(ecr, plan, flight)
    if flight.error is not None and not plan.deleted:
        raise _stopped(flight.error, plan) from flight.error


def _stopped(exc: BaseException, plan: RepoDelete) -> EcrctlError:
    if plan.items:
        return batch.stopped(exc, plan.items, "deleted")
    if isinstance(exc, Exception):
        return batch.expected_error(exc)
    return batch.stopped(exc, [plan.repository], "deleted")


def _settle(ecr: ECRClient, plan: RepoDelete, flight: batch.InFlight[Any]) -> None:
    """Every image and the repository settled from the answer, else from the state."""
    if flight.answered and flight.error is None:
        plan.answer = dict(flight.value["repository"]) if flight.value else None
        _settle_all(plan, batch.DONE)
        return
    code = error_code(flight.error) if flight.error is not None else ""
    # the repository was there at the listing: gone now means this call (a retry
    # whose first answer was lost) or the one before it deleted it
    there = False if code == REPOSITORY_GONE else _still_there(ecr, plan)
    if there is False:
        plan.reconciled = True
        _settle_all(plan, batch.DONE)
        return
    remaining = _remaining(ecr, plan) if there else None
    reason = (error_message(flight.error) if flight.error is not None else "") or code
    for item in plan.items:
        if remaining is not None and item.key not in remaining:
            item.settle(batch.DONE)  # gone by other hands, as the user wanted
        elif code:  # ECR answered that it did not delete it
            item.settle(batch.FAILED, code, reason)
        elif flight.answered and remaining is not None:
            item.settle(
                batch.FAILED, batch.CALL_FAILED, "the call failed; the image is still there"
            )
    if code:
        plan.repository.settle(batch.FAILED, code, reason)
    elif flight.answered and there:
        plan.repository.settle(
            batch.FAILED, batch.CALL_FAILED, "the call failed; it is still there"
        )
    # still unsettled: sent, and neither its answer nor the state says what it did
    batch.settle_unsettled([*plan.items, plan.repository])


def _settle_all(plan: RepoDelete, status: str) -> None:
    for item in [*plan.items, plan.repository]:
        item.settle(status)


def _still_there(ecr: ECRClient, plan: RepoDelete) -> bool | None:
    """Whether the repository exists now (None: the service cannot say)."""
    try:
        describe_repository(ecr, plan.name, registry_id=plan.registry_id)
    except Exception as exc:
        return False if error_code(exc) == REPOSITORY_GONE else None
    return True


def _remaining(ecr: ECRClient, plan: RepoDelete) -> set[str] | None:
    """The digests the repository holds now (None: they cannot be read)."""
    try:
        images = iter_image_details(ecr, plan.name, registry_id=plan.registry_id)
        return {d["imageDigest"] for d in images}
    except Exception:
        return None
