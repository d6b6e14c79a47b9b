"""What a scan covered, per account and region, as text and JSON."""

from __future__ import annotations

from ecrctl.usage.scope import ScanScope, Scope


def test_the_scope_names_every_account_region_and_service() -> None:
    home = Scope("us-east-1", 5, "123456789012", clusters=2, functions=1, models=3)
    other = Scope("eu-west-1", 5, "210987654321", "arn:aws:iam::210987654321:role/r", clusters=1)
    scanned = ScanScope([home, other], {"references": 4, "pods": 2})
    lines = scanned.lines()
    assert lines[0].startswith("account 123456789012, us-east-1: ECS 2 cluster(s)")
    assert "SageMaker 3 model(s)" in lines[0] and "Batch 0 job definition(s)" in lines[0]
    assert lines[1].startswith(
        "account 210987654321, eu-west-1 (role arn:aws:iam::210987654321:role/r): ECS 1"
    )
    assert lines[2] == "--usage-from: 4 image reference(s) of 2 pod(s)"
    data = scanned.to_json()
    assert data["accounts"] == ["123456789012", "210987654321"]
    assert data["regions"] == ["eu-west-1", "us-east-1"]
    assert data["ecs"]["clusters"] == 3 and data["sagemaker"]["models"] == 3
    assert [s["region"] for s in data["scanned"]] == ["us-east-1", "eu-west-1"]
    assert data["external"] == {"references": 4, "pods": 2}


def test_one_place_in_json_keeps_the_old_keys() -> None:
    data = ScanScope([Scope("us-east-1", 3)]).to_json()
    assert data["region"] == "us-east-1" and data["accounts"] == []
    assert data["ecs"]["revisionsPerFamily"] == 3 and data["lambda"]["imageFunctions"] == 0
    assert data["scanned"] == [Scope("us-east-1", 3).to_json()]
    assert data["scanned"][0]["account"] is None and "external" not in data
    assert ScanScope([Scope("us-east-1", 3)], {"references": 2}).lines()[-1] == (
        "--usage-from: 2 image reference(s)"
    )
