"""A registry's answer over the standard library's ``http.client``
(:mod:`~ecrctl.distribution.wire`), with the part of ``requests.Response`` that
ecrctl reads (:class:`~ecrctl.distribution.transport.Answer`): status, reason,
headers by name in any case, the body as sent (a blob's bytes) or decoded (gzip or
deflate undone in bounded pieces, so the caller's cap holds on what it unpacks to),
and a body shorter than its ``Content-Length`` an error. Its connection is handed
back for reuse once the body was read to its end, and closed otherwise.

Standard library only.
"""

from __future__ import annotations

import http.client
import json
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

CHUNK = 64 << 10
# a body's decoded bytes come out in pieces of at most this size, however well it packs
DECODED_PIECE = 1 << 20


class Headers(Mapping[str, str]):
    """An answer's headers by name in any case; a repeated header's values joined
    with ", " (as requests shows them)."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self._by_name: dict[str, tuple[str, str]] = {}
        for name, value in pairs:
            key = name.lower()
            if key in self._by_name:
                value = f"{self._by_name[key][1]}, {value}"
                name = self._by_name[key][0]
            self._by_name[key] = (name, value)

    def __getitem__(self, name: str) -> str:
        return self._by_name[name.lower()][1]

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._by_name.values())

    def __len__(self) -> int:
        return len(self._by_name)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._by_name


class Response:
    """An answer, with the part of ``requests.Response`` that ecrctl reads: status,
    reason, headers, url, the body decoded (``iter_content``, ``content``) or as
    sent (``raw.read``, ``raw.stream``), ``close``. Its connection goes back to
    the pool when the body was read to its end, and is closed otherwise."""

    def __init__(
        self,
        done: Callable[[bool], None],
        answer: http.client.HTTPResponse,
        url: str,
        method: str,
    ) -> None:
        """``done(reuse)``: called once, when the answer no longer needs its connection
        (``reuse``: its body was read whole, the connection can carry another request)."""
        self._done: Callable[[bool], None] | None = done
        self._answer = answer
        self.status_code = answer.status
        self.reason = answer.reason
        self.headers = Headers(answer.getheaders())
        self.url = url
        self.method = method
        self.raw = self
        self._content: bytes | None = None
        self._content_consumed = False

    # the body as sent ------------------------------------------------------------

    def read(self, amount: int, decode_content: bool = False) -> bytes:
        """Up to ``amount`` bytes of the body as sent; b"" at its end. A body that
        ends before its ``Content-Length`` raises ``IncompleteRead``."""
        if decode_content:
            raise ValueError("read the decoded body with iter_content")
        answer = self._answer
        data = answer.read(amount)
        if not data and amount and answer.length:
            missing = answer.length
            self._end(reuse=False)
            raise http.client.IncompleteRead(b"", missing)
        if answer.isclosed():
            self._end(reuse=not answer.will_close)
        return data

    def stream(self, amount: int, decode_content: bool = False) -> Iterator[bytes]:
        while chunk := self.read(amount, decode_content):
            yield chunk

    # the body decoded --------------------------------------------------------------

    def iter_content(self, chunk_size: int = CHUNK) -> Iterator[bytes]:
        coding = self.headers.get("Content-Encoding", "").strip().lower()
        if coding not in ("gzip", "x-gzip", "deflate"):
            yield from self.stream(chunk_size)
            return
        undo = _Decoder(coding)
        for chunk in self.stream(chunk_size):
            yield from undo.pieces(chunk)
        yield from undo.rest()

    @property
    def content(self) -> bytes:
        if self._content is None:
            self._content = b"".join(self.iter_content(CHUNK))
            self._content_consumed = True
        return self._content

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.content)

    # the connection ----------------------------------------------------------------

    def close(self) -> None:
        """Done with the answer: its connection is reused when its body was read
        whole (or it has none), else closed."""
        if self._done is None:
            return
        answer = self._answer
        if not answer.isclosed() and (self.method == "HEAD" or answer.length == 0):
            answer.read()  # nothing left: http.client ends the body
        self._end(reuse=answer.isclosed() and not answer.will_close)

    def _end(self, *, reuse: bool) -> None:
        done, self._done = self._done, None
        if done is None:
            return
        if not reuse:
            self._answer.close()
        done(reuse)

    def __enter__(self) -> Response:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Decoder:
    """gzip or deflate undone in bounded pieces (a small body may unpack to a lot)."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self.first = True
        self.undo = zlib.decompressobj(16 + zlib.MAX_WBITS if "gzip" in coding else zlib.MAX_WBITS)

    def pieces(self, data: bytes) -> Iterator[bytes]:
        if self.first and self.coding == "deflate":
            self.first = False
            try:  # "deflate" is zlib-wrapped by the spec, raw by some servers
                probe = zlib.decompressobj(zlib.MAX_WBITS)
                probe.decompress(data[:2])
            except zlib.error:
                self.undo = zlib.decompressobj(-zlib.MAX_WBITS)
        while data:
            piece = self.undo.decompress(data, DECODED_PIECE)
            data = self.undo.unconsumed_tail
            if piece:
                yield piece

    def rest(self) -> Iterator[bytes]:
        tail = self.undo.flush()
        if tail:
            yield tail
