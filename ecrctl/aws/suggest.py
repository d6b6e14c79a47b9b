"""A did-you-mean for repository names: when ECR answers RepositoryNotFound, the
names of the registry's repositories are listed once (one page) and the closest
is added to the error, where :mod:`ecrctl.aws.errors` words it.

Installed on the ECR client as a botocore ``after-call`` handler, so every command
gets it without asking, and it runs only on that error.
"""

from __future__ import annotations

import re
from typing import Any

SUGGESTION = "ecrctlDidYouMean"  # the key added to the error's "Error" section
_NAME = re.compile(r"repository with name '(?P<name>[^']+)'.*?registry with id '(?P<id>\d{12})'")


def install_suggestions(ecr: Any) -> None:
    """Make ``ecr``'s RepositoryNotFound errors carry the closest existing name."""
    busy: list[bool] = []

    def after_call(parsed: dict[str, Any], **_: Any) -> None:
        error = parsed.get("Error") if isinstance(parsed, dict) else None
        if busy or not error or error.get("Code") != "RepositoryNotFoundException":
            return
        match = _NAME.search(str(error.get("Message", "")))
        if not match:
            return
        busy.append(True)
        try:
            close = closest(ecr, match["name"], match["id"])
        except Exception:  # a suggestion is a courtesy: never a second failure
            close = None
        finally:
            busy.clear()
        if close:
            error[SUGGESTION] = close

    ecr.meta.events.register("after-call.ecr", after_call)


def closest(ecr: Any, name: str, registry_id: str) -> str | None:
    """The repository name nearest to ``name`` among the first 1,000 of the registry."""
    import difflib

    page = ecr.describe_repositories(registryId=registry_id, maxResults=1000)
    names = [r["repositoryName"] for r in page.get("repositories", [])]
    found = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return found[0] if found else None
