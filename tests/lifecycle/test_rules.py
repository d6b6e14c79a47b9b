"""Compiling a validated policy into the engine's rules: priority order, defaults for
what a rule leaves out, and the names a preview uses for a rule."""

from __future__ import annotations

from ecrctl.lifecycle.rules import Rule, compile_rules
from tests.lifecycle.policies import BASE, archive_expire


def test_rules_come_out_in_ascending_priority_with_their_fields() -> None:
    policy = {"rules": [archive_expire(priority=7), *BASE["rules"]]}
    assert compile_rules(policy) == [
        Rule(
            1,
            "keep prod",
            "tagged",
            ("prod",),
            (),
            "standard",
            "imageCountMoreThan",
            3,
            "expire",
            None,
        ),
        Rule(2, "", "untagged", (), (), "standard", "sinceImagePushed", 14, "expire", None),
        Rule(7, "", "any", (), (), "archive", "sinceImageTransitioned", 90, "expire", None),
    ]


def test_patterns_and_a_transition_target_are_kept() -> None:
    rule = {
        "rulePriority": 3,
        "description": None,
        "selection": {
            "tagStatus": "tagged",
            "tagPatternList": ["v*-rc", "beta"],
            "countType": "sinceImagePulled",
            "countUnit": "days",
            "countNumber": 30,
        },
        "action": {"type": "transition", "targetStorageClass": "archive"},
    }
    (compiled,) = compile_rules({"rules": [rule]})
    assert compiled.prefixes == ()
    assert compiled.patterns == ("v*-rc", "beta")
    assert compiled.description == ""
    assert (compiled.action, compiled.target_storage_class) == ("transition", "archive")


def test_a_rule_is_named_by_priority_and_labelled_with_its_description() -> None:
    described, bare = compile_rules(BASE)
    assert (described.name, described.label) == ("rule 1", "rule 1 (keep prod)")
    assert (bare.name, bare.label) == ("rule 2", "rule 2")
