"""Build a :class:`~healthyplaces.report.model.Report` from what the engine computed for an area.

Gathers :func:`analysis.profiles.profile`, the decile data and comparators into
formatted tables and statistics. Nothing here computes an indicator.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from analysis import air_years, areas, deciles, equity, profiles
from analysis.areas import Area
from analysis.engine import Results
from geo import standards
from healthyplaces.formatting import fmt_number, fmt_pct, fmt_people, is_missing
from healthyplaces.report.air_change import air_change_table
from healthyplaces.report.evidence import evidence_section
from healthyplaces.report.figures import decile_alt, decile_chart_png, map_png
from healthyplaces.report.headlines import _UK, _WHO, headline_rows
from healthyplaces.report.left_out import left_out_section
from healthyplaces.report.model import (
    NETWORK_NOTE_PREFIX,
    Figure,
    Report,
    Statistic,
    Table,
)
from healthyplaces.report.sensitivity import completeness_note, sensitivity_table
from layers import catalogue, network
from layers.catalogue import LAYERS


def _slope_reading(kind: str, stat: dict[str, Any], name: str) -> str:
    if is_missing(stat.get("value")):
        return f"Not available for {name}: it needs at least 3 LSOAs with residents."
    v = float(stat["value"])
    bounded = not is_missing(stat.get("ci_low")) and not is_missing(stat.get("ci_high"))
    if bounded and float(stat["ci_low"]) <= 0 <= float(stat["ci_high"]):
        clear = "the interval includes zero, so there is no clear gradient"
    elif v > 0:
        clear = "access is better among the less deprived"
    else:
        clear = "access is better among the more deprived"
    if kind == "sii":
        return (
            f"In {name}, the least deprived have a {fmt_number(abs(v) * 100)} "
            f"percentage point {'higher' if v > 0 else 'lower'} modelled share with "
            f"a 2 ha green space within 300 m than the most deprived; {clear}."
        )
    return f"In {name}, that gap is {fmt_number(abs(v) * 100)}% of the average share; {clear}."


def _interval(stat: dict[str, Any], scale: float = 1.0, digits: int = 2) -> str:
    if not (not is_missing(stat.get("ci_low")) and not is_missing(stat.get("ci_high"))):
        return "not available"
    lo, hi = float(stat["ci_low"]) * scale, float(stat["ci_high"]) * scale
    return f"{fmt_number(lo, digits)} to {fmt_number(hi, digits)}"


def _concentration_reading(cv: Any, name: str) -> str:
    if is_missing(cv):
        return f"Not available for {name}."
    if abs(float(cv)) < 0.05:
        return f"At {float(cv):+.3f}, access in {name} is shared almost evenly across deprivation."
    side = "less" if float(cv) > 0 else "more"
    return f"At {float(cv):+.3f}, access in {name} is concentrated among {side}-deprived residents."


def inequality_statistics(
    prof: Mapping[str, Any], suppressed: Mapping[str, str | None] | None = None
) -> list[Statistic]:
    """SII, RII and the concentration index of the headline tier, each with a plain sentence.

    ``suppressed`` maps ``sii``/``rii``/``concentration_index`` to a suppression reason
    (:func:`analysis.equity.headline_suppression`); a suppressed statistic shows
    "suppressed" and the reason instead of its value, interval and reading.
    """
    name = str(prof["place"]["name"])
    sii, rii, conc = prof["sii"], prof["rii"], prof["concentration_index"]
    cv = conc.get("value")
    stats = [
        Statistic(
            "Slope index of inequality (SII), percentage points",
            fmt_number(float(sii["value"]) * 100, 1) if not is_missing(sii.get("value")) else "n/a",
            _interval(sii, 100, 1),
            "The SII is the modelled gap in the share of residents with a 2 ha green space "
            "within 300 m between the least and the most deprived ends of the population "
            "(positive: the less deprived are better served).",
            _slope_reading("sii", sii, name),
        ),
        Statistic(
            "Relative index of inequality (RII)",
            fmt_number(rii["value"], 2) if not is_missing(rii.get("value")) else "n/a",
            _interval(rii),
            "The RII is the same gap divided by the average share, so places with different "
            "average access can be compared (0 = no gap).",
            _slope_reading("rii", rii, name),
        ),
        Statistic(
            "Concentration index",
            fmt_number(cv, 3) if not is_missing(cv) else "n/a",
            _interval(conc, 1, 3),
            "The concentration index runs from −1 to +1: positive when access is concentrated "
            "among less-deprived residents, negative when among more-deprived residents, and "
            "0 when it is shared evenly.",
            _concentration_reading(cv, name),
        ),
    ]
    reasons = suppressed or {}
    keys = ("sii", "rii", "concentration_index")
    return [
        replace(s, value="suppressed", interval="not shown", reading=str(reasons[k]))
        if reasons.get(k)
        else s
        for k, s in zip(keys, stats, strict=True)
    ]


def access_table(prof: Mapping[str, Any]) -> Table:
    """Access tiers on both methods, with the network's coverage of residents."""
    rows = []
    for tier in standards.ACCESS_TIERS:
        net = prof["access_network"].get(tier.name)
        cov = prof["access_network_coverage"].get(tier.name)
        detour = prof["detour_ratio_median"].get(tier.name)
        rows.append(
            [
                tier.label,
                fmt_pct(prof["access_straight"].get(tier.name)),
                fmt_pct(net) if not is_missing(net) else "not available offline",
                fmt_pct(cov),
                fmt_number(detour, 2) if not is_missing(detour) else "n/a",
            ]
        )
    rows.append(
        [
            "≥ 1 ha site within 300 m (3-30-300)",
            fmt_pct(prof["rule_3_30_300_share"]),
            "not computed",
            "n/a",
            "n/a",
        ]
    )
    return Table(
        caption=(
            "Share of residents meeting each Natural England access standard: straight "
            "line and walking network (OSM 2023 green space; OSM 2022 network, central "
            "Leeds only offline)"
        ),
        columns=[
            "Standard",
            "Straight line (% of residents)",
            "Walking network (% of covered residents)",
            "Network coverage (% of residents)",
            "Median detour (walk ÷ straight)",
        ],
        rows=rows,
        numeric=[False, True, True, True, True],
    )


