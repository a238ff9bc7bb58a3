"""Place reports: one report model (:class:`Report`), two renderers (HTML and PDF).

:func:`build_report` gathers what the engine computed for an area
(:func:`analysis.profiles.profile`, :func:`geo.inequality.by_decile`) into a
:class:`Report` of formatted text, tables and PNG figures;
:func:`render_html` and :func:`render_pdf` lay the same model out as a
self-contained HTML page and as a PDF. Nothing here computes an indicator.

* Every number carries its units and data year.
* Every OSM-, ONS- or user-derived string is HTML-escaped in the HTML report
  and made safe for the PDF font (characters the font lacks become ``?``).
* Figures are matplotlib PNGs (Agg backend): bars coloured with ColorBrewer
  RdYlBu (colour-blind safe) and labelled with the decile number, so colour is
  never the only cue; the static map needs no web tiles.
* The PDF embeds DejaVu Sans (from matplotlib's bundled fonts), so "≥", "₂",
  "µ" and "é" render.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import textwrap
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import shapely
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from analysis import areas, deciles, profiles
from analysis.areas import Area
from analysis.engine import Results
from geo import crs, standards
from healthyplaces.formatting import fmt_number, fmt_pct, fmt_people, fmt_yes_no, is_missing
from healthyplaces.maps import IOD_DECILE_COLOURS, NO_DATA_COLOUR, data_uri
from layers import catalogue, network
from layers.catalogue import LAYERS

#: Accessible green-space sites on the static map (Paul Tol "muted" green).
SITE_COLOUR = "#117733"
NETWORK_NOTE = (
    "Walking-network results cover central Leeds only offline (within "
    f"{network.LEEDS_NETWORK_RADIUS_M / 1000:g} km of Leeds city centre, OpenStreetMap 2022); "
    "elsewhere they are reported as not available, never as a number, and the straight-line "
    "results are shown."
)
DECILE_AXIS = "IoD 2025 IMD decile (1 = most deprived 10% in England)"


# --- The report model -------------------------------------------------------------


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


@dataclass(frozen=True)
class Statistic:
    """An inequality statistic, its 95% interval and plain-language readings."""

    name: str
    value: str
    interval: str
    explanation: str
    reading: str


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


# --- Formatting ---------------------------------------------------------------------


# --- Headline rows ------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    label: str
    get: Callable[[dict[str, Any]], Any]
    fmt: Callable[[Any], str]
    units: str
    year: str
    benchmark: str = ""


def _tier(name: str) -> Callable[[dict[str, Any]], Any]:
    return lambda p: p["access_straight"].get(name)


_WHO = standards.WHO_2021_GUIDELINES
_UK = standards.UK_LIMITS
_OSM_YEAR = "OSM 2023"
_ROWS: tuple[_Row, ...] = (
    _Row("Residents", lambda p: p["population"], fmt_people, "people", "Census 2021"),
    _Row(
        "Deprivation: IMD score (population-weighted; higher = more deprived)",
        lambda p: p["imd_score_pop_weighted"],
        fmt_number,
        "IMD score",
        "IoD 2025",
    ),
    _Row(
        "Residents in England's 20% most deprived LSOAs (IMD deciles 1–2)",
        lambda p: p["pop_share_imd_deciles_1_2"],
        fmt_pct,
        "% of residents",
        "IoD 2025",
    ),
    _Row(
        "Green space of ≥ 2 ha within 300 m (straight line)",
        _tier("2ha_300m"),
        fmt_pct,
        "% of residents",
        _OSM_YEAR,
        "Natural England GI standard",
    ),
    _Row(
        "Green space of ≥ 10 ha within 1 km (straight line)",
        _tier("10ha_1km"),
        fmt_pct,
        "% of residents",
        _OSM_YEAR,
        "Natural England GI standard",
    ),
    _Row(
        "Green space of ≥ 1 ha within 300 m (the '300' of 3-30-300)",
        lambda p: p["rule_3_30_300_share"],
        fmt_pct,
        "% of residents",
        _OSM_YEAR,
        "3-30-300 rule",
    ),
    _Row(
        "Accessible green space",
        lambda p: p["accessible_green_ha_per_1000"],
        fmt_number,
        "ha per 1,000 residents",
        _OSM_YEAR,
        f"standard: {standards.GREEN_HA_PER_1000_STANDARD:g} ha per 1,000",
    ),
    _Row(
        "Local nature reserves",
        lambda p: p["nature_reserve_ha_per_1000"],
        lambda v: fmt_number(v, 2),
        "ha per 1,000 residents",
        _OSM_YEAR,
        f"ANGSt: {standards.LNR_HA_PER_1000_STANDARD:g} ha per 1,000",
    ),
    _Row(
        "Blue space within 300 m (straight line)",
        lambda p: p["blue_within_300m_share"],
        fmt_pct,
        "% of residents",
        "OSM 2023 (waterways 2018)",
    ),
    _Row(
        "NO₂ annual mean (population-weighted)",
        lambda p: p["no2_pop_weighted_ugm3"],
        fmt_number,
        "µg/m³",
        "DEFRA PCM 2019",
        f"WHO 2021: {_WHO['no2']:g}; UK limit: {_UK['no2']:g} µg/m³",
    ),
    _Row(
        "Residents above the WHO NO₂ guideline",
        lambda p: p["pop_share_no2_above_who"],
        fmt_pct,
        "% of residents",
        "DEFRA PCM 2019",
        f"WHO 2021: {_WHO['no2']:g} µg/m³",
    ),
    _Row(
        "PM2.5 annual mean (population-weighted)",
        lambda p: p["pm25_pop_weighted_ugm3"],
        fmt_number,
        "µg/m³",
        "DEFRA PCM 2019",
        f"WHO 2021: {_WHO['pm25']:g}; UK limit: {_UK['pm25']:g} µg/m³",
    ),
    _Row(
        "Residents above the WHO PM2.5 guideline",
        lambda p: p["pop_share_pm25_above_who"],
        fmt_pct,
        "% of residents",
        "DEFRA PCM 2019",
        f"WHO 2021: {_WHO['pm25']:g} µg/m³",
    ),
    _Row(
        "Habitat diversity within 1 km (population-weighted)",
        lambda p: p["habitat_shannon_1km_pop_weighted"],
        lambda v: fmt_number(v, 2),
        "Shannon index, nats",
        _OSM_YEAR,
    ),
    _Row(
        "Natural and semi-natural land",
        lambda p: p["natural_share"],
        fmt_pct,
        "% of land",
        _OSM_YEAR,
    ),
    _Row(
        "Residents with a double burden (IMD deciles 1–2, no 2 ha site within 300 m, "
        "NO₂ above the county median)",
        lambda p: p["double_burden_population"],
        fmt_people,
        "people",
        "IoD 2025; OSM 2023; PCM 2019",
    ),
)


def headline_rows(
    prof: dict[str, Any],
    district: dict[str, Any] | None = None,
    county: dict[str, Any] | None = None,
) -> list[HeadlineRow]:
    """Headline indicators of a profile beside its district's and county's profiles."""

    def value(row: _Row, p: dict[str, Any] | None) -> str | None:
        return None if p is None else row.fmt(row.get(p))

    return [
        HeadlineRow(
            r.label,
            r.fmt(r.get(prof)),
            r.units,
            r.year,
            value(r, district),
            value(r, county),
            r.benchmark,
        )
        for r in _ROWS
    ]


# --- Deciles --------------------------------------------------------------------------


def _decile_chart(ind: deciles.DecileIndicator, table: pd.DataFrame) -> bytes:
    values = table[ind.column].to_numpy(float) * (100.0 if ind.share else 1.0)
    codes = table.index.to_numpy(int)
    fig, ax = plt.subplots(figsize=(5.0, 3.0), dpi=150)
    present = np.isfinite(values)
    ax.bar(
        codes[present],
        values[present],
        color=[IOD_DECILE_COLOURS[d - 1] for d in codes[present]],
        edgecolor="#333333",
        linewidth=0.6,
    )
    for d, v in zip(codes, values, strict=True):
        label = fmt_number(v, 0 if ind.share else 1) if np.isfinite(v) else "none"
        ax.annotate(
            label,
            (d, v if np.isfinite(v) else 0),
            ha="center",
            va="bottom",
            fontsize=7,
            xytext=(0, 2),
            textcoords="offset points",
        )
    if ind.guideline is not None:
        ax.axhline(
            ind.guideline, color="#000000", linestyle="--", linewidth=1, label=ind.guideline_label
        )
        ax.legend(loc="upper right", fontsize=7, frameon=False)
    top = np.nanmax(values) if present.any() else 1.0
    ax.set_ylim(0, max(top, ind.guideline or 0, 1e-9) * (1.35 if ind.guideline else 1.18))
    ax.set_xticks(range(1, 11))
    ax.set_xlim(0.4, 10.6)
    ax.set_xlabel(DECILE_AXIS, fontsize=8)
    ax.set_ylabel(ind.units, fontsize=8)
    ax.set_title(ind.title, fontsize=9)
    ax.tick_params(labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return _png(fig)


def _png(fig: Any, tight: bool = False) -> bytes:
    buf = io.BytesIO()
    extra: dict[str, Any] = {"bbox_inches": "tight", "pad_inches": 0.08} if tight else {}
    fig.savefig(buf, format="png", facecolor="white", **extra)
    plt.close(fig)
    return buf.getvalue()


def decile_alt(ind: deciles.DecileIndicator, table: pd.DataFrame, scope: str) -> str:
    """Alternative text of a decile chart: what it shows and every value."""
    scale = 100.0 if ind.share else 1.0
    parts = [
        f"decile {d}: {fmt_number(v * scale, 1)}"
        for d, v in table[ind.column].items()
        if not is_missing(v)
    ]
    return (
        f"Bar chart of {ind.title} in {ind.units} by IMD decile over {scope}. "
        + "; ".join(parts)
        + "."
    )


# --- Static map -----------------------------------------------------------------------


def _scale_length(width_m: float) -> float:
    target = width_m / 5
    for step in (100, 200, 250, 500, 1_000, 2_000, 2_500, 5_000, 10_000, 20_000):
        if step >= target:
            return float(step)
    return 50_000.0


def _map_png(results: Results, area: Area, boundary: shapely.Geometry) -> bytes:
    minx, miny, maxx, maxy = boundary.bounds
    pad = max(maxx - minx, maxy - miny) * 0.04 + 100
    box = shapely.box(minx - pad, miny - pad, maxx + pad, maxy + pad)
    tol = max(maxx - minx, maxy - miny) / 2000
    lsoa = results.lsoa.loc[area.share > 0, ["IMD_decile", "geometry"]]
    sites = results.inputs.sites
    sites = sites.iloc[np.sort(sites.sindex.query(box, predicate="intersects"))]
    fig, ax = plt.subplots(figsize=(7.2, 6.4), dpi=150)
    geoms = lsoa.geometry.simplify(tol) if tol > 1 else lsoa.geometry
    colours = [
        IOD_DECILE_COLOURS[int(d) - 1] if not is_missing(d) else NO_DATA_COLOUR
        for d in lsoa["IMD_decile"]
    ]
    gpd.GeoSeries(geoms.values, crs=crs.ANALYSIS_CRS).plot(
        ax=ax, color=colours, edgecolor="#ffffff", linewidth=0.25, alpha=0.75
    )
    site_geoms = sites.geometry.simplify(tol) if tol > 1 else sites.geometry
    gpd.GeoSeries(site_geoms.values, crs=crs.ANALYSIS_CRS).plot(
        ax=ax, color=SITE_COLOUR, edgecolor="#0b3d1c", linewidth=0.2, alpha=0.9
    )
    gpd.GeoSeries([boundary], crs=crs.ANALYSIS_CRS).boundary.plot(
        ax=ax, color="#000000", linewidth=1.6
    )
    bottom = miny - pad * 3
    ax.set_xlim(minx - pad, maxx + pad)
    ax.set_ylim(bottom, maxy + pad)
    ax.set_aspect("equal")
    ax.set_axis_off()
    # Scale bar (below the area, clear of it) and north arrow.
    length = _scale_length(maxx - minx + 2 * pad)
    x0, y0 = minx, miny - pad * 2.2
    ax.plot([x0, x0 + length], [y0, y0], color="#000000", linewidth=3, solid_capstyle="butt")
    ax.annotate(
        f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m",
        (x0 + length, y0),
        xytext=(4, 0),
        textcoords="offset points",
        fontsize=8,
        va="center",
    )
    ax.annotate(
        "N ↑",
        xy=(0.98, 0.98),
        xycoords="axes fraction",
        ha="right",
        va="top",
        fontsize=10,
        fontweight="bold",
    )
    handles: list[Any] = [
        Patch(
            facecolor=c,
            edgecolor="#666666",
            alpha=0.75,
            label=f"{i}" + (" most deprived" if i == 1 else " least deprived" if i == 10 else ""),
        )
        for i, c in enumerate(IOD_DECILE_COLOURS, start=1)
    ]
    handles += [
        Patch(
            facecolor=SITE_COLOUR, edgecolor="#0b3d1c", label="Accessible green\nspace (OSM 2023)"
        ),
        Line2D([0], [0], color="#000000", linewidth=1.6, label="Area boundary"),
    ]
    ax.legend(
        handles=handles,
        title="IoD 2025 IMD\ndecile of LSOA",
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=7,
        title_fontsize=8,
        frameon=False,
    )
    note = (
        f"Scale bar: {length / 1000:g} km. British National Grid (EPSG:27700). "
        f"{catalogue.ATTRIBUTION}"
    )
    ax.annotate(
        "\n".join(textwrap.wrap(note, 130)),
        xy=(0, 0),
        xycoords="axes fraction",
        xytext=(0, -3),
        textcoords="offset points",
        fontsize=5.5,
        va="top",
        ha="left",
        color="#333333",
    )
    fig.subplots_adjust(left=0.01, right=0.76, top=0.99, bottom=0.1)
    return _png(fig, tight=True)


# --- Building the report -----------------------------------------------------------------


def _slope_reading(kind: str, stat: dict[str, Any], name: str) -> str:
    if is_missing(stat.get("value")):
        return f"Not available for {name}: it needs at least 3 LSOAs with residents."
    v = float(stat["value"])
    bounded = not is_missing(stat.get("ci_low")) and not is_missing(stat.get("ci_high"))
    if bounded and float(stat["ci_low"]) <= 0 <= float(stat["ci_high"]):
        clear = "the interval includes zero, so there is no clear gradient"
    elif v > 0:
        clear = "access is better among the less deprived"
    else:
        clear = "access is better among the more deprived"
    if kind == "sii":
        return (
            f"In {name}, the least deprived have a {fmt_number(abs(v) * 100)} "
            f"percentage point {'higher' if v > 0 else 'lower'} modelled share with "
            f"a 2 ha green space within 300 m than the most deprived; {clear}."
        )
    return f"In {name}, that gap is {fmt_number(abs(v) * 100)}% of the average share; {clear}."


def _interval(stat: dict[str, Any], scale: float = 1.0, digits: int = 2) -> str:
    if not (not is_missing(stat.get("ci_low")) and not is_missing(stat.get("ci_high"))):
        return "not available"
    lo, hi = float(stat["ci_low"]) * scale, float(stat["ci_high"]) * scale
    return f"{fmt_number(lo, digits)} to {fmt_number(hi, digits)}"


def inequality_statistics(prof: dict[str, Any]) -> list[Statistic]:
    """SII, RII and the concentration index of the headline tier, each with a plain sentence."""
    name = str(prof["place"]["name"])
    sii, rii, conc = prof["sii"], prof["rii"], prof["concentration_index"]
    cv = conc.get("value")
    if is_missing(cv):
        c_read = f"Not available for {name}."
    elif abs(float(cv)) < 0.05:
        c_read = (
            f"At {float(cv):+.3f}, access in {name} is shared almost evenly across deprivation."
        )
    else:
        side = "less" if float(cv) > 0 else "more"
        c_read = (
            f"At {float(cv):+.3f}, access in {name} is concentrated among "
            f"{side}-deprived residents."
        )
    return [
        Statistic(
            "Slope index of inequality (SII), percentage points",
            fmt_number(float(sii["value"]) * 100, 1) if not is_missing(sii.get("value")) else "n/a",
            _interval(sii, 100, 1),
            "The SII is the modelled gap in the share of residents with a 2 ha green space "
            "within 300 m between the least and the most deprived ends of the population "
            "(positive: the less deprived are better served).",
            _slope_reading("sii", sii, name),
        ),
        Statistic(
            "Relative index of inequality (RII)",
            fmt_number(rii["value"], 2) if not is_missing(rii.get("value")) else "n/a",
            _interval(rii),
            "The RII is the same gap divided by the average share, so places with different "
            "average access can be compared (0 = no gap).",
            _slope_reading("rii", rii, name),
        ),
        Statistic(
            "Concentration index",
            fmt_number(cv, 3) if not is_missing(cv) else "n/a",
            _interval(conc, 1, 3),
            "The concentration index runs from −1 to +1: positive when access is concentrated "
            "among less-deprived residents, negative when among more-deprived residents, and "
            "0 when it is shared evenly.",
            c_read,
        ),
    ]


def access_table(prof: dict[str, Any]) -> Table:
    """Access tiers on both methods, with the network's coverage of residents."""
    rows = []
    for tier in standards.ACCESS_TIERS:
        net = prof["access_network"].get(tier.name)
        cov = prof["access_network_coverage"].get(tier.name)
        detour = prof["detour_ratio_median"].get(tier.name)
        rows.append(
            [
                tier.label,
                fmt_pct(prof["access_straight"].get(tier.name)),
                fmt_pct(net) if not is_missing(net) else "not available offline",
                fmt_pct(cov),
                fmt_number(detour, 2) if not is_missing(detour) else "n/a",
            ]
        )
    rows.append(
        [
            "≥ 1 ha site within 300 m (3-30-300)",
            fmt_pct(prof["rule_3_30_300_share"]),
            "not computed",
            "n/a",
            "n/a",
        ]
    )
    return Table(
        caption=(
            "Share of residents meeting each Natural England access standard: straight "
            "line and walking network (OSM 2023 green space; OSM 2022 network, central "
            "Leeds only offline)"
        ),
        columns=[
            "Standard",
            "Straight line (% of residents)",
            "Walking network (% of covered residents)",
            "Network coverage (% of residents)",
            "Median detour (walk ÷ straight)",
        ],
        rows=rows,
        numeric=[False, True, True, True, True],
    )


