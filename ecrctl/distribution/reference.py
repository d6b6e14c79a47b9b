"""Image references, the one grammar: ``[HOST[:PORT]/]NAME[:TAG][@DIGEST]`` on any
registry, a local image of the Docker Engine, a new tag, the ``TAG|DIGEST`` of the
commands that take REPO and REF apart, and a reference being typed (completion).
Every command parses references here; nothing else splits one on ``/``, ``:`` or ``@``.

The grammar is docker's (distribution/reference), with ecrctl's tag and digest rules:

- HOST is the first ``/``-separated part when it has a ``.`` or a ``:`` or is
  ``localhost`` (:func:`is_host`, the one place this rule is written): domain
  components (letters of either case, digits, inner ``-``) joined by ``.``, or an
  IPv6 address in brackets, with an optional ``:PORT``. ``Team/app`` has no host:
  it is a name, and an uppercase one. No host means the caller's own ECR registry.
- NAME: path components ``[a-z0-9]+`` joined by ``.``, ``_``, ``__`` or dashes,
  separated by ``/``; at most 255 characters. On Docker Hub a one-part name gets
  ``library/`` (``docker.io/alpine`` is ``docker.io/library/alpine``). ECR's own rule
  (2-256 characters of its pattern) is a separate check, :meth:`ImageReference.for_ecr`,
  that commands apply where ECR is the registry.
- TAG: 1-300 ASCII letters, digits, ``_ . -``, not starting with ``.`` or ``-``.
- DIGEST: ``ALGORITHM:HEX``; ECR uses sha256 only, so another algorithm is refused
  by name.

A tag and a digest together (``repo:v1@sha256:...``) are refused by every command
(give one of them) rather than letting the digest win silently, as docker does; only
the usage scan reads them, as ECS writes them, and the digest names the image. A
digest is refused where something is written to (``image push``'s and ``image copy``'s
destination, ``image retag``'s new tags); ``repo copy`` takes repositories, neither.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ecrctl.distribution.refs import (
    ImageRef,
    check_digest,
    check_image_tag,
    check_repository_name,
    repository_name_error,
)
from ecrctl.errors import InvalidInput

DOCKER_HUB = ("docker.io", "index.docker.io", "registry-1.docker.io")
NAME_MAX = 255  # docker's limit on the name without its host

_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_HOST = re.compile(
    rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?"
)
_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_PATH = re.compile(rf"{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*")
_IMAGE_ID = re.compile(r"(?:sha256:)?[a-f0-9]{64}")
_FORM = "write [HOST/]REPO[:TAG|@DIGEST], e.g. team/app:1.0"


@dataclass(frozen=True)
class ImageReference:
    """A parsed image reference: ``host`` ``None`` is the caller's ECR registry."""

    host: str | None
    repository: str
    tag: str | None = None
    digest: str | None = None

    @property
    def name(self) -> str:
        """``[HOST/]REPO``: the repository where docker names it."""
        return f"{self.host}/{self.repository}" if self.host else self.repository

    @property
    def ref(self) -> str:
        """What to ask the registry for: the digest, else the tag, else latest."""
        return self.digest or self.tag or "latest"

    @property
    def image(self) -> ImageRef:
        """The image in its repository: by digest, else by tag (latest when none)."""
        return ImageRef(digest=self.digest) if self.digest else ImageRef(tag=self.ref)

    @property
    def image_id(self) -> dict[str, str]:
        """ECR's ``imageId`` for the image."""
        return self.image.image_id

    def with_host(self, host: str | None) -> ImageReference:
        return replace(self, host=host)

    def without_host(self) -> ImageReference:
        return replace(self, host=None)

    def namespace(self) -> tuple[str | None, str]:
        """The name's first component and the rest (ECR Public's alias and
        repository); ``None`` and the name when it has one component."""
        first, slash, rest = self.repository.partition("/")
        return (first, rest) if slash else (None, self.repository)

    def for_ecr(self) -> ImageReference:
        """This reference, its repository checked by ECR's own rule (2-256 characters,
        single separators): for the commands whose registry is ECR."""
        check_repository_name(self.repository)
        return self

    def __str__(self) -> str:
        text = f"{self.name}:{self.tag}" if self.tag else self.name
        return f"{text}@{self.digest}" if self.digest else text


def is_host(part: str) -> bool:
    """Whether the first part of a name is a registry host (docker's rule)."""
    return "." in part or ":" in part or part == "localhost"


def _split_host(name: str) -> tuple[str | None, str]:
    first, slash, rest = name.partition("/")
    return (first, rest) if slash and is_host(first) else (None, name)


