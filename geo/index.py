"""The Healthy Places index: an AHAH-style composite of green/blue space, air and nature.

Method (after the Access to Healthy Assets and Hazards index, AHAH v2/v3,
CDRC / Green et al.; see ``docs/healthy_places_index.md``):

1. **Indicator ranks.** Each indicator is ranked across the LSOAs given so that a
   higher rank is worse for health: ascending for ``"higher_is_worse"``
   (distances in metres, pollutant concentrations in µg/m³), descending for
   ``"higher_is_better"`` (shares 0–1, Shannon diversity). Tied values share
   their average rank. Missing values are not ranked; ``n`` is the number of
   LSOAs with a value for that indicator.
2. **Rankit (inverse-normal) transform.** ``z = Φ⁻¹((rank - 0.5) / n)``, so each
   indicator becomes standard-normal scores, higher = worse.
3. **Domain score** = mean of the domain's indicator z-scores (dimensionless,
   higher = worse). An indicator missing for an LSOA is left out of that LSOA's
   mean; the score is missing only if all the domain's indicators are.
4. **Exponential transform** of the domain ranks (IMD / AHAH formula)::

       X = -23 · ln(1 - R · (1 - exp(-100 / 23)))

   where R = domain rank / n, rank 1 = the most health-promoting (lowest score)
   LSOA, so R = 1/n for the best and R = n/n = 1 for the worst. X runs from
   about 0 (best) to exactly 100 (worst) and stretches out the unhealthy tail,
   so a good score in one domain only partly cancels a bad one in another.
5. **Overall score** ``hpi_score`` = weighted mean of the domains' X (weights
   default to equal, normalised to sum to 1; a domain missing for an LSOA is
   left out and the remaining weights renormalised). Higher = less healthy.
6. ``hpi_rank``: 1 = worst (highest score) within the LSOAs given, ties share
   the smallest rank; ``hpi_decile`` = ``floor((rank - 1) · 10 / n) + 1``, so
   decile 1 = the least healthy 10 %.

Default domains (:data:`DEFAULT_DOMAINS`) and their placeholder columns:

* ``green_blue``: ``dist_2ha_300m_m`` (metres to the nearest ≥2 ha green site,
  higher worse), ``tiers_met_share`` (share 0–1 of the access-standard tiers
  met, higher better), ``blue_dist_m`` (metres to blue space, higher worse);
* ``air``: ``no2_ugm3``, ``pm25_ugm3``, ``pm10_ugm3`` (annual mean µg/m³,
  higher worse);
* ``nature``: ``habitat_shannon_1km`` (Shannon habitat diversity within 1 km,
  nats, higher better), ``natural_share`` (natural land-cover share 0–1,
  higher better).

Differences from AHAH: AHAH ranks with ties at the minimum rank; here ties take
the average rank (symmetric, keeps ``(rank - 0.5)/n`` inside (0, 1)). AHAH's
published percentiles/deciles put the least healthy at the top; here rank and
decile 1 are the least healthy, matching the IMD convention (1 = most deprived).

References
----------
Green MA, Daras K, Davies A, Barr B, Singleton A (2018). Developing an openly
accessible multi-dimensional small area index of 'Access to Healthy Assets and
Hazards' for Great Britain, 2016. Health & Place 54: 11–19.
Daras K, Green MA, Davies A, Barr B, Singleton A (2019). Open data on
health-related neighbourhood features in Great Britain. Scientific Data 6: 107.
CDRC, Access to Healthy Assets & Hazards (AHAH) v2 and v3 technical documentation,
and the methodology notes of github.com/markagreen/ahah ("R = 1/N for the most
health promoting LSOA and R = N/N for the least").
MHCLG, The English Indices of Deprivation 2019: Technical report (the transform).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

HIGHER_IS_WORSE = "higher_is_worse"
HIGHER_IS_BETTER = "higher_is_better"
_DIRECTIONS = (HIGHER_IS_WORSE, HIGHER_IS_BETTER)
_EXP_SCALE = 23.0
_EXP_MAX = 100.0
_N_DECILES = 10

DEFAULT_DOMAINS: dict[str, dict[str, str]] = {
    "green_blue": {
        "dist_2ha_300m_m": HIGHER_IS_WORSE,
        "tiers_met_share": HIGHER_IS_BETTER,
        "blue_dist_m": HIGHER_IS_WORSE,
    },
    "air": {
        "no2_ugm3": HIGHER_IS_WORSE,
        "pm25_ugm3": HIGHER_IS_WORSE,
        "pm10_ugm3": HIGHER_IS_WORSE,
    },
    "nature": {
        "habitat_shannon_1km": HIGHER_IS_BETTER,
        "natural_share": HIGHER_IS_BETTER,
    },
}
"""Domain name → {indicator column: direction}; the columns are placeholders."""


def rankit(values: pd.Series, direction: str) -> pd.Series:
    """Inverse-normal (rankit) scores of one indicator, higher = worse for health.

    Parameters
    ----------
    values
        Indicator per LSOA, in its own units; NaN = missing.
    direction
        ``"higher_is_worse"`` or ``"higher_is_better"``.

    Returns
    -------
    pandas.Series of float
        ``Φ⁻¹((rank - 0.5) / n)`` with rank 1 = the healthiest value, average
        ranks for ties and ``n`` the number of non-missing values
        (dimensionless); NaN where the value is missing.
    """
    if direction not in _DIRECTIONS:
        raise ValueError(f"direction must be one of {_DIRECTIONS}, got {direction!r}")
    x = pd.to_numeric(values, errors="raise").astype(float)
    rank = x.rank(method="average", ascending=direction == HIGHER_IS_WORSE, na_option="keep")
    n = int(rank.notna().sum())
    return pd.Series(stats.norm.ppf((rank.to_numpy() - 0.5) / max(n, 1)), index=values.index)


def exponential_transform(rank_share: NDArray[np.float64]) -> NDArray[np.float64]:
    """IMD/AHAH exponential transform of a scaled rank.

    Parameters
    ----------
    rank_share
        R = rank / n in (0, 1], rank 1 = the most health-promoting unit.

    Returns
    -------
    numpy.ndarray of float
        ``X = -23 · ln(1 - R · (1 - exp(-100/23)))``: about 0 for the best unit,
        exactly 100 at R = 1 (dimensionless).
    """
    r = np.asarray(rank_share, dtype=float)
    k = -np.expm1(-_EXP_MAX / _EXP_SCALE)  # 1 - exp(-100/23)
    out: NDArray[np.float64] = -_EXP_SCALE * np.log1p(-r * k)
    return out


def healthy_places_index(
    indicators: pd.DataFrame,
    domains: Mapping[str, Mapping[str, str]] | None = None,
    weights: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Healthy Places index per LSOA (AHAH method; see the module docstring).

    Parameters
    ----------
    indicators
        One row per LSOA (index kept in the output) with the indicator columns
        named in ``domains``, each in its own units (metres, µg/m³, shares 0–1,
        nats); NaN = missing.
    domains
        Domain name → {indicator column: ``"higher_is_worse"`` |
        ``"higher_is_better"``}. Defaults to :data:`DEFAULT_DOMAINS`.
    weights
        Domain name → non-negative weight for the overall score; normalised to
        sum to 1. Defaults to equal weights. Must name exactly the domains.

    Returns
    -------
    pandas.DataFrame
        Same index as ``indicators``; for each domain ``<domain>_score`` (mean
        rankit z-score, higher = worse) and ``<domain>_exp`` (exponentially
        transformed domain rank, 0–100, higher = worse); then ``hpi_score``
        (weighted mean of the ``_exp`` columns, 0–100, higher = less healthy),
        ``hpi_rank`` (1 = least healthy) and ``hpi_decile`` (1 = least healthy
        10 %) as nullable integers, missing where every domain is missing.

    Raises
    ------
    KeyError
        If an indicator column is absent.
    ValueError
        On an unknown direction, an empty domain, or weights that do not match
        the domains, are negative or sum to zero.
    """
    spec = DEFAULT_DOMAINS if domains is None else domains
    w = _domain_weights(spec, weights)
    out = pd.DataFrame(index=indicators.index)
    for name, members in spec.items():
        if not members:
            raise ValueError(f"domain {name!r} has no indicators")
        missing = [c for c in members if c not in indicators.columns]
        if missing:
            raise KeyError(f"indicator columns not found: {missing}")
        z = pd.concat({c: rankit(indicators[c], d) for c, d in members.items()}, axis=1)
        out[f"{name}_score"] = z.mean(axis=1, skipna=True)
        out[f"{name}_exp"] = _domain_exp(out[f"{name}_score"])
    exp = out[[f"{name}_exp" for name in spec]].to_numpy(dtype=float)
    out["hpi_score"] = _weighted_row_mean(exp, np.array([w[name] for name in spec]))
    rank = out["hpi_score"].rank(method="min", ascending=False, na_option="keep")
    n = int(rank.notna().sum())
    out["hpi_rank"] = rank.astype("Int64")
    out["hpi_decile"] = (np.floor((rank - 1) * _N_DECILES / max(n, 1)) + 1).astype("Int64")
    return out


