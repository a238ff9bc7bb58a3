"""Aggregate LSOA indicators to places with population weights.

A place's value is the population-weighted mean of its LSOAs' values (or,
for a yes/no indicator, the population share meeting it). Weights are the
Census 2021 population, multiplied by each LSOA's area share for a user
polygon (see :mod:`geo.origins`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def weighted_mean(values: np.ndarray | pd.Series, weights: np.ndarray | pd.Series) -> float:
    """Weighted mean ignoring NaN values; NaN when no weight has a value."""
    v = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    ok = ~np.isnan(v) & (w > 0)
    total = w[ok].sum()
    return float((v[ok] * w[ok]).sum() / total) if total > 0 else float("nan")


def weighted_share(
    flags: pd.Series | np.ndarray, weights: np.ndarray | pd.Series
) -> tuple[float, float]:
    """Population share meeting a yes/no indicator, among those for whom it is known.

    Parameters
    ----------
    flags
        Booleans; ``<NA>``/NaN where the indicator is not available.
    weights
        Population weights.

    Returns
    -------
    (share, coverage)
        ``share`` (0–1; NaN if no one is covered) and ``coverage``: the share of
        the total weight for whom the indicator is known (0–1).
    """
    f = pd.array(flags, dtype="boolean")
    known = ~np.asarray(f.isna())
    w = np.asarray(weights, dtype=float)
    total = w.sum()
    covered = w[known].sum()
    yes = w[known & np.asarray(f.fillna(False), dtype=bool)].sum()
    share = float(yes / covered) if covered > 0 else float("nan")
    coverage = float(covered / total) if total > 0 else float("nan")
    return share, coverage


def weighted_sum(values: np.ndarray | pd.Series, weights: np.ndarray | pd.Series) -> float:
    """Σ values × weights, ignoring NaN (e.g. people in double-burden LSOAs × area share)."""
    v = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    ok = ~np.isnan(v)
    return float((v[ok] * w[ok]).sum())