def lsoa_rows(results: Results, area: Area) -> Table:
    """The area's LSOAs with their key indicators (whole rows, as the engine computed them)."""
    t = results.lsoa
    inside = area.weights > 0
    # Standards met at the LSOA's population-weighted median distance (the median resident).
    met = sum(
        (t.loc[inside, tier.dist_col] <= tier.distance_m).astype(int)
        for tier in standards.ACCESS_TIERS
    )
    sub = t.loc[inside].assign(_share=area.share[inside], _met=met).sort_values("lsoa21_code")
    custom = area.polygon is not None
    hl = next(tier for tier in standards.ACCESS_TIERS if tier.name == standards.HEADLINE_TIER)
    cols = [
        "LSOA code",
        "LSOA name",
        "Residents (2021)",
        "IMD decile (2025)",
        "2 ha within 300 m, straight line (% of residents)",
        "2 ha within 300 m, walking (% of covered residents)",
        f"NO₂ {air_years.selected_year()} (µg/m³)",
        "Blue space within 300 m (% of residents)",
        "Access standards met (of 6)",
        "Double burden (% of residents)",
    ]
    rows = []
    keep = [
        "lsoa21_code",
        "lsoa21_name",
        "population",
        "IMD_decile",
        hl.meets_col,
        hl.net_meets_col,
        "no2_ugm3",
        "blue_within_300m",
        "_met",
        "double_burden",
        "_share",
    ]
    for d in sub[keep].astype(object).to_dict(orient="records"):
        row = [
            str(d["lsoa21_code"]),
            str(d["lsoa21_name"]),
            fmt_people(d["population"]),
            fmt_number(d["IMD_decile"], 0),
            fmt_pct(d[hl.meets_col], 0),
            fmt_pct(d[hl.net_meets_col], 0),
            fmt_number(d["no2_ugm3"]),
            fmt_pct(d["blue_within_300m"], 0),
            fmt_number(d["_met"], 0),
            fmt_pct(d["double_burden"], 0),
        ]
        if custom:
            row.insert(3, fmt_pct(d["_share"], 0))
        rows.append(row)
    if custom:
        cols.insert(3, "Share in area (%)")
    numeric = [
        c.startswith(("Residents", "IMD", "NO₂", "Access", "Share", "2 ha", "Blue", "Double"))
        for c in cols
    ]
    caption = (
        f"The {len(rows):,} LSOAs (2021) of {area.name}: Census 2021 residents, IoD 2025 "
        f"decile, access (OSM 2023; walking = {network.network_coverage().place} only, n/a "
        "elsewhere), NO₂ "
        f"(DEFRA PCM {air_years.selected_year()}) and the double burden; shares are of the "
        "LSOA's residents counted at their postcodes, and 'standards met' counts the six "
        "Natural England standards met at the LSOA's population-weighted median distance"
    )
    return Table(caption, cols, rows, numeric)