def lsoa_rows(results: Results, area: Area) -> Table:
    """The area's LSOAs with their key indicators (whole rows, as the engine computed them)."""
    t = results.lsoa
    inside = area.weights > 0
    sub = t.loc[inside].assign(_share=area.share[inside]).sort_values("lsoa21_code")
    custom = area.polygon is not None
    hl = standards.HEADLINE_TIER
    cols = [
        "LSOA code",
        "LSOA name",
        "Residents (2021)",
        "IMD decile (2025)",
        "2 ha within 300 m, straight line",
        "2 ha within 300 m, walking",
        "NO₂ 2019 (µg/m³)",
        "Blue space within 300 m",
        "Access standards met (of 6)",
        "Double burden",
    ]
    rows = []
    keep = [
        "lsoa21_code",
        "lsoa21_name",
        "population",
        "IMD_decile",
        f"meets_{hl}",
        f"net_meets_{hl}",
        "no2_ugm3",
        "blue_within_300m",
        "tiers_met_share",
        "double_burden",
        "_share",
    ]
    for d in sub[keep].astype(object).to_dict(orient="records"):
        row = [
            str(d["lsoa21_code"]),
            str(d["lsoa21_name"]),
            fmt_people(d["population"]),
            fmt_number(d["IMD_decile"], 0),
            fmt_yes_no(d[f"meets_{hl}"]),
            fmt_yes_no(d[f"net_meets_{hl}"]),
            fmt_number(d["no2_ugm3"]),
            fmt_yes_no(d["blue_within_300m"]),
            fmt_number(float(d["tiers_met_share"]) * len(standards.ACCESS_TIERS), 0),
            fmt_yes_no(d["double_burden"]),
        ]
        if custom:
            row.insert(3, fmt_pct(d["_share"], 0))
        rows.append(row)
    if custom:
        cols.insert(3, "Share in area (%)")
    numeric = [c.startswith(("Residents", "IMD", "NO₂", "Access", "Share")) for c in cols]
    caption = (
        f"The {len(rows):,} LSOAs (2021) of {area.name}: Census 2021 residents, IoD 2025 "
        "decile, access (OSM 2023; walking = central Leeds only, n/a elsewhere), NO₂ "
        "(DEFRA PCM 2019) and the double burden"
    )
    return Table(caption, cols, rows, numeric)


