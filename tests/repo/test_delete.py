"""Deleting a repository below the command: the images listed first, one
DeleteRepository call, and every image settled from ECR's answer, else from the
state read back. Against moto's ECR (in-process), botocore's Stubber for refusals
moto never gives, and the fault proxy in front of moto_server (tests/faults/proxy.py)
for answers that never come. The command under the same faults, run as the
installed ``ecrctl``: tests/faults/test_repo_delete_faults.py."""

from __future__ import annotations

from typing import Any

import pytest

from ecrctl import batch
from ecrctl.distribution import manifest as m
from ecrctl.errors import Conflict, EcrctlError
from ecrctl.repo.delete import RepoDelete, execute_repository_delete, plan_repository_delete
from tests import image_samples as s
from tests.conftest import ACCOUNT, REGION
from tests.faults.proxy import Fault, Proxy, proxy_fixture  # noqa: F401 - the proxy fixture


def fill(ecr: Any, repo: str) -> dict[str, list[str]]:
    """``repo`` with an image tagged v1 and latest, one tagged t, one untagged:
    digest -> sorted tags."""
    ecr.create_repository(repositoryName=repo)
    one = s.put(ecr, repo, s.schema2(f"{repo}-one"), m.DOCKER_SCHEMA2, tag="v1")
    s.put(ecr, repo, s.schema2(f"{repo}-one"), m.DOCKER_SCHEMA2, tag="latest")
    two = s.put(ecr, repo, s.schema2(f"{repo}-two"), m.DOCKER_SCHEMA2, tag="t")
    bare = s.put(ecr, repo, s.schema2(f"{repo}-bare"), m.DOCKER_SCHEMA2)
    return {one: ["latest", "v1"], two: ["t"], bare: []}


def statuses(plan: RepoDelete) -> dict[str, tuple[str, str | None]]:
    return {i.key: (i.status, i.failure_code) for i in plan.items}


def names(ecr: Any) -> list[str]:
    return [r["repositoryName"] for r in ecr.describe_repositories()["repositories"]]


def test_an_empty_repository(ecr: Any) -> None:
    created = ecr.create_repository(repositoryName="empty")["repository"]
    plan = plan_repository_delete(ecr, "empty")
    assert (plan.items, plan.force) == ([], False)
    execute_repository_delete(ecr, plan)
    assert plan.deleted and not plan.reconciled
    data = plan.to_dict()
    assert data["repositoryArn"] == created["repositoryArn"]
    assert (data["status"], data["images"], data["complete"]) == ("done", [], True)
    assert data["done"] == data["failed"] == data["notAttempted"] == data["unknown"] == []
    assert names(ecr) == []


@pytest.mark.parametrize(("count", "noun"), [(1, "1 image"), (3, "3 images")])
def test_images_without_force_are_refused_before_any_change(
    ecr: Any, count: int, noun: str
) -> None:
    ecr.create_repository(repositoryName="app")
    for n in range(count):
        s.put(ecr, "app", s.schema2(f"image-{n}"), m.DOCKER_SCHEMA2, tag=f"t{n}")
    with pytest.raises(Conflict) as raised:
        plan_repository_delete(ecr, "app")
    assert raised.value.one_line() == (
        f"repository 'app' holds {noun}; pass --force to delete it with its images"
    )
    assert names(ecr) == ["app"]


def test_force_deletes_every_image_listed(ecr: Any) -> None:
    before = fill(ecr, "team/app")
    plan = plan_repository_delete(ecr, "team/app", force=True, registry_id=ACCOUNT)
    assert {i.key: i.tags for i in plan.items} == before
    assert {i.status for i in plan.items} == {batch.NOT_ATTEMPTED}
    execute_repository_delete(ecr, plan)
    assert plan.deleted and names(ecr) == []
    assert set(statuses(plan).values()) == {(batch.DONE, None)}
    data = plan.to_dict()
    assert data["repositoryName"] == "team/app" and data["registryId"] == ACCOUNT
    assert data["status"] == "done" and "reconciled" not in data
    assert sorted(data["images"], key=lambda i: i["imageTags"]) == [
        {"imageDigest": digest, "imageTags": tags, "status": "done"}
        for digest, tags in sorted(before.items(), key=lambda kv: kv[1])
    ]
    assert sorted((d["id"], d["detail"]["imageTags"]) for d in data["done"]) == sorted(
        before.items()
    )
    assert data["complete"] is True


def test_gone_by_other_hands_meanwhile_is_reconciled_as_done(ecr: Any) -> None:
    fill(ecr, "team/app")
    plan = plan_repository_delete(ecr, "team/app", force=True)
    ecr.delete_repository(repositoryName="team/app", force=True)
    execute_repository_delete(ecr, plan)  # what the user asked for is done: no error
    assert plan.deleted and plan.reconciled
    assert set(statuses(plan).values()) == {(batch.DONE, None)}
    data = plan.to_dict()
    assert (data["reconciled"], data["status"], data["complete"]) == (True, "done", True)
    assert data["repositoryName"] == "team/app"  # no answer: the name and registry asked for


