"""Shared fixtures: stores, the replay archive, the registry, and a CLI runner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.registry import load_registry
from crawler.replay import ReplayArchive
from storage import Store

ROOT = Path(__file__).resolve().parents[1]
TESTDATA = Path(__file__).with_name("data")
# The crawl time used by extraction tests: relative dates resolve against it.
FIXED_NOW = datetime(2026, 11, 28, 0, 0, tzinfo=UTC)


def data_path(*parts: str) -> Path:
    return TESTDATA.joinpath(*parts)


@pytest.fixture(scope="session")
def registry():
    return load_registry()


@pytest.fixture(scope="session")
def archive():
    return ReplayArchive.load()


@pytest.fixture
def fresh_store():
    store = Store(":memory:")
    yield store
    store.close()


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "diplofeed.db"


def run_cli(
    *args: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    input_text: str | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """Run ``diplofeed ARGS`` in a fresh process (each crawl needs its own reactor)."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "diplofeed", *args],
        cwd=cwd or ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        input=input_text,
        timeout=timeout,
        check=False,
    )


def load_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))