def sources_table() -> Table:
    """Data sources and licences, one row per bundle layer (from the layer catalogue)."""
    rows = [[info.title, info.source, info.licence, info.vintage] for info in LAYERS.values()]
    return Table(
        "Data sources and licences", ["Layer", "Source", "Licence", "Vintage"], rows, [False] * 4
    )


def methods_text(prof: dict[str, Any], results: Results) -> list[str]:
    """The methods, one paragraph each, with the standards and years used."""
    who = ", ".join(f"{standards.POLLUTANT_LABELS[k]} {v:g}" for k, v in _WHO.items())
    uk = ", ".join(f"{standards.POLLUTANT_LABELS[k]} {v:g}" for k, v in _UK.items())
    return [
        f"Area: {prof['method']}. Residents are Census 2021 usual residents; each place value "
        "is the population-weighted mean (or share) of its LSOAs' values.",
        "Access: from each LSOA's ONS population-weighted centroid to the nearest publicly "
        "accessible green-space site (OpenStreetMap 2023, touching polygons merged) of each "
        "Natural England Green Infrastructure Framework size, by straight line and, where the "
        "offline walking network covers it (central Leeds), along OpenStreetMap paths to site "
        f"entrances within {standards.ACCESS_NODE_DISTANCE_M:g} m of the boundary.",
        "Air quality: DEFRA Pollution Climate Mapping 2019 annual means on a 1 km grid, sampled "
        f"at each population-weighted centroid, compared with the WHO 2021 guidelines ({who} "
        f"µg/m³) and UK limit values ({uk} µg/m³).",
        "Nature: Shannon diversity of OpenStreetMap habitat classes within "
        f"{standards.HABITAT_RADIUS_M / 1000:g} km of each centroid; natural and semi-natural "
        "share of land; OSM-mapped trees (incomplete).",
        "Deprivation: English Indices of Deprivation 2025, IMD national deciles (1 = most "
        "deprived 10% of LSOAs in England). The slope and relative indices of inequality are a "
        "population-weighted least-squares fit of the 2 ha within 300 m share on the residents' "
        "deprivation ridit; the concentration index uses the same ranking; 95% intervals.",
        "Double burden: LSOAs in IMD deciles 1–2, without a 2 ha site within 300 m and with NO₂ "
        "above the county's population-weighted median "
        f"({fmt_number(results.no2_county_median)} µg/m³, 2019).",
    ]


