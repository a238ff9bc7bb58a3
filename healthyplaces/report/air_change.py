"""The report's air-quality change: by IoD 2025 decile, with the SII of each year and its change.

Formats ``air_change_<base>_<year>`` of the profile (:func:`analysis.air_years.profile_air`)
as a :class:`~healthyplaces.report.model.Table`; no computation here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from geo import standards
from healthyplaces.formatting import fmt_number, fmt_people
from healthyplaces.report.model import Table

#: Pollutants shown in the report's change table.
REPORT_POLLUTANTS = ("no2", "pm25")


def _change_key(prof: Mapping[str, Any]) -> str | None:
    return next((k for k in prof if k.startswith("air_change_")), None)


def _sii(s: dict[str, Any]) -> str:
    if s.get("suppressed"):
        return "suppressed (too few LSOAs)"
    low, high = fmt_number(s["ci_low"], 2), fmt_number(s["ci_high"], 2)
    return f"{fmt_number(s['value'], 2)} ({low} to {high})"


def air_change_table(prof: Mapping[str, Any]) -> Table | None:
    """The change in NO₂ and PM2.5 by IMD decile and its SII rows; None without two years.

    Columns: decile, residents, then for each pollutant the base-year and later-year
    population-weighted means and their change (µg/m³). The last rows are the
    population-weighted mean of the place and the SII (least minus most deprived,
    µg/m³, 95% interval) of each year and of the change.
    """
    key = _change_key(prof)
    if key is None:
        return None
    change = prof[key]
    first = change[REPORT_POLLUTANTS[0]]
    base, year = first["base_year"], first["year"]
    cols = ["IMD decile (2025)", "Residents"]
    for pol in REPORT_POLLUTANTS:
        name = standards.POLLUTANT_LABELS[pol]
        cols += [f"{name} {base}", f"{name} {year}", f"{name} change"]
    rows: list[list[str]] = []
    for i, d in enumerate(first["by_imd_decile"]):
        row = [str(d["imd_decile"]), fmt_people(d["population"])]
        for pol in REPORT_POLLUTANTS:
            r = change[pol]["by_imd_decile"][i]
            row += [
                fmt_number(r[f"ugm3_{base}"]),
                fmt_number(r[f"ugm3_{year}"]),
                fmt_number(r["change_ugm3"]),
            ]
        rows.append(row)
    total = ["All residents", fmt_people(prof["population"])]
    for pol in REPORT_POLLUTANTS:
        c = change[pol]
        total += [
            fmt_number(c[f"pop_weighted_ugm3_{base}"]),
            fmt_number(c[f"pop_weighted_ugm3_{year}"]),
            f"{fmt_number(c['change_ugm3'])} ({fmt_number(c['change_pct'], 0)}%)",
        ]
    rows.append(total)
    sii = ["SII (95% interval)", ""]
    for pol in REPORT_POLLUTANTS:
        c = change[pol]
        sii += [
            _sii(c["sii_by_year"][str(base)]),
            _sii(c["sii_by_year"][str(year)]),
            _sii(c["sii_change"]),
        ]
    rows.append(sii)
    caption = (
        f"NO₂ and PM2.5 by IoD 2025 IMD decile (1 = most deprived), {base} and {year}: "
        "modelled annual mean background concentration, 1 km (DEFRA PCM), population-weighted "
        "over postcodes, µg/m³. SII: slope index of inequality, least minus most deprived "
        "(negative: the more deprived breathe more); an SII change above 0 means the gap "
        "narrowed."
    )
    return Table(caption, cols, rows, [False] + [True] * (len(cols) - 1))
