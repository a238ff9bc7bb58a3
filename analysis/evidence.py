"""The evidence: are access, air and mental health linked here, once deprivation is allowed for?

Ecological, cross-sectional regressions (issue 10, item 5), fitted by
ordinary least squares (statsmodels ``OLS``):

* **LSOA models** (LSOA 2021): the SAMHI v5 index 2022, and its change
  2019→2022, on green-space access, blue-space access and NO₂, adjusted for
  the IMD 2025 score. Standard errors are clustered by MSOA 2021
  (``cov_type="cluster"``: neighbouring LSOAs share services, GP practices
  and, for split LSOAs, a copied SAMHI value); robust HC3 is the sensitivity.
* **MSOA model** (MSOA 2021): the Census 2021 share in bad or very bad health
  (TS037) on the same predictors, population-weighted to MSOA over every LSOA
  of the MSOA (TS037 describes the whole MSOA). Each MSOA is one observation,
  so there is nothing to cluster on: HC3 is the main interval and the classical
  one the sensitivity.

Predictors (all from :func:`analysis.engine.load_results`), each standardised
to mean 0 and SD 1 within the place so coefficients compare ("per SD"):

* green: straight-line distance (m) from the population-weighted centroid to
  the nearest ≥ 2 ha accessible green site (Natural England ANGSt 2 ha / 300 m
  tier). The distance is chosen over the 0/1 "meets 2 ha within 300 m" flag
  because at LSOA level that flag is one centroid's yes/no and discards how
  far beyond 300 m people live; a *positive* coefficient means "farther from
  green space goes with a higher outcome".
* blue: water within 300 m of the centroid (0/1 per LSOA; the residents'
  share at MSOA).
* NO₂: DEFRA PCM annual mean of the results' air year (the newest unless another is
  selected, :func:`analysis.air_years.selected_year`) at the centroid (µg/m³).
* IMD 2025 score (MHCLG), the adjustment.

Inference uses t distributions (``use_t=True``): G − 1 degrees of freedom
for clustered errors, n − k for HC3 (Cameron & Miller 2015, "A practitioner's
guide to cluster-robust inference", J Human Resources 50:317; MacKinnon &
White 1985 for HC3). Places with fewer than :data:`MIN_LSOAS` LSOAs in
:data:`MIN_CLUSTERS` MSOAs (or :data:`MIN_MSOAS` MSOAs for the MSOA model)
get a suppression message and no numbers: with 5 parameters, fewer
observations or clusters give intervals too wide and unstable to mean
anything (a 2025 ward has 6–19 LSOAs in 2–6 MSOAs).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm

from analysis import air_years
from analysis.areas import Area
from analysis.engine import Results
from layers.evidence_data import HealthTables, load_tables

#: At least this many LSOAs with data …
MIN_LSOAS = 60
#: … in at least this many MSOAs (the clusters) for the LSOA models.
MIN_CLUSTERS = 10
#: At least this many MSOAs for the MSOA model (5 parameters: ≥ 20 residual df).
MIN_MSOAS = 25
#: Confidence level of every interval.
CONFIDENCE = 0.95


@dataclass(frozen=True)
class Term:
    """One regression term: its column, label, unit and how to say "one SD more" of it."""

    column: str
    label: str
    unit: str
    more: str  # completes "areas with …"


GREEN = Term(
    "dist_2ha_300m_m",
    "Distance to the nearest 2 ha green space",
    "m",
    "their nearest 2 ha green space farther away",
)
BLUE = Term("blue_within_300m", "Blue space within 300 m", "share 0–1", "more blue space nearby")
NO2 = Term("no2_ugm3", "NO₂ annual mean, newest PCM year", "µg/m³", "higher NO₂")
IMD = Term("IMD_score", "IMD 2025 score (adjustment)", "score", "more deprivation")
#: The exposures, then the adjustment.
TERMS = (GREEN, BLUE, NO2, IMD)


@dataclass(frozen=True)
class Outcome:
    """A modelled outcome: column, level (LSOA or MSOA), label, unit and direction words."""

    key: str
    level: str
    label: str
    unit: str
    higher: str  # what a higher value means
    lower: str
    points: str  # the coefficient's unit, for sentences


SAMHI_2022 = Outcome(
    "samhi_2022",
    "LSOA",
    "SAMHI 2022 (Small Area Mental Health Index v5)",
    "SAMHI index (unitless)",
    "poorer population mental health",
    "better population mental health",
    "SAMHI points",
)
SAMHI_CHANGE = Outcome(
    "samhi_change_2019_2022",
    "LSOA",
    "Change in SAMHI 2019→2022",
    "SAMHI index points",
    "mental health that worsened more (or improved less) from 2019 to 2022",
    "mental health that worsened less (or improved more) from 2019 to 2022",
    "SAMHI points",
)
BAD_HEALTH = Outcome(
    "pct_bad_or_very_bad_health",
    "MSOA",
    "Bad or very bad general health, Census 2021 (TS037)",
    "% of residents (coefficients in percentage points)",
    "a larger share of residents in bad or very bad health",
    "a smaller share of residents in bad or very bad health",
    "percentage points",
)
OUTCOMES = (SAMHI_2022, SAMHI_CHANGE, BAD_HEALTH)

#: The caveats shown with every model; ``{air_year}`` is filled in by :func:`evidence`.
CAVEATS = [
    "Ecological: these are associations between areas (LSOAs or MSOAs), not between people; "
    "they do not say how any one person's health relates to where they live.",
    "Cross-sectional: exposure and health are measured at about the same time (NO₂ {air_year}, "
    "green and blue space 2023, SAMHI 2019–2022, Census 2021), so they cannot show which "
    "came first.",
    "Confounded: only deprivation (IMD 2025 score) is allowed for; age, ethnicity, housing, "
    "urbanity and the pollution-traffic-density bundle are not, and NO₂ and green-space "
    "distance both track how built-up an area is. No coefficient is a cause.",
    "SAMHI is published on 2011 LSOAs: split 2021 LSOAs copy their parent's value, so "
    "neighbours are not independent (the MSOA-clustered intervals allow for this).",
    "Access is straight-line from each LSOA's population-weighted centroid, not a walk "
    "from every home; NO₂ is a 1 km model that smooths roadside peaks.",
]


def lsoa_frame(results: Results, area: Area, samhi: pd.DataFrame) -> pd.DataFrame:
    """The LSOA analysis rows of ``area``: predictors, SAMHI outcomes, MSOA and IMD quintile.

    Rows are LSOAs with weight > 0 in the area and every value present.
    ``imd_quintile`` is England's (1 = most deprived 20%), from the IMD 2025 decile.
    """
    cols = ["lsoa21_code", "lsoa21_name", "msoa21_code", "population", "IMD_decile"]
    lsoa = pd.DataFrame(results.lsoa[cols + [t.column for t in TERMS]])
    lsoa = lsoa.loc[np.asarray(area.weights) > 0]
    lsoa[BLUE.column] = lsoa[BLUE.column].astype(float)
    out = lsoa.merge(
        samhi[["lsoa21_code", "samhi_index_2019", "samhi_index_2022"]], on="lsoa21_code"
    )
    out[SAMHI_2022.key] = out["samhi_index_2022"]
    out[SAMHI_CHANGE.key] = out["samhi_index_2022"] - out["samhi_index_2019"]
    out["imd_quintile"] = (out["IMD_decile"].astype(int) + 1) // 2
    keep = [t.column for t in TERMS] + [SAMHI_2022.key, SAMHI_CHANGE.key]
    return out.dropna(subset=keep).reset_index(drop=True)


def msoa_frame(results: Results, area: Area, ts037: pd.DataFrame) -> pd.DataFrame:
    """The MSOA analysis rows: MSOAs with an LSOA in ``area``, predictors population-weighted
    over all of each MSOA's LSOAs (Census 2021 residents), and the TS037 bad-health share (%)."""
    lsoa = pd.DataFrame(results.lsoa[["msoa21_code", "population"] + [t.column for t in TERMS]])
    inside = set(lsoa.loc[np.asarray(area.weights) > 0, "msoa21_code"])
    lsoa = lsoa.loc[lsoa["msoa21_code"].isin(inside)]
    pop = lsoa["population"].to_numpy(float)
    weighted = pd.DataFrame({"msoa21_code": lsoa["msoa21_code"], "population": pop})
    for t in TERMS:
        weighted[t.column] = lsoa[t.column].to_numpy(float) * pop
    sums = weighted.groupby("msoa21_code", sort=True).sum()
    for t in TERMS:
        sums[t.column] = sums[t.column] / sums["population"]
    out = sums.reset_index().merge(
        ts037[["msoa21_code", BAD_HEALTH.key]], on="msoa21_code", how="inner"
    )
    return out.dropna(subset=[t.column for t in TERMS] + [BAD_HEALTH.key]).reset_index(drop=True)


