"""Access and exposure by population group, and the gaps between groups.

Units are small areas (LSOAs). Each unit has a count of each group (people or
households, from a Census 2021 table) and a value of each indicator (0/1 for
"meets the standard", or an exposure such as NO₂ in µg/m³). Everyone in a unit
is given the unit's value: the group counts are spread over the LSOAs in
proportion (the indicator is measured once per LSOA, at its population-weighted
centroid).

* The share of group ``g`` meeting a standard (or its mean exposure) is the
  group-weighted mean ``m_g = Σ_i c_ig v_i / Σ_i c_ig``.
* The gap between a group and its reference group is the difference
  ``m_g − m_ref`` (indicator units; percentage points ÷ 100 for shares) and the
  ratio ``m_g / m_ref``.

Confidence intervals: a percentile bootstrap over LSOAs (Efron B, Tibshirani R
(1993) *An Introduction to the Bootstrap*, ch. 13). Why over LSOAs: the census
counts are a complete count (not a sample), and what makes a gap uncertain is
which areas a place happens to contain. Groups cluster in space, so the
people of one group are not independent draws: resampling whole LSOAs keeps
each LSOA's mix of groups together with its access, so the interval reflects
the clustering (a gap carried by two or three LSOAs gets a wide interval).
Resampling people instead would treat each person as independent and give
intervals far too narrow. The replicates are drawn at once with numpy
(``B × n`` indices), turned into a frequency matrix and multiplied through:
no Python loop over replicates. The interval says how stable the gap is across
the mix of areas; it is not a census sampling error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

#: Bootstrap replicates (B) and seed: B ≥ 1,000 for a stable 95% percentile interval.
N_BOOT = 2_000
SEED = 20210321  # Census day, 21 March 2021


def group_means(counts: FloatArray, values: FloatArray) -> FloatArray:
    """Group-weighted mean of each indicator: ``Σ c_ig v_ik / Σ c_ig`` over units with a value.

    Parameters
    ----------
    counts
        ``(n_units, n_groups)`` non-negative group counts (people or households).
    values
        ``(n_units, n_indicators)`` indicator values (NaN = missing: that unit is
        left out of the numerator and denominator of that indicator).

    Returns
    -------
    numpy.ndarray
        ``(n_groups, n_indicators)``; NaN where a group has nobody with a value.
    """
    c, v = _check(counts, values)
    present = np.isfinite(v)
    num = c.T @ np.where(present, v, 0.0)
    den = c.T @ present.astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


@dataclass(frozen=True)
class GapSamples:
    """Bootstrap replicates of every group mean: ``means[b, g, k]`` (B × groups × indicators)."""

    means: FloatArray
    n_boot: int
    seed: int


def bootstrap_means(
    counts: FloatArray,
    values: FloatArray,
    n_boot: int = N_BOOT,
    seed: int = SEED,
) -> GapSamples:
    """Group means in ``n_boot`` bootstrap resamples of the units (vectorised).

    Each replicate draws ``n_units`` unit indices with replacement
    (``numpy.random.default_rng(seed).integers``); the replicate's group means
    are ``F @ (c·v) / F @ c`` with ``F`` the ``B × n`` frequency matrix.
    """
    c, v = _check(counts, values)
    n = c.shape[0]
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_boot, n))
    flat = (np.arange(n_boot)[:, None] * n + idx).ravel()
    freq = np.bincount(flat, minlength=n_boot * n).reshape(n_boot, n).astype(float)
    present = np.isfinite(v)
    v0 = np.where(present, v, 0.0)
    num = np.einsum("bi,ig,ik->bgk", freq, c, v0, optimize=True)
    den = np.einsum("bi,ig,ik->bgk", freq, c, present.astype(float), optimize=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return GapSamples(means, n_boot, seed)


@dataclass(frozen=True)
class Gap:
    """One group against its reference on one indicator, with 95% percentile intervals."""

    difference: float
    difference_ci: tuple[float, float]
    ratio: float
    ratio_ci: tuple[float, float]


def gap(
    means: FloatArray,
    samples: GapSamples,
    group: int,
    reference: int,
    indicator: int,
    alpha: float = 0.05,
) -> Gap:
    """The gap ``group − reference`` (difference) and ``group / reference`` (ratio).

    ``means`` is :func:`group_means`; ``samples`` :func:`bootstrap_means` of the
    same data. Replicates where the ratio is undefined (reference 0) are left
    out of the ratio's interval.
    """
    a, b = means[group, indicator], means[reference, indicator]
    sa, sb = samples.means[:, group, indicator], samples.means[:, reference, indicator]
    diff = sa - sb
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(sb != 0, sa / np.where(sb != 0, sb, 1.0), np.nan)
        point_ratio = float(a / b) if b != 0 else float("nan")
    return Gap(
        float(a - b),
        _percentile(diff, alpha),
        point_ratio,
        _percentile(ratio, alpha),
    )


def mean_interval(
    samples: GapSamples, group: int, indicator: int, alpha: float = 0.05
) -> tuple[float, float]:
    """95% (by default) percentile bootstrap interval of one group's mean."""
    return _percentile(samples.means[:, group, indicator], alpha)


def _percentile(x: FloatArray, alpha: float) -> tuple[float, float]:
    ok = x[np.isfinite(x)]
    if ok.size == 0:
        return (float("nan"), float("nan"))
    lo, hi = np.percentile(ok, [100 * alpha / 2, 100 * (1 - alpha / 2)])
    return (float(lo), float(hi))


def _check(counts: FloatArray, values: FloatArray) -> tuple[FloatArray, FloatArray]:
    c = np.asarray(counts, dtype=float)
    v = np.asarray(values, dtype=float)
    if c.ndim != 2 or v.ndim != 2 or c.shape[0] != v.shape[0]:
        raise ValueError("counts and values must be 2-D with one row per unit")
    if not np.isfinite(c).all() or (c < 0).any():
        raise ValueError("group counts must be finite and non-negative")
    return c, v
