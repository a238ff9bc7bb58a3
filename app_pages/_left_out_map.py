"""The "Who is left out" map: gardens and parks, AHAH disagreement, need-weighted priorities.

Presentation only: one folium map with three switchable layers, drawn with the
project's map helpers (:mod:`healthyplaces.maps`: base map, one legend panel,
attribution, Fisher–Jenks classes). Every value is computed by
:mod:`analysis.need` and :mod:`analysis.comparator`.

* **Neither a garden nor a park**: residents per km² of each LSOA with neither
  private outdoor space nor a 2 ha green space within 300 m, in Fisher–Jenks
  natural-breaks classes (:func:`healthyplaces.maps.add_choropleth`).
* **Where AHAH and the Healthy Places index disagree**: the percentile-rank
  difference ``rank_hpi − rank_ahah`` (0–1 within the place), in classes
  symmetric about 0 on ColorBrewer PuOr (diverging, colour-blind safe; Harrower &
  Brewer 2003), so "agree" is always the neutral middle class.
* **Need-weighted priorities**: the top N LSOAs of
  :func:`analysis.need.priorities`, outlined and labelled with their rank (the
  number, not only the colour, carries the order).
"""

from __future__ import annotations

from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from healthyplaces import maps
from healthyplaces.formatting import esc, fmt_number
from healthyplaces.maps.display import feature_collection
from healthyplaces.maps.elements import add_geojson, add_group, add_legend, swatch_list, tooltip
from layers import catalogue

#: Class edges of the rank difference (percentile points / 100), symmetric about 0.
DIFF_EDGES = (-1.0, -0.5, -0.25, -0.1, 0.1, 0.25, 0.5, 1.0)
#: ColorBrewer PuOr, 7 classes: orange = the Healthy Places index ranks the LSOA less
#: healthy than AHAH does; purple = AHAH ranks it less healthy; grey-white = they agree.
DIFF_COLOURS = ("#542788", "#998ec3", "#d8daeb", "#f7f7f7", "#fee0b6", "#f1a340", "#b35806")
DIFF_LABELS = (
    "AHAH ranks it far less healthy (50+ points)",
    "AHAH ranks it less healthy (25–50)",
    "AHAH ranks it a little less healthy (10–25)",
    "They agree (within 10 points)",
    "Healthy Places ranks it a little less healthy (10–25)",
    "Healthy Places ranks it less healthy (25–50)",
    "Healthy Places ranks it far less healthy (50+ points)",
)
#: Okabe–Ito blue for the priority LSOAs (distinct from the other layers' ramps).
PRIORITY_COLOUR = "#0072B2"

_RANK_STYLE = (
    f"background:#fff;border:2px solid {PRIORITY_COLOUR};border-radius:11px;width:18px;"
    "font:600 11px/18px system-ui,sans-serif;text-align:center;color:#1a1a1a"
)

GARDEN_LAYER = "Neither a garden nor a park (residents per km²)"
AHAH_LAYER = "Where AHAH and the Healthy Places index disagree"
PRIORITY_LAYER = "Need-weighted priority LSOAs"
LAYERS = (GARDEN_LAYER, AHAH_LAYER, PRIORITY_LAYER)


def diff_class(diff: np.ndarray) -> np.ndarray:
    """Class 0–6 of each rank difference by :data:`DIFF_EDGES` (−1 where missing)."""
    d = np.asarray(diff, dtype=float)
    k = np.clip(np.searchsorted(np.asarray(DIFF_EDGES[1:-1]), d, side="right"), 0, 6)
    return np.where(np.isfinite(d), k, -1)


def _lsoa_frame(lsoa: gpd.GeoDataFrame, table: pd.DataFrame) -> gpd.GeoDataFrame:
    """``table`` (keyed by ``lsoa21_code``) joined onto the LSOA polygons it names."""
    cols = [c for c in table.columns if c not in ("lsoa21_name",)]
    joined = lsoa[["lsoa21_code", "lsoa21_name", "geometry"]].merge(
        table[cols], on="lsoa21_code", how="inner"
    )
    return gpd.GeoDataFrame(joined, geometry="geometry", crs=lsoa.crs)


def garden_density(lsoa: gpd.GeoDataFrame, gardens: pd.DataFrame) -> gpd.GeoDataFrame:
    """LSOA polygons with ``neither_per_km2``: residents with neither a garden nor a 2 ha
    green space within 300 m (:func:`analysis.need.gardens_table`) per km² of the
    polygon (EPSG:27700 area)."""
    g = _lsoa_frame(lsoa, gardens[["lsoa21_code", "people_without_garden_or_local"]])
    area_km2 = g.geometry.area.to_numpy(float) / 1e6
    g["neither_per_km2"] = g["people_without_garden_or_local"].to_numpy(float) / area_km2
    return g


def add_gardens(
    m: folium.Map, lsoa: gpd.GeoDataFrame, gardens: pd.DataFrame, tol: float, show: bool
) -> None:
    """Residents per km² with neither a garden nor a local green space (Fisher–Jenks, 5 classes)."""
    g = garden_density(lsoa, gardens)
    maps.add_choropleth(
        m,
        g,
        "neither_per_km2",
        GARDEN_LAYER,
        "residents per km²",
        "natural_breaks",
        5,
        palette="YlOrRd",
        tolerance_m=tol,
        digits=0,
        show=show,
    )


