"""Place reports: one report model (:class:`Report`), two renderers (HTML and PDF).

* :mod:`~healthyplaces.report.model`: the dataclasses (Report, HeadlineRow, Figure,
  Table, Statistic);
* :mod:`~healthyplaces.report.build`: :func:`build_report` and the tables and
  statistics it assembles (headline rows in :mod:`~healthyplaces.report.headlines`);
* :mod:`~healthyplaces.report.figures`: matplotlib charts and the static map PNG;
* :mod:`~healthyplaces.report.html` and :mod:`~healthyplaces.report.pdf`: the renderers;
  :func:`write_report` writes either to a file.

Nothing here computes an indicator; numbers are formatted with
:mod:`healthyplaces.formatting` (one missing-value token).
"""

from __future__ import annotations

from healthyplaces.formatting import fmt_number, fmt_pct, fmt_people, fmt_yes_no
from healthyplaces.palettes import SITE_COLOUR
from healthyplaces.report.build import (
    access_table,
    build_report,
    inequality_statistics,
    lsoa_rows,
    methods_text,
    sources_table,
)
from healthyplaces.report.figures import decile_alt
from healthyplaces.report.headlines import comparison_table, headline_rows, headline_table
from healthyplaces.report.html import render_html
from healthyplaces.report.model import (
    DECILE_AXIS,
    NETWORK_NOTE_PREFIX,
    Figure,
    HeadlineRow,
    Report,
    Statistic,
    Table,
)
from healthyplaces.report.pdf import pdf_safe, render_pdf
from healthyplaces.report.sensitivity import sensitivity_table
from healthyplaces.report.write import write_report

__all__ = [
    "DECILE_AXIS",
    "NETWORK_NOTE_PREFIX",
    "SITE_COLOUR",
    "Figure",
    "HeadlineRow",
    "Report",
    "Statistic",
    "Table",
    "access_table",
    "build_report",
    "comparison_table",
    "decile_alt",
    "fmt_number",
    "fmt_pct",
    "fmt_people",
    "fmt_yes_no",
    "headline_rows",
    "headline_table",
    "inequality_statistics",
    "lsoa_rows",
    "methods_text",
    "pdf_safe",
    "render_html",
    "render_pdf",
    "sensitivity_table",
    "sources_table",
    "write_report",
]