def _split_tag(path: str) -> tuple[str, str | None]:
    """The name and the tag after its last ``:`` (a ``:`` before a ``/`` is no tag's)."""
    head, colon, tag = path.rpartition(":")
    return (head, tag) if colon and "/" not in tag else (path, None)


def parse_reference(
    text: str,
    *,
    what: str = "image reference",
    digest: bool = True,
    tag_and_digest: bool = False,
) -> ImageReference:
    """``[HOST/]NAME[:TAG][@DIGEST]``, checked, no call made; a missing tag stays ``None``.

    ``digest=False``: a digest is refused (what is written to has a tag);
    ``tag_and_digest=True``: a tag and a digest together are read (the digest names
    the image), as the usage scan reads what ECS writes.
    """
    if not text:
        raise InvalidInput(f"invalid {what} {text!r}: it is empty", hint=_FORM)
    name, at, pinned = text.partition("@")
    if at and not digest:
        raise InvalidInput(
            f"{what} {text!r} names a digest; a digest cannot be pushed to",
            hint=f"give a tag instead: {name}:TAG",
        )
    if at and not pinned:
        raise InvalidInput(
            f"{what} {text!r} has nothing after '@'",
            hint=f"give {name}@sha256:<64 hex digits> or {name}:TAG",
        )
    if pinned:
        check_digest(pinned)
    host, path = _split_host(name)
    path, tag = _split_tag(path)
    if tag == "":
        raise InvalidInput(
            f"{what} {text!r} has an empty tag after ':' (no tag)",
            hint=f"give a tag ({name[:-1]}:latest) or leave out the ':'",
        )
    if tag and pinned and not tag_and_digest:
        raise InvalidInput(f"{what} {text!r} has both a tag and a digest", hint="give one of them")
    if tag:
        check_image_tag(tag)
    if host is not None and not _HOST.fullmatch(host):
        raise InvalidInput(
            f"invalid registry host {host!r} in {what} {text!r}",
            hint="a host is a DNS name or an IP address ([...] for IPv6), then an optional :PORT",
        )
    return ImageReference(host, _check_path(path, text, host, what), tag, pinned or None)


def _check_path(path: str, text: str, host: str | None, what: str) -> str:
    if not path:
        raise InvalidInput(f"invalid {what} {text!r}: it names no repository", hint=_FORM)
    if "" in path.split("/"):
        raise InvalidInput(f"invalid {what} {text!r}: a part of its name is empty", hint=_FORM)
    if host in DOCKER_HUB and "/" not in path:
        path = f"library/{path}"  # Docker Hub's official images, as the docker CLI names them
    if not _PATH.fullmatch(path):
        raise repository_name_error(path, _PATH)
    if len(path) > NAME_MAX:
        raise InvalidInput(
            f"invalid repository name {path!r}: it has {len(path)} characters",
            hint=f"a name has at most {NAME_MAX} characters",
        )
    return path


def parse_local_image(text: str) -> ImageReference | None:
    """A local image of the Docker Engine: a reference, or an image id
    (``sha256:<64 hex>`` or the 64 hex digits), which has no name: ``None``."""
    if _IMAGE_ID.fullmatch(text):
        return None
    return parse_reference(text, what="local image")


def parse_image_ref(text: str) -> ImageRef:
    """``TAG``, ``sha256:<64 hex>`` or ``@sha256:...``: one image of a repository that
    is given apart. Anything with a ``:`` (or ``sha256`` in front) is a digest."""
    value = text.removeprefix("@")
    if ":" in value or value.startswith("sha256"):
        return ImageRef(digest=check_digest(value))
    return ImageRef(tag=check_image_tag(value))


def parse_tag_or_reference(text: str, *, what: str = "new tag") -> str | ImageReference:
    """A bare ``TAG`` (no ``/``, ``:`` or ``@``), checked; else ``[HOST/]REPO[:TAG]``, a
    reference that names no digest."""
    if not any(separator in text for separator in "/:@"):
        return check_image_tag(text)
    return parse_reference(text, what=what, digest=False)


@dataclass(frozen=True)
class PartialReference:
    """A reference being typed: ``name`` up to the separator (``:`` or ``@``, or ``""``
    before either), ``repository`` that name without its host, ``rest`` what follows."""

    name: str
    repository: str
    separator: str
    rest: str


def partial_reference(text: str) -> PartialReference:
    """The parts of an unfinished reference (no checks: it is not finished)."""
    name, at, rest = text.partition("@")
    separator = "@" if at else ""
    if not at:
        name, tag = _split_tag(text)
        separator, rest = (":", tag) if tag is not None else ("", "")
    return PartialReference(name, _split_host(name)[1], separator, rest)
