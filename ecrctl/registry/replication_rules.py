"""The replication configuration as data: read from a file (the API's shape) or
built from flags, checked field by field against ECR's limits, and matched against
repository names.

Limits (ECR's documentation): at most 10 rules, 25 destinations {region, registryId}
per rule, 100 repository filters per rule, each a ``PREFIX_MATCH`` of 2-256
characters. Pure: no AWS call (known regions come from botocore's endpoints data,
handed in).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ecrctl.errors import InvalidInput
from ecrctl.jsonstrict import load_input

MAX_RULES = 10
MAX_DESTINATIONS = 25
MAX_FILTERS = 100
ACCOUNT = re.compile(r"[0-9]{12}")
REGION = re.compile(r"[0-9a-z-]{2,25}")  # the API model's Region
# the API model's RepositoryFilterValue (2-256 characters)
PREFIX = re.compile(r"(?:[a-z0-9]+(?:[._-][a-z0-9]*)*/)*[a-z0-9]*(?:[._-][a-z0-9]*)*")
RULE_KEYS = ("destinations", "repositoryFilters", "deleteReplication")
DESTINATION_KEYS = ("region", "registryId")


def parse_text(text: str, source: str) -> dict[str, Any]:
    """The configuration in ``text``: ``{"rules": [...]}``, or the same under
    ``replicationConfiguration`` (what DescribeRegistry and ``show -o json`` print)."""
    document = load_input(
        text,
        f"replication file {source!r}",
        hint='fix the JSON at that line (the shape: {"rules": [{"destinations": [...]}]})',
    )
    if isinstance(document, dict) and set(document) >= {"replicationConfiguration"}:
        document = document["replicationConfiguration"]
    if not isinstance(document, dict):
        raise InvalidInput(
            f"replication file {source!r} must hold a JSON object",
            hint='e.g. {"rules": [{"destinations": [{"region": "eu-west-1", '
            '"registryId": "111122223333"}]}]}',
        )
    return document


def check_configuration(
    document: dict[str, Any],
    *,
    registry_id: str | None = None,
    region: str | None = None,
    endpoints: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """``document`` when ECR would take it, else InvalidInput naming the first bad
    field (``rules[0].destinations[1].region``) and how many more there are.

    ``registry_id`` and ``region`` (the source registry) refuse a destination that
    is the source itself; ``endpoints`` (botocore's data) refuses unknown regions.
    """
    checks = _Checks((registry_id, region), endpoints)
    problems = checks.problems
    for key in document:
        if key != "rules":
            problems.append((key, "unknown field; a replication configuration has only rules"))
    rules = document.get("rules")
    if not isinstance(rules, list):
        problems.append(("rules", "missing or not a list of rules"))
    else:
        if len(rules) > MAX_RULES:
            problems.append(("rules", f"{len(rules)} rules; ECR takes at most {MAX_RULES}"))
        for index, rule in enumerate(rules):
            checks.rule(f"rules[{index}]", rule)
    if problems:
        where, message = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise InvalidInput(f"replication configuration: {where}: {message}{more}")
    return document


@dataclass
class _Checks:
    """The problems found so far (each a field's path and what is wrong with it), with
    the source registry ``(registryId, region)`` and botocore's endpoints data."""

    source: tuple[str | None, str | None]
    endpoints: Mapping[str, Any] | None
    problems: list[tuple[str, str]] = field(default_factory=list)

    def an_object(
        self, where: str, value: Any, noun: str, keys: tuple[str, ...], shape: str
    ) -> bool:
        """Whether ``value`` is an object (else it "must be" ``shape``); a key it has
        beyond ``keys`` is a problem of its own."""
        if not isinstance(value, dict):
            self.problems.append((where, f"must be {shape}"))
            return False
        for key in value:
            if key not in keys:
                known = f"unknown field; a {noun} has " + ", ".join(keys)
                self.problems.append((f"{where}.{key}", known))
        return True

    def rule(self, where: str, rule: Any) -> None:
        if not self.an_object(where, rule, "rule", RULE_KEYS, "an object with destinations"):
            return
        problems = self.problems
        destinations = rule.get("destinations")
        if not isinstance(destinations, list) or not destinations:
            problems.append((f"{where}.destinations", "missing or empty: name at least one"))
        else:
            if len(destinations) > MAX_DESTINATIONS:
                problems.append(
                    (
                        f"{where}.destinations",
                        f"{len(destinations)} destinations; a rule takes at most "
                        f"{MAX_DESTINATIONS}",
                    )
                )
            seen: set[tuple[Any, Any]] = set()
            for index, destination in enumerate(destinations):
                at = f"{where}.destinations[{index}]"
                self.destination(at, destination)
                if isinstance(destination, dict):
                    pair = (destination.get("region"), destination.get("registryId"))
                    if pair in seen:
                        problems.append((at, "the same destination appears twice in this rule"))
                    seen.add(pair)
        if "repositoryFilters" in rule:
            self.filters(f"{where}.repositoryFilters", rule["repositoryFilters"])
        delete = rule.get("deleteReplication")
        if "deleteReplication" in rule and (
            not isinstance(delete, dict)
            or set(delete) != {"enabled"}
            or not isinstance(delete["enabled"], bool)
        ):
            problems.append((f"{where}.deleteReplication", 'must be {"enabled": true|false}'))

    def destination(self, where: str, destination: Any) -> None:
        shape = '{"region": ..., "registryId": ...}'
        if not self.an_object(where, destination, "destination", DESTINATION_KEYS, shape):
            return
        region = destination.get("region")
        problem = region_problem(region, self.endpoints)
        if problem:
            self.problems.append((f"{where}.region", problem))
        account = destination.get("registryId")
        if not isinstance(account, str) or not ACCOUNT.fullmatch(account):
            self.problems.append(
                (f"{where}.registryId", f"{_shown(account)} is not a 12-digit AWS account id")
            )
        if (account, region) == self.source:
            self.problems.append((where, f"{region} in {account} is this registry itself"))

    def filters(self, where: str, filters: Any) -> None:
        problems = self.problems
        if not isinstance(filters, list) or not filters:
            problems.append(
                (where, "must be a non-empty list (leave it out to match every repository)")
            )
            return
        if len(filters) > MAX_FILTERS:
            problems.append((where, f"{len(filters)} filters; a rule takes at most {MAX_FILTERS}"))
        for index, item in enumerate(filters):
            at = f"{where}[{index}]"
            if not isinstance(item, dict) or set(item) != {"filter", "filterType"}:
                problems.append((at, 'must be {"filter": PREFIX, "filterType": "PREFIX_MATCH"}'))
                continue
            if item["filterType"] != "PREFIX_MATCH":
                problems.append(
                    (f"{at}.filterType", f'{_shown(item["filterType"])} is not "PREFIX_MATCH"')
                )
            problem = prefix_problem(item["filter"])
            if problem:
                problems.append((f"{at}.filter", problem))


def region_problem(region: Any, endpoints: Mapping[str, Any] | None) -> str | None:
    """Why ``region`` is not an AWS region a destination can name (None when it is)."""
    if not isinstance(region, str) or not REGION.fullmatch(region):
        return f"{_shown(region)} is not a region name such as eu-west-1"
    if endpoints is None:
        return None
    from ecrctl.aws.regions import check_known_region

    try:
        check_known_region(region, "it", endpoints, custom_endpoint=False)
    except InvalidInput as exc:
        return f"unknown region {region!r}" + (f" ({exc.hint})" if exc.hint else "")
    return None


def prefix_problem(value: Any) -> str | None:
    """Why ``value`` is not a repository-name prefix ECR takes as a filter."""
    if not isinstance(value, str) or not 2 <= len(value) <= 256:
        return f"{_shown(value)} must be a repository-name prefix of 2-256 characters"
    if not PREFIX.fullmatch(value):
        return f"{_shown(value)} is not a repository-name prefix (lowercase, digits, . _ - /)"
    return None


def _shown(value: Any) -> str:
    import json

    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def rule_from_flags(
    targets: tuple[str, ...],
    prefixes: tuple[str, ...],
    own: str,
    endpoints: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """One rule from ``--to REGION[:ACCOUNT]`` (the account defaults to ``own``) and
    ``--prefix``, each value checked with the flag's name in the error."""
    if not targets:
        raise InvalidInput("give --to REGION[:ACCOUNT] at least once", hint="e.g. --to eu-west-1")
    destinations = []
    for target in targets:
        region, _, account = target.partition(":")
        problem = region_problem(region, endpoints)
        if problem:
            raise InvalidInput(f"invalid --to {target!r}: {problem}", hint="e.g. --to eu-west-1")
        if account and not ACCOUNT.fullmatch(account):
            raise InvalidInput(
                f"invalid --to {target!r}: {account!r} is not a 12-digit AWS account id",
                hint="e.g. --to eu-west-1:111122223333",
            )
        destinations.append({"region": region, "registryId": account or own})
    rule: dict[str, Any] = {"destinations": destinations}
    for prefix in prefixes:
        problem = prefix_problem(prefix)
        if problem:
            raise InvalidInput(f"invalid --prefix: {problem}", hint="e.g. --prefix team/")
    if prefixes:
        rule["repositoryFilters"] = [{"filter": p, "filterType": "PREFIX_MATCH"} for p in prefixes]
    return rule


def rule_matches(rule: dict[str, Any], repository: str) -> bool:
    """A rule without filters replicates every repository; else those whose name
    starts with one of its prefixes."""
    filters = rule.get("repositoryFilters") or []
    return not filters or any(repository.startswith(f["filter"]) for f in filters)
