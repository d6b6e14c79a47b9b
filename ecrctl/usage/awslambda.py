"""What Lambda runs: every version of every function of package type Image,
with the aliases that point at it.

A version uses two images: the digest Lambda resolved when the code was set
(``ResolvedImageUri``, what runs now) and the image its ``ImageUri`` names (by
tag: the tag's image now, which the next deploy or rollback pulls). A resolved
digest that does not read makes the repository's usage unknown, naming the
function; one that names no image of the repository is reported (see
:class:`~ecrctl.usage.causes.Missing`).
"""

from __future__ import annotations

from typing import Any

from ecrctl.usage.calls import ServiceScan
from ecrctl.usage.model import Reference, User, references_to


class LambdaScan(ServiceScan):
    """One region's Lambda usage."""

    prefix = "lambda"

    def run(self) -> list[Reference]:
        listed = self.items("list_functions", "Functions", FunctionVersion="ALL")
        versions = [f for f in listed if f.get("PackageType") == "Image"]
        names = sorted({str(f["FunctionName"]) for f in versions})
        self.scope.functions = len(names)
        self.scope.versions = len(versions)
        aliases = self._aliases(names)
        codes = self.calls.map("Lambda functions", self._code, versions)
        found = []
        for config, code in zip(versions, codes, strict=True):
            name, version = str(config["FunctionName"]), str(config.get("Version", "$LATEST"))
            user = User(
                "lambda-function",
                f"{name}:{version}",
                str(config.get("FunctionArn", "")),
                tuple(sorted(aliases.get((name, version), []))),
                self.calls.where,
            )
            resolved = str(code.get("ResolvedImageUri") or "")
            if resolved:
                found += references_to(user, [resolved], running=True)
            found += references_to(user, [str(code.get("ImageUri") or "")])
        return found

    def _code(self, config: dict[str, Any]) -> dict[str, Any]:
        response = self.call(
            "get_function",
            FunctionName=config["FunctionName"],
            Qualifier=config.get("Version", "$LATEST"),
        )
        code: dict[str, Any] = response.get("Code") or {}
        return code

    def _aliases(self, names: list[str]) -> dict[tuple[str, str], list[str]]:
        """(function, version) -> the aliases routing to it (weighted ones too)."""
        listed = self.calls.map(
            "Lambda aliases",
            lambda name: self.items("list_aliases", "Aliases", FunctionName=name),
            names,
        )
        found: dict[tuple[str, str], list[str]] = {}
        for name, aliases in zip(names, listed, strict=True):
            for alias in aliases:
                self.scope.aliases += 1
                routing = (alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}
                for version in {str(alias.get("FunctionVersion")), *map(str, routing)}:
                    found.setdefault((name, version), []).append(str(alias["Name"]))
        return found
