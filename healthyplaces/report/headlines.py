"""Headline rows of a report: each indicator with units, year and benchmark, and comparators."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from geo import standards
from healthyplaces.formatting import fmt_number, fmt_pct, fmt_people
from healthyplaces.report.model import (
    HeadlineRow,
    Report,
    Table,
)


@dataclass(frozen=True)
class _Row:
    label: str
    get: Callable[[Mapping[str, Any]], Any]
    fmt: Callable[[Any], str]
    units: str
    year: str
    benchmark: str = ""


def _tier(name: str) -> Callable[[Mapping[str, Any]], Any]:
    return lambda p: p["access_straight"].get(name)


_WHO = standards.WHO_2021_GUIDELINES

_UK = standards.UK_LIMITS

_OSM_YEAR = "OSM 2023"

_ROWS: tuple[_Row, ...] = (
    _Row("Residents", lambda p: p["population"], fmt_people, "people", "Census 2021"),
    _Row(
        "Deprivation: IMD score (population-weighted; higher = more deprived)",
        lambda p: p["imd_score_pop_weighted"],
        fmt_number,
        "IMD score",
        "IoD 2025",
    ),
    _Row(
        "Residents in England's 20% most deprived LSOAs (IMD deciles 1–2)",
        lambda p: p["pop_share_imd_deciles_1_2"],
        fmt_pct,
        "% of residents",
        "IoD 2025",
    ),
    _Row(
        "Green space of ≥ 2 ha within 300 m (straight line)",
        _tier("2ha_300m"),
        fmt_pct,
        "% of residents",
        _OSM_YEAR,
        "Natural England GI standard",
    ),
    _Row(
        "Green space of ≥ 10 ha within 1 km (straight line)",
        _tier("10ha_1km"),
        fmt_pct,
        "% of residents",
        _OSM_YEAR,
        "Natural England GI standard",
    ),
    _Row(
        "Green space of ≥ 1 ha within 300 m (the '300' of 3-30-300)",
        lambda p: p["rule_3_30_300_share"],
        fmt_pct,
        "% of residents",
        _OSM_YEAR,
        "3-30-300 rule",
    ),
    _Row(
        "Accessible green space",
        lambda p: p["accessible_green_ha_per_1000"],
        fmt_number,
        "ha per 1,000 residents",
        _OSM_YEAR,
        f"standard: {standards.GREEN_HA_PER_1000_STANDARD:g} ha per 1,000",
    ),
    _Row(
        "Local nature reserves",
        lambda p: p["nature_reserve_ha_per_1000"],
        lambda v: fmt_number(v, 2),
        "ha per 1,000 residents",
        _OSM_YEAR,
        f"ANGSt: {standards.LNR_HA_PER_1000_STANDARD:g} ha per 1,000",
    ),
    _Row(
        "Blue space within 300 m (straight line)",
        lambda p: p["blue_within_300m_share"],
        fmt_pct,
        "% of residents",
        "OSM 2023 (waterways 2018)",
    ),
    _Row(
        "NO₂ annual mean (population-weighted)",
        lambda p: p["no2_pop_weighted_ugm3"],
        fmt_number,
        "µg/m³",
        "DEFRA PCM 2019",
        f"WHO 2021: {_WHO['no2']:g}; UK limit: {_UK['no2']:g} µg/m³",
    ),
    _Row(
        "Residents above the WHO NO₂ guideline",
        lambda p: p["pop_share_no2_above_who"],
        fmt_pct,
        "% of residents",
        "DEFRA PCM 2019",
        f"WHO 2021: {_WHO['no2']:g} µg/m³",
    ),
    _Row(
        "PM2.5 annual mean (population-weighted)",
        lambda p: p["pm25_pop_weighted_ugm3"],
        fmt_number,
        "µg/m³",
        "DEFRA PCM 2019",
        f"WHO 2021: {_WHO['pm25']:g}; UK limit: {_UK['pm25']:g} µg/m³",
    ),
    _Row(
        "Residents above the WHO PM2.5 guideline",
        lambda p: p["pop_share_pm25_above_who"],
        fmt_pct,
        "% of residents",
        "DEFRA PCM 2019",
        f"WHO 2021: {_WHO['pm25']:g} µg/m³",
    ),
    _Row(
        "Habitat diversity within 1 km (population-weighted)",
        lambda p: p["habitat_shannon_1km_pop_weighted"],
        lambda v: fmt_number(v, 2),
        "Shannon index, nats",
        _OSM_YEAR,
    ),
    _Row(
        "Natural and semi-natural land",
        lambda p: p["natural_share"],
        fmt_pct,
        "% of land",
        _OSM_YEAR,
    ),
    _Row(
        "Residents with a double burden (IMD deciles 1–2, no 2 ha site within 300 m, "
        "NO₂ above the county median)",
        lambda p: p["double_burden_population"],
        fmt_people,
        "people",
        "IoD 2025; OSM 2023; PCM 2019",
    ),
)


def headline_rows(
    prof: Mapping[str, Any],
    district: Mapping[str, Any] | None = None,
    county: Mapping[str, Any] | None = None,
) -> list[HeadlineRow]:
    """Headline indicators of a profile beside its district's and county's profiles."""

    def value(row: _Row, p: Mapping[str, Any] | None) -> str | None:
        return None if p is None else row.fmt(row.get(p))

    pcm = f"PCM {prof.get('air_year', 2019)}"  # the air rows carry the year shown
    return [
        HeadlineRow(
            r.label,
            r.fmt(r.get(prof)),
            r.units,
            r.year.replace("PCM 2019", pcm),
            value(r, district),
            value(r, county),
            r.benchmark,
        )
        for r in _ROWS
    ]


def comparison_table(
    rows: Sequence[HeadlineRow], place_name: str, district_name: str | None, county_name: str | None
) -> Table:
    """Headline rows as a :class:`Table`: the area, its district, the county, units, year."""
    cols = ["Indicator", place_name]
    if district_name:
        cols.append(f"{district_name} (district)")
    if county_name:
        cols.append(f"{county_name} (county)")
    cols += ["Units", "Data year", "Benchmark"]
    out = []
    for r in rows:
        row = [r.label, r.value]
        if district_name:
            row.append(r.district or "n/a")
        if county_name:
            row.append(r.county or "n/a")
        out.append([*row, r.units, r.year, r.benchmark])
    n_vals = 1 + bool(district_name) + bool(county_name)
    numeric = [False] + [True] * n_vals + [False, False, False]
    return Table(f"Headline indicators: {place_name} compared", cols, out, numeric)


def headline_table(report: Report) -> Table:
    """The report's headline rows as a :class:`Table` (see :func:`comparison_table`)."""
    return comparison_table(
        report.headline, report.place_name, report.district_name, report.county_name
    )
