"""A fault-injecting HTTP proxy on 127.0.0.1 in front of moto_server, for what moto
cannot do: it answers chosen AWS actions with AccessDenied or throttling (as AWS
words them, for each protocol), cuts a listing after its first page (moto never
paginates: the proxy adds a next token to the first answer, then drops the
connection the follow-up comes on), answers others with canned responses (AWS's
lifecycle preview) or rewrites moto's answer (the image digest ECS reports for a
task's container, Batch's node properties, which moto leaves out).

A rule's action may carry ``@REGION`` (``ecs:ListClusters@us-west-2``): it then
applies only to requests signed for that region."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.support.loopback import JSON_1_1, Handler, serving_handler

TARGETS = {
    "AmazonEC2ContainerServiceV20141113": "ecs",
    "AmazonEC2ContainerRegistry_V20150921": "ecr",
    "AWSEvents": "events",
    "SageMaker": "sagemaker",
}
REST = [  # (method, path pattern, action) of the rest-json services
    ("GET", r"/2015-03-31/functions/?", "lambda:ListFunctions"),
    ("GET", r"/2015-03-31/functions/[^/]+/aliases", "lambda:ListAliases"),
    ("GET", r"/2015-03-31/functions/[^/]+", "lambda:GetFunction"),
    ("POST", r"/v1/describejobdefinitions", "batch:DescribeJobDefinitions"),
    ("GET", r"/schedules", "scheduler:ListSchedules"),
    ("GET", r"/schedules/[^/]+", "scheduler:GetSchedule"),
]
REGION = re.compile(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/")
TOKENS = {"ecs": "nextToken", "ecr": "nextToken", "events": "NextToken", "sagemaker": "NextToken"}


@dataclass
class Rules:
    deny: set[str] = field(default_factory=set)  # e.g. {"ecs:ListClusters"}
    throttle: set[str] = field(default_factory=set)  # answered ThrottlingException, always
    cut: set[str] = field(default_factory=set)  # JSON listings: the second page never comes
    respond: dict[str, Any] = field(default_factory=dict)  # action -> JSON body
    rewrite: dict[str, Callable[[Any], Any]] = field(default_factory=dict)
    seen: list[str] = field(default_factory=list)

    def has(self, chosen: set[str], action: str, region: str) -> bool:
        return action in chosen or f"{action}@{region}" in chosen


def action_of(method: str, path: str, headers: Any, body: bytes = b"") -> str:
    target = headers.get("X-Amz-Target")
    if target:
        prefix, _, operation = target.partition(".")
        return f"{TARGETS.get(prefix, prefix)}:{operation}"
    bare = urlparse(path).path
    for verb, pattern, action in REST:
        if method == verb and re.fullmatch(pattern, bare):
            return action
    form = parse_qs(body.decode(errors="replace"))
    if "Action" in form:  # the query protocol: STS, IAM
        return f"sts:{form['Action'][0]}"
    return f"{method} {path}"


def _handler(upstream: str, rules: Rules) -> type[Handler]:
    class Proxy(Handler):
        def _any(self) -> None:
            body = self.read_body()
            action = action_of(self.command, self.path, self.headers, body)
            found = REGION.search(self.headers.get("Authorization", ""))
            region = found.group(1) if found else ""
            rules.seen.append(action)
            if rules.has(rules.deny, action, region):
                self._error(action, "AccessDeniedException", 403)
                return
            if rules.has(rules.throttle, action, region):
                self._error(action, "ThrottlingException", 429)
                return
            token = TOKENS.get(action.partition(":")[0], "nextToken")
            cut = rules.has(rules.cut, action, region)
            if cut and token in json.loads(body or b"{}"):
                self.close_connection = True  # the page never comes
                return
            if action in rules.respond:
                text = json.dumps(rules.respond[action]).encode()
                self.reply(200, text, {"Content-Type": JSON_1_1})
                return
            status, data, kept = self.forward(upstream, body)
            change = rules.rewrite.get(action)
            if status == 200 and (change is not None or cut):
                answer = json.loads(data)
                if change is not None:
                    answer = change(answer)
                if cut:
                    answer[token] = "page-2"
                data = json.dumps(answer).encode()
            self.reply(status, data, kept)

        def _error(self, action: str, code: str, rest_status: int) -> None:
            if code == "AccessDeniedException":
                message = (
                    "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: "
                    f"{action}"
                )
            else:
                message = "Rate exceeded"
            if action.startswith("sts:"):
                xml = (
                    "<ErrorResponse><Error><Type>Sender</Type>"
                    f"<Code>{code.removesuffix('Exception')}</Code><Message>{message}</Message>"
                    "</Error><RequestId>1</RequestId></ErrorResponse>"
                )
                self.reply(
                    403 if "Denied" in code else 400, xml.encode(), {"Content-Type": "text/xml"}
                )
                return
            if action.startswith(("lambda:", "batch:", "scheduler:")):
                error = "TooManyRequestsException" if code == "ThrottlingException" else code
                body = json.dumps({"Type": "User", "message": message, "Message": message})
                headers = {"x-amzn-ErrorType": error, "Content-Type": "application/json"}
                self.reply(rest_status, body.encode(), headers)
                return
            body = json.dumps({"__type": code, "message": message}).encode()
            self.reply(400, body, {"Content-Type": JSON_1_1})

        do_GET = do_POST = do_PUT = do_DELETE = _any

    return Proxy


def proxy(upstream: str, rules: Rules) -> AbstractContextManager[str]:
    """The proxy's URL while the block runs."""
    return serving_handler(_handler(upstream, rules))
