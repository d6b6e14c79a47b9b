"""Repository-policy workflows with stub clients: explain a given or stored
policy as written, and a taken Sid refused before anything is written."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ecrctl.errors import InvalidInput
from ecrctl.policy import repo
from ecrctl.policy.report import LintFinding

ROLE = "arn:aws:iam::111122223333:role/ci"
DUPLICATE = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "A", "Effect": "Allow", "Principal": "*", "Action": "ecr:ListImages"},
        {"Sid": "A", "Effect": "Deny", "Principal": "*", "Action": "ecr:PutImage"},
    ],
}


class NoCalls:
    """A client that fails the test when anything is asked of AWS."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"unexpected call: {name}")


class StoredPolicy:
    def __init__(self, document: Any) -> None:
        self.text = json.dumps(document)

    def get_repository_policy(self, **kwargs: Any) -> dict[str, str]:
        assert kwargs == {"repositoryName": "team/app", "registryId": "444455556666"}
        return {
            "registryId": "444455556666",
            "repositoryName": "team/app",
            "policyText": self.text,
        }


def test_explain_text_reports_errors_then_explains_as_written() -> None:
    found: list[LintFinding] = []
    question = repo.ExplainRequest(ROLE, ("ListImages", "PutImage"), found.append)
    result = repo.explain_text(json.dumps(DUPLICATE), question)
    assert [str(f) for f in found] == ['statement "A": Sid: duplicate: statement #1 has it too']
    assert [(a.action, a.decision) for a in result.answers] == [
        ("ecr:ListImages", "allowed"),
        ("ecr:PutImage", "denied"),
    ]
    assert result.summary == {}


def test_explain_text_passes_errors_on_even_when_the_principal_is_refused() -> None:
    found: list[LintFinding] = []
    with pytest.raises(InvalidInput, match="invalid principal 'nobody'"):
        repo.explain_text(json.dumps(DUPLICATE), repo.ExplainRequest("nobody", (), found.append))
    assert len(found) == 1


def test_explain_text_refuses_what_is_not_a_policy_object() -> None:
    with pytest.raises(InvalidInput) as info:
        repo.explain_text("[]", repo.ExplainRequest(ROLE))
    assert (
        info.value.message
        == "the policy is invalid: policy: JSON: the policy must be a JSON object"
    )


def test_explain_repository_knows_the_registry_account() -> None:
    ecr: Any = StoredPolicy(DUPLICATE)
    question = repo.ExplainRequest(ROLE, ("ListImages",))
    result = repo.explain_repository(ecr, "team/app", question, registry_id="444455556666")
    assert result.answers[0].decision == "allowed"
    assert result.notes[0] == (
        f"{ROLE} is outside the registry's account 444455556666: "
        "an IAM policy in its own account must allow the action too"
    )


def test_add_statement_refuses_a_taken_sid_before_writing() -> None:
    stored: Any = StoredPolicy(DUPLICATE)  # it has no set_repository_policy
    statement = {"Sid": "A", "Effect": "Deny", "Principal": "*", "Action": ["ecr:PutImage"]}
    with pytest.raises(InvalidInput) as info:
        editor = repo.PolicyEditor(stored, NoCalls(), "team/app", registry_id="444455556666")
        editor.add_statement(statement)
    assert info.value.message == "the policy of 'team/app' already has a statement with Sid 'A'"
    assert info.value.hint == "pass --replace to overwrite it, or choose another --sid"