def standardise(
    frame: pd.DataFrame, terms: tuple[Term, ...]
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Each term's column as (x − mean) / SD (sample SD, ddof = 1); terms with SD 0 are dropped.

    Returns the standardised design (without the constant) and each kept term's SD
    in its own unit.
    """
    design = {}
    sds: dict[str, float] = {}
    for t in terms:
        x = frame[t.column].to_numpy(float)
        sd = float(np.std(x, ddof=1)) if len(x) > 1 else 0.0
        if sd > 0:
            design[t.column] = (x - x.mean()) / sd
            sds[t.column] = sd
    return pd.DataFrame(design, index=frame.index), sds


def _table(fit: Any, sds: dict[str, float]) -> list[dict[str, Any]]:
    ci = np.asarray(fit.conf_int(alpha=1 - CONFIDENCE))
    names = list(fit.model.exog_names)
    rows = []
    for i, name in enumerate(names):
        if name == "const":
            continue
        term = next(t for t in TERMS if t.column == name)
        rows.append(
            {
                "term": name,
                "label": term.label,
                "sd": sds[name],
                "sd_unit": term.unit,
                "coef": float(fit.params.iloc[i]),
                "se": float(fit.bse.iloc[i]),
                "ci_low": float(ci[i, 0]),
                "ci_high": float(ci[i, 1]),
                "p": float(fit.pvalues.iloc[i]),
            }
        )
    return rows


def fit_model(frame: pd.DataFrame, outcome: str, clusters: str | None = None) -> dict[str, Any]:
    """OLS of ``frame[outcome]`` on the standardised :data:`TERMS` (plus a constant).

    With ``clusters`` (a column, e.g. ``msoa21_code``) the main errors are
    cluster-robust by that column and HC3 is the sensitivity; without, HC3 is
    the main and the classical (non-robust) errors the sensitivity.

    Returns the coefficient table (per SD of each predictor, in the outcome's
    unit), n, R², the number of clusters and which covariance was used.
    """
    design, sds = standardise(frame, TERMS)
    exog = sm.add_constant(design, has_constant="add")
    y = frame[outcome].to_numpy(float)
    model = sm.OLS(y, exog)
    if clusters is not None:
        groups = pd.factorize(frame[clusters])[0]
        main = model.fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
        sens = model.fit(cov_type="HC3", use_t=True)
        cov, sens_cov, n_clusters = "cluster", "HC3", int(groups.max() + 1)
    else:
        main = model.fit(cov_type="HC3", use_t=True)
        sens = model.fit(use_t=True)
        cov, sens_cov, n_clusters = "HC3", "nonrobust", None
    dropped = [t.column for t in TERMS if t.column not in sds]
    return {
        "n": int(main.nobs),
        "r2": float(main.rsquared),
        "cov_type": cov,
        "cluster_by": clusters,
        "n_clusters": n_clusters,
        "coefficients": _table(main, sds),
        "sensitivity": {"cov_type": sens_cov, "coefficients": _table(sens, sds)},
        "not_estimated": [{"term": c, "reason": "no variation among these areas"} for c in dropped],
    }


def _suppression(n: int, n_groups: int | None, level: str) -> str | None:
    """Why a model is not shown, or None if there are enough areas."""
    if level == "LSOA" and n_groups is not None:
        if n < MIN_LSOAS or n_groups < MIN_CLUSTERS:
            return (
                f"Not estimated: {n} LSOAs in {n_groups} MSOAs. The LSOA models need at least "
                f"{MIN_LSOAS} LSOAs in at least {MIN_CLUSTERS} MSOAs for a confidence interval "
                "to mean anything; choose a larger place (a district or the county)."
            )
        return None
    if n < MIN_MSOAS:
        return (
            f"Not estimated: {n} MSOAs. The MSOA model needs at least {MIN_MSOAS} MSOAs; "
            "choose a larger place (a district or the county)."
        )
    return None


def _model_entry(frame: pd.DataFrame, outcome: Outcome) -> dict[str, Any]:
    clusters = "msoa21_code" if outcome.level == "LSOA" else None
    n = len(frame)
    n_groups = int(frame["msoa21_code"].nunique()) if clusters else None
    head = {
        "outcome": outcome.key,
        "outcome_label": outcome.label,
        "outcome_unit": outcome.unit,
        "level": outcome.level,
        "higher_means": outcome.higher,
    }
    reason = _suppression(n, n_groups, outcome.level)
    if reason is not None:
        return {**head, "suppressed": True, "suppression": reason, "n": n, "n_clusters": n_groups}
    return {
        **head,
        "suppressed": False,
        "suppression": None,
        **fit_model(frame, outcome.key, clusters),
    }


def _signed(value: float) -> str:
    """``+0.21``, ``-0.05``; ``0.00`` without a sign when it rounds to zero."""
    text = f"{value:+.2f}"
    return "0.00" if text in ("+0.00", "-0.00") else text


def _phrase(row: dict[str, Any], outcome: Outcome) -> str:
    term = next(t for t in TERMS if t.column == row["term"])
    ci = (
        f"{_signed(row['coef'])} {outcome.points} per SD, 95% CI {_signed(row['ci_low'])} "
        f"to {_signed(row['ci_high'])}"
    )
    if row["ci_low"] > 0:
        return f"areas with {term.more} tend to have {outcome.higher} ({ci})"
    if row["ci_high"] < 0:
        return f"areas with {term.more} tend to have {outcome.lower} ({ci})"
    return f"areas with {term.more} show no clear difference ({ci})"


def summary(area_name: str, models: list[dict[str, Any]]) -> str:
    """A plain-language summary: "areas with X tend to …, after allowing for deprivation"."""
    sentences = []
    for model in models:
        outcome = next(o for o in OUTCOMES if o.key == model["outcome"])
        if model["suppressed"] or outcome is SAMHI_CHANGE:
            continue
        parts = [_phrase(r, outcome) for r in model["coefficients"] if r["term"] != IMD.column]
        if parts:
            sentences.append(
                f"{outcome.label}, {model['n']:,} {outcome.level}s: "
                + "; ".join(parts)
                + ", after allowing for deprivation."
            )
    if not sentences:
        return (
            f"{area_name} has too few small areas for these models to mean anything; "
            "no associations are reported."
        )
    return (
        f"In {area_name}: "
        + " ".join(sentences)
        + " These are associations between areas, not causes."
    )


def too_few_message(result: dict[str, Any]) -> str:
    """The sentence shown instead of the models when every model of a place is suppressed."""
    name = result["area"]["name"]
    return (
        f"{name} has {result['n_lsoa']} LSOAs in {result['n_msoa_clusters']} MSOAs: too few "
        f"for these models to mean anything. They need at least {MIN_LSOAS} LSOAs in "
        f"{MIN_CLUSTERS} MSOAs (and {MIN_MSOAS} MSOAs for general health). Choose a district "
        "or the county."
    )


def evidence(results: Results, area: Area, tables: HealthTables | None = None) -> dict[str, Any]:
    """The evidence for ``area``, ready for ``healthyplaces evidence PLACE --json`` and the page.

    ``tables`` are the SAMHI and TS037 frames (default: read from the bundle by
    :func:`layers.evidence_data.load_tables`). Models of places with too few
    areas carry ``suppressed: true`` and a ``suppression`` message, no numbers.
    """
    tables = tables if tables is not None else load_tables()
    lsoas = lsoa_frame(results, area, tables.samhi)
    msoas = msoa_frame(results, area, tables.ts037)
    models = [_model_entry(lsoas, SAMHI_2022), _model_entry(lsoas, SAMHI_CHANGE)]
    models.append(_model_entry(msoas, BAD_HEALTH))
    return {
        "area": {"name": area.name, "code": area.code, "level": area.level},
        "n_lsoa": len(lsoas),
        "n_msoa_clusters": int(lsoas["msoa21_code"].nunique()),
        "n_msoa": len(msoas),
        "suppressed": all(m["suppressed"] for m in models),
        "thresholds": {
            "min_lsoas": MIN_LSOAS,
            "min_msoa_clusters": MIN_CLUSTERS,
            "min_msoas": MIN_MSOAS,
        },
        "predictors": [
            {
                "term": t.column,
                "label": t.label,
                "unit": t.unit,
                "role": "adjustment" if t is IMD else "exposure",
            }
            for t in TERMS
        ],
        "method": (
            "OLS per LSOA (SAMHI) and per MSOA (TS037) on green-space distance, blue space "
            "within 300 m and NO₂, adjusted for the IMD 2025 score; every predictor per SD "
            "within the place; 95% CIs from MSOA-clustered errors (LSOA models, t with G−1 df) "
            "or HC3 (MSOA model), with HC3 / classical errors as the sensitivity."
        ),
        "models": models,
        "summary": summary(area.name, models),
        "air_year": air_years.selected_year(),
        "caveats": [c.format(air_year=air_years.selected_year()) for c in CAVEATS],
        "sources": [
            "SAMHI v5.00: Daras K, Barr B (2021), doi:10.17638/datacat.liverpool.ac.uk/1188 (OGL)",
            "ONS Census 2021 TS037 general health, MSOA 2021 (OGL)",
            "English Indices of Deprivation 2025, MHCLG (OGL)",
            f"DEFRA PCM NO₂ {air_years.selected_year()} (OGL); green and blue space from "
            "OpenStreetMap 2023 (ODbL)",
        ],
    }
