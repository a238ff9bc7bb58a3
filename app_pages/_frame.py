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
from layers import paths
from layers.errors import BundleError

#: The command that rebuilds the bundle from the raw public data.
REBUILD_COMMAND = "healthyplaces bundle build"


def show_bundle_error(exc: BaseException) -> None:
    """The one message for a missing or corrupt bundle file: which file, and how to rebuild it.

    A :class:`~layers.errors.BundleError` names its file; a raw pyarrow error
    that escaped the bundle reader is reported against the bundle folder.
    """
    folder = paths.bundle_dir()
    if isinstance(exc, BundleError):
        detail = str(exc)
    else:
        detail = (
            f"A file in the bundle folder {folder} could not be parsed ({exc}). "
            f"{paths.REBUILD_HINT}"
        )
    st.error(f"**The data bundle cannot be read.** {md_escape(detail)}", icon="🚫")
    st.caption(f"Bundle folder: {md_escape(folder)}. To rebuild it, run:")
    st.code(REBUILD_COMMAND, language="bash")


def run(render: Callable[[], None]) -> None:
    """Sidebar title and place picker, then ``render``; a bundle problem becomes one message."""
    st.sidebar.markdown("### Healthy Places West Yorkshire")
    try:
        _place.place_picker()
        render()
    except (BundleError, pa.ArrowException) as exc:
        show_bundle_error(exc)