def build_report(
    results: Results, area: Area, warnings: Sequence[str] = (), today: dt.date | None = None
) -> Report:
    """Gather an area's profile, comparisons, decile charts, map and tables into a :class:`Report`.

    Parameters
    ----------
    results
        From :func:`analysis.engine.load_results`.
    area
        From :func:`~analysis.areas.area_for_place` or
        :func:`~analysis.areas.area_for_polygon`.
    warnings
        Extra notes to show first (e.g. a user boundary's validation warnings).
    today
        The generation date (default: today).
    """
    prof = profiles.profile(results, area)
    district_area, county_area = areas.comparators(results, area)
    district = profiles.profile(results, district_area) if district_area else None
    county = profiles.profile(results, county_area) if county_area else None
    name = area.name
    pop_text = fmt_people(prof["population"])
    level = {
        "county": "county",
        "district": "district",
        "ward": "electoral ward (2025)",
        "msoa": "MSOA (2021)",
        "lsoa": "LSOA (2021)",
        "custom": "custom area",
    }.get(area.level, area.level)
    subtitle = f"{level.capitalize()}" + (f", {area.code}" if area.code else "")
    if area.parent_name and area.level not in ("district", "county"):
        subtitle += f", in {area.parent_name}"
    by_decile = deciles.decile_data(results, area)
    charts = [
        Figure(
            ind.title,
            _decile_chart(ind, by_decile.frame),
            decile_alt(ind, by_decile.frame, by_decile.scope),
            f"{ind.title}, {ind.units}, population-weighted, by IoD 2025 IMD decile: "
            f"{by_decile.scope}.",
        )
        for ind in deciles.DECILE_INDICATORS
    ]
    boundary = areas.area_boundary(area)
    map_fig = Figure(
        f"Map of {name}",
        _map_png(results, area, boundary),
        f"Map of {name} showing its LSOAs coloured by IoD 2025 IMD decile (red most deprived, "
        "blue least deprived) and publicly accessible green-space sites in green.",
        f"{name}: LSOAs (2021) by IoD 2025 IMD decile and publicly accessible green space "
        "(OpenStreetMap 2023). British National Grid; no background map.",
    )
    hl = prof["access_straight"].get(standards.HEADLINE_TIER)
    summary = [
        f"{name} has {pop_text} residents (Census 2021) in {prof['n_lsoas']:,} LSOAs.",
        f"{fmt_pct(hl)}% of residents live within 300 m (straight line) of a green space of at "
        "least 2 ha (OpenStreetMap 2023).",
        f"Population-weighted NO₂ is {fmt_number(prof['no2_pop_weighted_ugm3'])} µg/m³ "
        f"(DEFRA PCM 2019); {fmt_pct(prof['pop_share_no2_above_who'])}% of residents are above "
        f"the WHO 2021 guideline of {_WHO['no2']:g} µg/m³.",
        f"{fmt_pct(prof['pop_share_imd_deciles_1_2'])}% of residents live in England's 20% most "
        f"deprived LSOAs (IoD 2025); {fmt_people(prof['double_burden_population'])} face the "
        "double burden of deprivation, poor green-space access and above-median NO₂.",
    ]
    notes = [n for n in prof.get("notes", []) if "central Leeds only" not in n]
    notes.append(NETWORK_NOTE)
    today = today or dt.date.today()
    return Report(
        title=f"Healthy Places West Yorkshire: {name}",
        place_name=name,
        subtitle=subtitle,
        date=today.isoformat(),
        population=pop_text,
        summary=summary,
        district_name=district_area.name if district_area else None,
        county_name=county_area.name if county_area else None,
        headline=headline_rows(prof, district, county),
        decile_note=by_decile.note,
        decile_charts=charts,
        map=map_fig,
        inequality=inequality_statistics(prof),
        access=access_table(prof),
        coverage_notes=list(dict.fromkeys(notes)),
        lsoa_table=lsoa_rows(results, area),
        methods=methods_text(prof, results),
        sources=sources_table(),
        attribution=catalogue.ATTRIBUTION,
        vintages=[
            f"{k.replace('_', ' ').capitalize()}: {v}" for k, v in prof["data_vintage"].items()
        ],
        warnings=list(warnings),
    )


