"""Write a report to a file as HTML or PDF."""

from __future__ import annotations

from pathlib import Path

from healthyplaces.report.html import render_html
from healthyplaces.report.model import (
    Report,
)
from healthyplaces.report.pdf import render_pdf


def write_report(report: Report, path: Path, fmt: str) -> Path:
    """Write ``report`` as ``fmt`` (``html`` or ``pdf``) to ``path``; return the path."""
    if fmt == "html":
        path.write_text(render_html(report), encoding="utf-8")
    elif fmt == "pdf":
        path.write_bytes(render_pdf(report))
    else:
        raise ValueError(f"Unknown report format {fmt!r}; use html or pdf")
    return path
