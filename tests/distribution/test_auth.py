"""Where a credential may go, against hostile registries on two loopback addresses
(127.0.0.1 is the registry the user named, 127.0.0.2 another host it points at):
the docker config's password, a Bearer token and the ECR token each reach only the
registry (and its own token realm), never a ``Link`` target, an upload
``Location``, a redirect target or a realm another host names. Each server logs
the headers it receives; a test fails when a credential reaches one it must not.
Debian's docker-registry is the real destination or source beside them."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import Runner, backends
from tests.distribution.copy_support import (  # noqa: F401 - fixtures
    CopyEnv,
    copy_env_fixture,
    registries_fixture,
)
from tests.distribution.hostile import (
    Answer,
    Hostile,
    Seen,
    basic,
    make_image,
    serve_image,
)
from tests.support.names import unique

pytestmark = pytest.mark.usefixtures("stack")  # each test over both HTTP stacks

PASSWORD = "hostile-test-password"
TOKEN = "hostile-issued-bearer-token"
KINDS = ["password", "bearer", "ecr"]


@dataclass
class Login:
    """How the registry on 127.0.0.1 authenticates, and the secrets that must stay there."""

    kind: str
    secrets: tuple[str, ...]
    guard: Callable[[Seen], Answer | None]  # None: let the request through


def docker_login(home: Path, host: str, user: str, password: str) -> None:
    docker = home / ".docker"
    docker.mkdir(exist_ok=True)
    auth = base64.b64encode(f"{user}:{password}".encode()).decode()
    (docker / "config.json").write_text(json.dumps({"auths": {host: {"auth": auth}}}))


def checked(expected: str, challenge: str) -> Callable[[Seen], Answer | None]:
    def guard(seen: Seen) -> Answer | None:
        if seen.headers.get("Authorization") == expected:
            return None
        return Answer(401, {"WWW-Authenticate": challenge, "Content-Type": "application/json"})

    return guard


def login(kind: str, registry: Hostile, home: Path, copy_env: CopyEnv) -> Login:
    """Give ``registry`` (on 127.0.0.1) a credential of ``kind``."""
    if kind == "ecr":  # mapped to moto's account: its ECR token, sent as Basic up front
        copy_env.map_host(registry.host)
        given = basic("AWS", backends.MOTO_PASSWORD)
        secrets = (backends.MOTO_PASSWORD, given.split()[1])
        return Login(kind, secrets, checked(given, 'Basic realm="ecr"'))
    docker_login(home, registry.host, "alice", PASSWORD)
    given = basic("alice", PASSWORD)
    if kind == "password":
        return Login(kind, (PASSWORD, given.split()[1]), checked(given, 'Basic realm="r"'))

    def token(seen: Seen) -> Answer:
        if seen.headers.get("Authorization") != given:
            return Answer(401)
        return Answer(
            200, {"Content-Type": "application/json"}, json.dumps({"token": TOKEN}).encode()
        )

    registry.on("GET", "^/token", token)
    challenge = f'Bearer realm="http://{registry.host}/token",service="hostile"'
    return Login(kind, (PASSWORD, given.split()[1], TOKEN), checked(f"Bearer {TOKEN}", challenge))


@pytest.fixture
def auth(kind: str, registry: Hostile, isolated: Path, copy_env: CopyEnv) -> Login:
    """The registry's credential, of the ``kind`` the test is parametrized with."""
    return login(kind, registry, isolated, copy_env)


def nothing_reached(other: Hostile, secrets: tuple[str, ...]) -> None:
    assert other.authorized() == [], "an Authorization header reached the other host"
    assert other.carried(*secrets) == [], "a credential reached the other host"


