"""Fixtures of the usage tests: a moto_server of their own whose Lambda checks image URIs
against its ECR (MOTO_LAMBDA_STUB_ECR=false), so ResolvedImageUri carries real digests;
moto in-process alike; ECS, Lambda, Batch, EventBridge and Scheduler clients under
Stubber; one scan's API access."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import backends
import pytest

from tests.conftest import reset_moto


@pytest.fixture(scope="session")
def usage_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    workdir = tmp_path_factory.mktemp("usage-moto")
    before = os.environ.get("MOTO_LAMBDA_STUB_ECR")
    os.environ["MOTO_LAMBDA_STUB_ECR"] = "false"
    try:
        env = backends.start(workdir, ["moto"])
    finally:
        if before is None:
            del os.environ["MOTO_LAMBDA_STUB_ECR"]
        else:
            os.environ["MOTO_LAMBDA_STUB_ECR"] = before
    try:
        yield env["AWS_ENDPOINT_URL_ECR"]
    finally:
        backends.stop(workdir)


@pytest.fixture
def usage_url(usage_server: str) -> str:
    """The server, reset for this test."""
    return reset_moto(usage_server)


@pytest.fixture
def in_process(monkeypatch: pytest.MonkeyPatch, moto: None) -> None:
    """moto in-process, its Lambda checking image URIs against its ECR."""
    monkeypatch.setenv("MOTO_LAMBDA_STUB_ECR", "false")


def _stubbed(service: str) -> Iterator[tuple[Any, Any]]:
    import boto3
    from botocore.stub import Stubber

    client = boto3.client(service, region_name="us-east-1")
    with Stubber(client) as stub:
        yield client, stub
        stub.assert_no_pending_responses()


@pytest.fixture
def stubbed_ecs() -> Iterator[tuple[Any, Any]]:
    """An ECS client under botocore's Stubber (moto neither paginates nor batches)."""
    yield from _stubbed("ecs")


@pytest.fixture
def stubbed_lambda() -> Iterator[tuple[Any, Any]]:
    """A Lambda client under botocore's Stubber."""
    yield from _stubbed("lambda")


@pytest.fixture
def stubbed_batch() -> Iterator[tuple[Any, Any]]:
    """An AWS Batch client under botocore's Stubber."""
    yield from _stubbed("batch")


@pytest.fixture
def stubbed_events() -> Iterator[tuple[Any, Any]]:
    """An EventBridge client under botocore's Stubber."""
    yield from _stubbed("events")


@pytest.fixture
def stubbed_scheduler() -> Iterator[tuple[Any, Any]]:
    """An EventBridge Scheduler client under botocore's Stubber."""
    yield from _stubbed("scheduler")


@pytest.fixture
def calls() -> Iterator[Any]:
    """One scan's API access (its worker pool closed after the test).

    One worker: these tests queue answers in botocore's Stubber, which hands them out in
    the order they were queued, so two calls in flight at once could take each other's
    answer. The pool's concurrency is tested against moto_server in test_calls.py."""
    from ecrctl.usage.calls import Calls

    found = Calls(workers=1)
    try:
        yield found
    finally:
        found.close()
