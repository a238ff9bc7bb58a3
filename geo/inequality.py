"""Deprivation gradients: ridits, the slope and relative index of inequality, the
concentration index, and population-weighted means by IMD decile.

Units are small areas (LSOAs) with a population (people) and an IMD rank
(1 = most deprived in England). Every measure here orders units from the MOST
deprived to the LEAST deprived, so the ridit runs from about 0 (most deprived
end of the population) to about 1 (least deprived end).

Sign conventions
----------------
* ``sii`` (slope index of inequality) = fitted value at ridit 1 (least deprived)
  minus fitted value at ridit 0 (most deprived), in the units of the indicator.
  Positive: the indicator is HIGHER among the less deprived. For a "higher is
  worse" indicator such as NO2 (µg/m³) a negative SII means the most deprived
  breathe more NO2; for a "higher is better" indicator such as the share of
  access tiers met, a positive SII means the least deprived are better served.
* ``rii`` = ``sii`` / population-weighted mean (dimensionless), same sign.
* ``ci`` (concentration index) is positive when the indicator is concentrated
  among the LESS deprived and negative when concentrated among the more deprived.

The three are linked exactly: ``ci = 2 * var_w(ridit) * rii``.

For a binary (0/1) indicator, :func:`erreygers_index` gives the
Erreygers-corrected concentration index, and :func:`suppression_reason` is the
one rule that decides when a gradient or a gap is too thin to show.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

_N_DECILES = 10
#: Fewer LSOAs than this: gradients and gaps are suppressed (a 12-LSOA ward gave an
#: SII interval of -143 to +96 points).
MIN_UNITS = 20
#: Fewer IMD deciles represented than this: the deprivation ranking is too short.
MIN_DECILES = 5


def ridit(rank: NDArray[np.float64], weights: NDArray[np.float64]) -> NDArray[np.float64]:
    """Population-weighted ridit of each unit, ordered from most to least deprived.

    Units are sorted by ``rank`` ascending (IMD rank 1 = most deprived in England).
    The ridit of a unit is the cumulative population share up to the MIDPOINT of
    its population block: ``(population before it + half its own population) /
    total population``. Units with equal ``rank`` form one block and share the
    ridit at the midpoint of their combined population.

    Parameters
    ----------
    rank
        IMD rank (or any orderable deprivation score where smaller = more
        deprived), one per unit. Must be finite.
    weights
        Population of each unit (people, or any non-negative weight). Must be
        finite and non-negative.

    Returns
    -------
    numpy.ndarray of float
        Ridit in (0, 1) for each unit, in the input order (0 = most deprived
        end). All NaN when the total weight is zero.

    Raises
    ------
    ValueError
        On length mismatch, non-finite input or a negative weight.
    """
    r = np.asarray(rank, dtype=float)
    w = np.asarray(weights, dtype=float)
    _check_same_length(r, w)
    if not (np.isfinite(r).all() and np.isfinite(w).all()):
        raise ValueError("rank and weights must be finite")
    if (w < 0).any():
        raise ValueError("weights must be non-negative")
    total = w.sum()
    if r.size == 0 or total <= 0:
        return np.full(r.shape, np.nan)
    _, block = np.unique(r, return_inverse=True)  # block 0 = most deprived rank
    block_pop = np.bincount(block.ravel(), weights=w.ravel())
    before = np.cumsum(block_pop) - block_pop
    out: NDArray[np.float64] = ((before + block_pop / 2.0) / total)[block].reshape(r.shape)
    return out


def slope_index(
    values: NDArray[np.float64],
    imd_rank: NDArray[np.float64],
    weights: NDArray[np.float64],
    alpha: float = 0.05,
) -> dict[str, float]:
    """Slope and relative index of inequality, with confidence intervals.

    Fits the weighted least-squares line ``value = a + b * ridit`` with weights =
    population, where the ridit is computed (:func:`ridit`) over the units kept.

    * ``sii = b`` = fitted(ridit 1) - fitted(ridit 0): least deprived MINUS most
      deprived, in the indicator's units (positive = higher among the less
      deprived).
    * Standard error (standard WLS with analytic weights, as R's ``lm(weights=)``
      or ``numpy.polyfit(..., w=sqrt(w), cov=True)``)::

          x̄ = Σ w x / Σ w,   S_xx = Σ w (x - x̄)²
          e_i = y_i - a - b x_i
          σ̂² = Σ w e² / (n - 2)
          SE(b) = sqrt(σ̂² / S_xx)

      which is invariant to rescaling the weights (people or population shares
      give the same answer); ``n`` is the number of units, not people.
    * CI: ``b ± t_{1-α/2, n-2} · SE(b)``.
    * ``rii = sii / ȳ_w`` with ``ȳ_w`` the population-weighted mean value; its CI
      is the simple approximation ``sii CI / ȳ_w`` (treats ȳ_w as fixed; the two
      bounds are swapped if ȳ_w < 0). NaN when ȳ_w = 0.

    Units with a non-finite value, rank or weight, or zero weight, are dropped
    before the ridits are computed. Fewer than 3 units left, or no spread in the
    ridit (all units tied), gives NaN statistics rather than an error.

    Parameters
    ----------
    values
        Indicator per unit, in its own units (e.g. metres, µg/m³, share 0–1).
    imd_rank
        IMD rank per unit (1 = most deprived).
    weights
        Population per unit (people).
    alpha
        Two-sided significance level; 0.05 gives 95 % intervals.

    Returns
    -------
    dict
        ``sii``, ``sii_ci_low``, ``sii_ci_high`` (indicator units); ``rii``,
        ``rii_ci_low``, ``rii_ci_high`` (dimensionless); ``n_units`` (units used);
        ``population`` (people in the units used).
    """
    y, x, w = _clean(values, imd_rank, weights)
    out: dict[str, float] = dict.fromkeys(
        ("sii", "sii_ci_low", "sii_ci_high", "rii", "rii_ci_low", "rii_ci_high"), np.nan
    )
    out["n_units"] = int(y.size)
    out["population"] = float(w.sum())
    fit = _wls_slope(x, y, w)
    if fit is None:
        return out
    slope, se, df, mean_y = fit
    half = float(stats.t.ppf(1.0 - alpha / 2.0, df)) * se
    out.update(sii=slope, sii_ci_low=slope - half, sii_ci_high=slope + half)
    if mean_y != 0:
        lo, hi = sorted(((slope - half) / mean_y, (slope + half) / mean_y))
        out.update(rii=slope / mean_y, rii_ci_low=lo, rii_ci_high=hi)
    return out


def concentration_index(
    values: NDArray[np.float64],
    imd_rank: NDArray[np.float64],
    weights: NDArray[np.float64],
    alpha: float = 0.05,
) -> dict[str, float]:
    """Population-weighted concentration index over the deprivation ranking.

    ``C = 2 · cov_w(y, r) / μ_w`` where ``r`` is the ridit (:func:`ridit`, most →
    least deprived), ``cov_w(y, r) = Σ w (y - μ_w)(r - r̄_w) / Σ w`` (population
    covariance, divisor Σw) and ``μ_w = Σ w y / Σ w``. Positive = concentrated
    among the LESS deprived; 0 = no gradient; bounded by ±1 for non-negative y.

    Standard error: the "convenient regression" of Kakwani, Wagstaff & van
    Doorslaer (1997), ``2 var_w(r) · y / μ_w = α + β r``, fitted by WLS with
    population weights, so ``β = C`` and ``SE(C)`` is the WLS slope standard error
    of :func:`slope_index` scaled by ``2 var_w(r) / |μ_w|``::

        SE(C) = SE(SII) · 2 var_w(r) / |μ_w|

    with ``n - 2`` degrees of freedom for the t interval. Like the plain OLS
    version, it treats μ_w and the ranks as fixed (Kakwani et al. give a
    delta-method correction for sampled individuals; here the units are a
    complete set of areas, so the interval describes the scatter about the
    gradient rather than sampling error).

    Parameters
    ----------
    values
        Indicator per unit (its own units; should be non-negative for C to be
        bounded by ±1).
    imd_rank
        IMD rank per unit (1 = most deprived).
    weights
        Population per unit (people).
    alpha
        Two-sided significance level; 0.05 gives 95 % intervals.

    Returns
    -------
    dict
        ``ci`` (dimensionless), ``ci_se``, ``ci_ci_low``, ``ci_ci_high``,
        ``n_units``, ``population`` (people). Statistics are NaN for fewer than 3
        usable units, no spread in the ridit, or μ_w = 0.
    """
    y, x, w = _clean(values, imd_rank, weights)
    out: dict[str, float] = dict.fromkeys(("ci", "ci_se", "ci_ci_low", "ci_ci_high"), np.nan)
    out["n_units"] = int(y.size)
    out["population"] = float(w.sum())
    fit = _wls_slope(x, y, w)
    if fit is None or fit[3] == 0:
        return out
    slope, se, df, mean_y = fit
    var_r = float(np.sum(w * (x - np.sum(w * x) / w.sum()) ** 2) / w.sum())
    scale = 2.0 * var_r / mean_y
    c, c_se = slope * scale, se * abs(scale)
    half = float(stats.t.ppf(1.0 - alpha / 2.0, df)) * c_se
    out.update(ci=c, ci_se=c_se, ci_ci_low=c - half, ci_ci_high=c + half)
    return out


def erreygers_index(
    values: np.ndarray,
    imd_rank: np.ndarray,
    weights: np.ndarray,
    alpha: float = 0.05,
    bounds: tuple[float, float] = (0.0, 1.0),
) -> dict[str, float]:
    """Erreygers-corrected concentration index of a bounded (e.g. 0/1) indicator.

    Erreygers G (2009) "Correcting the Concentration Index", *Journal of Health
    Economics* 28(2):504–515: for a variable bounded in ``[a, b]``,
    ``E = 4 · μ / (b − a) · C``, with ``C`` the concentration index of
    :func:`concentration_index` and ``μ`` the weighted mean. For a 0/1 variable
    (``bounds=(0, 1)``) this is ``E = 4 · μ · C``; ``E`` lies in ``[−1, 1]``
    whatever the mean, so places with different coverage compare fairly (the
    plain ``C`` of a binary variable is bounded by ``1 − μ``, Wagstaff 2005).

    The interval is that of ``C`` scaled by ``4 μ / (b − a)``, treating μ as fixed
    (as :func:`concentration_index` does). Same sign convention: positive =
    concentrated among the LESS deprived.

    Returns
    -------
    dict
        ``erreygers``, ``erreygers_ci_low``, ``erreygers_ci_high``
        (dimensionless), ``mean`` (weighted mean, indicator units),
        ``n_units``, ``population``.

    Raises
    ------
    ValueError
        If a finite value lies outside ``bounds``.
    """
    lo_b, hi_b = bounds
    v = np.asarray(values, dtype=float)
    finite = v[np.isfinite(v)]
    if finite.size and (finite.min() < lo_b or finite.max() > hi_b):
        raise ValueError(f"values must lie within {bounds} for the Erreygers index")
    c = concentration_index(values, imd_rank, weights, alpha)
    y, _, w = _clean(values, imd_rank, weights)
    mean = float(np.sum(w * y) / w.sum()) if w.sum() > 0 else np.nan
    scale = 4.0 * mean / (hi_b - lo_b)
    return {
        "erreygers": c["ci"] * scale,
        "erreygers_ci_low": c["ci_ci_low"] * scale,
        "erreygers_ci_high": c["ci_ci_high"] * scale,
        "mean": mean,
        "n_units": c["n_units"],
        "population": c["population"],
    }


def suppression_reason(
    n_units: int,
    n_deciles: int,
    interval: tuple[float, float] | None = None,
    bounds: tuple[float, float] | None = None,
) -> str | None:
    """The one suppression rule for SII, RII, concentration indices and group gaps.

    A statistic is suppressed when its place has fewer than :data:`MIN_UNITS`
    LSOAs, or fewer than :data:`MIN_DECILES` IMD deciles represented (the
    ranking is too short for a gradient), or when its interval is not finite or
    reaches outside the statistic's possible range ``bounds`` (e.g. ``[−1, 1]``
    for a concentration index or a difference of shares): an interval that
    cannot be true says the statistic means nothing here.

    Returns
    -------
    str or None
        A sentence giving the reason, or ``None`` when the statistic may be shown.
    """
    if n_units < MIN_UNITS:
        return f"Suppressed: {n_units} LSOAs, fewer than the {MIN_UNITS} needed for an interval."
    if n_deciles < MIN_DECILES:
        return f"Suppressed: only {n_deciles} IMD deciles represented, fewer than {MIN_DECILES}."
    if interval is None:
        return None
    lo, hi = interval
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return "Suppressed: the interval could not be computed."
    if bounds is not None and (lo < bounds[0] or hi > bounds[1]):
        return (
            f"Suppressed: the interval [{lo:.3g}, {hi:.3g}] falls outside the possible range "
            f"[{bounds[0]:g}, {bounds[1]:g}]."
        )
    return None


def by_decile(
    frame: pd.DataFrame,
    value_cols: Sequence[str],
    decile_col: str,
    weight_col: str,
) -> pd.DataFrame:
    """Population-weighted mean of each indicator per IMD decile 1–10.

    Works for numeric and boolean indicators alike: the weighted mean of a 0/1
    (or True/False) column is the population share meeting it. For each column,
    units with a missing value are left out of both the numerator and the
    denominator of that column's mean.

    Parameters
    ----------
    frame
        One row per unit.
    value_cols
        Indicator columns (numeric, bool or nullable boolean).
    decile_col
        IMD decile column, 1 = most deprived ... 10 = least deprived. Rows with
        a missing decile are ignored.
    weight_col
        Population column (people); finite and non-negative.

    Returns
    -------
    pandas.DataFrame
        Index ``decile`` 1..10 (always all ten rows), one column per indicator
        (weighted mean in its units, or a share 0–1 for booleans; NaN for an
        empty decile or one with no values), ``population`` (people in the
        decile) and ``n_lsoa`` (units in the decile).

    Raises
    ------
    ValueError
        If a decile is outside 1..10, a weight is negative or missing, or an
        indicator is called ``population`` or ``n_lsoa``.
    """
    cols = list(value_cols)
    if {"population", "n_lsoa"} & set(cols):
        raise ValueError("value columns may not be called 'population' or 'n_lsoa'")
    decile = pd.to_numeric(frame[decile_col], errors="raise").astype(float)
    keep = decile.notna().to_numpy()
    d = decile.to_numpy()[keep]
    if not np.isin(d, np.arange(1, _N_DECILES + 1)).all():
        raise ValueError(f"{decile_col} must hold whole numbers 1..10")
    w = frame[weight_col].to_numpy(dtype=float, na_value=np.nan)[keep]
    if not np.isfinite(w).all() or (w < 0).any():
        raise ValueError(f"{weight_col} must be finite and non-negative")
    vals = _as_float_matrix(frame.loc[keep, cols])
    present = np.isfinite(vals)
    idx = d.astype(np.intp) - 1
    num = _group_sum(idx, np.where(present, vals, 0.0) * w[:, None])
    den = _group_sum(idx, present * w[:, None])
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    out = pd.DataFrame(means, columns=cols, index=pd.RangeIndex(1, _N_DECILES + 1, name="decile"))
    out["population"] = np.bincount(idx, weights=w, minlength=_N_DECILES)
    out["n_lsoa"] = np.bincount(idx, minlength=_N_DECILES).astype(np.int64)
    return out


def _check_same_length(*arrays: NDArray[np.float64]) -> None:
    """Raise ValueError unless all arrays have the same length."""
    if len({a.shape for a in arrays}) > 1:
        raise ValueError("inputs must have the same length")


def _clean(
    values: NDArray[np.float64], rank: NDArray[np.float64], weights: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Drop unusable units and return (values, ridit, weights) of those kept.

    A unit is kept when its value, rank and weight are finite and its weight is
    positive; the ridits are then computed over the kept units only.
    """
    y = np.asarray(values, dtype=float).ravel()
    r = np.asarray(rank, dtype=float).ravel()
    w = np.asarray(weights, dtype=float).ravel()
    _check_same_length(y, r, w)
    if (w < 0).any():
        raise ValueError("weights must be non-negative")
    keep = np.isfinite(y) & np.isfinite(r) & np.isfinite(w) & (w > 0)
    y, r, w = y[keep], r[keep], w[keep]
    return y, ridit(r, w), w


