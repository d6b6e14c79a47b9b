"""A stand-in for CloudTrail's LookupEvents on 127.0.0.1.

moto implements CloudTrail's trails, status and selectors but not LookupEvents (it
answers HTTP 500), so this small server speaks CloudTrail's real wire protocol for
that one operation, as botocore sends it: JSON 1.1, ``POST /`` with ``X-Amz-Target:
com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents``. Its answers
have the shape the AWS API reference shows: ``Events`` (``EventId``, ``EventName``,
``ReadOnly``, ``AccessKeyId``, ``EventTime`` in epoch seconds, ``EventSource``,
``Username``, ``Resources``, ``CloudTrailEvent`` as a JSON string), newest first,
``NextToken`` while more remain; errors as ``{"__type", "message"}`` with HTTP 400
(``ThrottlingException``: "Rate exceeded"). It pages by ``page`` events, fewer than
``MaxResults`` allows, as the service may, so that paging is exercised.

:func:`ecrctl` runs the installed ``ecrctl`` with CloudTrail's endpoint at a stand-in.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import threading
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from tests.support.loopback import Handler, serving_handler

BIN = Path(sys.executable).parent
TARGET = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"
ECR = [{"AttributeKey": "EventSource", "AttributeValue": "ecr.amazonaws.com"}]


@dataclass
class Request:
    arrived: float  # time.monotonic()
    body: dict[str, Any]
    answer: str  # "page" or the error's __type


@dataclass
class LookupEvents:
    """The stand-in's state: the records it serves and every request it got."""

    records: list[dict[str, Any]]
    page: int = 4
    throttle: set[int] = field(default_factory=set)  # the requests (by number) throttled
    requests: list[Request] = field(default_factory=list)

    def event(self, record: dict[str, Any]) -> dict[str, Any]:
        resources = [
            {"ResourceType": "AWS::ECR::Repository", "ResourceName": r["ARN"]}
            for r in record.get("resources") or []
        ]
        identity = record["userIdentity"]
        return {
            "EventId": record["eventID"],
            "EventName": record["eventName"],
            "ReadOnly": "true" if record.get("readOnly") else "false",
            "AccessKeyId": identity.get("accessKeyId"),
            "EventTime": _epoch(record["eventTime"]),
            "EventSource": record["eventSource"],
            "Username": identity.get("userName") or identity.get("arn", "").rsplit("/", 1)[-1],
            "Resources": resources,
            "CloudTrailEvent": json.dumps(record),
        }

    def answer(self, headers: Any, body: dict[str, Any]) -> tuple[int, dict[str, Any], str]:
        number = len(self.requests)
        if headers.get("X-Amz-Target") != TARGET:
            return 400, _error("UnknownOperationException", headers.get("X-Amz-Target")), "bad"
        if headers.get("Content-Type") != "application/x-amz-json-1.1":
            return 400, _error("SerializationException", "not JSON 1.1"), "bad"
        if not str(headers.get("Authorization", "")).startswith("AWS4-HMAC-SHA256 "):
            return 400, _error("MissingAuthenticationTokenException", "unsigned"), "bad"
        if number in self.throttle:
            return 400, _error("ThrottlingException", "Rate exceeded"), "ThrottlingException"
        if body.get("LookupAttributes") != ECR:
            return 400, _error("InvalidLookupAttributesException", "one attribute"), "bad"
        if not 1 <= int(body.get("MaxResults", 50)) <= 50:
            return 400, _error("InvalidMaxResultsException", "1 to 50"), "bad"
        start, end = float(body["StartTime"]), float(body["EndTime"])
        if start > end:
            return 400, _error("InvalidTimeRangeException", "start after end"), "bad"
        ecr = [r for r in self.records if r["eventSource"] == "ecr.amazonaws.com"]
        found = sorted(
            (r for r in ecr if start <= _epoch(r["eventTime"]) <= end),
            key=lambda r: _epoch(r["eventTime"]),
            reverse=True,
        )
        offset = int(body.get("NextToken", "token-0").removeprefix("token-"))
        size = min(self.page, int(body.get("MaxResults", 50)))
        answer: dict[str, Any] = {"Events": [self.event(r) for r in found[offset : offset + size]]}
        if offset + size < len(found):
            answer["NextToken"] = f"token-{offset + size}"
        return 200, answer, "page"

    def gaps(self) -> list[float]:
        times = [r.arrived for r in self.requests]
        return [b - a for a, b in itertools.pairwise(times)]


def _epoch(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def _error(kind: str, message: Any) -> dict[str, Any]:
    return {"__type": kind, "message": str(message)}


def serving(state: LookupEvents) -> AbstractContextManager[str]:
    """The stand-in on 127.0.0.1; yields its URL."""
    lock = threading.Lock()

    class StandIn(Handler):
        def do_POST(self) -> None:
            arrived = time.monotonic()
            body = json.loads(self.read_body() or b"{}")
            with lock:
                status, payload, kind = state.answer(self.headers, body)
                state.requests.append(Request(arrived, body, kind))
            self.reply_json(status, payload)

    return serving_handler(StandIn)


def ecrctl(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed ``ecrctl ARGS`` with CloudTrail at ``url``."""
    env = {**os.environ, "AWS_ENDPOINT_URL_CLOUDTRAIL": url}
    return subprocess.run(
        [str(BIN / "ecrctl"), *args], env=env, capture_output=True, text=True, timeout=120
    )
