"""The preview of today's repositories under replication rules, and the notes
that go with it: pure, no AWS (the commands: tests/cli/test_registry_replication.py)."""

from __future__ import annotations

from ecrctl.registry.replication import notes_for, preview
from tests.registry.test_replication_rules import OWN, rule


def test_preview_joins_every_matching_rule() -> None:
    rules = [
        rule(("eu-west-1", OWN), prefixes=("team/",)),
        rule(("eu-west-1", OWN), ("us-west-2", "111122223333")),
    ]
    shown = preview(rules, ["team/app", "other"])
    assert shown == [
        {
            "repositoryName": "other",
            "destinations": [
                {"region": "eu-west-1", "registryId": OWN},
                {"region": "us-west-2", "registryId": "111122223333"},
            ],
            "rules": [2],
        },
        {
            "repositoryName": "team/app",
            "destinations": [
                {"region": "eu-west-1", "registryId": OWN},
                {"region": "us-west-2", "registryId": "111122223333"},
            ],
            "rules": [1, 2],
        },
    ]
    assert (
        preview([rule(("eu-west-1", OWN), prefixes=("team/",))], ["base"])[0]["destinations"] == []
    )


def test_notes_say_only_new_pushes_replicate_and_what_other_accounts_need() -> None:
    assert notes_for([], OWN) == []
    notes = notes_for([rule(("eu-west-1", OWN), ("us-west-2", "111122223333"))], OWN)
    assert notes[0].startswith("only images pushed after a rule exists replicate")
    assert notes[1] == (
        "111122223333 is another account: its registry policy in us-west-2 must allow "
        "123456789012 ecr:ReplicateImage and ecr:CreateRepository; there: ecrctl registry "
        "policy set --replication-from 123456789012 --region us-west-2"
    )
    assert len(notes) == 2
