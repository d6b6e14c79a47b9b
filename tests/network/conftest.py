"""The network tests' AWS: moto_server's EC2 and ECS (tests/support/network.py)."""

from __future__ import annotations

from tests.support.network import aws_fixture  # noqa: F401 - fixtures