# --- HTML -------------------------------------------------------------------------------

_CSS = """
body{font-family:"DejaVu Sans",Verdana,Arial,sans-serif;color:#1a1a1a;max-width:60rem;
margin:0 auto;padding:1rem 1.5rem;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem;color:#14532d}h2{font-size:1.25rem;margin-top:2rem;
border-bottom:2px solid #1b7837;padding-bottom:.2rem}
.sub{color:#444;margin-top:0}table{border-collapse:collapse;width:100%;margin:.6rem 0;
font-size:.85rem}caption{text-align:left;font-weight:bold;padding:.3rem 0}
th,td{border:1px solid #bbb;padding:.25rem .4rem;vertical-align:top}
th{background:#e8f1ea;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1rem 0}figure img{max-width:100%;height:auto;border:1px solid #ddd}
figcaption{font-size:.85rem;color:#333}.charts{display:grid;
grid-template-columns:repeat(auto-fit,minmax(22rem,1fr));gap:1rem}
.note{background:#fff8e1;border-left:4px solid #b8860b;padding:.4rem .8rem}
.attr{font-size:.8rem;color:#333;border-top:1px solid #ccc;margin-top:2rem;padding-top:.5rem}
dt{font-weight:bold;margin-top:.6rem}dd{margin-left:1rem}
@media print{h2{page-break-after:avoid}figure,table{page-break-inside:avoid}}
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _html_table(table: Table, first_col_header: bool = True) -> str:
    head = "".join(f'<th scope="col">{_e(c)}</th>' for c in table.columns)
    body = []
    for row in table.rows:
        cells = []
        for i, (cell, num) in enumerate(zip(row, table.numeric, strict=True)):
            if i == 0 and first_col_header:
                cells.append(f'<th scope="row">{_e(cell)}</th>')
            else:
                cells.append(f'<td class="n">{_e(cell)}</td>' if num else f"<td>{_e(cell)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f"<table><caption>{_e(table.caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def comparison_table(
    rows: Sequence[HeadlineRow], place_name: str, district_name: str | None, county_name: str | None
) -> Table:
    """Headline rows as a :class:`Table`: the area, its district, the county, units, year."""
    cols = ["Indicator", place_name]
    if district_name:
        cols.append(f"{district_name} (district)")
    if county_name:
        cols.append(f"{county_name} (county)")
    cols += ["Units", "Data year", "Benchmark"]
    out = []
    for r in rows:
        row = [r.label, r.value]
        if district_name:
            row.append(r.district or "n/a")
        if county_name:
            row.append(r.county or "n/a")
        out.append([*row, r.units, r.year, r.benchmark])
    n_vals = 1 + bool(district_name) + bool(county_name)
    numeric = [False] + [True] * n_vals + [False, False, False]
    return Table(f"Headline indicators: {place_name} compared", cols, out, numeric)


def headline_table(report: Report) -> Table:
    """The report's headline rows as a :class:`Table` (see :func:`comparison_table`)."""
    return comparison_table(
        report.headline, report.place_name, report.district_name, report.county_name
    )


