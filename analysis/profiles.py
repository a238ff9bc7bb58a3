"""Profiles of places: who is counted in an area, and its headline indicators.

A named place is its LSOAs (ONS lookup); a user polygon weights each LSOA by
the share of its area inside. :func:`profile` gives one area's indicators
(the ``healthyplaces profile`` JSON), :func:`place_table` every place's in one
pass, and :func:`decile_table` every indicator by IoD 2025 decile. All are
presentation-free aggregations of :class:`analysis.engine.Results`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from analysis import air_years, areas, equity, site_definitions, walk
from analysis.areas import Area
from analysis.engine import INDICATORS, RULE_300, Results, habitats
from analysis.profile_model import Profile
from geo import aggregate, air, inequality, nature, standards
from geo.standards import ACCESS_TIERS
from layers import air_quality, catalogue, network, places


def _slope(
    values: NDArray[np.float64], rank: NDArray[np.float64], w: NDArray[np.float64]
) -> dict[str, dict[str, float]]:
    keep = w > 0
    s = inequality.slope_index(values[keep], rank[keep], w[keep])
    return {
        "sii": {"value": s["sii"], "ci_low": s["sii_ci_low"], "ci_high": s["sii_ci_high"]},
        "rii": {"value": s["rii"], "ci_low": s["rii_ci_low"], "ci_high": s["rii_ci_high"]},
    }


#: Indicator-named keys of the headline gradients (issue 10); ``sii``, ``rii`` and
#: ``concentration_index`` stay as aliases with the same content.
GRADIENT_KEYS: dict[str, str] = {
    key: f"{key}_meets_{standards.HEADLINE_TIER}"
    for key in ("sii", "rii", "concentration_index", "erreygers_index")
}


def _name_and_suppress(prof: dict[str, Any], reasons: Mapping[str, str | None]) -> None:
    """Give each gradient its ``suppressed`` flag and ``reason``, blanking a suppressed one.

    A place with too few LSOAs or deciles, or an interval outside the statistic's
    possible range (:func:`geo.inequality.suppression_reason`), gets ``None`` for
    the value and interval, never an absurd number.
    """
    for key, named in GRADIENT_KEYS.items():
        reason = reasons.get(key)
        stat = dict(prof[key])
        if reason is not None:
            stat.update(value=None, ci_low=None, ci_high=None)
        stat.update(suppressed=reason is not None, reason=reason)
        prof[key] = prof[named] = stat


def profile(results: Results, area: Area, definition: str | None = None) -> Profile:
    """Every headline indicator of an area, in the units named by its key.

    Shares are 0–1 of the area's population; concentrations µg/m³ (annual
    means, the PCM year in use); distances metres; ``access_network`` values are ``None``
    where the offline network does not cover anyone in the area.

    Parameters
    ----------
    results
        From :func:`analysis.engine.load_results`.
    area
        From :mod:`analysis.areas`.
    definition
        Site definition of the straight-line tier shares (``access_straight``,
        3-30-300, SII/RII); default :data:`geo.standards.DEFAULT_SITE_DEFINITION`.
        Every definition is in ``access_straight_by_definition`` whichever is chosen.

    Returns
    -------
    Profile
        Typed; its :meth:`~analysis.profile_model.Profile.to_json` is the
        ``healthyplaces profile --json`` object (see :data:`UNITS`).
    """
    results = site_definitions.for_definition(areas.counted_inside(results, area), definition)
    t = results.lsoa
    w = area.weights
    inside = w > 0
    pop = float(w.sum())
    prof: dict[str, Any] = {
        "place": {
            "code": area.code,
            "name": area.name,
            "level": area.level,
            "parent_code": area.parent_code,
            "parent_name": area.parent_name,
        },
        "method": area.method,
        "n_lsoas": int(inside.sum()),
        "population": round(pop, 1) if area.level == "custom" else round(pop),
        "imd_score_pop_weighted": aggregate.weighted_mean(t["IMD_score"], w),
        "lsoa_share_most_deprived_decile": float((t.loc[inside, "IMD_decile"] == 1).mean())
        if inside.any()
        else float("nan"),
        "pop_share_imd_deciles_1_2": aggregate.weighted_share(t["IMD_decile"] <= 2, w)[0],
    }
    notes: list[str] = [area.note] if area.note else []
    for pol in air_quality.POLLUTANTS:
        prof[f"{pol}_pop_weighted_ugm3"] = aggregate.weighted_mean(t[f"{pol}_ugm3"], w)
        known = t[f"{pol}_ugm3"].notna()
        flags = t[f"{pol}_above_who"].astype("Float64").where(known)
        prof[f"pop_share_{pol}_above_who"], cov = aggregate.weighted_share(flags, w)
        flags_uk = t[f"{pol}_above_uk_limit"].astype("Float64").where(known)
        prof[f"pop_share_{pol}_above_uk_limit"] = aggregate.weighted_share(flags_uk, w)[0]
        coverage = _air_coverage(results, area, pol, cov)
        prof.setdefault("air_coverage", {})[pol] = coverage
        if coverage < 0.999:
            notes.append(
                f"{standards.POLLUTANT_LABELS[pol]} data cover {coverage:.0%} of this area."
            )
    green_ha, lnr_ha = _green_hectares(results, area)
    prof["accessible_green_ha"] = green_ha
    prof["accessible_green_ha_per_1000"] = green_ha / pop * 1000 if pop else float("nan")
    prof["green_standard_ha_per_1000"] = standards.GREEN_HA_PER_1000_STANDARD
    prof["nature_reserve_ha_per_1000"] = lnr_ha / pop * 1000 if pop else float("nan")
    prof["lnr_standard_ha_per_1000"] = standards.LNR_HA_PER_1000_STANDARD
    prof["access_straight"] = {
        tier.name: aggregate.weighted_share(t[f"meets_{tier.name}"], w)[0] for tier in ACCESS_TIERS
    }
    net = {
        tier.name: aggregate.weighted_share(t[f"net_meets_{tier.name}"], w) for tier in ACCESS_TIERS
    }
    prof["access_network"] = {k: (v[0] if v[1] > 0 else None) for k, v in net.items()}
    prof["access_network_coverage"] = {k: v[1] for k, v in net.items()}
    prof["detour_ratio_median"] = {
        tier.name: _median(t.loc[inside, f"detour_{tier.name}"]) for tier in ACCESS_TIERS
    }
    if max(v[1] for v in net.values()) < 1:
        notes.append(
            f"Walking-network results cover {network.network_coverage().place} only offline; "
            "elsewhere they are not available (straight-line results are shown)."
        )
    prof["rule_3_30_300_share"] = aggregate.weighted_share(t[f"meets_{RULE_300.name}"], w)[0]
    prof["blue_within_300m_share"] = aggregate.weighted_share(t["blue_within_300m"], w)[0]
    prof["blue_within_1km_share"] = aggregate.weighted_share(t["blue_within_1km"], w)[0]
    bnet = aggregate.weighted_share(t["blue_net_within_300m"], w)
    prof["blue_network_within_300m_share"] = bnet[0] if bnet[1] > 0 else None
    prof["habitat_shannon"] = _area_shannon(results, area)
    prof["habitat_shannon_1km_pop_weighted"] = aggregate.weighted_mean(t["habitat_shannon_1km"], w)
    land = t["area_ha"].to_numpy(float) * area.share
    prof["natural_share"] = aggregate.weighted_mean(t["natural_share"], land)
    prof["nature_reserve_share"] = aggregate.weighted_mean(t["nature_reserve_share"], land)
    prof["trees_per_km2"] = aggregate.weighted_mean(t["trees_per_km2"], land)
    prof["double_burden_population"] = round(
        aggregate.weighted_sum(t["double_burden"].astype(float), w)
    )
    prof["double_burden_lsoas"] = int(((t["double_burden"] > 0) & inside).sum())
    prof["no2_county_median_ugm3"] = results.no2_county_median
    meets = t[f"meets_{standards.HEADLINE_TIER}"].to_numpy(float)
    prof.update(_slope(meets, t["IMD_rank"].to_numpy(float), w))
    ci = inequality.concentration_index(
        meets[inside], t["IMD_rank"].to_numpy(float)[inside], w[inside]
    )
    prof["concentration_index"] = {
        "value": ci["ci"],
        "ci_low": ci["ci_ci_low"],
        "ci_high": ci["ci_ci_high"],
    }
    # The headline share is bounded in [0, 1]: Erreygers (2009) corrects its index.
    e = inequality.erreygers_index(meets[inside], t["IMD_rank"].to_numpy(float)[inside], w[inside])
    prof["erreygers_index"] = {
        "value": e["erreygers"],
        "ci_low": e["erreygers_ci_low"],
        "ci_high": e["erreygers_ci_high"],
    }
    _name_and_suppress(prof, equity.headline_suppression(results, area, prof))
    del prof["erreygers_index"]  # only under its indicator-named key
    prof["hpi_score_pop_weighted"] = aggregate.weighted_mean(t["hpi_score"], w)
    prof.update(air_years.profile_air(t, area))
    prof.update(walk.profile_additions(results, area))
    prof.update(site_definitions.profile_additions(results, area, definition))
    prof["notes"] = notes
    prof["units"] = UNITS
    prof["data_vintage"] = DATA_VINTAGE | {
        "air_quality": f"DEFRA PCM {air_years.selected_year()}",
        "walking_network": network.network_coverage().source,
    }
    prof["attribution"] = catalogue.ATTRIBUTION
    return Profile.from_dict(prof)


def _median(s: pd.Series) -> float:
    v = s.to_numpy(float)
    v = v[np.isfinite(v)]
    return float(np.median(v)) if len(v) else float("nan")


def _air_coverage(results: Results, area: Area, pol: str, pop_coverage: float) -> float:
    """Share of the area with data: cell coverage for a polygon, else population share."""
    if area.polygon is None:
        return pop_coverage
    z = air.zonal_mean(results.inputs.rasters[pol], np.array([area.polygon]))
    return float(z["coverage"].iloc[0])


def _green_hectares(results: Results, area: Area) -> tuple[float, float]:
    """Accessible green space and nature-reserve area inside the area, ha."""
    t = results.lsoa
    if area.polygon is None:
        return (
            float((t["accessible_green_ha"] * area.share).sum()),
            float((t["nature_reserve_ha"] * area.share).sum()),
        )
    zone = np.array([area.polygon])
    sites = np.asarray(results.inputs.sites.geometry.values)
    g = results.inputs.greenspace
    lnr = np.asarray(g.loc[g["typology"] == "nature_reserve"].geometry.values)
    _, _, a = nature.intersection_areas(zone, sites)
    return float(a.sum() / 1e4), float(
        nature.covered_share(zone, lnr)[0] * shapely.area(area.polygon) / 1e4
    )


def _area_shannon(results: Results, area: Area) -> float:
    """Shannon diversity of habitat class areas over the whole area (not an average of LSOAs)."""
    if area.polygon is None:
        summed = results.habitat_areas.mul(area.share, axis=0).sum(axis=0).to_frame().T
    else:
        geoms, classes = habitats(results.inputs)
        summed = nature.class_areas(np.array([area.polygon]), geoms, classes)
    return float(nature.shannon(summed)[0])


UNITS: dict[str, str] = {
    "population": "people (Census 2021 usual residents)",
    "imd_score_pop_weighted": "IoD 2025 IMD score, population-weighted",
    "*_ugm3": "µg/m³, modelled annual mean background concentration, 1 km (DEFRA PCM, the "
    "year in air_year; per year in air_by_year), population-weighted over postcodes",
    "air_change_*": "change later minus base year, µg/m³ and % of the base; sii_change is the "
    "SII of each LSOA's change (= SII later - SII base), with its 95% CI",
    "pop_share_*": "share of population, 0–1",
    "*_ha_per_1000": "hectares per 1,000 residents",
    "access_straight / access_network": "share of population meeting each tier, 0–1",
    "detour_ratio_median": "walking ÷ straight-line distance (median over LSOAs with both)",
    "habitat_shannon": "Shannon diversity of OSM habitat class areas, nats",
    "sii": "slope index of inequality for the 2 ha/300 m tier: least minus most deprived, "
    "share of population (0–1 scale)",
    "rii": "relative index of inequality: SII ÷ mean",
    "*_meets_2ha_300m": "sii, rii and concentration_index under their indicator-named keys "
    "(the old keys are aliases), and the Erreygers-corrected concentration index of the "
    "share (Erreygers 2009, in [-1, 1]); value and interval null when suppressed, with the "
    "reason",
}
DATA_VINTAGE: dict[str, str] = {
    "population": "Census 2021",
    "deprivation": "IoD 2025",
    "air_quality": "DEFRA PCM 2019",
    "green_space": "OpenStreetMap 2023-08 (grass 2020-02 in Kirklees, Wakefield)",
    "blue_space": "OpenStreetMap 2023-08 (waterways 2018-05)",
    "walking_network": "OpenStreetMap (see layers.network.network_coverage)",
    "boundaries": "ONS 2021 LSOA, 2025 wards",
}


#: LSOA columns averaged (population-weighted) by :func:`place_table`.
PLACE_MEANS = ["IMD_score", "no2_ugm3", "pm25_ugm3", "pm10_ugm3", "hpi_score", "tiers_met_share"]
#: LSOA yes/no columns given as population shares by :func:`place_table`.
PLACE_SHARES = [
    *(f"meets_{t.name}" for t in ACCESS_TIERS),
    *(f"net_meets_{t.name}" for t in ACCESS_TIERS),
    "blue_within_300m",
    "blue_within_1km",
    "no2_above_who",
    "pm25_above_who",
    "double_burden",
]


def place_table(results: Results) -> pd.DataFrame:
    """Headline indicators for every place (county, districts, wards, MSOAs) in one pass.

    Values are population-weighted means or population shares (0–1) of the
    place's LSOAs (:func:`geo.aggregate.group_weighted`); ``*_coverage`` columns
    give the share of people for whom a network result exists.

    Parameters
    ----------
    results
        From :func:`analysis.engine.load_results`.

    Returns
    -------
    pandas.DataFrame
        One row per place: ``code``, ``level``, ``population`` (people) and the
        :data:`PLACE_MEANS` and :data:`PLACE_SHARES` columns.
    """
    t = pd.DataFrame(results.lsoa.drop(columns="geometry"))
    t["county_code"] = places.COUNTY_CODE
    frames = []
    for level, col in (
        ("county", "county_code"),
        ("district", "district_code"),
        ("ward", "ward_code"),
        ("msoa", "msoa21_code"),
    ):
        agg = aggregate.group_weighted(t, col, "population", PLACE_MEANS, PLACE_SHARES)
        frames.append(agg.assign(level=level).rename_axis("code").reset_index())
    return pd.concat(frames, ignore_index=True)


#: Every indicator cross-tabulated by :func:`decile_table`.
DECILE_COLUMNS: list[str] = [
    *(
        c
        for c in INDICATORS
        # walking distances are inf beyond the tier radius: their shares are below
        if c not in ("population", "IMD_decile", "hpi_decile") and not c.startswith("net_dist_")
    ),
    *(f"meets_{t.name}" for t in ACCESS_TIERS),
    *(f"net_meets_{t.name}" for t in ACCESS_TIERS),
    "blue_within_300m",
    "blue_within_1km",
    "no2_above_who",
    "pm25_above_who",
    "pm10_above_who",
    "double_burden",
]


def decile_table(
    results: Results, weights: NDArray[np.float64], columns: list[str] | None = None
) -> pd.DataFrame:
    """Indicators by IoD 2025 national decile (1 = most deprived), population-weighted.

    Parameters
    ----------
    results
        From :func:`load_results`.
    weights
        People counted per LSOA (``Area.weights``, or the population for the county).
    columns
        Indicator columns (default :data:`DECILE_COLUMNS`: every indicator).

    Returns
    -------
    DataFrame
        Rows: deciles 1–10 (all ten, NaN where empty). Columns: each indicator's
        population-weighted mean (a share 0–1 for yes/no indicators; network
        columns over the people they cover), ``population`` and ``n_lsoa``.
    """
    cols = DECILE_COLUMNS if columns is None else columns
    t = results.lsoa
    frame = pd.DataFrame({c: t[c].astype("Float64") for c in cols})
    frame["IMD_decile"] = t["IMD_decile"].to_numpy()
    frame["_w"] = np.asarray(weights, dtype=float)
    frame = frame[frame["_w"] > 0]
    return inequality.by_decile(frame.astype({c: float for c in cols}), cols, "IMD_decile", "_w")
