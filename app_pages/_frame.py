"""What every page runs inside: the sidebar, the place picker and one bundle-error message.

:func:`run` is used by ``app.py`` for the page ``st.navigation`` chose, and by
the tests for a single page, so a page never handles bundle errors itself.
"""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa
import streamlit as st

from app_pages import _place
from healthyplaces.formatting import md_escape
from layers import bundle, paths
from layers.errors import BundleError

#: The command that rebuilds the bundle from the raw public data.
REBUILD_COMMAND = "healthyplaces bundle build"


def show_bundle_error(exc: BaseException) -> None:
    """The one message for a missing or corrupt bundle file: which file, and how to rebuild it.

    A :class:`~layers.errors.BundleError` names its file; for a raw pyarrow
    error that escaped the bundle reader, the bundle is verified against its
    manifest (:func:`layers.bundle.verify`) to name the damaged file.
    """
    folder = paths.bundle_dir()
    detail = str(exc) if isinstance(exc, BundleError) else _name_damaged_files(exc)
    st.error(f"**The data bundle cannot be read.** {md_escape(detail)}", icon="🚫")
    st.caption(f"Bundle folder: {md_escape(folder)}. To rebuild it, run:")
    st.code(REBUILD_COMMAND, language="bash")


def _name_damaged_files(exc: BaseException) -> str:
    """The message for an unnamed read error: which bundle files fail their SHA-256, if any."""
    try:
        problems = bundle.verify()
    except BundleError as missing:  # no manifest, or a corrupt one
        return f"{missing} (reading failed with: {exc})"
    if problems:
        return (
            f"{'; '.join(problems)}: the file does not match its SHA-256 in manifest.json "
            f"(reading it failed with: {exc}). {paths.REBUILD_HINT}"
        )
    return (
        f"A file in the bundle folder {paths.bundle_dir()} could not be parsed ({exc}). "
        f"{paths.REBUILD_HINT}"
    )


def run(render: Callable[[], None]) -> None:
    """Sidebar title and place picker, then ``render``; a bundle problem becomes one message."""
    st.sidebar.markdown("### Healthy Places West Yorkshire")
    try:
        _place.place_picker()
        render()
    except (BundleError, pa.ArrowException) as exc:
        show_bundle_error(exc)
