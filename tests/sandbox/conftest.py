"""Sandbox fixtures: a started site per flavor on an ephemeral loopback port, over real HTTP.

def test_x(cloud: Site): cloud.get("/rest/api/3/myself").json()
def test_y(site: Site): ...          # runs once per flavor
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from nivosync.sandbox.seed import Flavor, demo_seed

from .site import Site, started


def _start(tmp_path: Path, flavor: Flavor) -> Iterator[Site]:
    yield from started(tmp_path / f"{flavor}.db", demo_seed(flavor))


@pytest.fixture
def cloud(tmp_path: Path) -> Iterator[Site]:
    yield from _start(tmp_path, "cloud")


@pytest.fixture
def dc(tmp_path: Path) -> Iterator[Site]:
    yield from _start(tmp_path, "datacenter")


@pytest.fixture(params=["cloud", "datacenter"])
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    yield from _start(tmp_path, request.param)
