"""Build a report on request and offer its HTML and PDF downloads.

The report model and renderers are :mod:`healthyplaces.report` (through
:mod:`app_pages._cache`); this module holds the button, the progress box and
the download buttons the My area and Reports pages share.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from app_pages import _cache
from healthyplaces import report
from healthyplaces.formatting import md_escape


def build_on_click(
    key: str, token: str, label: str, build: Callable[[], report.Report]
) -> report.Report | None:
    """A button that builds the report; the built report once built for ``token``, else None.

    ``token`` identifies what the report is of (a place code or an area's hash),
    so a built report is not offered for another place. ``label`` is plain text.
    """
    ready = f"{key}-ready"
    if st.button(f"Build the report for {md_escape(label)}", type="primary", key=f"{key}-build"):
        with st.status(f"Building the report for {md_escape(label)}…", expanded=True) as status:
            st.write("Profile, district and county comparisons, decile charts and map…")
            rep = build()
            st.write("Rendering the HTML and the PDF…")
            _cache.report_files(rep)
            status.update(
                label=f"The report for {md_escape(label)} is ready",
                state="complete",
                expanded=False,
            )
        st.session_state[ready] = token
    if st.session_state.get(ready) != token:
        return None
    rep = build()
    download_buttons(rep, key)
    return rep


def download_buttons(rep: report.Report, key: str) -> None:
    """HTML and PDF download buttons for a built report."""
    html_text, pdf_bytes = _cache.report_files(rep)
    stem = "".join(c if c.isalnum() else "-" for c in rep.place_name).strip("-")[:60] or "area"
    c1, c2 = st.columns(2)
    c1.download_button(
        "Download the HTML report",
        html_text.encode("utf-8"),
        file_name=f"healthyplaces-{stem}.html",
        mime="text/html",
        key=f"{key}-html",
        width="stretch",
        on_click="ignore",
    )
    c2.download_button(
        "Download the PDF report",
        pdf_bytes,
        file_name=f"healthyplaces-{stem}.pdf",
        mime="application/pdf",
        key=f"{key}-pdf",
        width="stretch",
        on_click="ignore",
    )
