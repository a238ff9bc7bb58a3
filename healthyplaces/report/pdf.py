"""The report as an A4 PDF (fpdf2) with DejaVu Sans embedded, so ≥, ₂, µ and é render.

Text is made safe for the font first (:func:`pdf_safe`: characters it lacks become ``?``).
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib

from healthyplaces.report.headlines import headline_table
from healthyplaces.report.model import (
    Figure,
    Note,
    Report,
    Section,
    Subheading,
    Table,
)
from layers import catalogue

_FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"

_FONTS = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}

_FAMILY = "DejaVu"


@cache
def _font_codepoints() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(str(_FONT_DIR / _FONTS[""]), lazy=True) as font:
        return frozenset(font.getBestCmap())


def pdf_safe(text: Any) -> str:
    """Text the PDF font can draw: control characters dropped, missing glyphs become ``?``."""
    cps = _font_codepoints()
    out = []
    for ch in unicodedata.normalize("NFC", str(text)):
        if ch == "\n":
            out.append(ch)
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue
        else:
            out.append(ch if ord(ch) in cps else "?")
    return "".join(out)


class _Layout:
    """Text, headings and tables on an fpdf2 document, in the report's house style."""

    def __init__(self, pdf: Any) -> None:
        self.pdf = pdf
        self.width = float(pdf.epw)

    def heading(self, text: str, size: float = 13, need: float = 30) -> None:
        pdf = self.pdf
        if pdf.get_y() > pdf.h - 16 - need:
            pdf.add_page()
        pdf.ln(2)
        pdf.set_font(_FAMILY, "B", size)
        pdf.set_text_color(20, 83, 45)
        pdf.multi_cell(
            self.width, size * 0.5, pdf_safe(text), new_x="LMARGIN", new_y="NEXT", align="L"
        )
        pdf.set_text_color(0, 0, 0)
        pdf.ln(1)

    def para(self, text: str, size: float = 9, style: str = "") -> None:
        self.pdf.set_font(_FAMILY, style, size)
        self.pdf.multi_cell(
            self.width, size * 0.5, pdf_safe(text), new_x="LMARGIN", new_y="NEXT", align="L"
        )
        self.pdf.ln(1)

    def bullets(self, items: Sequence[str]) -> None:
        for item in items:
            self.para(f"• {item}")

    def table(self, t: Table, size: float = 7.5, widths: Sequence[float] | None = None) -> None:
        from fpdf.fonts import FontFace

        pdf = self.pdf
        pdf.set_font(_FAMILY, "I", size)
        pdf.multi_cell(
            self.width, size * 0.5, pdf_safe(t.caption), new_x="LMARGIN", new_y="NEXT", align="L"
        )
        pdf.set_font(_FAMILY, "", size)
        align = ["RIGHT" if n else "LEFT" for n in t.numeric]
        with pdf.table(
            col_widths=tuple(widths) if widths else None,
            text_align=tuple(align),
            headings_style=FontFace(emphasis="BOLD", fill_color=(232, 241, 234)),
            line_height=size * 0.5,
            width=self.width,
            repeat_headings=1,
        ) as tb:
            for cells in [t.columns, *t.rows]:
                row = tb.row()
                for c in cells:
                    row.cell(pdf_safe(c))
        pdf.ln(2)

    def figure(self, fig: Figure, share: float = 0.72) -> None:
        """One figure, centred at ``share`` of the text width, with its caption below;
        a new page first when it would not fit."""
        from PIL import Image

        pdf = self.pdf
        w = self.width * share
        with Image.open(io.BytesIO(fig.png)) as im:
            h = w * im.height / im.width
        if pdf.get_y() + h + 10 > pdf.h - 16:
            pdf.add_page()
        pdf.image(
            io.BytesIO(fig.png),
            x=pdf.l_margin + (self.width - w) / 2,
            w=w,
            alt_text=pdf_safe(fig.alt),
        )
        self.para(fig.caption, 7.5, "I")

    def section(self, sec: Section) -> None:
        """A report :class:`Section`, block by block."""
        self.heading(sec.title)
        for block in sec.blocks:
            if isinstance(block, Note):
                self.para(block.text, 8.5, "I")
            elif isinstance(block, Subheading):
                self.heading(block.text, 11, need=40)
            elif isinstance(block, Table):
                self.table(block, 6.5, block.widths or None)
            elif isinstance(block, Figure):
                self.figure(block)
            else:
                self.para(block, 8.5)

    def charts(self, figures: Sequence[Figure]) -> None:
        """Figures two to a row, a new page when a row would not fit."""
        pdf = self.pdf
        chart_w = (self.width - 4) / 2
        chart_h = chart_w * 3 / 5
        y = pdf.get_y()
        for i, fig in enumerate(figures):
            if i % 2 == 0:
                if pdf.get_y() + chart_h > pdf.h - 20:
                    pdf.add_page()
                y = pdf.get_y()
            x = pdf.l_margin + (i % 2) * (chart_w + 4)
            pdf.image(io.BytesIO(fig.png), x=x, y=y, w=chart_w, alt_text=pdf_safe(fig.alt))
            if i % 2 == 1 or i == len(figures) - 1:
                pdf.set_y(y + chart_h + 2)