def _domain_exp(score: pd.Series) -> pd.Series:
    """Rank a domain score (1 = lowest = healthiest, ties averaged) and transform it."""
    rank = score.rank(method="average", ascending=True, na_option="keep")
    n = max(int(rank.notna().sum()), 1)
    return pd.Series(exponential_transform(rank.to_numpy() / n), index=score.index)


def _domain_weights(
    domains: Mapping[str, Mapping[str, str]], weights: Mapping[str, float] | None
) -> dict[str, float]:
    """Validate the domain weights and normalise them to sum to 1."""
    if not domains:
        raise ValueError("at least one domain is needed")
    raw = dict.fromkeys(domains, 1.0) if weights is None else dict(weights)
    if set(raw) != set(domains):
        raise ValueError(f"weights must name exactly the domains {sorted(domains)}")
    values = np.array([raw[name] for name in domains], dtype=float)
    if not np.isfinite(values).all() or (values < 0).any() or values.sum() <= 0:
        raise ValueError("weights must be finite, non-negative and not all zero")
    return dict(zip(domains, (values / values.sum()).tolist(), strict=True))


def _weighted_row_mean(
    matrix: NDArray[np.float64], weights: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Row means of ``matrix`` weighted by ``weights``, skipping NaN and renormalising."""
    present = np.isfinite(matrix)
    den = present @ weights
    num = np.where(present, matrix, 0.0) @ weights
    return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
