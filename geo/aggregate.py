"""Aggregate LSOA indicators to places with population weights.

A place's value is the population-weighted mean of its LSOAs' values (or,
for a yes/no indicator, the population share meeting it). Weights are the
Census 2021 population, multiplied by each LSOA's area share for a user
polygon (see :mod:`geo.origins`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray


def weighted_mean(
    values: NDArray[np.float64] | pd.Series, weights: NDArray[np.float64] | pd.Series
) -> float:
    """Weighted mean ignoring NaN values; NaN when no weight has a value.

    Parameters
    ----------
    values
        Indicator per unit, in its own units; NaN = missing (left out).
    weights
        Non-negative weight per unit (people); units with weight 0 are left out.

    Returns
    -------
    float
        ``Σ w·v / Σ w`` over units with a value and a positive weight, in the
        units of ``values``; NaN when that weight is zero.
    """
    v = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    ok = ~np.isnan(v) & (w > 0)
    total = w[ok].sum()
    return float((v[ok] * w[ok]).sum() / total) if total > 0 else float("nan")


def weighted_share(
    flags: pd.Series | NDArray[np.bool_], weights: NDArray[np.float64] | pd.Series
) -> tuple[float, float]:
    """Population share meeting a yes/no indicator, among those for whom it is known.

    Parameters
    ----------
    flags
        Booleans, or shares 0–1 of each unit's people meeting the indicator
        (the population surface's LSOA values); ``<NA>``/NaN where not available.
    weights
        Population weights.

    Returns
    -------
    (share, coverage)
        ``share`` (0–1; NaN if no one is covered) and ``coverage``: the share of
        the total weight for whom the indicator is known (0–1).
    """
    v = _as_shares(flags)
    known = ~np.isnan(v)
    w = np.asarray(weights, dtype=float)
    total = w.sum()
    covered = w[known].sum()
    some = known & (v != 0)
    yes = (w[some] * v[some]).sum()
    share = float(yes / covered) if covered > 0 else float("nan")
    coverage = float(covered / total) if total > 0 else float("nan")
    return share, coverage


def _as_shares(flags: pd.Series | np.ndarray) -> np.ndarray:
    """Yes/no flags or 0–1 shares as floats, NaN where not available (``<NA>``/NaN/None)."""
    f = pd.Series(np.asarray(flags, dtype=object) if not isinstance(flags, pd.Series) else flags)
    return np.asarray(f.astype("Float64").to_numpy(dtype=float, na_value=np.nan), dtype=float)


def weighted_sum(
    values: NDArray[np.float64] | pd.Series, weights: NDArray[np.float64] | pd.Series
) -> float:
    """Σ values × weights, ignoring NaN (e.g. people in double-burden LSOAs × area share).

    Parameters
    ----------
    values
        Value per unit (e.g. 0/1 flags); NaN = missing (left out).
    weights
        Weight per unit (people, or people × area share 0–1).

    Returns
    -------
    float
        The weighted sum, in ``values`` units × ``weights`` units (e.g. people).
    """
    v = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    ok = ~np.isnan(v)
    return float((v[ok] * w[ok]).sum())


def group_weighted(
    table: pd.DataFrame,
    group_col: str,
    weight_col: str,
    mean_cols: list[str],
    share_cols: list[str],
) -> pd.DataFrame:
    """Population-weighted means and shares for every group in one vectorised pass.

    Parameters
    ----------
    table
        One row per LSOA.
    group_col
        The place code column (e.g. ``ward_code``).
    weight_col
        Population weights.
    mean_cols
        Numeric indicators (NaN = missing, left out of that column's mean).
    share_cols
        Yes/no indicators (``<NA>`` = not available); the result is the share
        among those covered, plus ``<col>_coverage`` (0–1 of the population).

    Returns
    -------
    DataFrame
        Indexed by group: ``population`` and one column per indicator
        (``<col>`` for means and shares, ``<col>_coverage`` for shares).
    """
    w = table[weight_col].to_numpy(float)
    keys = table[group_col].to_numpy()
    cols: dict[str, NDArray[np.float64]] = {"population": w}
    for col in mean_cols:
        v = table[col].to_numpy(float)
        ok = np.isfinite(v)
        cols[f"{col}__num"] = np.where(ok, v * w, 0.0)
        cols[f"{col}__den"] = np.where(ok, w, 0.0)
    for col in share_cols:
        v = _as_shares(table[col])
        known = ~np.isnan(v)
        cols[f"{col}__num"] = np.where(known & (v != 0), np.where(known, v, 0.0) * w, 0.0)
        cols[f"{col}__den"] = np.where(known, w, 0.0)
    sums = pd.DataFrame(cols).groupby(keys, sort=True).sum()
    out = pd.DataFrame({"population": sums["population"]})
    with np.errstate(invalid="ignore", divide="ignore"):
        for col in mean_cols + share_cols:
            num, den = sums[f"{col}__num"], sums[f"{col}__den"]
            out[col] = np.where(den > 0, num / den, np.nan)
        for col in share_cols:
            out[f"{col}_coverage"] = sums[f"{col}__den"] / sums["population"]
    return out