def _document(report: Report) -> Any:
    """An empty A4 fpdf2 document with fonts, metadata and the attribution footer."""
    from fpdf import FPDF

    short = report.place_name if len(report.place_name) <= 32 else report.place_name[:31] + "…"
    footer_text = pdf_safe(f"{short} · {report.date} · {catalogue.PDF_FOOTER}")

    class _PDF(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(_FAMILY, "", 7)
            self.set_text_color(80, 80, 80)
            self.cell(0, 4, f"{footer_text} · page {self.page_no()}/{{nb}}", align="C")
            self.set_text_color(0, 0, 0)

    pdf = _PDF(format="A4", unit="mm")
    for style, fname in _FONTS.items():
        pdf.add_font(_FAMILY, style, str(_FONT_DIR / fname))
    pdf.set_title(pdf_safe(report.title))
    pdf.set_author("Healthy Places West Yorkshire")
    pdf.set_subject(pdf_safe(f"Place report, {report.date}"))
    pdf.set_lang("en-GB")
    pdf.set_creation_date(dt.datetime.now(dt.UTC))
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_margins(14, 14, 14)
    pdf.alias_nb_pages()
    pdf.add_page()
    return pdf


#: Width of the page-1 map as a share of the text width: small enough that the map,
#: the headline table and the summary share page 1 of an A4 district report.
_FRONT_MAP_SHARE = 0.6


def _front(lay: _Layout, report: Report) -> None:
    """Page 1 at a glance: title, the map, the headline table; then boundary notes and summary."""
    pdf, width = lay.pdf, lay.width
    pdf.set_font(_FAMILY, "B", 17)
    pdf.set_text_color(20, 83, 45)
    pdf.multi_cell(width, 8, pdf_safe(report.title), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_text_color(0, 0, 0)
    lay.para(
        f"{report.subtitle}. Population {report.population} (Census 2021). "
        f"Report generated {report.date}.",
        10,
    )
    map_w = width * _FRONT_MAP_SHARE
    pdf.image(
        io.BytesIO(report.map.png),
        x=pdf.l_margin + (width - map_w) / 2,
        w=map_w,
        alt_text=pdf_safe(report.map.alt),
    )
    lay.para(report.map.caption, 7.5, "I")
    lay.heading("Headline indicators", 12, need=40)
    ht = headline_table(report)
    n_vals = len(ht.columns) - 4
    lay.table(ht, 7, [52, *([19] * n_vals), 22, 22, 36 - 19 * (n_vals - 3)])
    if report.warnings:
        lay.heading("About this boundary", 11)
        lay.bullets(report.warnings)
    lay.heading("Summary")
    lay.bullets(report.summary)


def _back(lay: _Layout, report: Report) -> None:
    """Deciles, inequality, access, methods, sources and the LSOA table."""
    lay.heading("Indicators by deprivation decile", need=(lay.width - 4) / 2 * 3 / 5 + 20)
    lay.para(report.decile_note)
    lay.charts(report.decile_charts)
    lay.heading("Inequality in access to green space (≥ 2 ha within 300 m)")
    for stat in report.inequality:
        lay.para(f"{stat.name}: {stat.value} (95% interval {stat.interval})", 9, "B")
        lay.para(f"{stat.explanation} {stat.reading}")
    if report.air_change is not None:
        lay.heading("Air quality: the change by deprivation decile")
        lay.table(report.air_change, 6.5, [24, 18, *([23] * 6)])
    lay.heading("Access to green space: both methods")
    lay.table(report.access, 7.5, [50, 32, 34, 34, 32])
    for note in report.coverage_notes:
        lay.para(f"Note: {note}", 8, "I")
    if report.sensitivity is not None:
        lay.heading("Which green space counts: the site definitions")
        n_defs = len(report.sensitivity.columns) - 3  # standard, edge-affected, England
        lay.table(report.sensitivity, 7, [34, *([92 / n_defs] * n_defs), 20, 34])
        if report.completeness:
            lay.para(f"Note: {report.completeness}", 8, "I")
    for sec in report.sections:
        lay.section(sec)
    lay.heading("Methods")
    for m in report.methods:
        lay.para(m, 8.5)
    lay.para("Data years: " + "; ".join(report.vintages) + ".", 8.5)
    lay.heading("Data sources and licences")
    lay.table(report.sources, 6.5, [45, 70, 35, 32])
    lay.para(report.attribution, 8)
    pdf = lay.pdf
    pdf.add_page()
    lay.heading(f"Appendix: the {len(report.lsoa_table.rows):,} LSOAs of {report.place_name}")
    lay.para(report.lsoa_table.caption, 8)
    widths = (
        [20, 28, 15, 13, 15, 15, 15, 14, 15, 15, 17]
        if len(report.lsoa_table.columns) == 11
        else [21, 30, 17, 15, 17, 17, 17, 15, 17, 16]
    )
    lay.table(report.lsoa_table, 6.5, widths)


def render_pdf(report: Report) -> bytes:
    """The report as an A4 PDF (fpdf2, DejaVu Sans embedded), same content as the HTML."""
    pdf = _document(report)
    lay = _Layout(pdf)
    _front(lay, report)
    _back(lay, report)
    return bytes(pdf.output())
