"""Map overlays of values: air-quality rasters, IoD deciles, classed choropleths, the double burden.

Quantile classes come from mapclassify; Jenks natural breaks from Fisher's exact
optimal partition (Fisher 1958; Jenks 1977; :mod:`healthyplaces.maps._jenks`, equal
to ``mapclassify.FisherJenks``), which is deterministic: the same values always give
the same breaks, unlike the sampled ``mapclassify.NaturalBreaks``. Ramps come from
:mod:`healthyplaces.palettes`.
"""

from __future__ import annotations

import re

import folium
import geopandas as gpd
import mapclassify
import numpy as np
import pandas as pd

from geo.raster import Raster
from healthyplaces.formatting import MISSING, esc, fmt_value
from healthyplaces.maps._jenks import fisher_jenks_bins
from healthyplaces.maps.display import (
    SIMPLIFY_M,
    feature_collection,
    raster_rgba,
    to_display,
)
from healthyplaces.maps.elements import (
    add_geojson,
    add_group,
    add_legend,
    swatch_list,
    swatch_strip,
    tooltip,
)
from healthyplaces.palettes import (
    DOUBLE_BURDEN_COLOUR,
    IOD_DECILE_COLOURS,
    NO_DATA_COLOUR,
    ramp_css,
    sequential_colours,
)
from layers import catalogue

SCHEMES: dict[str, str] = {
    "quantiles": "Quantiles (equal counts)",
    "natural_breaks": "Natural breaks (Jenks)",
}


#: Opacity of a raster overlay, so boundaries and sites show through.
_RASTER_OPACITY = 0.7


def add_raster_image(
    m: folium.Map,
    raster: Raster,
    cmap: str,
    limits: tuple[float, float],
    label: str,
    *,
    show: bool = True,
) -> folium.FeatureGroup:
    """``raster`` as a 70%-opaque PNG overlay coloured by ``cmap`` over ``limits``, in its
    own switchable group with the OGL attribution (no legend: the caller adds it)."""
    rgba, (west, south, east, north) = raster_rgba(raster, cmap, *limits)
    fg = add_group(m, label, show, catalogue.OGL_SHORT)
    folium.raster_layers.ImageOverlay(
        image=rgba,
        bounds=[[south, west], [north, east]],
        opacity=_RASTER_OPACITY,
        interactive=False,
        cross_origin=False,
        zindex=1,
        control=False,
        alt=label,
    ).add_to(fg)
    return fg


def add_raster(
    m: folium.Map,
    raster: Raster,
    *,
    label: str,
    units: str,
    cmap: str = "viridis_r",
    limits: tuple[float, float] | None = None,
    guideline: float | None = None,
    show: bool = True,
) -> folium.FeatureGroup:
    """A raster (PCM air quality) as a PNG image overlay (70 % opaque) with a colour-scale legend.

    The legend is a CSS gradient with text ticks in ``units`` (e.g. µg/m³) and,
    if given, the ``guideline`` value (e.g. WHO 2021). ``limits`` (low, high, in
    raster units) default to the raster's minimum and maximum, rounded outwards.
    """
    finite = raster.values[np.isfinite(raster.values)]
    if limits is not None:
        lo, hi = float(limits[0]), float(limits[1])
    elif finite.size:
        lo, hi = float(np.floor(finite.min())), float(np.ceil(finite.max()))
    else:
        lo, hi = 0.0, 1.0
    fg = add_raster_image(m, raster, cmap, (lo, hi), label, show=show)
    mid = (lo + hi) / 2
    ticks = "".join(f"<span>{v:g}</span>" for v in (lo, round(mid, 1), hi))
    body = (
        f'<div class="ramp" style="background:{ramp_css(cmap)}" aria-hidden="true"></div>'
        f'<div class="ticks">{ticks}</div>'
    )
    note = f"Annual mean, {units}; darker = more polluted."
    if guideline is not None:
        note += f" WHO 2021 guideline: {guideline:g} {units}."
    add_legend(m, fg, label, body, note + " DEFRA PCM 1 km grid.")
    return fg