@pytest.mark.parametrize("kind", KINDS)
def test_a_link_to_another_origin_is_refused_and_nothing_from_it_is_used(
    auth: Login, registry: Hostile, other: Hostile, copy_env: CopyEnv, cli: Runner
) -> None:
    elsewhere = f"http://{other.host}/v2/app/tags/list?last=a"

    def page(seen: Seen) -> Answer:
        refused = auth.guard(seen)
        headers = {"Link": f'<{elsewhere}>; rel="next"', "Content-Type": "application/json"}
        return refused or Answer(200, headers, b'{"name": "app", "tags": ["a"]}')

    registry.on("GET", "^/v2/app/tags/list", page)
    other.on("GET", "^/v2/app/tags/list", Answer(200, {}, b'{"tags": ["injected"]}'))
    dst = unique()
    copy_env.create_repo(dst, second=True)
    result = cli("repo", "copy", f"{registry.host}/app", f"{copy_env.b.host}/{dst}")
    assert result.exit_code == 1
    assert f"on another origin (http://{other.host})" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert other.seen == []  # not asked at all, so nothing from it was used
    assert copy_env.b.tags(dst) == []
    assert registry.authorized()  # the registry itself did get the credential

    paged = cli("registry", "api", "--registry", registry.host, "/v2/app/tags/list", "--paginate")
    assert paged.exit_code == 1 and f"http://{other.host}" in paged.stderr
    assert other.seen == []


def test_a_link_back_to_a_page_already_read_stops(registry: Hostile, cli: Runner) -> None:
    link = {"Link": '</v2/app/tags/list?n=1>; rel="next"'}

    def page(_: Seen) -> Answer:  # a loop of 50 pages, so that a client without a stop ends
        return Answer(200, link if len(registry.seen) < 50 else {}, b'{"tags": ["a"]}')

    registry.on("GET", "^/v2/app/tags/list", page)
    result = cli("registry", "api", "--registry", registry.host, "/v2/app/tags/list?n=1", "-i",
                 "--paginate")  # fmt: skip
    assert result.exit_code == 1
    assert "a page already read" in result.stderr
    assert len(registry.seen) == 1


class UploadStore:
    """An upload endpoint on the other host that keeps what it is sent."""

    def __init__(self, other: Hostile) -> None:
        self.other = other
        self.parts: dict[str, bytearray] = {}
        self.committed: dict[str, bytes] = {}
        other.on("PUT", "^/upload/", self.put)
        other.on("DELETE", "^/upload/", Answer(204))

    def location(self) -> str:
        upload = uuid.uuid4().hex
        self.parts[upload] = bytearray()
        return f"http://{self.other.host}/upload/{upload}?n=0"

    def _upload(self, seen: Seen) -> str:
        return seen.path.split("/upload/", 1)[1].split("?", 1)[0]

    def put(self, seen: Seen) -> Answer:
        upload = self._upload(seen)
        data = bytes(self.parts[upload] + seen.body)
        wanted = seen.path.split("digest=", 1)[1]
        if "sha256:" + hashlib.sha256(data).hexdigest() != wanted.replace("%3A", ":"):
            return Answer(400)
        self.committed[wanted] = data
        return Answer(201)


def destination(
    registry: Hostile, auth: Login, store: UploadStore | None, other: Hostile
) -> dict[str, bytes]:
    """``registry`` as a destination whose uploads live on ``other``; the manifests put."""
    put: dict[str, bytes] = {}

    def guarded(answer: Callable[[Seen], Answer]) -> Callable[[Seen], Answer]:
        return lambda seen: auth.guard(seen) or answer(seen)

    def manifest(seen: Seen) -> Answer:
        put[seen.path.rsplit("/", 1)[1]] = seen.body
        digest = "sha256:" + hashlib.sha256(seen.body).hexdigest()
        return Answer(201, {"Docker-Content-Digest": digest})

    def start(seen: Seen) -> Answer:
        where = store.location() if store else f"http://{other.host}/upload/x?n=0"
        return Answer(202, {"Location": where})

    registry.on("GET", "^/v2/dst/tags/list", guarded(lambda _: Answer(200, {}, b'{"tags":[]}')))
    registry.on("HEAD", "^/v2/dst/", guarded(lambda _: Answer(404)))
    registry.on("POST", "^/v2/dst/blobs/uploads/", guarded(start))
    registry.on("PUT", "^/v2/dst/manifests/", guarded(manifest))
    return put


