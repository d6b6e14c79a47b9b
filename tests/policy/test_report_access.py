"""What ``policy test`` answers, built from decisions by hand: one decision for a
set of actions, the policies read in order, IAM's simulated decisions beside
ecrctl's and where they disagree, and the JSON ``-o json`` prints."""

from __future__ import annotations

import pytest

from ecrctl.policy.evaluate import ALLOWED, DEPENDS, EXPLICIT_DENY, IMPLICIT_DENY, PolicyDecision
from ecrctl.policy.matching import BOUNDARY, IDENTITY, RESOURCE, Inputs, Match, Policy, Principal
from ecrctl.policy.report_access import AccessReport, Repository, combine
from ecrctl.policy.simulate import IDENTITY_ONLY, Simulated, Simulation

A = "111111111111"
ARN = f"arn:aws:ecr:us-east-1:{A}:repository/team/app"
SESSION = f"arn:aws:sts::{A}:assumed-role/ci/b"
ROLE = Principal(f"arn:aws:iam::{A}:role/ci", A, "role", "ci", SESSION)
IDENT = Policy("pull", IDENTITY, "role/ci", {}, inline=True)
BOUND = Policy("limits", BOUNDARY, "role/ci", {}, arn=f"arn:aws:iam::{A}:policy/limits")
REPO_POLICY = Policy("repository policy", RESOURCE, "repository team/app", {})
REPOSITORY = Repository("team/app", A, ARN, '{"Statement": []}', {"stage": "prod"})
PUT, GET, TOKEN = "ecr:PutImage", "ecr:BatchGetImage", "ecr:GetAuthorizationToken"


@pytest.mark.parametrize(
    ("decisions", "expected"),
    [
        ([ALLOWED, ALLOWED], ALLOWED),
        ([ALLOWED, EXPLICIT_DENY, IMPLICIT_DENY, DEPENDS], EXPLICIT_DENY),
        ([ALLOWED, IMPLICIT_DENY, DEPENDS], IMPLICIT_DENY),
        ([ALLOWED, DEPENDS], DEPENDS),
        ([], ALLOWED),
    ],
)
def test_one_decision_for_a_set_of_actions(decisions: list[str], expected: str) -> None:
    assert combine(decisions) == expected


def decision(action: str, verdict: str) -> PolicyDecision:
    statements = [Match(IDENT, 0, None, "Allow")] if verdict == ALLOWED else []
    reasons = [] if verdict == ALLOWED else ["no identity policy allows it"]
    return PolicyDecision(action, verdict, statements, reasons)


def report(*decisions: PolicyDecision, inputs: Inputs | None = None) -> AccessReport:
    given = inputs or Inputs(ROLE, (IDENT,), BOUND, REPO_POLICY)
    return AccessReport(given, REPOSITORY, list(decisions), {"pull": ALLOWED}, ["a note"])


def test_allowed_only_when_every_action_is() -> None:
    assert report(decision(GET, ALLOWED), decision(TOKEN, ALLOWED)).allowed
    assert not report(decision(GET, ALLOWED), decision(PUT, DEPENDS)).allowed
    assert not report(decision(PUT, IMPLICIT_DENY)).allowed


def test_the_policies_read_identity_boundary_then_repository() -> None:
    assert [p["name"] for p in report().policies()] == ["pull", "limits", "repository policy"]
    assert report(inputs=Inputs(ROLE, (IDENT,))).policies() == [IDENT.to_dict()]


def test_the_json_without_a_simulation() -> None:
    data = report(decision(GET, ALLOWED)).to_dict()
    assert data == {
        "principal": {
            "arn": ROLE.arn,
            "account": A,
            "type": "role",
            "sessionArn": ROLE.session_arn,
        },
        "repository": {
            "repositoryName": "team/app",
            "registryId": A,
            "repositoryArn": ARN,
            "hasRepositoryPolicy": True,
        },
        "policies": [IDENT.to_dict(), BOUND.to_dict(), REPO_POLICY.to_dict()],
        "results": [decision(GET, ALLOWED).to_dict()],
        "summary": {"pull": ALLOWED},
        "allowed": True,
        "simulation": None,
        "notes": ["a note"],
    }
    assert "simulated" not in data["results"][0]


def test_a_repository_without_a_policy() -> None:
    bare = Repository("solo", A, ARN, None, None)
    assert bare.to_dict()["hasRepositoryPolicy"] is False


def simulated(results: dict[str, str], error: str | None = None) -> Simulation:
    found = {
        action: Simulated(verdict, ({"sourcePolicyId": "pull", "sourcePolicyType": "IAM Policy"},))
        for action, verdict in results.items()
    }
    return Simulation(IDENTITY_ONLY, found, error)


def test_iam_beside_ecrctl_and_where_they_differ() -> None:
    found = report(decision(GET, ALLOWED), decision(PUT, IMPLICIT_DENY), decision(TOKEN, ALLOWED))
    # compared over the identity side only: ecrctl's own answer there
    own = [decision(GET, ALLOWED), decision(PUT, DEPENDS), decision(TOKEN, ALLOWED)]
    found.compare(simulated({GET: ALLOWED, PUT: IMPLICIT_DENY}), own)
    assert found.ecrctl_compared == {GET: ALLOWED, PUT: DEPENDS, TOKEN: ALLOWED}
    assert found.differences() == [PUT]  # TOKEN: IAM gave no answer, no difference
    data = found.to_dict()
    assert data["simulation"] == {"scope": IDENTITY_ONLY, "error": None, "differences": [PUT]}
    get, put, token = data["results"]
    assert get["decision"] == ALLOWED
    assert get["simulated"] == {
        "decision": ALLOWED,
        "matchedStatements": [{"sourcePolicyId": "pull", "sourcePolicyType": "IAM Policy"}],
        "missingContextValues": [],
        "ecrctlDecision": ALLOWED,
        "agrees": True,
    }
    assert put["decision"] == IMPLICIT_DENY  # the full answer, not the compared one
    assert (put["simulated"]["ecrctlDecision"], put["simulated"]["agrees"]) == (DEPENDS, False)
    assert token["simulated"] is None


def test_a_simulation_that_failed_is_reported_and_compares_nothing() -> None:
    found = report(decision(PUT, IMPLICIT_DENY))
    found.compare(simulated({PUT: ALLOWED}, error="IAM said no"), [decision(PUT, IMPLICIT_DENY)])
    assert found.differences() == []
    data = found.to_dict()
    assert data["simulation"] == {"scope": IDENTITY_ONLY, "error": "IAM said no", "differences": []}
    assert "simulated" not in data["results"][0]
