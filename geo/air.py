"""Air-quality exposure: sampling, zonal means, change between years, WHO levels, agreement.

Rasters are :class:`geo.raster.Raster` grids (EPSG:27700, µg/m³). LSOA exposure
is the value of the cell containing the population-weighted centroid; the
zonal mean weights every cell by the exact area of its overlap with the
polygon (cell-coverage fractions from polygon ∩ cell intersections), over
cells that have data.

Years are a dimension: :func:`mean_change` gives population-weighted means of
two years and their absolute and percentage change, :func:`change_raster` the
cell-by-cell difference of two grids for a map, :func:`who_2021_shares` the
share of residents above each WHO 2021 interim target and guideline, and
:func:`grid_agreement` the agreement of a second source (e.g. the DEFRA LAQM
background maps) with a grid on their common cells.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from numpy.typing import ArrayLike, NDArray

from geo import aggregate, standards
from geo.raster import Raster

FloatArray = NDArray[np.float64]


def cell_polygons(raster: Raster) -> NDArray[np.object_]:
    """One square polygon per cell, in row-major order (EPSG:27700)."""
    h, w = raster.values.shape
    cols, rows = np.meshgrid(np.arange(w), np.arange(h))
    x0, y0 = raster.xy(cols.ravel(), rows.ravel())
    x1, y1 = raster.xy(cols.ravel() + 1, rows.ravel() + 1)
    boxes: NDArray[np.object_] = shapely.box(
        np.minimum(x0, x1), np.minimum(y0, y1), np.maximum(x0, x1), np.maximum(y0, y1)
    )
    return boxes


def coverage_pairs(raster: Raster, polygons: NDArray[np.object_]) -> pd.DataFrame:
    """Exact overlap of each polygon with each grid cell it meets.

    Returns
    -------
    DataFrame
        ``poly`` (index into ``polygons``), ``cell`` (row-major cell index) and
        ``area_m2`` (overlap area, m²), one row per intersecting pair.
    """
    cells = cell_polygons(raster)
    tree = shapely.STRtree(cells)
    pi, ci = tree.query(polygons, predicate="intersects")
    area = shapely.area(shapely.intersection(polygons[pi], cells[ci]))
    keep = area > 0
    return pd.DataFrame({"poly": pi[keep], "cell": ci[keep], "area_m2": area[keep]})


def zonal_mean(
    raster: Raster, polygons: NDArray[np.object_], pairs: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Area-weighted mean of the raster over each polygon, with exact coverage fractions.

    Parameters
    ----------
    raster
        The grid (EPSG:27700).
    polygons
        Polygons (EPSG:27700).
    pairs
        Precomputed :func:`coverage_pairs` (reuse it across pollutants on one grid).

    Returns
    -------
    DataFrame
        ``mean`` (value units; NaN where no covered cell has data) and ``coverage``
        (0–1: share of the polygon's area over cells with data).
    """
    if pairs is None:
        pairs = coverage_pairs(raster, polygons)
    vals = raster.values.ravel()[pairs["cell"].to_numpy()]
    ok = ~np.isnan(vals)
    area = pairs["area_m2"].to_numpy()
    poly = pairs["poly"].to_numpy()
    n = len(polygons)
    weight = np.bincount(poly[ok], weights=area[ok], minlength=n)
    total = np.bincount(poly[ok], weights=area[ok] * vals[ok], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(weight > 0, total / weight, np.nan)
    coverage = np.clip(weight / shapely.area(polygons), 0.0, 1.0)
    return pd.DataFrame({"mean": mean, "coverage": coverage})


def weighted_median(values: FloatArray, weights: FloatArray) -> float:
    """The weighted median: the smallest value at which the cumulative weight reaches half.

    NaN values are ignored. Used for the county's population-weighted median NO₂.
    """
    ok = ~np.isnan(values) & (weights > 0)
    v, w = values[ok], weights[ok]
    if len(v) == 0:
        return float("nan")
    order = np.argsort(v, kind="stable")
    cum = np.cumsum(w[order])
    return float(v[order][np.searchsorted(cum, cum[-1] / 2.0)])


# --- Years: population-weighted means and their change -----------------------------------


@dataclass(frozen=True)
class MeanChange:
    """Population-weighted means of one pollutant in two years and their change.

    Attributes
    ----------
    base_year, year
        The earlier and the later year (e.g. 2019 and 2023).
    base_mean, mean
        Population-weighted means, µg/m³, over the weights known in *both* years
        (so that the change is not an artefact of different coverage).
    change
        ``mean - base_mean``, µg/m³ (negative: cleaner air).
    change_pct
        ``100 × change / base_mean``, % of the base year (NaN if the base is 0).
    n
        Number of units (e.g. LSOAs) with a value in both years and a positive weight.
    """

    base_year: int
    year: int
    base_mean: float
    mean: float
    change: float
    change_pct: float
    n: int


def pop_weighted_means(by_year: Mapping[int, ArrayLike], weights: ArrayLike) -> dict[int, float]:
    """Population-weighted mean of each year's values, µg/m³, newest year first.

    Parameters
    ----------
    by_year
        ``{year: values}``: one value per unit (e.g. LSOA), µg/m³; NaN = no data
        (left out of that year's mean).
    weights
        One population weight per unit (people).
    """
    return {
        year: aggregate.weighted_mean(np.asarray(v, dtype=float), np.asarray(weights, dtype=float))
        for year, v in sorted(by_year.items(), reverse=True)
    }


def mean_change(
    base: ArrayLike, later: ArrayLike, weights: ArrayLike, base_year: int, year: int
) -> MeanChange:
    """The population-weighted means of two years and their absolute and % change.

    Parameters
    ----------
    base, later
        One value per unit in the earlier and the later year, µg/m³ (NaN = no data).
    weights
        Population weights (people), one per unit.
    base_year, year
        The two years (labels only).

    Returns
    -------
    MeanChange
        Means over the units known in both years with a positive weight.
    """
    b, v, w = _same_length(base, later, weights)
    ok = np.isfinite(b) & np.isfinite(v) & (w > 0)
    base_mean = aggregate.weighted_mean(b[ok], w[ok])
    mean = aggregate.weighted_mean(v[ok], w[ok])
    change = mean - base_mean
    pct = 100.0 * change / base_mean if base_mean else float("nan")
    return MeanChange(base_year, year, base_mean, mean, change, pct, int(ok.sum()))


def shares_above(
    values: ArrayLike, weights: ArrayLike, levels: Mapping[str, float]
) -> dict[str, float]:
    """Share of the population whose value is strictly above each level (0–1).

    Parameters
    ----------
    values
        One value per unit, µg/m³; NaN units are left out of the denominator.
    weights
        Population weights (people).
    levels
        ``{label: level}``, µg/m³ (e.g. :data:`geo.standards.WHO_2021_LEVELS` of a pollutant).

    Returns
    -------
    dict
        ``{label: share}`` in the order of ``levels``; NaN where no one has a value.
    """
    v, w = _same_length(values, weights)
    known = np.isfinite(v)
    out = {}
    for label, level in levels.items():
        flags = pd.array(np.where(known, v > level, pd.NA), dtype="boolean")
        out[label] = aggregate.weighted_share(flags, w)[0]
    return out


def who_2021_shares(values: ArrayLike, weights: ArrayLike, pollutant: str) -> dict[str, float]:
    """Population share above each WHO 2021 interim target and the guideline (annual means).

    Keys are ``IT-1`` … ``IT-4`` (``IT-3`` for NO₂) and ``AQG``; levels from
    :data:`geo.standards.WHO_2021_LEVELS` (WHO 2021, Table 0.1). "Above" is strictly
    greater than the level, as for the guideline share in the engine.
    """
    if pollutant not in standards.WHO_2021_LEVELS:
        raise ValueError(
            f"No WHO 2021 levels for {pollutant!r}; choose one of "
            f"{', '.join(standards.WHO_2021_LEVELS)}"
        )
    return shares_above(values, weights, standards.WHO_2021_LEVELS[pollutant])


# --- The change layer ---------------------------------------------------------------------


def change_raster(later: Raster, earlier: Raster) -> Raster:
    """Cell-by-cell change ``later - earlier`` of two grids of one pollutant, µg/m³.

    Both must share the grid (shape, transform, CRS) and the pollutant; cells
    without data in either year are NaN. Negative values mean cleaner air. For
    the map, a diverging colour-blind-safe palette centred on 0 (ColorBrewer
    RdBu or PuOr) with :func:`diverging_limits`.
    """
    if later.values.shape != earlier.values.shape or later.transform != earlier.transform:
        raise ValueError(
            f"{later.name} {later.vintage} and {earlier.vintage} are on different grids "
            f"({later.values.shape} vs {earlier.values.shape}); resample one first"
        )
    if later.crs != earlier.crs or later.name != earlier.name or later.units != earlier.units:
        raise ValueError(
            f"Cannot subtract {earlier.name} ({earlier.units}, {earlier.crs}) from "
            f"{later.name} ({later.units}, {later.crs})"
        )
    return dataclasses.replace(
        later,
        values=later.values - earlier.values,
        vintage=f"{earlier.vintage}–{later.vintage}",
        source=f"{later.source} minus {earlier.source}",
    )


def diverging_limits(values: ArrayLike) -> tuple[float, float]:
    """Colour-scale limits symmetric about 0: ``(-m, m)`` with ``m`` the largest absolute value.

    So that no change is the palette's midpoint. ``(-1, 1)`` if there is no finite value
    or every value is 0.
    """
    v = np.asarray(values, dtype=float)
    finite = v[np.isfinite(v)]
    m = float(np.abs(finite).max()) if finite.size else 0.0
    m = m if m > 0 else 1.0
    return -m, m


# --- Two sources on common cells ----------------------------------------------------------


@dataclass(frozen=True)
class Agreement:
    """Agreement of two sources on their common cells.

    Attributes
    ----------
    n
        Number of common cells with a value in both.
    pearson_r
        Pearson correlation coefficient (NaN for fewer than 2 cells or no variation).
    mean_difference
        Mean of ``other - grid``, µg/m³ (positive: the other source reads higher).
    mean_grid, mean_other
        Unweighted means over the common cells, µg/m³.
    """

    n: int
    pearson_r: float
    mean_difference: float
    mean_grid: float
    mean_other: float


def agreement(grid_values: ArrayLike, other_values: ArrayLike) -> Agreement:
    """Pearson correlation, mean difference (other − grid) and n of paired cell values.

    Pairs where either value is NaN are dropped.
    """
    a, b = _same_length(grid_values, other_values)
    ok = np.isfinite(a) & np.isfinite(b)
    a, b = a[ok], b[ok]
    n = int(ok.sum())
    if n == 0:
        nan = float("nan")
        return Agreement(0, nan, nan, nan, nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = float(np.corrcoef(a, b)[0, 1]) if n >= 2 and a.std() > 0 and b.std() > 0 else np.nan
    return Agreement(n, float(r), float((b - a).mean()), float(a.mean()), float(b.mean()))


def grid_agreement(grid: Raster, x: ArrayLike, y: ArrayLike, values: ArrayLike) -> Agreement:
    """Agreement of a second source, given at cell centres, with a grid on their common cells.

    Parameters
    ----------
    grid
        The reference grid (e.g. DEFRA PCM NO₂, EPSG:27700, µg/m³).
    x, y
        Cell centres of the other source, EPSG:27700 metres; they must be centres of
        ``grid``'s cells (the same 1 km grid), else a :class:`ValueError`.
    values
        The other source's values there, µg/m³ (e.g. the LAQM background map).

    Returns
    -------
    Agreement
        Over the points that fall on ``grid`` where both have data.
    """
    px, py, pv = _same_length(x, y, values)
    row, col, inside = grid.index(px, py)
    cx, cy = grid.xy((col + 0.5).astype(np.float64), (row + 0.5).astype(np.float64))
    off = inside & (
        (np.abs(cx - px) > 1e-6 * grid.transform.a) | (np.abs(cy - py) > 1e-6 * grid.transform.a)
    )
    if off.any():
        i = int(np.flatnonzero(off)[0])
        raise ValueError(
            f"{int(off.sum())} points are not cell centres of the {grid.transform.a:g} m grid "
            f"of {grid.name} (first: x={px[i]:g}, y={py[i]:g}); the sources must share a grid"
        )
    return agreement(grid.sample(px[inside], py[inside]), pv[inside])


def _same_length(*arrays: ArrayLike) -> list[FloatArray]:
    out = [np.asarray(a, dtype=float).ravel() for a in arrays]
    if len({len(a) for a in out}) > 1:
        raise ValueError(f"Arrays differ in length: {[len(a) for a in out]}")
    return out