@pytest.mark.parametrize("kind", ["password", "ecr"])
def test_an_upload_location_on_another_origin_gets_no_credential(
    auth: Login, registry: Hostile, other: Hostile, copy_env: CopyEnv, cli: Runner
) -> None:
    store = UploadStore(other)
    put = destination(registry, auth, store, other)
    src = unique()
    pushed = copy_env.a.push_image(src, "1", [os.urandom(3 << 20), os.urandom(3000)])
    result = cli("image", "copy", f"{copy_env.a.host}/{src}:1", f"{registry.host}/dst:1")
    assert result.exit_code == 0, result.stderr
    assert put["1"] == pushed.body
    assert set(store.committed) == set(pushed.blobs)
    assert {s.method for s in other.seen} == {"PUT"}  # each blob in the PUT that commits it
    nothing_reached(other, auth.secrets)


def test_a_401_from_the_upload_host_names_it_and_gets_nothing(
    registry: Hostile, other: Hostile, copy_env: CopyEnv, cli: Runner, isolated: Path
) -> None:
    auth = login("password", registry, isolated, copy_env)
    destination(registry, auth, None, other)
    realm = f'Bearer realm="http://{other.host}/token",service="other"'
    other.on("*", "^/upload/", Answer(401, {"WWW-Authenticate": realm}))
    src = unique()
    copy_env.a.push_image(src, "1")
    result = cli("image", "copy", f"{copy_env.a.host}/{src}:1", f"{registry.host}/dst:1")
    assert result.exit_code == 1
    assert f"http://{other.host} refused a request for registry {registry.host}" in result.stderr
    assert "refused the credentials" not in result.stderr
    assert not any(s.path.startswith("/token") for s in other.seen)
    nothing_reached(other, auth.secrets)


@pytest.mark.parametrize("kind", KINDS)
def test_a_redirect_target_gets_no_credential_and_its_realm_is_never_asked(
    auth: Login, registry: Hostile, other: Hostile, cli: Runner
) -> None:
    image = make_image([b"layer"])

    def redirect(seen: Seen) -> Answer:
        return auth.guard(seen) or Answer(307, {"Location": f"http://{other.host}/storage/x"})

    registry.on("GET", "^/v2/app/blobs/", redirect)
    serve_image(registry, "app", "1", image, auth.guard)
    realm = f'Bearer realm="http://{other.host}/token",service="storage"'
    other.on("*", "^/", Answer(401, {"WWW-Authenticate": realm}))
    result = cli("image", "inspect", f"{registry.host}/app:1")
    assert result.exit_code == 1
    assert f"http://{other.host} refused a request for registry {registry.host}" in result.stderr
    assert "refused the credentials" not in result.stderr
    assert [s.path for s in other.seen] == ["/storage/x"]
    nothing_reached(other, auth.secrets)


def test_an_ecr_host_that_asks_for_a_bearer_token_is_refused(
    registry: Hostile, other: Hostile, copy_env: CopyEnv, cli: Runner
) -> None:
    copy_env.map_host(registry.host)
    realm = f'Bearer realm="http://{other.host}/token",service="ecr"'
    registry.on("*", "^/v2/", Answer(401, {"WWW-Authenticate": realm}))
    result = cli("image", "inspect", f"{registry.host}/app:1")
    assert result.exit_code == 1
    assert "is an ECR registry, which answers Basic only" in result.stderr
    assert other.seen == []


@pytest.mark.parametrize(
    ("challenge", "said"),
    [
        ('Bearer service="registry"', "a Bearer token but names no realm"),
        ("Negotiate", "Negotiate authentication, which ecrctl does not speak"),
        (None, "nothing (no WWW-Authenticate challenge)"),
    ],
)
def test_a_challenge_that_asks_for_nothing_ecrctl_sent_says_so(
    challenge: str | None, said: str, registry: Hostile, cli: Runner
) -> None:
    headers = {"WWW-Authenticate": challenge} if challenge else {}
    registry.on("*", "^/v2/", Answer(401, headers))
    result = cli("image", "inspect", f"{registry.host}/app:1")
    assert result.exit_code == 1
    assert f"registry {registry.host} answered HTTP 401 asking for {said}" in result.stderr
    assert "no credential was sent" in result.stderr
    assert "refused the credentials" not in result.stderr
