"""Who is left out: access and exposure by age, ethnic group, disability, car,
accommodation and household deprivation; the life course; gardens and parks.

Every figure here is at LSOA level: the group counts of each LSOA (Census 2021
topic tables, :mod:`layers.census`) are spread over the LSOAs in proportion,
and everyone in an LSOA gets that LSOA's access and exposure (measured at its
population-weighted centroid, :mod:`analysis.engine`). The method string
:data:`METHOD` says so in every output. Gaps and their bootstrap intervals are
:mod:`geo.equity`; the suppression rule is
:func:`geo.inequality.suppression_reason`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from analysis import air_years
from analysis.areas import Area
from analysis.engine import Results
from geo import equity as eq
from geo import inequality, proximity
from geo.standards import ACCESS_TIERS, HEADLINE_TIER
from layers import census, greenspace, population
from layers.bundle import fingerprint

FloatArray = npt.NDArray[np.float64]

#: How group counts meet the LSOA indicators (the population surface will replace it).
METHOD = "group counts spread over LSOAs in proportion"


@dataclass(frozen=True)
class Group:
    """One population group: its family, the stored census column and its reference."""

    family: str
    name: str
    label: str
    reference: str | None  # the group it is compared with (None: it is the reference)


#: Family → (source layer, unit, groups). Age comes from the six-band ``population`` table.
FAMILIES: dict[str, tuple[str, str, tuple[Group, ...]]] = {
    "age": (
        "population",
        "people",
        (
            Group("age", "age_0_15", "Aged 0–15", "age_16_64"),
            Group("age", "age_16_64", "Aged 16–64", None),
            Group("age", "age_65_plus", "Aged 65+", "age_16_64"),
        ),
    ),
    "ethnic_group": (
        "census_ts021",
        "people",
        (
            Group("ethnic_group", "asian", "Asian, Asian British or Asian Welsh", "white"),
            Group("ethnic_group", "black", "Black, Black British, Caribbean or African", "white"),
            Group("ethnic_group", "mixed", "Mixed or multiple ethnic groups", "white"),
            Group("ethnic_group", "white", "White", None),
            Group("ethnic_group", "other", "Other ethnic group", "white"),
        ),
    ),
    "disability": (
        "census_ts038",
        "people",
        (
            Group("disability", "disabled", "Disabled (Equality Act)", "not_disabled"),
            Group("disability", "not_disabled", "Not disabled", None),
        ),
    ),
    "car": (
        "census_ts045",
        "households",
        (
            Group("car", "no_car", "Households with no car or van", "car"),
            Group("car", "car", "Households with a car or van", None),
        ),
    ),
    "accommodation": (
        "census_ts044",
        "households",
        (
            Group("accommodation", "flats", "Households in flats", "houses"),
            Group("accommodation", "houses", "Households in houses", None),
        ),
    ),
    "household_deprivation": (
        "census_ts011",
        "households",
        (
            Group(
                "household_deprivation",
                "deprived_2_plus",
                "Households deprived in 2+ dimensions",
                "deprived_0_1",
            ),
            Group("household_deprivation", "deprived_0_1", "Households deprived in 0–1", None),
        ),
    ),
}
GROUPS: tuple[Group, ...] = tuple(g for _, _, gs in FAMILIES.values() for g in gs)

#: Indicator → (results column, label, kind, units).
INDICATORS: dict[str, tuple[str, str, str, str]] = {
    **{
        f"meets_{t.name}": (t.meets_col, t.label, "share", "0–1 of the group") for t in ACCESS_TIERS
    },
    "blue_within_300m": ("blue_within_300m", "Blue space within 300 m", "share", "0–1"),
    "meets_rule_3_30_300": (
        "meets_rule_3_30_300",
        "3-30-300: a 1 ha green space within 300 m",
        "share",
        "0–1 of the group",
    ),
    "no2_ugm3": ("no2_ugm3", "NO₂ annual mean (DEFRA PCM)", "mean", "µg/m³"),
    "pm25_ugm3": ("pm25_ugm3", "PM2.5 annual mean (DEFRA PCM)", "mean", "µg/m³"),
}
#: The air indicators: their year is the PCM year of the results' unsuffixed air columns.
AIR_INDICATORS = ("no2_ugm3", "pm25_ugm3")
_BOUNDS = {"share": (-1.0, 1.0), "mean": (-np.inf, np.inf)}


@cache
def _group_counts_for(bundle_key: str) -> pd.DataFrame:
    """Every group's count per LSOA21 (index ``lsoa21_code``) and each family's own total."""
    pop = population.load_population().set_index("lsoa21_code")
    out = pd.DataFrame(index=pop.index)
    out["age_0_15"] = pop["age_0_15"]
    out["age_16_64"] = pop[["age_16_24", "age_25_34", "age_35_49", "age_50_64"]].sum(axis=1)
    out["age_65_plus"] = pop["age_65_plus"]
    out["total_age"] = pop["population"]
    for family, (layer, _, groups) in FAMILIES.items():
        if layer == "population":
            continue
        table = census.load_table(layer).set_index("lsoa21_code")
        for g in groups:
            out[g.name] = table[g.name]
        out[f"total_{family}"] = table["total"]
    del bundle_key
    return out.astype(float)


def group_counts(results: Results) -> pd.DataFrame:
    """Group counts aligned row by row with ``results.lsoa`` (people or households)."""
    counts = _group_counts_for(fingerprint())
    return counts.reindex(results.lsoa["lsoa21_code"].to_numpy()).reset_index(drop=True)


def _indicator_matrix(results: Results, keys: list[str]) -> FloatArray:
    cols = [INDICATORS[k][0] for k in keys]
    frame = results.lsoa[cols]
    return np.column_stack(
        [frame[c].astype("Float64").to_numpy(dtype=float, na_value=np.nan) for c in cols]
    )


def _place_frame(results: Results, area: Area) -> tuple[npt.NDArray[np.bool_], FloatArray]:
    """Which LSOAs the area counts and the share of each counted."""
    share = np.asarray(area.share, dtype=float)
    return share > 0, share


def place_suppression(results: Results, area: Area) -> str | None:
    """The place-level suppression reason (too few LSOAs or IMD deciles), or None."""
    keep, _ = _place_frame(results, area)
    deciles = results.lsoa.loc[keep, "IMD_decile"].dropna().nunique()
    return inequality.suppression_reason(int(keep.sum()), int(deciles))


def _family_summary(counts: pd.DataFrame, share: FloatArray, place_pop: float) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for family, (layer, unit, groups) in FAMILIES.items():
        total = float(np.sum(counts[f"total_{family}"].to_numpy() * share))
        out[family] = {
            "source": layer,
            "unit": unit,
            "denominator": f"the table's own total ({total:,.0f} {unit})",
            "table_total": total,
            "groups": {
                g.name: {
                    "label": g.label,
                    "count": float(np.sum(counts[g.name].to_numpy() * share)),
                    "share_of_place": float(np.sum(counts[g.name].to_numpy() * share) / total)
                    if total > 0
                    else None,
                }
                for g in groups
            },
        }
    out["age"]["place_population"] = place_pop
    return out


def _nan_none(x: float) -> float | None:
    return None if not np.isfinite(x) else float(x)


def _gap_entry(
    means: FloatArray,
    samples: eq.GapSamples,
    gi: int,
    ri: int,
    ki: int,
    place_reason: str | None,
    kind: str,
) -> dict[str, Any]:
    g = eq.gap(means, samples, gi, ri, ki)
    reason = place_reason or inequality.suppression_reason(
        inequality.MIN_UNITS, inequality.MIN_DECILES, g.difference_ci, _BOUNDS[kind]
    )
    entry: dict[str, Any] = {"group": GROUPS[gi].name, "reference": GROUPS[ri].name}
    if reason is not None:
        return {**entry, "suppressed": reason}
    return {
        **entry,
        "difference": _nan_none(g.difference),
        "difference_ci": [_nan_none(g.difference_ci[0]), _nan_none(g.difference_ci[1])],
        "ratio": _nan_none(g.ratio),
        "ratio_ci": [_nan_none(g.ratio_ci[0]), _nan_none(g.ratio_ci[1])],
        "suppressed": None,
    }


def equity_profile(
    results: Results, area: Area, n_boot: int = eq.N_BOOT, seed: int = eq.SEED
) -> dict[str, Any]:
    """Group populations, shares meeting each standard (or mean exposure), gaps and CIs.

    JSON-ready (``healthyplaces equity PLACE --json``). Shares are 0–1 of the
    group (people or households, as the family's ``unit``); exposures are
    population-weighted means in µg/m³ (DEFRA PCM, the year in ``air_year``). Gaps are the group
    minus its reference group, with 95% percentile bootstrap intervals over
    the area's LSOAs (:mod:`geo.equity`), suppressed by the one rule of
    :func:`geo.inequality.suppression_reason`.
    """
    keep, share = _place_frame(results, area)
    counts = group_counts(results)
    names = [g.name for g in GROUPS]
    c = counts[names].to_numpy(float)[keep] * share[keep, None]
    keys = list(INDICATORS)
    v = _indicator_matrix(results, keys)[keep]
    means = eq.group_means(c, v)
    samples = eq.bootstrap_means(c, v, n_boot, seed)
    reason = place_suppression(results, area)
    pos = {n: i for i, n in enumerate(names)}
    place_pop = float(np.sum(results.lsoa["population"].to_numpy(float) * share))
    year = air_years.selected_year()
    indicators: dict[str, Any] = {}
    for ki, key in enumerate(keys):
        _, label, kind, units = INDICATORS[key]
        indicators[key] = {
            "label": f"{label}, {year}" if key in AIR_INDICATORS else label,
            "year": year if key in AIR_INDICATORS else 2023,
            "kind": kind,
            "units": units,
            "by_group": {n: _nan_none(means[i, ki]) for n, i in pos.items()},
            "by_group_ci": {
                n: [_nan_none(x) for x in eq.mean_interval(samples, i, ki)] for n, i in pos.items()
            },
            "gaps": [
                _gap_entry(means, samples, pos[g.name], pos[g.reference], ki, reason, kind)
                for g in GROUPS
                if g.reference is not None
            ],
        }
    return {
        "place": area.name,
        "code": area.code,
        "level": area.level,
        "method": METHOD,
        "air_year": year,
        "lsoa_weighting": area.method,
        "n_lsoa": int(keep.sum()),
        "population": place_pop,
        "bootstrap": {
            "replicates": n_boot,
            "seed": seed,
            "unit": "LSOA",
            "interval": "95% percentile bootstrap over the area's LSOAs",
        },
        "groups": _family_summary(counts, share, place_pop),
        "indicators": indicators,
        "suppression": reason,
        "sources": "Census 2021 TS021, TS038, TS044, TS045, TS011 and the six age bands "
        f"(ONS, OGL v3.0); access from OpenStreetMap 2023; air from DEFRA PCM {year}.",
    }


# --- The life course -----------------------------------------------------------

#: Fields in Trust (2015) *Guidance for Outdoor Sport and Play*: a LEAP within 400 m.
PLAY_DISTANCE_M = 400.0


@cache
def _play_distance_for(bundle_key: str, xy: tuple[tuple[float, float], ...]) -> FloatArray:
    del bundle_key
    g = greenspace.load_greenspace()
    play = g[(g["typology"] == "play_space") & g["public_access"].astype(bool)]
    pts = np.array(xy)
    return proximity.nearest_distance(
        shapely.points(pts[:, 0], pts[:, 1]), np.asarray(play.geometry.values)
    )


def play_distance(results: Results) -> FloatArray:
    """Straight-line distance (m, EPSG:27700) from each LSOA's population-weighted centroid
    to the nearest publicly accessible OSM play space (``typology == "play_space"``)."""
    xy = tuple(zip(results.lsoa["pwc_x"].tolist(), results.lsoa["pwc_y"].tolist(), strict=True))
    return _play_distance_for(fingerprint(), xy)


def _weighted(values: FloatArray, weights: FloatArray) -> float | None:
    ok = np.isfinite(values) & (weights > 0)
    total = float(weights[ok].sum())
    return float(np.sum(values[ok] * weights[ok]) / total) if total > 0 else None


def life_course(results: Results, area: Area) -> dict[str, Any]:
    """Children's play access and older people's doorstep access and NO₂, beside everyone's.

    * Children (0–15): share within 400 m straight line of a public play space
      (Fields in Trust 2015, the LEAP walking-distance guideline of 400 m).
    * Older people (65+): share with a 0.5 ha site within 200 m (Natural
      England GI Framework doorstep standard), and 65+-weighted NO₂ (µg/m³,
      DEFRA PCM, the year of the results' air columns: ``air_year``).
    """
    _, share = _place_frame(results, area)
    lsoa = results.lsoa
    kids = lsoa["age_0_15"].to_numpy(float) * share
    old = lsoa["age_65_plus"].to_numpy(float) * share
    everyone = lsoa["population"].to_numpy(float) * share
    play = (play_distance(results) <= PLAY_DISTANCE_M).astype(float)
    door = lsoa["meets_0.5ha_200m"].astype(float).to_numpy()
    no2 = lsoa["no2_ugm3"].to_numpy(float)
    return {
        "method": METHOD,
        "air_year": air_years.selected_year(),
        "children": {
            "group": "Aged 0–15",
            "people": float(kids.sum()),
            "standard": "A public play space within 400 m straight line (Fields in Trust "
            "2015, LEAP guideline)",
            "share_meeting": _weighted(play, kids),
            "all_ages_share_meeting": _weighted(play, everyone),
            "people_without": float(np.sum(kids * (1 - play))),
        },
        "older_people": {
            "group": "Aged 65+",
            "people": float(old.sum()),
            "standard": "A 0.5 ha green space within 200 m (Natural England doorstep)",
            "share_meeting": _weighted(door, old),
            "all_ages_share_meeting": _weighted(door, everyone),
            "people_without": float(np.sum(old * (1 - door))),
            "no2_ugm3": _weighted(no2, old),
            "all_ages_no2_ugm3": _weighted(no2, everyone),
        },
        "suppression": place_suppression(results, area),
    }


def lsoa_group_shares(results: Results) -> pd.DataFrame:
    """Per LSOA: each group's share of its own table's total (0–1), for exports."""
    counts = group_counts(results)
    out = pd.DataFrame({"lsoa21_code": results.lsoa["lsoa21_code"].to_numpy()})
    for family, (_, _, groups) in FAMILIES.items():
        total = counts[f"total_{family}"].to_numpy(float)
        for g in groups:
            with np.errstate(invalid="ignore", divide="ignore"):
                out[f"share_{g.name}"] = np.where(total > 0, counts[g.name] / total, np.nan)
    return out


# --- Deprivation gradients with indicator-named keys ----------------------------


def _suppress(
    stat: dict[str, Any], keys: tuple[str, str], bounds: tuple[float, float], base: str | None
) -> str | None:
    return base or inequality.suppression_reason(
        inequality.MIN_UNITS,
        inequality.MIN_DECILES,
        (float(stat[keys[0]]), float(stat[keys[1]])),
        bounds,
    )


def _named(prefix: str, stat: dict[str, Any], value: str, reason: str | None) -> dict[str, Any]:
    """One gradient as ``{value, ci: [low, high], suppressed}`` (values None when suppressed)."""
    if reason is not None:
        return {"value": None, "ci": [None, None], "suppressed": reason}
    return {
        "value": _nan_none(float(stat[value])),
        "ci": [
            _nan_none(float(stat[f"{prefix}_ci_low"])),
            _nan_none(float(stat[f"{prefix}_ci_high"])),
        ],
        "suppressed": None,
    }


def gradients(results: Results, area: Area) -> dict[str, Any]:
    """SII, RII and concentration index over IMD 2025, keyed by indicator name.

    Keys are e.g. ``sii_meets_2ha_300m``, ``ci_no2_ugm3``.

    Binary indicators (the access standards) also get the Erreygers-corrected
    index (``erreygers_<indicator>``, Erreygers 2009). Every statistic passes
    the one suppression rule (:func:`geo.inequality.suppression_reason`): too
    few LSOAs or deciles, or an interval outside the statistic's possible range
    (``[−1, 1]`` for the SII of a share and for both concentration indices).
    The old, unnamed keys ``sii``, ``rii`` and ``concentration_index`` (the
    profile's, for the headline tier) are kept as aliases of
    ``sii_meets_2ha_300m``, ``rii_meets_2ha_300m`` and ``ci_meets_2ha_300m``
    (:data:`ALIASES`), suppressed by the same rule.
    """
    keep, share = _place_frame(results, area)
    lsoa = results.lsoa.loc[keep]
    w = lsoa["population"].to_numpy(float) * share[keep]
    rank = lsoa["IMD_rank"].to_numpy(float)
    base = place_suppression(results, area)
    out: dict[str, Any] = {"method": "WLS on the population ridit of IMD 2025 rank (LSOAs)"}
    for key, (col, _, kind, _) in INDICATORS.items():
        y = lsoa[col].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        s = inequality.slope_index(y, rank, w)
        c = inequality.concentration_index(y, rank, w)
        sii_bounds = (-1.0, 1.0) if kind == "share" else (-np.inf, np.inf)
        out[f"sii_{key}"] = _named(
            "sii", s, "sii", _suppress(s, ("sii_ci_low", "sii_ci_high"), sii_bounds, base)
        )
        out[f"rii_{key}"] = _named(
            "rii", s, "rii", _suppress(s, ("rii_ci_low", "rii_ci_high"), (-np.inf, np.inf), base)
        )
        out[f"ci_{key}"] = _named(
            "ci", c, "ci", _suppress(c, ("ci_ci_low", "ci_ci_high"), (-1.0, 1.0), base)
        )
        if kind == "share":
            e = inequality.erreygers_index(y, rank, w)
            out[f"erreygers_{key}"] = _named(
                "erreygers",
                e,
                "erreygers",
                _suppress(e, ("erreygers_ci_low", "erreygers_ci_high"), (-1.0, 1.0), base),
            )
    for old, new in ALIASES.items():
        out[old] = dict(out[new])
    out["aliases"] = dict(ALIASES)
    return out


#: Old gradient keys (the profile's, for the headline tier) → their indicator-named keys.
ALIASES = {
    "sii": f"sii_meets_{HEADLINE_TIER}",
    "rii": f"rii_meets_{HEADLINE_TIER}",
    "concentration_index": f"ci_meets_{HEADLINE_TIER}",
}
#: The possible range of each headline statistic of a share (an interval outside it is absurd).
_HEADLINE_BOUNDS = {
    "sii": (-1.0, 1.0),
    "rii": (-np.inf, np.inf),
    "concentration_index": (-1.0, 1.0),
    "erreygers_index": (-1.0, 1.0),
}


def headline_suppression(
    results: Results, area: Area, prof: Mapping[str, Any]
) -> dict[str, str | None]:
    """The suppression reason (or None) of the profile's ``sii``, ``rii`` and
    ``concentration_index`` (each ``{value, ci_low, ci_high}``), by the one rule of
    :func:`geo.inequality.suppression_reason`: too few LSOAs or deciles in the
    area, or an interval outside the statistic's possible range."""
    base = place_suppression(results, area)
    out: dict[str, str | None] = {}
    for key, bounds in _HEADLINE_BOUNDS.items():
        stat = prof.get(key) or prof.get(f"{key}_meets_2ha_300m") or {}
        if "suppressed" in stat:  # already decided by analysis.profiles.profile
            out[key] = stat.get("reason")
            continue
        interval = (_finite(stat.get("ci_low")), _finite(stat.get("ci_high")))
        out[key] = base or inequality.suppression_reason(
            inequality.MIN_UNITS, inequality.MIN_DECILES, interval, bounds
        )
    return out


def _finite(x: Any) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        return float("nan")
