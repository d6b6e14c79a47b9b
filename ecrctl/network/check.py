"""``ecrctl network check``: the facts about a target, judged condition by condition."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecrctl.network.conditions import judge
from ecrctl.network.facts import gather
from ecrctl.network.model import NetworkTarget, Report

if TYPE_CHECKING:
    from ecrctl.aws.clients import Aws


def check_network(aws: Aws, target: NetworkTarget) -> Report:
    """Read EC2 (and ECS) for ``target`` and judge every condition of the chapter."""
    facts = gather(aws, target)
    return Report(facts, judge(facts, target))