def add_iod_deciles(
    m: folium.Map,
    lsoa: gpd.GeoDataFrame,
    iod: pd.DataFrame,
    *,
    column: str = "IMD_decile",
    tolerance_m: float = SIMPLIFY_M["county"],
    show: bool = True,
) -> folium.FeatureGroup:
    """IoD 2025 deciles by LSOA21 (1 = most deprived 10 % in England), diverging colours.

    ``lsoa`` is EPSG:27700 with ``lsoa21_code`` and ``lsoa21_name``; ``iod`` has
    ``lsoa21_code`` and ``column`` (as from :func:`layers.deprivation.load_iod2025`).
    """
    joined = lsoa[["lsoa21_code", "lsoa21_name", "geometry"]].merge(
        iod[["lsoa21_code", column]], on="lsoa21_code", how="left"
    )
    g = to_display(
        gpd.GeoDataFrame(joined, crs=lsoa.crs), ["lsoa21_code", "lsoa21_name", column], tolerance_m
    )
    deciles = pd.to_numeric(g[column], errors="coerce")
    props = pd.DataFrame(
        {
            "n": [esc(v) for v in g["lsoa21_name"]],
            "c": [esc(v) for v in g["lsoa21_code"]],
            "d": [MISSING if pd.isna(d) else f"{int(d)} of 10" for d in deciles],
            "k": [-1 if pd.isna(d) else int(d) for d in deciles],
        }
    )
    fg = add_group(m, "Deprivation (IoD 2025 deciles)", show, catalogue.OGL_SHORT)
    colours = IOD_DECILE_COLOURS
    add_geojson(
        fg,
        feature_collection(g, props),
        style_function=lambda f: {
            "fillColor": colours[f["properties"]["k"] - 1]
            if f["properties"]["k"] > 0
            else NO_DATA_COLOUR,
            "fillOpacity": 0.65,
            "color": "#666666",
            "weight": 0.3,
        },
        tooltip=tooltip(["n", "c", "d"], ["LSOA", "Code", "IoD 2025 decile"]),
    )
    add_legend(
        m,
        fg,
        "IoD 2025 decile (England)",
        swatch_strip(colours, [str(i) for i in range(1, 11)]),
        "1 = the 10% most deprived LSOAs in England; 10 = the least deprived.",
    )
    return fg


def classify_values(
    values: pd.Series, scheme: str = "quantiles", k: int = 5
) -> tuple[np.ndarray, list[float]]:
    """Class of each value (−1 where missing) and the upper class bounds, by mapclassify.

    Parameters
    ----------
    values
        Numbers (NaN allowed).
    scheme
        ``quantiles`` (equal counts) or ``natural_breaks`` (Jenks, by the exact
        Fisher–Jenks optimisation: deterministic, so a rerun never moves a break).
    k
        Number of classes (fewer if there are fewer distinct values).
    """
    if scheme not in SCHEMES:
        raise ValueError(
            f"Unknown classification scheme {scheme!r}; choose one of {', '.join(SCHEMES)}"
        )
    v = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(v)
    classes = np.full(v.shape, -1, dtype=int)
    distinct = np.unique(v[ok])
    if distinct.size == 0:
        return classes, []
    k = max(1, min(k, distinct.size))
    if k == 1:
        classes[ok] = 0
        return classes, [float(distinct.max())]
    if scheme == "quantiles":
        classifier = mapclassify.Quantiles(v[ok], k=k)
        classes[ok] = classifier.yb
        return classes, [float(b) for b in classifier.bins]
    bins = fisher_jenks_bins(v[ok], k)
    classes[ok] = np.searchsorted(np.asarray(bins), v[ok], side="left")
    return classes, bins