def _img(png: bytes, alt: str) -> str:
    return f'<img src="{data_uri(png, "image/png")}" alt="{_e(alt)}">'


def render_html(report: Report) -> str:
    """A self-contained HTML page: inline CSS, ``data:`` URI images, no scripts, no links out."""
    p: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en-GB"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(report.title)}</title><style>{_CSS}</style></head><body>",
        "<header>",
        f"<h1>{_e(report.title)}</h1>",
        f'<p class="sub">{_e(report.subtitle)}. Population {_e(report.population)} '
        f"(Census 2021). Report generated {_e(report.date)}.</p>",
        "</header><main>",
    ]
    if report.warnings:
        items = "".join(f"<li>{_e(w)}</li>" for w in report.warnings)
        p.append(f'<div class="note" role="note"><p>About this boundary:</p><ul>{items}</ul></div>')
    p.append('<section aria-labelledby="s-summary"><h2 id="s-summary">Summary</h2><ul>')
    p += [f"<li>{_e(s)}</li>" for s in report.summary]
    p.append("</ul></section>")
    p.append('<section aria-labelledby="s-head"><h2 id="s-head">Headline indicators</h2>')
    p.append(_html_table(headline_table(report)))
    p.append("</section>")
    p.append('<section aria-labelledby="s-map"><h2 id="s-map">Map</h2>')
    p.append(
        f"<figure>{_img(report.map.png, report.map.alt)}"
        f"<figcaption>{_e(report.map.caption)}<br>{_e(report.attribution)}</figcaption>"
        "</figure></section>"
    )
    p.append(
        '<section aria-labelledby="s-dec"><h2 id="s-dec">Indicators by deprivation '
        f'decile</h2><p>{_e(report.decile_note)}</p><div class="charts">'
    )
    for fig in report.decile_charts:
        p.append(
            f"<figure>{_img(fig.png, fig.alt)}<figcaption>{_e(fig.caption)}</figcaption></figure>"
        )
    p.append("</div></section>")
    p.append(
        '<section aria-labelledby="s-ineq"><h2 id="s-ineq">Inequality in access to green '
        "space (≥ 2 ha within 300 m)</h2><dl>"
    )
    for s in report.inequality:
        p.append(
            f"<dt>{_e(s.name)}: {_e(s.value)} (95% interval {_e(s.interval)})</dt>"
            f"<dd>{_e(s.explanation)} {_e(s.reading)}</dd>"
        )
    p.append("</dl></section>")
    p.append(
        '<section aria-labelledby="s-acc"><h2 id="s-acc">Access to green space: both methods</h2>'
    )
    p.append(_html_table(report.access))
    p += [f'<p class="note" role="note">{_e(n)}</p>' for n in report.coverage_notes]
    p.append("</section>")
    p.append('<section aria-labelledby="s-lsoa"><h2 id="s-lsoa">LSOAs</h2>')
    p.append(_html_table(report.lsoa_table, first_col_header=False))
    p.append("</section>")
    p.append('<section aria-labelledby="s-meth"><h2 id="s-meth">Methods</h2>')
    p += [f"<p>{_e(m)}</p>" for m in report.methods]
    p.append("<p>Data years: " + _e("; ".join(report.vintages)) + ".</p></section>")
    p.append('<section aria-labelledby="s-src"><h2 id="s-src">Data sources and licences</h2>')
    p.append(_html_table(report.sources))
    p.append("</section></main>")
    p.append(
        f'<footer class="attr"><p>{_e(report.attribution)}</p>'
        f"<p>Generated {_e(report.date)} by Healthy Places West Yorkshire.</p></footer>"
    )
    p.append("</body></html>")
    return "\n".join(p)


