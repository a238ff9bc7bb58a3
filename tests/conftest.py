"""Shared fixtures: the real West Yorkshire bundle and the analysis results, computed once."""

from __future__ import annotations

from pathlib import Path

import pytest

from layers import paths

SHARED = paths.shared_data_dir()


@pytest.fixture(scope="session")
def results():
    """Every LSOA indicator for the county, computed once per test session (~5 s)."""
    from analysis import engine

    return engine.load_results()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The raw public data folder (../shared/data); tests that need it skip without it."""
    if not (SHARED / "README.md").exists():
        pytest.skip("../shared/data is not present")
    return SHARED
