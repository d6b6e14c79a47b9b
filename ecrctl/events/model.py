"""One ECR event as CloudTrail records it (the user guide's "CloudTrail log entry
examples"): a record of a trail's log file, or the ``CloudTrailEvent`` of a
LookupEvents answer, read into an :class:`Event`.

Only records with ``eventSource`` ``ecr.amazonaws.com`` are ECR's (ECR Public's are
``ecr-public.amazonaws.com``). What a record lacks stays ``None``; a record without a
time or a name is no event.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ecrctl.distribution.refs import DIGEST, REPOSITORY_ARN

ECR_SOURCE = "ecr.amazonaws.com"
# the parts of a push before its PutImage: shown only with --all
LAYER_UPLOADS = frozenset({"InitiateLayerUpload", "UploadLayerPart", "CompleteLayerUpload"})
_READS = ("Get", "Describe", "List", "BatchGet", "BatchCheck")


@dataclass(frozen=True)
class Event:
    """What one ECR API call was, who made it, from where, and what it asked and got."""

    event_id: str
    time: datetime
    name: str
    region: str | None
    registry_id: str | None
    repository: str | None
    principal: str
    principal_type: str | None
    source_ip: str | None
    user_agent: str | None
    read_only: bool
    error_code: str | None = None
    error_message: str | None = None
    request: Mapping[str, Any] = field(default_factory=dict, repr=False)
    response: Mapping[str, Any] = field(default_factory=dict, repr=False)

    @property
    def failed(self) -> bool:
        return self.error_code is not None

    def base_json(self) -> dict[str, Any]:
        """The event's own fields, in CloudTrail's names where it has one."""
        return {
            "eventTime": self.time.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "eventName": self.name,
            "eventId": self.event_id,
            "awsRegion": self.region,
            "registryId": self.registry_id,
            "repositoryName": self.repository,
            "principal": self.principal,
            "principalType": self.principal_type,
            "sourceIPAddress": self.source_ip,
            "userAgent": self.user_agent,
            "readOnly": self.read_only,
            "errorCode": self.error_code,
            "errorMessage": self.error_message,
        }


def event_time(value: Any) -> datetime | None:
    """CloudTrail's ``eventTime`` (``2019-04-15T16:45:00Z``) or epoch seconds, in UTC."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def principal(identity: Mapping[str, Any]) -> str:
    """Who made the call: the ARN (an assumed role's session ARN names the role and
    the session), else the service that called on someone's behalf, else the ids."""
    for key in ("arn", "invokedBy", "principalId", "userName", "type"):
        value = identity.get(key)
        if value:
            return str(value)
    return "-"


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _repository(record: Mapping[str, Any], request: Mapping[str, Any]) -> str | None:
    name = request.get("repositoryName")
    if isinstance(name, str) and name:
        return name
    arns = [request.get("resourceArn")]
    arns += [_mapping(r).get("ARN") for r in record.get("resources") or []]
    for arn in arns:
        found = REPOSITORY_ARN.fullmatch(str(arn or ""))
        if found:
            return found["name"]
    return None


def _registry(record: Mapping[str, Any], request: Mapping[str, Any]) -> str | None:
    for value in (request.get("registryId"), record.get("recipientAccountId")):
        if value:
            return str(value)
    return None


def _read_only(record: Mapping[str, Any], name: str) -> bool:
    value = record.get("readOnly")
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value in {"true", "false"}:
        return value == "true"
    return name.startswith(_READS)


def from_record(record: Mapping[str, Any]) -> Event | None:
    """The ECR event a CloudTrail record describes; ``None`` for another service's."""
    if record.get("eventSource") != ECR_SOURCE:
        return None
    moment = event_time(record.get("eventTime"))
    name = record.get("eventName")
    if moment is None or not isinstance(name, str) or not name:
        return None
    request = _mapping(record.get("requestParameters"))
    identity = _mapping(record.get("userIdentity"))
    return Event(
        event_id=str(record.get("eventID") or record.get("eventId") or ""),
        time=moment,
        name=name,
        region=_text(record.get("awsRegion")),
        registry_id=_registry(record, request),
        repository=_repository(record, request),
        principal=principal(identity),
        principal_type=_text(identity.get("type")),
        source_ip=_text(record.get("sourceIPAddress")),
        user_agent=_text(record.get("userAgent")),
        read_only=_read_only(record, name),
        error_code=_text(record.get("errorCode")),
        error_message=_text(record.get("errorMessage")),
        request=request,
        response=_mapping(record.get("responseElements")),
    )


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def put_image_tag(event: Event) -> str | None:
    """The tag a PutImage put: the request's ``imageTag`` (or the answer's)."""
    tag = event.request.get("imageTag") or _image_id(event).get("imageTag")
    return str(tag) if tag else None


def put_image_digest(event: Event) -> str | None:
    """The digest a PutImage put: the answer's ``image.imageId.imageDigest``, else the
    request's ``imageDigest``, else sha256 of the request's exact ``imageManifest``."""
    for value in (_image_id(event).get("imageDigest"), event.request.get("imageDigest")):
        if isinstance(value, str) and DIGEST.fullmatch(value):
            return value
    manifest = event.request.get("imageManifest")
    if isinstance(manifest, str) and manifest:
        return "sha256:" + hashlib.sha256(manifest.encode("utf-8")).hexdigest()
    return None


def _image_id(event: Event) -> Mapping[str, Any]:
    return _mapping(_mapping(event.response.get("image")).get("imageId"))


def image_ids(value: Any) -> list[tuple[str | None, str | None]]:
    """``(tag, digest)`` of each ``imageId`` in a list of them (or of failures)."""
    found: list[tuple[str | None, str | None]] = []
    for item in value if isinstance(value, list) else []:
        entry = _mapping(item)
        entry = _mapping(entry.get("imageId")) or entry
        tag, digest = entry.get("imageTag"), entry.get("imageDigest")
        if tag or digest:
            found.append((str(tag) if tag else None, str(digest) if digest else None))
    return found
