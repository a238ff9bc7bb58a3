"""Shared fixtures: the real West Yorkshire bundle, the analysis results, the raw shared data.

Tests that need the full raw data (``../shared/data``, or ``$HEALTHYPLACES_SHARED_DATA``)
ask for it through :func:`require_shared` (or the ``shared_data`` fixture). Without
the folder they skip on a developer's machine, but on CI (``CI=true``, as GitHub
Actions and most CI services set it) they FAIL: CI has the data, so a missing
folder there is a broken set-up, not a reason to pass. geopandas' ``conftest.py``
treats its downloaded datasets the same way. Everything else reads the small
real samples in ``tests/input_data`` and never skips.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from layers import paths

# In-process app tests (AppTest) build maps on demand only, with no background warm-up
# thread (app_pages._folium.WARM_ENV); the browser tests' server warms as in use.
os.environ.setdefault("HEALTHYPLACES_WARM_MAPS", "off")

#: Where the small real samples live (see ``tests/input_data/README.md``).
INPUT_DATA = Path(__file__).parent / "input_data"


def on_ci() -> bool:
    """Whether the tests run on CI: the environment variable ``CI`` is ``true`` (any case)."""
    return os.environ.get("CI", "").strip().lower() == "true"


def require_shared(*parts: str) -> Path:
    """The raw shared-data folder (or a file or folder in it), or skip, or on CI fail.

    Parameters
    ----------
    *parts
        Path parts below the shared-data folder (``"air_quality", "pcm_2019"``);
        none for the folder itself, which must hold its ``README.md``.

    Returns
    -------
    Path
        ``paths.shared_data_dir().joinpath(*parts)``, which exists.
    """
    root = paths.shared_data_dir()
    target = root.joinpath(*parts) if parts else root / "README.md"
    if target.exists():
        return root.joinpath(*parts)
    message = f"the full shared data is not present: {target} is missing"
    if on_ci():
        pytest.fail(f"{message} (CI=true: tests that need it must run on CI, not skip)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def results() -> Any:
    """Every LSOA indicator for the county, computed once per test session (~5 s)."""
    from analysis import engine

    return engine.load_results()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The raw public data folder (``../shared/data``): skips without it, fails on CI."""
    return require_shared()


@pytest.fixture
def require_shared_data() -> Callable[..., Path]:
    """:func:`require_shared` itself, for tests of the skip-or-fail rule."""
    return require_shared
