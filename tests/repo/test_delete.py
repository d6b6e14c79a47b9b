"""Deleting a repository against moto's ECR: its images listed first (a repository
holding any is refused without force), one DeleteRepository, and every image and the
repository accounted for, from ECR's answer or, when the call failed, from its state.
Lost answers, dead servers and signals: tests/faults/test_repo_delete_faults.py."""

from __future__ import annotations

from typing import Any

import pytest

from ecrctl import batch
from ecrctl.errors import Conflict, EcrctlError
from ecrctl.repo.delete import execute_repository_delete, plan_repository_delete
from tests import image_samples as s


def test_an_empty_repository_is_deleted(ecr: Any, repo: str) -> None:
    plan = plan_repository_delete(ecr, repo)
    assert plan.items == []
    execute_repository_delete(ecr, plan)
    assert plan.deleted and not plan.reconciled
    assert ecr.describe_repositories()["repositories"] == []
    data = plan.to_dict()
    assert (data["repositoryName"], data["status"], data["images"]) == (repo, "done", [])
    assert data["complete"] is True


def test_a_repository_holding_images_needs_force(ecr: Any, repo: str) -> None:
    s.put(ecr, repo, s.schema2("a"), s.m.DOCKER_SCHEMA2, tag="v1")
    s.put(ecr, repo, s.schema2("b"), s.m.DOCKER_SCHEMA2)
    with pytest.raises(Conflict) as info:
        plan_repository_delete(ecr, repo)
    assert info.value.one_line() == (
        "repository 'team/app' holds 2 images; pass --force to delete it with its images"
    )
    assert len(ecr.describe_repositories()["repositories"]) == 1


def test_force_deletes_every_image_and_accounts_for_each(ecr: Any, repo: str) -> None:
    tagged = s.put(ecr, repo, s.schema2("a"), s.m.DOCKER_SCHEMA2, tag="v1")
    s.put(ecr, repo, s.schema2("a"), s.m.DOCKER_SCHEMA2, tag="latest")
    untagged = s.put(ecr, repo, s.schema2("b"), s.m.DOCKER_SCHEMA2)
    plan = plan_repository_delete(ecr, repo, force=True)
    assert {i.key: i.tags for i in plan.items} == {tagged: ["latest", "v1"], untagged: []}
    execute_repository_delete(ecr, plan)
    assert plan.deleted
    assert {i.key: i.status for i in plan.items} == {tagged: "done", untagged: "done"}
    data = plan.to_dict()
    assert sorted(i["id"] for i in data["done"]) == sorted([tagged, untagged])
    assert (data["repositoryName"], data["status"]) == (repo, "done")  # DeleteRepository's answer
    assert ecr.describe_repositories()["repositories"] == []


def test_a_repository_gone_meanwhile_is_done_as_the_user_wanted(ecr: Any, repo: str) -> None:
    plan = plan_repository_delete(ecr, repo)
    ecr.delete_repository(repositoryName=repo)
    execute_repository_delete(ecr, plan)
    assert plan.deleted and plan.reconciled
    assert plan.to_dict()["reconciled"] is True


def test_an_image_pushed_after_the_listing_makes_ecr_refuse(ecr: Any, repo: str) -> None:
    plan = plan_repository_delete(ecr, repo)  # empty when listed
    s.put(ecr, repo, s.schema2("late"), s.m.DOCKER_SCHEMA2, tag="v1")
    with pytest.raises(EcrctlError):
        execute_repository_delete(ecr, plan)
    assert not plan.deleted
    assert plan.repository.status == batch.FAILED
    assert plan.repository.failure_code == "RepositoryNotEmptyException"
    assert len(ecr.describe_repositories()["repositories"]) == 1