def sources_table() -> Table:
    """Data sources and licences, one row per bundle layer (from the layer catalogue)."""
    rows = [[info.title, info.source, info.licence, info.vintage] for info in LAYERS.values()]
    return Table(
        "Data sources and licences", ["Layer", "Source", "Licence", "Vintage"], rows, [False] * 4
    )


def methods_text(prof: Mapping[str, Any], results: Results) -> list[str]:
    """The methods, one paragraph each, with the standards and years used."""
    who = ", ".join(f"{standards.POLLUTANT_LABELS[k]} {v:g}" for k, v in _WHO.items())
    uk = ", ".join(f"{standards.POLLUTANT_LABELS[k]} {v:g}" for k, v in _UK.items())
    return [
        f"Area: {prof['method']}. Residents are Census 2021 usual residents; each place value "
        "is the population-weighted mean (or share) of its LSOAs' values.",
        "Access: from every postcode where residents live (the population surface) to the "
        "nearest public green-space site of each Natural England Green Infrastructure "
        f"Framework size, under the {prof['site_definition']['name']} site definition "
        f"({prof['site_definition']['meaning']}; OpenStreetMap 2023). Sites are the places "
        "people would name: polygons merge where they overlap by more than 10%, share a name "
        "or lie inside a park or nature reserve, never by touching; a site's size is its public "
        "area; open access land is reported apart. Straight line everywhere and, where the "
        f"walking network is complete ({network.network_coverage().place}), along "
        f"OpenStreetMap paths to site entrances within {standards.ACCESS_NODE_DISTANCE_M:g} m "
        "of the boundary.",
        f"Air quality: {catalogue.pcm_label('no2', prof['air_year'])} and the same for PM2.5 "
        f"and PM10, {prof['air_exposure_method']}; compared with the WHO 2021 guidelines "
        f"({who} µg/m³), their interim targets and UK limit values ({uk} µg/m³). "
        f"{catalogue.ROADSIDE_NOTE}",
        "Nature: Shannon diversity of OpenStreetMap habitat classes within "
        f"{standards.HABITAT_RADIUS_M / 1000:g} km of each centroid; natural and semi-natural "
        "share of land; OSM-mapped trees (incomplete).",
        "Deprivation: English Indices of Deprivation 2025, IMD national deciles (1 = most "
        "deprived 10% of LSOAs in England). The slope and relative indices of inequality are a "
        "population-weighted least-squares fit of the 2 ha within 300 m share on the residents' "
        "deprivation ridit; the concentration index uses the same ranking; 95% intervals.",
        "Double burden: LSOAs in IMD deciles 1–2, without a 2 ha site within 300 m and with NO₂ "
        "above the county's population-weighted median "
        f"({fmt_number(results.no2_county_median)} µg/m³, {prof['air_year']}).",
    ]


