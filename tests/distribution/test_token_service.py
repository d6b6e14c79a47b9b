"""A registry's token service answering badly: HTML, a JSON list, 429 with
Retry-After, 5xx. Each is one line naming the token host; 429 and 5xx are
retried with the registry's backoff first. The registry (127.0.0.1) and its
token service (127.0.0.2) are hostile servers that log what they receive."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import Runner
from tests.distribution.hostile import Answer, Hostile, Seen, make_image, serve_image

pytestmark = pytest.mark.usefixtures("stack")  # each test over both HTTP stacks

TOKEN = "token-from-the-service"


@pytest.fixture
def pair(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Hostile, Hostile]]:
    monkeypatch.setenv("ECRCTL_REGISTRY_ATTEMPTS", "3")
    with Hostile("127.0.0.1") as registry, Hostile("127.0.0.2") as tokens:
        challenge = f'Bearer realm="http://{tokens.host}/token",service="hostile"'

        def guard(seen: Seen) -> Answer | None:
            if seen.headers.get("Authorization") == f"Bearer {TOKEN}":
                return None
            return Answer(401, {"WWW-Authenticate": challenge})

        serve_image(registry, "app", "1", make_image([b"layer"]), guard)
        yield registry, tokens


def token_answers(tokens: Hostile, *answers: Answer) -> None:
    queue = list(answers)

    def answer(_: Seen) -> Answer:
        return queue.pop(0) if len(queue) > 1 else queue[0]

    tokens.on("GET", "^/token", answer)


GOOD = Answer(200, {"Content-Type": "application/json"}, f'{{"token": "{TOKEN}"}}'.encode())


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        (Answer(200, {"Content-Type": "text/html"}, b"<html>sign in</html>"), "text/html"),
        (Answer(200, {"Content-Type": "application/json"}, b'["token"]'), "application/json"),
    ],
)
def test_an_answer_that_is_no_json_object_names_the_token_host(
    answer: Answer, kind: str, pair: tuple[Hostile, Hostile], cli: Runner
) -> None:
    registry, tokens = pair
    token_answers(tokens, answer)
    result = cli("image", "inspect", f"{registry.host}/app:1")
    assert result.exit_code == 1
    assert (
        f"the token service http://{tokens.host} of registry {registry.host} answered "
        f"something that is not a JSON object ({kind})"
    ) in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert len(tokens.seen) == 1


def test_429_is_retried_after_retry_after(pair: tuple[Hostile, Hostile], cli: Runner) -> None:
    registry, tokens = pair
    token_answers(tokens, Answer(429, {"Retry-After": "1"}), GOOD)
    result = cli("image", "inspect", f"{registry.host}/app:1", "-o", "json")
    assert result.exit_code == 0, result.stderr
    first, second = tokens.seen[:2]
    assert second.at - first.at >= 1.0


def test_5xx_is_retried_then_names_the_token_host(
    pair: tuple[Hostile, Hostile], cli: Runner
) -> None:
    registry, tokens = pair
    token_answers(tokens, Answer(503))
    result = cli("image", "inspect", f"{registry.host}/app:1")
    assert result.exit_code == 1
    assert (
        f"the token service http://{tokens.host} of registry {registry.host} answered HTTP 503"
    ) in result.stderr
    assert len(tokens.seen) == 3  # ECRCTL_REGISTRY_ATTEMPTS


def test_a_503_then_a_token_works(pair: tuple[Hostile, Hostile], cli: Runner) -> None:
    registry, tokens = pair
    token_answers(tokens, Answer(503), Answer(502), GOOD)
    result = cli("image", "inspect", f"{registry.host}/app:1", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json["digest"].startswith("sha256:")
