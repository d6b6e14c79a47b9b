"""Why usage is unknown, and what the scan could not find.

A :class:`Gap` is one reason the scan cannot say "not in use": an action refused
for permission, throttled past its retries or failed (a page that never came), an
account or region not scanned, or a reference on an ECR host that does not read.
A :class:`Missing` is a runner whose running image is not in the repository: it
is reported, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ecrctl.usage.users import User

DENIED = "denied"
THROTTLED = "throttled"
FAILED = "failed"
UNREADABLE = "unreadable"
UNSCANNED = "unscanned"

RepositoryKey = tuple[str, str, str]  # registry id, region, repository name


@dataclass(frozen=True)
class Gap:
    """One reason the usage of some images is unknown."""

    action: str  # e.g. "ecs:ListClusters", "sts:AssumeRole"; "" for an unreadable reference
    message: str
    reason: str = DENIED  # DENIED, THROTTLED, FAILED, UNREADABLE or UNSCANNED
    where: str = ""  # "account 210987654321, us-west-2"; "" for the registry's own
    account: str = ""
    region: str = ""
    user: User | None = None  # the runner whose reference does not read
    reference: str = ""  # that reference, as written
    key: RepositoryKey | None = None  # the one repository it concerns (None: any)

    def concerns(self, key: RepositoryKey) -> bool:
        return self.key is None or self.key == key

    def warning(self) -> str:
        where = f" in {self.where}" if self.where else ""
        unknown = f"image usage is unknown ({self.message})"
        if self.reason == DENIED:
            return f"no permission for {self.action}{where}: {unknown}"
        if self.reason == THROTTLED:
            return f"{self.action}{where} was throttled past its retries: {unknown}"
        if self.reason == UNSCANNED:
            return f"{self.where or 'an account'} was not scanned: {unknown}"
        if self.reason == UNREADABLE and self.user is not None:
            what = self.key[2] if self.key else "its registry"
            return (
                f"{self.user.text()} names {self.reference!r}, which ecrctl cannot read: "
                f"the usage of {what} is unknown ({self.message})"
            )
        return f"{self.action}{where} failed: {unknown}"

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"cause": self.reason, "message": self.message}
        if self.action:
            data["action"] = self.action
        if self.account:
            data["account"] = self.account
        if self.region:
            data["region"] = self.region
        if self.user is not None:
            data["user"] = self.user.to_json()
            data["reference"] = self.reference
        return data


@dataclass(frozen=True)
class Missing:
    """A runner whose running image names no image of the repository (ACTIVE or
    ARCHIVED): the image it runs is already gone."""

    user: User
    reference: str
    digest: str
    repository: str

    def warning(self) -> str:
        return (
            f"{self.user.text()} runs {self.reference}, which is not in {self.repository}: "
            "its image is already gone (kept as in use, nothing to protect)"
        )

    def to_json(self) -> dict[str, Any]:
        return {**self.user.to_json(), "reference": self.reference, "imageDigest": self.digest}
