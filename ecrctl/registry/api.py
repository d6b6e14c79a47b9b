"""``registry api``: one authenticated call to a registry's HTTP API, the
guide's ``curl -H "Authorization: Basic $TOKEN" https://HOST/v2/...`` without
a token on any command line.

With ``paginate``, ``Link: <...>; rel="next"`` is followed (on the registry's
own origin only, each page once, at most ``MAX_PAGES``) and the pages' JSON
lists (``tags``, ``repositories``) are joined into one document. Each answer's
body is read up to ``API_LIMIT`` (16 MiB); a longer one is refused.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ecrctl.distribution.client import MANIFEST_ACCEPT
from ecrctl.distribution.content import next_pages
from ecrctl.errors import InvalidInput
from ecrctl.login.endpoint import endpoint

if TYPE_CHECKING:
    from ecrctl.login.registries import Registries

METHODS = ("GET", "HEAD", "DELETE")
API_LIMIT = 16 << 20  # one answer's body
_REPO_PATH = re.compile(r"/v2/(?P<name>.+?)/(?:tags|manifests|blobs|referrers)/")


@dataclass
class ApiAnswer:
    """The status line and headers of the (last) response, and the body."""

    host: str
    status: int
    reason: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    pages: int = 1


def normalize_path(path: str) -> str:
    if "://" in path or any(c.isspace() for c in path):
        raise InvalidInput(
            f"invalid API path {path!r}", hint="give a path such as /v2/team/app/tags/list"
        )
    path = "/" + path.lstrip("/")
    return path if path.startswith("/v2/") or path == "/v2" else "/v2" + path


def _scope(path: str) -> str:
    match = _REPO_PATH.match(path)
    if match:
        return f"repository:{match['name']}:pull"
    return "registry:catalog:*" if path.startswith("/v2/_catalog") else ""


def call_api(
    registries: Registries,
    path: str,
    *,
    host: str | None = None,
    method: str = "GET",
    paginate: bool = False,
) -> ApiAnswer:
    method = method.upper()
    if method not in METHODS:
        raise InvalidInput(f"invalid method {method!r}", hint=f"use one of {', '.join(METHODS)}")
    path = normalize_path(path)
    ep = endpoint(registries, host)
    client = ep.client()
    ok = tuple(range(200, 400))
    # as the guide's curl should: ask for every manifest type, or a registry may
    # convert (ECR by tag, docker-registry to schema 1)
    headers = {"Accept": MANIFEST_ACCEPT} if "/manifests/" in path else {}
    response = client.request(
        method, path, scope=_scope(path), ok=ok, headers=headers, limit=API_LIMIT
    )
    answer = _answer(ep.host, response)
    if not paginate or method != "GET":
        return answer
    merged: Any = _json(answer.body)
    for page in next_pages(client, response, _scope(path), ok, limit=API_LIMIT):
        merged = _join(merged, _json(page.content))
        answer = _answer(ep.host, page, pages=answer.pages + 1)
    answer.body = (json.dumps(merged, indent=2) + "\n").encode()
    return answer


def _answer(host: str, response: Any, pages: int = 1) -> ApiAnswer:
    return ApiAnswer(
        host=host,
        status=response.status_code,
        reason=response.reason or "",
        headers=list(response.headers.items()),
        body=response.content,
        pages=pages,
    )


def _json(body: bytes) -> Any:
    try:
        return json.loads(body or b"null")
    except ValueError:
        raise InvalidInput("--paginate needs JSON pages; this answer is not JSON") from None


def _join(first: Any, page: Any) -> Any:
    if isinstance(first, dict) and isinstance(page, dict):
        joined = dict(first)
        for key, value in page.items():
            if isinstance(value, list) and isinstance(joined.get(key), list):
                joined[key] = joined[key] + value
            else:
                joined.setdefault(key, value)
        return joined
    if isinstance(first, list) and isinstance(page, list):
        return first + page
    return page
