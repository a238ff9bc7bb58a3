"""The report model: formatted text, tables, statistics and PNG figures, with no layout.

:func:`~healthyplaces.report.build.build_report` fills it; the HTML and PDF
renderers lay the same model out. Every number carries its units and data year.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The start of every walking-coverage note (:attr:`layers.network.NetworkCoverage.note`),
#: by which a profile's own coverage note is recognised and shown once.
NETWORK_NOTE_PREFIX = "Walking-network results cover"

DECILE_AXIS = "IoD 2025 IMD decile (1 = most deprived 10% in England)"


@dataclass(frozen=True)
class HeadlineRow:
    """One headline indicator of the area beside its district and the county."""

    label: str
    value: str
    units: str
    year: str
    district: str | None
    county: str | None
    benchmark: str = ""


@dataclass(frozen=True)
class Figure:
    """A PNG figure with a title, alternative text and a caption."""

    title: str
    png: bytes
    alt: str
    caption: str


@dataclass(frozen=True)
class Table:
    """A table of already formatted text; ``numeric`` marks right-aligned columns."""

    caption: str
    columns: list[str]
    rows: list[list[str]]
    numeric: list[bool]
    #: Relative column widths for the PDF (empty: the renderer's default).
    widths: tuple[float, ...] = ()


@dataclass(frozen=True)
class Statistic:
    """An inequality statistic, its 95% interval and plain-language readings."""

    name: str
    value: str
    interval: str
    explanation: str
    reading: str


@dataclass(frozen=True)
class Note:
    """A boxed note: a suppression message, a caveat or a method sentence."""

    text: str


@dataclass(frozen=True)
class Subheading:
    """A heading inside a :class:`Section`."""

    text: str


#: What a section holds, in reading order: paragraphs (plain ``str``), notes,
#: subheadings, tables and figures.
Block = str | Note | Subheading | Table | Figure


@dataclass(frozen=True)
class Section:
    """A report section laid out block by block (the "Who is left out" and "Evidence" sections)."""

    key: str
    title: str
    blocks: list[Block]


@dataclass
class Report:
    """Everything a place report shows, as formatted text, tables and PNGs."""

    title: str
    place_name: str
    subtitle: str
    date: str
    population: str
    summary: list[str]
    district_name: str | None
    county_name: str | None
    headline: list[HeadlineRow]
    decile_note: str
    decile_charts: list[Figure]
    map: Figure
    inequality: list[Statistic]
    access: Table
    coverage_notes: list[str]
    lsoa_table: Table
    methods: list[str]
    sources: Table
    attribution: str
    vintages: list[str]
    warnings: list[str] = field(default_factory=list)
    #: NO₂ and PM2.5 by IMD decile in the base and newest PCM years, with SIIs
    #: (:func:`healthyplaces.report.air_change.air_change_table`); None with one year.
    air_change: Table | None = None
    #: Every tier under each green-site definition
    #: (:func:`healthyplaces.report.sensitivity.sensitivity_table`).
    sensitivity: Table | None = None
    #: Green-space types not comparable between districts, one sentence.
    completeness: str = ""
    #: Sections after the sensitivity table, in order ("Who is left out", "Evidence":
    #: :mod:`healthyplaces.report.left_out`, :mod:`healthyplaces.report.evidence`).
    sections: list[Section] = field(default_factory=list)
