"""Figures of the "Who is left out" and "Evidence" sections as PNG bytes (matplotlib, Agg).

* :func:`gardens_map_png`: LSOAs shaded by residents per km² with neither a garden nor a
  local green space, in Fisher–Jenks classes (:func:`healthyplaces.maps.classify_values`)
  on a ColorBrewer sequential ramp (colour-blind safe), each class named in the legend;
* :func:`evidence_scatter_png`: SAMHI 2022 against an exposure, one point per LSOA,
  coloured by IMD 2025 quintile (ColorBrewer RdYlBu, the report's decile colours) and
  marked by a different symbol per quintile, so colour is never the only cue.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from geo import crs
from healthyplaces.formatting import fmt_number
from healthyplaces.maps.values import classify_values
from healthyplaces.palettes import IOD_DECILE_COLOURS, NO_DATA_COLOUR, sequential_colours
from healthyplaces.report.figures import map_note, png_bytes
from layers import catalogue

#: Quintile 1 (most deprived 20% in England) … 5: the decile colour of each quintile's
#: lower decile, and a marker each.
QUINTILE_COLOURS = tuple(IOD_DECILE_COLOURS[2 * q] for q in range(5))
QUINTILE_MARKERS = ("o", "s", "^", "D", "v")


def gardens_map_png(lsoa: gpd.GeoDataFrame, density: pd.Series, name: str) -> tuple[bytes, str]:
    """A static map (PNG) of ``density`` (residents per km²) over the LSOA polygons.

    Parameters
    ----------
    lsoa
        LSOA polygons in EPSG:27700.
    density
        Residents per km² with neither a garden nor a local green space, aligned with ``lsoa``.
    name
        The place, for the title.

    Returns
    -------
    (bytes, str)
        The PNG and the class ranges as text (for the alternative text).
    """
    classes, bins = classify_values(density, "natural_breaks", 5)
    colours = sequential_colours("YlOrRd", max(len(bins), 1))
    fill = [colours[k] if k >= 0 else NO_DATA_COLOUR for k in classes]
    fig, ax = plt.subplots(figsize=(7.2, 5.6), dpi=150)
    geoms = gpd.GeoSeries(lsoa.geometry.values, crs=crs.ANALYSIS_CRS)
    minx, miny, maxx, maxy = geoms.total_bounds
    tol = max(maxx - minx, maxy - miny) / 2000
    (geoms.simplify(tol) if tol > 1 else geoms).plot(
        ax=ax, color=fill, edgecolor="#666666", linewidth=0.2
    )
    ax.set_aspect("equal")
    ax.set_axis_off()
    finite = density.to_numpy(float)
    lows = [float(np.nanmin(finite)) if np.isfinite(finite).any() else 0.0, *bins[:-1]]
    labels = [
        f"{fmt_number(lo, 0)} – {fmt_number(hi, 0)}" for lo, hi in zip(lows, bins, strict=True)
    ]
    handles = [
        Patch(facecolor=c, edgecolor="#666666", label=lab)
        for c, lab in zip(colours, labels, strict=True)
    ]
    if (classes < 0).any():
        handles.append(Patch(facecolor=NO_DATA_COLOUR, edgecolor="#666666", label="No data"))
    ax.legend(
        handles=handles,
        title="Residents per km²\n(natural breaks)",
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=7,
        title_fontsize=8,
        frameon=False,
    )
    ax.set_title(f"Neither a garden nor a 2 ha green space within 300 m: {name}", fontsize=9)
    note = (
        "LSOA 2021; ONS garden space 2020; OpenStreetMap 2023. British National Grid "
        f"(EPSG:27700). {catalogue.ATTRIBUTION}"
    )
    map_note(ax, note)
    return png_bytes(fig, tight=True), "; ".join(labels)


def evidence_scatter_png(frame: pd.DataFrame, x: str, x_label: str, y: str) -> bytes:
    """SAMHI 2022 (``y``) against ``x`` per LSOA, coloured and marked by IMD 2025 quintile."""
    fig, ax = plt.subplots(figsize=(6.0, 3.8), dpi=150)
    quintile = frame["imd_quintile"].to_numpy(int)
    for q in range(1, 6):
        sel = quintile == q
        label = f"{q}" + (" most deprived" if q == 1 else " least deprived" if q == 5 else "")
        ax.scatter(
            frame.loc[sel, x].to_numpy(float),
            frame.loc[sel, y].to_numpy(float),
            s=14,
            alpha=0.85,
            color=QUINTILE_COLOURS[q - 1],
            marker=QUINTILE_MARKERS[q - 1],
            edgecolors="#333333",
            linewidths=0.3,
            label=label,
        )
    ax.set_xlabel(x_label, fontsize=8)
    ax.set_ylabel("SAMHI 2022 (higher = poorer mental health)", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(title="IMD 2025 quintile", fontsize=7, title_fontsize=7, frameon=False, loc="best")
    return png_bytes(fig, tight=True)
