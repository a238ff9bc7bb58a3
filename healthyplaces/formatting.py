"""Formatting and escaping for every medium: one missing-value token, numbers, and inert strings.

Every page, map, report and export formats numbers and escapes names through
this module, so a missing value always reads :data:`MISSING` and a place or
OSM name can never become markup, a link or a spreadsheet formula:

* :func:`esc` for HTML (tooltips, popups, the HTML report);
* :func:`md_escape` for Streamlit Markdown (``st.markdown``, ``st.metric`` labels);
* :func:`csv_cell` for CSV cells (OWASP "CSV Injection": a cell that begins
  with ``=``, ``+``, ``-``, ``@``, tab or carriage return is prefixed with ``'``).
"""

from __future__ import annotations

import html
import math
import re
from typing import Any

import numpy as np
import pandas as pd

#: The one token shown wherever a value is missing or not computable.
MISSING = "n/a"


def is_missing(value: Any) -> bool:
    """True for None, pandas NA, NaN, ±inf and anything that is not a number."""
    try:
        return value is None or value is pd.NA or not math.isfinite(float(value))
    except (TypeError, ValueError):
        return True


def fmt_number(value: Any, digits: int = 1) -> str:
    """``12.3``, ``546,373``; :data:`MISSING` when missing."""
    if is_missing(value):
        return MISSING
    v = float(value)
    return f"{v:,.0f}" if digits == 0 else f"{v:,.{digits}f}"


def fmt_pct(share: Any, digits: int = 1) -> str:
    """A 0–1 share as a percentage number without the sign (``60.8``), or :data:`MISSING`."""
    return fmt_number(float(share) * 100, digits) if not is_missing(share) else MISSING


def fmt_people(value: Any) -> str:
    """Whole people with thousands separators (``546,373``)."""
    return fmt_number(value, 0)


def fmt_yes_no(value: Any) -> str:
    """``yes`` / ``no`` for a flag; :data:`MISSING` for a missing one."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    return "yes" if bool(value) else "no"


def esc(value: Any) -> str:
    """HTML-escape any value (quotes included); missing values become :data:`MISSING`."""
    if value is None or (isinstance(value, float) and not np.isfinite(value)) or value is pd.NA:
        return MISSING
    return html.escape(str(value), quote=True)


def fmt_value(value: Any, units: str = "", digits: int = 1) -> str:
    """A number with units for HTML display (``12.3 µg/m³``), escaped; missing → :data:`MISSING`."""
    if value is None or value is pd.NA:
        return MISSING
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return esc(value)
    if not np.isfinite(number):
        return MISSING
    text = f"{number:,.0f}" if abs(number) >= 1000 else f"{number:,.{digits}f}"
    return f"{text} {esc(units)}".strip()


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


def md_escape(text: Any) -> str:
    """Escape a string for Streamlit Markdown so that it renders as the literal text.

    Backslash-escapes every Markdown and HTML metacharacter (links, images,
    emphasis, HTML tags, ``:material/…:`` icons and ``$`` maths), so a ward
    named ``![x](http://host/p.png)`` shows those characters and fetches nothing.
    """
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


#: Leading characters a spreadsheet may read as a formula (OWASP CSV Injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """Neutralise one CSV cell: text that begins like a formula gets a leading ``'``.

    Numbers are left alone (``-3.2`` stays a number); only strings are changed.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell passed through :func:`csv_cell`."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(csv_cell)
    return out