# --- PDF --------------------------------------------------------------------------------

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


def render_pdf(report: Report) -> bytes:
    """The report as an A4 PDF (fpdf2, DejaVu Sans embedded), same content as the HTML."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    short = report.place_name if len(report.place_name) <= 32 else report.place_name[:31] + "…"
    footer_text = pdf_safe(
        f"{short} · {report.date} · © OpenStreetMap contributors (ODbL); "
        "© Crown copyright 2021–2025 (OGL v3.0)"
    )

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
    width = pdf.epw

    def heading(text: str, size: float = 13, need: float = 30) -> None:
        if pdf.get_y() > pdf.h - 16 - need:
            pdf.add_page()
        pdf.ln(2)
        pdf.set_font(_FAMILY, "B", size)
        pdf.set_text_color(20, 83, 45)
        pdf.multi_cell(width, size * 0.5, pdf_safe(text), new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.set_text_color(0, 0, 0)
        pdf.ln(1)

    def para(text: str, size: float = 9, style: str = "") -> None:
        pdf.set_font(_FAMILY, style, size)
        pdf.multi_cell(width, size * 0.5, pdf_safe(text), new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.ln(1)

    def table(t: Table, size: float = 7.5, widths: Sequence[float] | None = None) -> None:
        pdf.set_font(_FAMILY, "I", size)
        pdf.multi_cell(
            width, size * 0.5, pdf_safe(t.caption), new_x="LMARGIN", new_y="NEXT", align="L"
        )
        pdf.set_font(_FAMILY, "", size)
        align = ["RIGHT" if n else "LEFT" for n in t.numeric]
        with pdf.table(
            col_widths=tuple(widths) if widths else None,
            text_align=tuple(align),
            headings_style=FontFace(emphasis="BOLD", fill_color=(232, 241, 234)),
            line_height=size * 0.5,
            width=width,
            repeat_headings=1,
        ) as tb:
            head = tb.row()
            for c in t.columns:
                head.cell(pdf_safe(c))
            for r in t.rows:
                row = tb.row()
                for c in r:
                    row.cell(pdf_safe(c))
        pdf.ln(2)

    pdf.set_font(_FAMILY, "B", 17)
    pdf.set_text_color(20, 83, 45)
    pdf.multi_cell(width, 8, pdf_safe(report.title), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_text_color(0, 0, 0)
    para(
        f"{report.subtitle}. Population {report.population} (Census 2021). "
        f"Report generated {report.date}.",
        10,
    )
    if report.warnings:
        heading("About this boundary", 11)
        for w in report.warnings:
            para(f"• {w}")
    heading("Summary")
    for s in report.summary:
        para(f"• {s}")
    heading("Headline indicators")
    ht = headline_table(report)
    n_vals = len(ht.columns) - 4
    table(ht, 7, [52, *([19] * n_vals), 22, 22, 36 - 19 * (n_vals - 3)])
    map_w = width
    heading("Map", need=map_w * 6.4 / 7.2 + 20)
    pdf.image(io.BytesIO(report.map.png), w=map_w, alt_text=pdf_safe(report.map.alt))
    para(report.map.caption, 8, "I")
    heading("Indicators by deprivation decile", need=(width - 4) / 2 * 3 / 5 + 20)
    para(report.decile_note)
    chart_w = (width - 4) / 2
    chart_h = chart_w * 3 / 5
    for i, fig in enumerate(report.decile_charts):
        if i % 2 == 0:
            if pdf.get_y() + chart_h > pdf.h - 20:
                pdf.add_page()
            y = pdf.get_y()
        x = pdf.l_margin + (i % 2) * (chart_w + 4)
        pdf.image(io.BytesIO(fig.png), x=x, y=y, w=chart_w, alt_text=pdf_safe(fig.alt))
        if i % 2 == 1 or i == len(report.decile_charts) - 1:
            pdf.set_y(y + chart_h + 2)
    heading("Inequality in access to green space (≥ 2 ha within 300 m)")
    for stat in report.inequality:
        para(f"{stat.name}: {stat.value} (95% interval {stat.interval})", 9, "B")
        para(f"{stat.explanation} {stat.reading}")
    heading("Access to green space: both methods")
    table(report.access, 7.5, [50, 32, 34, 34, 32])
    for note in report.coverage_notes:
        para(f"Note: {note}", 8, "I")
    heading("Methods")
    for m in report.methods:
        para(m, 8.5)
    para("Data years: " + "; ".join(report.vintages) + ".", 8.5)
    heading("Data sources and licences")
    table(report.sources, 6.5, [45, 70, 35, 32])
    para(report.attribution, 8)
    heading("LSOAs")
    widths = (
        [20, 28, 15, 13, 15, 15, 15, 14, 15, 15, 17]
        if len(report.lsoa_table.columns) == 11
        else [21, 30, 17, 15, 17, 17, 17, 15, 17, 16]
    )
    table(report.lsoa_table, 6.5, widths)
    return bytes(pdf.output())


def write_report(report: Report, path: Path, fmt: str) -> Path:
    """Write ``report`` as ``fmt`` (``html`` or ``pdf``) to ``path``; return the path."""
    if fmt == "html":
        path.write_text(render_html(report), encoding="utf-8")
    elif fmt == "pdf":
        path.write_bytes(render_pdf(report))
    else:
        raise ValueError(f"Unknown report format {fmt!r}; use html or pdf")
    return path
