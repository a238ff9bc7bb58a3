"""Report figures as PNG bytes (matplotlib, Agg backend): decile bar charts and the static map.

Bars are coloured with ColorBrewer RdYlBu (colour-blind safe) and labelled with
the decile number, so colour is never the only cue; the static map needs no web tiles.
"""

from __future__ import annotations

import io
import textwrap
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

from analysis import deciles
from analysis.areas import Area
from analysis.engine import Results
from geo import crs
from healthyplaces.formatting import fmt_number, is_missing
from healthyplaces.palettes import IOD_DECILE_COLOURS, NO_DATA_COLOUR, SITE_COLOUR
from healthyplaces.report.model import (
    DECILE_AXIS,
)
from layers import catalogue


def decile_chart_png(ind: deciles.DecileIndicator, table: pd.DataFrame) -> bytes:
    """A bar chart (PNG) of one indicator by IoD 2025 IMD decile, each bar labelled."""
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
    return png_bytes(fig)


def map_note(ax: Any, note: str) -> None:
    """The small wrapped source and attribution line under a report map."""
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


def png_bytes(fig: Any, tight: bool = False) -> bytes:
    """``fig`` as PNG bytes on white (``tight``: cropped to its content, 0.08 in margin);
    the figure is closed."""
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


def _scale_length(width_m: float) -> float:
    target = width_m / 5
    for step in (100, 200, 250, 500, 1_000, 2_000, 2_500, 5_000, 10_000, 20_000):
        if step >= target:
            return float(step)
    return 50_000.0


def map_png(results: Results, area: Area, boundary: shapely.Geometry) -> bytes:
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
    map_note(ax, note)
    fig.subplots_adjust(left=0.01, right=0.76, top=0.99, bottom=0.1)
    return png_bytes(fig, tight=True)
