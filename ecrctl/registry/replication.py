"""``ecrctl registry replication``: show, set and delete the registry's replication
configuration (DescribeRegistry, PutReplicationConfiguration), each with a preview
of today's repositories: which one replicates to which region and account.

The configuration is checked (:mod:`ecrctl.registry.replication_rules`) before
PutReplicationConfiguration, so bad input changes nothing. ECR has no call to
delete the configuration: ``delete`` puts one with no rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ecrctl.jsonrecord import record_json
from ecrctl.registry.replication_rules import (
    check_configuration,
    parse_text,
    rule_from_flags,
    rule_matches,
)

if TYPE_CHECKING:
    from ecrctl.aws.clients import Aws

CROSS_ACCOUNT_ACTIONS = ("ecr:ReplicateImage", "ecr:CreateRepository")


@dataclass
class Replication:
    """A configuration, the repositories it replicates today, and what to know about it."""

    registry_id: str
    region: str
    configuration: dict[str, Any]
    repositories: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    changed: bool = False
    dry_run: bool = False

    @property
    def rules(self) -> list[dict[str, Any]]:
        return list(self.configuration.get("rules") or [])

    def to_dict(self) -> dict[str, Any]:
        return record_json(self, configuration="replicationConfiguration")


def preview(rules: list[dict[str, Any]], names: list[str]) -> list[dict[str, Any]]:
    """Per repository: the destinations of every rule that matches it (each once,
    in rule order) and those rules' 1-based numbers; no rule: no destinations."""
    shown = []
    for name in sorted(names):
        destinations: list[dict[str, str]] = []
        numbers = []
        for number, rule in enumerate(rules, 1):
            if not rule_matches(rule, name):
                continue
            numbers.append(number)
            for destination in rule.get("destinations") or []:
                pair = {"region": destination["region"], "registryId": destination["registryId"]}
                if pair not in destinations:
                    destinations.append(pair)
        shown.append({"repositoryName": name, "destinations": destinations, "rules": numbers})
    return shown


def notes_for(rules: list[dict[str, Any]], registry_id: str) -> list[str]:
    """What ECR does not say: only new pushes replicate, and what each other
    account's registry policy must allow."""
    if not rules:
        return []
    notes = [
        "only images pushed after a rule exists replicate: images already in a repository "
        "stay where they are (push them again, or copy them with ecrctl repo copy)"
    ]
    accounts: dict[str, list[str]] = {}
    for rule in rules:
        for destination in rule.get("destinations") or []:
            if destination["registryId"] != registry_id:
                regions = accounts.setdefault(destination["registryId"], [])
                if destination["region"] not in regions:
                    regions.append(destination["region"])
    for account, regions in accounts.items():
        for region in regions:
            notes.append(
                f"{account} is another account: its registry policy in {region} must allow "
                f"{registry_id} {' and '.join(CROSS_ACCOUNT_ACTIONS)}; there: ecrctl registry "
                f"policy set --replication-from {registry_id} --region {region}"
            )
    return notes


def _result(aws: Aws, registry_id: str, configuration: dict[str, Any]) -> Replication:
    from ecrctl.repo.repository import iter_repositories

    names = [r["repositoryName"] for r in iter_repositories(aws.ecr)]
    rules = list(configuration.get("rules") or [])
    return Replication(
        registry_id,
        aws.region or "",
        configuration,
        preview(rules, names),
        notes_for(rules, registry_id),
    )


def show_replication(aws: Aws) -> Replication:
    """The configuration ECR holds, with today's repositories."""
    from ecrctl.registry.show import describe_registry

    info = describe_registry(aws)
    return _result(aws, info["registryId"], info["replicationConfiguration"])


def set_replication(
    aws: Aws,
    *,
    text: str | None = None,
    source: str = "-",
    targets: tuple[str, ...] = (),
    prefixes: tuple[str, ...] = (),
    append: bool = False,
    dry_run: bool = False,
) -> Replication:
    """Replace the configuration with the one in ``text`` (the API's shape), or with
    one rule from ``--to``/``--prefix`` (``append``: add that rule to the rules ECR
    holds). Everything is checked before PutReplicationConfiguration."""
    from ecrctl.registry.show import describe_registry

    endpoints = aws.session.get_data("endpoints")
    if text is not None:
        document = check_configuration(parse_text(text, source), endpoints=endpoints)
        new_rules = list(document["rules"])
    else:
        new_rules = [rule_from_flags(targets, prefixes, "", endpoints)]
    info = describe_registry(aws)
    own = info["registryId"]
    for rule in new_rules:
        for destination in rule["destinations"]:
            destination["registryId"] = destination["registryId"] or own
    current = list(info["replicationConfiguration"].get("rules") or [])
    configuration = {"rules": current + new_rules if append else new_rules}
    check_configuration(configuration, registry_id=own, region=aws.region, endpoints=endpoints)
    return _put(aws, own, configuration, changed=configuration["rules"] != current, dry_run=dry_run)


def delete_replication(aws: Aws, *, dry_run: bool = False) -> Replication:
    """Remove every rule (PutReplicationConfiguration with none): no new replication;
    images already replicated stay in their destinations."""
    from ecrctl.registry.show import describe_registry

    info = describe_registry(aws)
    had = bool(info["replicationConfiguration"].get("rules"))
    return _put(aws, info["registryId"], {"rules": []}, changed=had, dry_run=dry_run)


def _put(
    aws: Aws, own: str, configuration: dict[str, Any], *, changed: bool, dry_run: bool
) -> Replication:
    if not dry_run and changed:
        sent: Any = configuration  # checked by check_configuration, in the API's shape
        answer = aws.ecr.put_replication_configuration(replicationConfiguration=sent)
        configuration = dict(answer.get("replicationConfiguration") or configuration)
    result = _result(aws, own, configuration)
    result.changed = changed
    result.dry_run = dry_run
    return result