def build_report(
    results: Results,
    area: Area,
    warnings: Sequence[str] = (),
    today: dt.date | None = None,
    definition: str | None = None,
) -> Report:
    """Gather an area's profile, comparisons, decile charts, map and tables into a :class:`Report`.

    Parameters
    ----------
    results
        From :func:`analysis.engine.load_results`.
    area
        From :func:`~analysis.areas.area_for_place` or
        :func:`~analysis.areas.area_for_polygon`.
    warnings
        Extra notes to show first (e.g. a user boundary's validation warnings).
    today
        The generation date (default: today).
    definition
        Site definition of the headline tier shares (default all-accessible); the
        sensitivity table shows all three whichever is chosen.
    """
    prof = profiles.profile(results, area, definition)
    district_area, county_area = areas.comparators(results, area)
    district = profiles.profile(results, district_area, definition) if district_area else None
    county = profiles.profile(results, county_area, definition) if county_area else None
    name = area.name
    pop_text = fmt_people(prof["population"])
    level = {
        "county": "county",
        "district": "district",
        "ward": "electoral ward (2025)",
        "msoa": "MSOA (2021)",
        "lsoa": "LSOA (2021)",
        "custom": "custom area",
    }.get(area.level, area.level)
    subtitle = f"{level.capitalize()}" + (f", {area.code}" if area.code else "")
    if area.parent_name and area.level not in ("district", "county"):
        subtitle += f", in {area.parent_name}"
    by_decile = deciles.decile_data(results, area)
    charts = [
        Figure(
            ind.title,
            decile_chart_png(ind, by_decile.frame),
            decile_alt(ind, by_decile.frame, by_decile.scope),
            f"{ind.title}, {ind.units}, population-weighted, by IoD 2025 IMD decile: "
            f"{by_decile.scope}.",
        )
        for ind in deciles.DECILE_INDICATORS
    ]
    boundary = areas.area_boundary(area)
    map_fig = Figure(
        f"Map of {name}",
        map_png(results, area, boundary),
        f"Map of {name} showing its LSOAs coloured by IoD 2025 IMD decile (red most deprived, "
        "blue least deprived) and publicly accessible green-space sites in green.",
        f"{name}: LSOAs (2021) by IoD 2025 IMD decile and publicly accessible green space "
        "(OpenStreetMap 2023). British National Grid; no background map.",
    )
    hl = prof["access_straight"].get(standards.HEADLINE_TIER)
    summary = [
        f"{name} has {pop_text} residents (Census 2021) in {prof['n_lsoas']:,} LSOAs.",
        f"{fmt_pct(hl)}% of residents live within 300 m (straight line) of a green space of at "
        "least 2 ha (OpenStreetMap 2023).",
        f"Population-weighted NO₂ is {fmt_number(prof['no2_pop_weighted_ugm3'])} µg/m³ "
        f"(DEFRA PCM {prof['air_year']}); {fmt_pct(prof['pop_share_no2_above_who'])}% of "
        f"residents are above the WHO 2021 guideline of {_WHO['no2']:g} µg/m³.",
        f"{fmt_pct(prof['pop_share_imd_deciles_1_2'])}% of residents live in England's 20% most "
        f"deprived LSOAs (IoD 2025); {fmt_people(prof['double_burden_population'])} face the "
        "double burden of deprivation, poor green-space access and above-median NO₂.",
    ]
    notes = [n for n in prof.get("notes", []) if not n.startswith(NETWORK_NOTE_PREFIX)]
    notes.append(network.network_coverage().note)
    today = today or dt.date.today()
    return Report(
        title=f"Healthy Places West Yorkshire: {name}",
        place_name=name,
        subtitle=subtitle,
        date=today.isoformat(),
        population=pop_text,
        summary=summary,
        district_name=district_area.name if district_area else None,
        county_name=county_area.name if county_area else None,
        headline=headline_rows(prof, district, county),
        decile_note=by_decile.note,
        decile_charts=charts,
        map=map_fig,
        inequality=inequality_statistics(prof, equity.headline_suppression(results, area, prof)),
        access=access_table(prof),
        coverage_notes=list(dict.fromkeys(notes)),
        lsoa_table=lsoa_rows(results, area),
        methods=methods_text(prof, results),
        sources=sources_table(),
        attribution=catalogue.ATTRIBUTION,
        vintages=[
            f"{k.replace('_', ' ').capitalize()}: {v}" for k, v in prof["data_vintage"].items()
        ],
        warnings=list(warnings),
        air_change=air_change_table(prof),
        sensitivity=sensitivity_table(prof),
        completeness=completeness_note(prof),
        sections=[left_out_section(results, area), evidence_section(results, area)],
    )