def add_choropleth(  # noqa: PLR0913 - keyword styling options; a style object is the follow-up
    m: folium.Map,
    gdf: gpd.GeoDataFrame,
    column: str,
    label: str,
    units: str = "",
    scheme: str = "quantiles",
    k: int = 5,
    *,
    palette: str = "YlGnBu",
    tolerance_m: float = SIMPLIFY_M["county"],
    digits: int = 1,
    missing_label: str = MISSING,
    show: bool = True,
) -> folium.FeatureGroup:
    """A classed choropleth of one LSOA indicator.

    Parameters
    ----------
    gdf
        EPSG:27700 polygons with ``lsoa21_code``, ``lsoa21_name`` and ``column``.
    column, label, units
        The value column, its human label and its units (shown in tooltips and legend).
    scheme, k
        ``quantiles`` or ``natural_breaks`` (mapclassify) with ``k`` classes.
    palette
        A colour-blind-safe ColorBrewer sequential ramp (:data:`SEQUENTIAL_PALETTES`).
    missing_label
        Legend text for LSOAs without a value (e.g. "Not available offline").
    """
    g = to_display(gdf, ["lsoa21_code", "lsoa21_name", column], tolerance_m)
    classes, bins = classify_values(g[column], scheme, k)
    colours = sequential_colours(palette, len(bins))
    props = pd.DataFrame(
        {
            "n": [esc(v) for v in g["lsoa21_name"]],
            "c": [esc(v) for v in g["lsoa21_code"]],
            "v": [
                fmt_value(v, units, digits) if pd.notna(v) else esc(missing_label)
                for v in g[column]
            ],
            "k": classes,
        }
    )
    fg = add_group(m, label, show, catalogue.BOTH_SHORT)
    add_geojson(
        fg,
        feature_collection(g, props),
        style_function=lambda f: {
            "fillColor": colours[f["properties"]["k"]]
            if f["properties"]["k"] >= 0
            else NO_DATA_COLOUR,
            "fillOpacity": 0.7,
            "color": "#555555",
            "weight": 0.3,
        },
        tooltip=tooltip(["n", "c", "v"], ["LSOA", "Code", _short_label(label)]),
    )
    values = pd.to_numeric(g[column], errors="coerce")
    lows = [float(values.min()), *bins[:-1]]
    items = [
        (c, f"{fmt_value(lo, '', digits)} – {fmt_value(hi, '', digits)}")
        for c, lo, hi in zip(colours, lows, bins, strict=True)
    ]
    if (classes < 0).any():
        items.append((NO_DATA_COLOUR, missing_label))
    unit_note = f"Units: {units}. " if units else ""
    add_legend(
        m, fg, label, swatch_list(items), f"{unit_note}{SCHEMES[scheme]}, {len(bins)} classes."
    )
    return fg


def add_double_burden(  # noqa: PLR0913 - as add_choropleth
    m: folium.Map,
    gdf: gpd.GeoDataFrame,
    column: str = "double_burden",
    *,
    label: str = "Double burden",
    description: str = "Among the most deprived and without good access.",
    tolerance_m: float = SIMPLIFY_M["county"],
    show: bool = True,
    place_count: int | None = None,
    place_name: str = "",
) -> folium.FeatureGroup:
    """Outline the LSOAs where boolean ``column`` is true (EPSG:27700 input).

    ``gdf`` has ``lsoa21_code``, ``lsoa21_name`` and ``column``; only true rows
    are drawn, with a thick black outline around a white core and no fill, so the deciles or
    classes beneath stay readable (the outline's colour is checked under simulated
    colour-vision deficiency in ``tests/test_colour_vision.py``).
    ``place_count`` (the place profile's ``double_burden_lsoas``, LSOAs of the
    place by the ONS best-fit lookup) is what the legend counts, with
    ``place_name``; without it the legend counts the drawn LSOAs.
    """
    flagged = gdf[gdf[column].fillna(False).astype(bool)]
    fg = add_group(m, label, show, catalogue.BOTH_SHORT)
    if len(flagged):
        g = to_display(flagged, ["lsoa21_code", "lsoa21_name"], tolerance_m)
        props = pd.DataFrame(
            {
                "n": [esc(v) for v in g["lsoa21_name"]],
                "c": [esc(v) for v in g["lsoa21_code"]],
                "b": [esc(description)] * len(g),
            }
        )
        add_geojson(
            fg,
            feature_collection(g, props),
            style_function=lambda f: {
                "color": DOUBLE_BURDEN_COLOUR,
                "weight": 3,
                "fill": True,  # no paint, but hover and click reach the whole LSOA
                "fillOpacity": 0.0,
            },
            tooltip=tooltip(["n", "c", "b"], ["LSOA", "Code", label]),
        )
        # a white core inside the black line: no boundary is drawn that way, so the
        # double burden cannot be taken for a district or ward outline
        add_geojson(
            fg,
            feature_collection(g, props[["c"]]),
            style_function=lambda f: {"color": "#ffffff", "weight": 1.2, "fill": False},
            interactive=False,
        )
    count = len(flagged) if place_count is None else place_count
    where = f" in {place_name}" if place_count is not None and place_name else ""
    add_legend(
        m,
        fg,
        label,
        swatch_list(
            [(DOUBLE_BURDEN_COLOUR, f"{count:,} LSOAs{where} (black outline, white core)")],
            "ln cased",
        ),
        description,
    )
    return fg


def _short_label(label: str) -> str:
    """The head of an indicator's label for the hover (the legend has the whole of it):
    the text before its first comma or bracket, e.g. "NO₂" for the PCM label."""
    return re.split(r", | \(", label, maxsplit=1)[0]