def test_an_image_pushed_meanwhile_without_force(ecr: Any) -> None:
    ecr.create_repository(repositoryName="raced")
    plan = plan_repository_delete(ecr, "raced")
    s.put(ecr, "raced", s.schema2("late"), m.DOCKER_SCHEMA2, tag="late")
    with pytest.raises(EcrctlError) as raised:
        execute_repository_delete(ecr, plan)
    assert "still contains images" in raised.value.one_line()
    assert not plan.deleted and names(ecr) == ["raced"]
    data = plan.to_dict()
    assert (data["status"], data["failureCode"]) == ("failed", "RepositoryNotEmptyException")
    assert data["images"] == [] and data["complete"] is True


DIGESTS = ["sha256:" + c * 64 for c in "123"]


def stubbed_plan(stub: Any, client: Any) -> RepoDelete:
    stub.add_response(
        "describe_images",
        {
            "imageDetails": [
                {"imageDigest": d, "imageTags": [f"t{n}"]} for n, d in enumerate(DIGESTS)
            ]
        },
        {"repositoryName": "app", "maxResults": 1000},
    )
    return plan_repository_delete(client, "app", force=True)


def test_refused_with_one_image_gone_by_other_hands(stubbed: tuple[Any, Any]) -> None:
    client, stub = stubbed
    plan = stubbed_plan(stub, client)
    stub.add_client_error(
        "delete_repository", "AccessDeniedException", "not yours", http_status_code=400
    )
    stub.add_response("describe_repositories", {"repositories": [{"repositoryName": "app"}]})
    remaining = [{"imageDigest": d} for d in DIGESTS[1:]]
    stub.add_response("describe_images", {"imageDetails": remaining})
    with pytest.raises(EcrctlError) as raised:
        execute_repository_delete(client, plan)
    assert "1 of 3 deleted, 2 failed" in raised.value.one_line()
    assert statuses(plan) == {
        DIGESTS[0]: (batch.DONE, None),
        DIGESTS[1]: (batch.FAILED, "AccessDeniedException"),
        DIGESTS[2]: (batch.FAILED, "AccessDeniedException"),
    }
    assert plan.items[1].failure_reason == "not yours"
    data = plan.to_dict()
    assert (data["status"], data["failureCode"]) == ("failed", "AccessDeniedException")
    assert data["complete"] is True  # ECR's own answer: every image accounted for


def test_refused_and_the_state_unreadable(stubbed: tuple[Any, Any]) -> None:
    client, stub = stubbed
    plan = stubbed_plan(stub, client)
    stub.add_client_error("delete_repository", "AccessDeniedException", "no", http_status_code=400)
    stub.add_client_error("describe_repositories", "AccessDeniedException", "no either")
    with pytest.raises(EcrctlError):
        execute_repository_delete(client, plan)
    # ECR said no: nothing was deleted, though the state could not confirm it
    assert set(statuses(plan).values()) == {(batch.FAILED, "AccessDeniedException")}
    assert plan.repository.status == batch.FAILED


def through(proxy: Proxy) -> tuple[Any, Any]:
    """An ECR client through the proxy (one retry), and one straight at moto_server."""
    import boto3
    from botocore.config import Config

    config = Config(retries={"mode": "standard", "total_max_attempts": 2})
    faulty = boto3.client("ecr", region_name=REGION, endpoint_url=proxy.url, config=config)
    return faulty, boto3.client("ecr", region_name=REGION, endpoint_url=proxy.upstream)


def test_a_lost_answer_is_reconciled_from_the_state(proxy: Proxy) -> None:
    faulty, state = through(proxy)
    before = fill(state, "lost")
    proxy.faults = [Fault("DeleteRepository", {1}, "lose")]
    plan = plan_repository_delete(faulty, "lost", force=True)
    execute_repository_delete(faulty, plan)  # the retry finds it gone: the first call did it
    assert plan.deleted and plan.reconciled
    assert {i.key for i in plan.items} == set(before)
    assert set(statuses(plan).values()) == {(batch.DONE, None)}
    assert "lost" not in names(state)


def test_a_call_the_server_never_saw_fails_every_image(proxy: Proxy) -> None:
    faulty, state = through(proxy)
    before = fill(state, "kept")
    proxy.faults = [Fault("DeleteRepository", None, "drop")]
    plan = plan_repository_delete(faulty, "kept", force=True)
    with pytest.raises(EcrctlError) as raised:
        execute_repository_delete(faulty, plan)
    assert "0 of 3 deleted, 3 failed" in raised.value.one_line()
    assert set(statuses(plan).values()) == {(batch.FAILED, batch.CALL_FAILED)}
    assert plan.repository.failure_code == batch.CALL_FAILED
    assert plan.to_dict()["complete"] is False
    assert "kept" in names(state) and len(before) == 3


def test_a_dead_server_leaves_every_image_unknown(proxy: Proxy) -> None:
    faulty, state = through(proxy)
    fill(state, "dead")
    plan = plan_repository_delete(faulty, "dead", force=True)
    proxy.faults = [Fault("DeleteRepository", {1}, "dead")]
    with pytest.raises(EcrctlError) as raised:
        execute_repository_delete(faulty, plan)
    assert "3 unknown" in raised.value.one_line()
    assert {i.status for i in plan.items} == {batch.UNKNOWN}
    assert plan.repository.status == batch.UNKNOWN
    assert plan.to_dict()["complete"] is False
    assert "dead" in names(state)  # the server never acted