def _wls_slope(
    x: NDArray[np.float64], y: NDArray[np.float64], w: NDArray[np.float64]
) -> tuple[float, float, int, float] | None:
    """WLS slope of y on x, its standard error, residual df and the weighted mean of y.

    Returns None when there are fewer than 3 units or x has no weighted spread.
    """
    n = y.size
    if n < 3:
        return None
    sw = w.sum()
    x_bar, y_bar = np.sum(w * x) / sw, np.sum(w * y) / sw
    dx = x - x_bar
    sxx = float(np.sum(w * dx**2))
    if not sxx > 0 or np.ptp(x) == 0:
        return None
    slope = float(np.sum(w * dx * (y - y_bar)) / sxx)
    resid = y - y_bar - slope * dx
    sigma2 = float(np.sum(w * resid**2)) / (n - 2)
    return slope, float(np.sqrt(sigma2 / sxx)), n - 2, float(y_bar)


def _as_float_matrix(frame: pd.DataFrame) -> NDArray[np.float64]:
    """Columns as a float matrix; booleans become 0/1 and missing values NaN."""
    if len(frame.columns) == 0:
        return np.zeros((len(frame), 0))
    matrix: NDArray[np.float64] = np.column_stack(
        [frame[c].astype("Float64").to_numpy(dtype=float, na_value=np.nan) for c in frame.columns]
    )
    return matrix


def _group_sum(idx: NDArray[np.intp], matrix: NDArray[np.float64]) -> NDArray[np.float64]:
    """Sum the rows of ``matrix`` into ``_N_DECILES`` groups given 0-based ``idx``."""
    out = np.zeros((_N_DECILES, matrix.shape[1]))
    np.add.at(out, idx, matrix)
    return out
