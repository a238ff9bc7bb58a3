"""Where the project's files are: the bundle, the raw shared data and the download cache.

Every folder is resolved *when it is asked for*, never at import, so a changed
``HEALTHYPLACES_BUNDLE`` (a test, a second bundle, a service account) is seen
by every caller at once. This is the only module that reads the environment.

Environment variables
---------------------
HEALTHYPLACES_BUNDLE
    The embedded bundle folder (default ``data/west_yorkshire`` in the checkout).
HEALTHYPLACES_SHARED_DATA
    The raw public data the bundle is built from (default ``../shared/data``).
HEALTHYPLACES_CACHE
    Where live loaders cache downloads (default ``~/.cache/healthyplaces``).
"""

from __future__ import annotations

import os
from pathlib import Path

#: The checkout (or installed source tree) root.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: Said after every bundle problem: how to put it right.
REBUILD_HINT = "Rebuild it with `healthyplaces bundle build` (needs ../shared/data)."


def bundle_dir() -> Path:
    """The bundle folder in use: ``$HEALTHYPLACES_BUNDLE`` or ``data/west_yorkshire``."""
    return Path(os.environ.get("HEALTHYPLACES_BUNDLE", PROJECT_ROOT / "data" / "west_yorkshire"))


def shared_data_dir() -> Path:
    """The raw public data folder: ``$HEALTHYPLACES_SHARED_DATA`` or ``../shared/data``."""
    return Path(
        os.environ.get("HEALTHYPLACES_SHARED_DATA", PROJECT_ROOT.parent / "shared" / "data")
    )


def cache_dir() -> Path:
    """The download cache: ``$HEALTHYPLACES_CACHE`` or ``~/.cache/healthyplaces``."""
    return Path(os.environ.get("HEALTHYPLACES_CACHE", Path.home() / ".cache" / "healthyplaces"))