def add_disagreement(
    m: folium.Map, lsoa: gpd.GeoDataFrame, ranks: pd.DataFrame, rho: float | None, tol: float
) -> None:
    """The rank difference of the Healthy Places index and AHAH v4 (diverging classes)."""
    g = maps.to_display(
        _lsoa_frame(lsoa, ranks[["lsoa21_code", "rank_hpi", "rank_ahah", "rank_difference"]]),
        ["lsoa21_code", "lsoa21_name", "rank_hpi", "rank_ahah", "rank_difference"],
        tol,
    )
    props = pd.DataFrame(
        {
            "n": [esc(v) for v in g["lsoa21_name"]],
            "c": [esc(v) for v in g["lsoa21_code"]],
            "h": [fmt_number(100 * v, 0) for v in g["rank_hpi"]],
            "a": [fmt_number(100 * v, 0) for v in g["rank_ahah"]],
            "d": [f"{100 * v:+.0f} points" for v in g["rank_difference"]],
            "k": diff_class(g["rank_difference"].to_numpy(float)),
        }
    )
    fg = add_group(m, AHAH_LAYER, False, catalogue.BOTH_SHORT)
    add_geojson(
        fg,
        feature_collection(g, props),
        style_function=lambda f: {
            "fillColor": DIFF_COLOURS[f["properties"]["k"]]
            if f["properties"]["k"] >= 0
            else maps.NO_DATA_COLOUR,
            "fillOpacity": 0.8,
            "color": "#555555",
            "weight": 0.3,
        },
        tooltip=tooltip(
            ["n", "c", "h", "a", "d"],
            ["LSOA", "Code", "Healthy Places percentile", "AHAH percentile", "Difference"],
        ),
    )
    rho_text = "n/a" if rho is None else f"{rho:.2f}"
    add_legend(
        m,
        fg,
        AHAH_LAYER,
        swatch_list(zip(DIFF_COLOURS[::-1], DIFF_LABELS[::-1], strict=True)),
        f"Percentile ranks within the place (100 = least healthy). Spearman ρ = {rho_text}. "
        "CDRC AHAH v4.",
    )


def add_priorities(
    m: folium.Map, lsoa: gpd.GeoDataFrame, top: pd.DataFrame, standard_label: str, tol: float
) -> None:
    """The top-N priority LSOAs, outlined, with their rank number at a point inside each."""
    g = maps.to_display(
        _lsoa_frame(lsoa, top[["lsoa21_code", "rank", "people_without", "need", "priority"]]),
        ["lsoa21_code", "lsoa21_name", "rank", "people_without", "need", "priority"],
        tol,
    )
    props = pd.DataFrame(
        {
            "r": [str(int(v)) for v in g["rank"]],
            "n": [esc(v) for v in g["lsoa21_name"]],
            "c": [esc(v) for v in g["lsoa21_code"]],
            "p": [fmt_number(v, 0) for v in g["people_without"]],
            "e": [fmt_number(v, 2) for v in g["need"]],
        }
    )
    fg = add_group(m, PRIORITY_LAYER, False, catalogue.BOTH_SHORT)
    add_geojson(
        fg,
        feature_collection(g, props),
        style_function=lambda f: {
            "color": PRIORITY_COLOUR,
            "weight": 2.5,
            "fillColor": PRIORITY_COLOUR,
            "fillOpacity": 0.3,
        },
        tooltip=tooltip(
            ["r", "n", "c", "p", "e"],
            ["Priority rank", "LSOA", "Code", f"People without {standard_label}", "Need (0–1)"],
        ),
    )
    points = g.geometry.representative_point()
    for rank, pt in zip(props["r"], points, strict=True):
        folium.Marker(
            [pt.y, pt.x],
            icon=folium.DivIcon(
                html=f'<div style="{_RANK_STYLE}" aria-hidden="true">{rank}</div>',
                icon_size=(22, 22),
                icon_anchor=(11, 11),
            ),
            interactive=False,
        ).add_to(fg)
    add_legend(
        m,
        fg,
        PRIORITY_LAYER,
        swatch_list([(PRIORITY_COLOUR, f"Top {len(g)} LSOAs, numbered by rank")]),
        f"People without {standard_label} × (1 + need); need weights as set beside the map.",
    )


def build_map(
    outline: Any, lsoa: gpd.GeoDataFrame, layers: dict[str, Any], title: str, tol: float
) -> folium.Map:
    """The page's map: ``layers`` holds ``gardens``, ``ranks``, ``rho``, ``top``,
    ``standard_label`` and ``show`` (the layer on at first); all frames EPSG:27700-keyed."""
    m = maps.base_map(outline.total_bounds, tiles=False, title=title)
    add_gardens(m, lsoa, layers["gardens"], tol, layers["show"] == GARDEN_LAYER)
    add_disagreement(m, lsoa, layers["ranks"], layers["rho"], tol)
    add_priorities(m, lsoa, layers["top"], layers["standard_label"], tol)
    _show_only(m, layers["show"])
    maps.add_outline(m, outline, layers.get("place_name", ""), tolerance_m=tol)
    return maps.finish(m)


def _show_only(m: folium.Map, name: str) -> None:
    for child in m._children.values():
        if isinstance(child, folium.FeatureGroup) and child.layer_name in LAYERS:
            child.show = child.layer_name == name
