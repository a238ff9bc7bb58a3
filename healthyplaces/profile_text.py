"""The human-readable ``healthyplaces profile PLACE``: aligned tables in sections, with units.

Every figure is a key of :class:`analysis.profile_model.Profile` (see its units
in ``prof["units"]``), formatted with :mod:`healthyplaces.formatting`, beside the
same figure for the area's district and the county where the command passes
their profiles. Shares (0–1) print as percentages; concentrations in µg/m³ of
the profile's DEFRA PCM year; areas in hectares; distances in metres. A value
the offline data cannot give prints as "not available offline" (walking network) or
"—" with the reason (:mod:`healthyplaces.text_rows`).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

from geo import standards
from geo.standards import ACCESS_TIERS, RULE_300, SITE_DEFINITIONS
from healthyplaces.formatting import fmt_number, is_missing
from healthyplaces.text_rows import (
    NONE,
    WIDTH,
    Getter,
    Prof,
    Row,
    Section,
    Units,
    detour,
    network_pct,
    num,
    num_scaled,
    path,
    pct,
    people,
    share_row,
    with_coverage,
)


def _air(pol: str, *keys: str) -> Getter:
    """A figure of ``pol`` in the profile's own PCM year (``air_by_year``)."""
    return lambda p: path("air_by_year", str(p.get("air_year")), pol, *keys)(p)


def _ci_units(units: str, key: str, scale: float, digits: int) -> Units:
    """Units of an inequality statistic followed by this profile's 95% confidence interval."""

    def text(p: Prof) -> str:
        stat = p.get(key)
        if isinstance(stat, Mapping) and stat.get("reason"):
            return f"{units} ({str(stat['reason']).rstrip('.')} in {p['place']['name']})"
        if not isinstance(stat, Mapping) or is_missing(stat.get("ci_low")):
            return f"{units} (no CI: too few LSOAs or no variation)"
        lo, hi = (float(stat[k]) * scale for k in ("ci_low", "ci_high"))
        return f"{units}; 95% CI {lo:.{digits}f} to {hi:.{digits}f}"

    return text


def _people_section() -> Section:
    return Section(
        "People and deprivation (Census 2021; IoD 2025)",
        (
            Row("Residents", path("population"), people, "people"),
            Row("LSOAs counted", path("n_lsoas"), num(0), "LSOAs", compare=False),
            Row(
                "IMD score (population-weighted; higher = more deprived)",
                path("imd_score_pop_weighted"),
                num(1),
                "IMD score",
            ),
            share_row(
                "Residents in England's 20% most deprived LSOAs",
                path("pop_share_imd_deciles_1_2"),
            ),
            Row(
                "LSOAs in England's 10% most deprived",
                path("lsoa_share_most_deprived_decile"),
                pct,
                "of LSOAs",
            ),
            Row(
                "Healthy Places index (population-weighted; higher = less healthy)",
                path("hpi_score_pop_weighted"),
                num(1),
                "score",
            ),
        ),
    )


def _green_section(prof: Prof) -> Section:
    d = prof.get("site_definition") or {}
    rows = [share_row(tier.label, path("access_straight", tier.name)) for tier in ACCESS_TIERS]
    rows.append(
        share_row(
            "1 ha site within 300 m (the '300' of 3-30-300)",
            path("rule_3_30_300_share"),
        )
    )
    rows += [
        Row(
            "Inequality in the 2 ha tier: slope index (SII)",
            path("sii", "value"),
            num_scaled(100, 1),
            _ci_units("points, least minus most deprived", "sii", 100, 1),
        ),
        Row(
            "  relative index (RII = SII ÷ mean)",
            path("rii", "value"),
            num(2),
            _ci_units("ratio", "rii", 1, 2),
        ),
        Row(
            "  concentration index (< 0: more among the less deprived)",
            path("concentration_index", "value"),
            num(3),
            _ci_units("index", "concentration_index", 1, 3),
        ),
    ]
    return Section(
        f"Green space within reach, straight line ({d.get('label', 'all accessible')}; OSM 2023)",
        tuple(rows),
    )


def _network_section() -> Section:
    rows = [
        Row(
            tier.label,
            with_coverage(
                path("access_network", tier.name), path("access_network_coverage", tier.name)
            ),
            network_pct,
            "of residents",
        )
        for tier in ACCESS_TIERS
    ]
    rows += [
        Row(
            f"Detour ratio, {tier.label}",
            with_coverage(
                path("detour_ratio_median", tier.name),
                path("access_network_coverage", tier.name),
            ),
            detour,
            "walking ÷ straight line, median",
            compare=False,
        )
        for tier in ACCESS_TIERS[:3]
    ]
    rows += [
        share_row(
            "Any green or blue space within a 15-minute walk (1,200 m)",
            path("walk_15min", "share"),
        ),
        Row(
            "  by day, walking network",
            with_coverage(
                path("after_dark", "daytime_network_share"),
                path("walk_15min", "network_coverage"),
            ),
            network_pct,
            "of residents",
        ),
        Row(
            "  after dark, lit streets only",
            with_coverage(
                path("after_dark", "after_dark_network_share"),
                path("walk_15min", "network_coverage"),
            ),
            network_pct,
            "of residents",
        ),
    ]
    return Section("Green space within reach, walking network (OSM)", tuple(rows))


def _definitions_section() -> Section:
    tiers = (*ACCESS_TIERS, RULE_300)
    rows = tuple(
        share_row(
            f"{tier.label}, {d.name}",
            path("access_straight_by_definition", d.name, tier.name),
        )
        for tier in tiers[1:3]
        for d in SITE_DEFINITIONS.values()
    )
    return Section(
        "Which sites count: two tiers under each Natural England definition (straight line)", rows
    )


def _amount_section() -> Section:
    g, lnr = standards.GREEN_HA_PER_1000_STANDARD, standards.LNR_HA_PER_1000_STANDARD
    return Section(
        "Green space, nature and blue space (OSM 2023; waterways 2018)",
        (
            Row("Accessible green space in the area", path("accessible_green_ha"), num(0), "ha"),
            Row(
                f"Accessible green space (standard {g:g})",
                path("accessible_green_ha_per_1000"),
                num(2),
                "ha per 1,000 people",
            ),
            Row(
                f"Local nature reserves (ANGSt {lnr:g})",
                path("nature_reserve_ha_per_1000"),
                num(2),
                "ha per 1,000 people",
            ),
            Row("Natural and semi-natural land", path("natural_share"), pct, "of land"),
            Row("Nature reserves", path("nature_reserve_share"), pct, "of land"),
            Row("Mapped trees", path("trees_per_km2"), num(1), "per km²"),
            Row("Habitat diversity of the area", path("habitat_shannon"), num(2), "Shannon, nats"),
            Row(
                "Habitat diversity within 1 km of home (population-weighted)",
                path("habitat_shannon_1km_pop_weighted"),
                num(2),
                "Shannon, nats",
            ),
            share_row(
                "Open countryside within 1 km",
                path("open_countryside", "within_1km_share"),
            ),
            share_row(
                "Open countryside within 5 km",
                path("open_countryside", "within_5km_share"),
            ),
            share_row(
                "Blue space within 300 m (straight line)",
                path("blue_within_300m_share"),
            ),
            share_row(
                "Blue space within 1 km (straight line)",
                path("blue_within_1km_share"),
            ),
            Row(
                "Blue space within 300 m (walking network)",
                with_coverage(path("blue_network_within_300m_share"), lambda p: None),
                network_pct,
                "of residents",
            ),
        ),
    )


def _air_section(prof: Prof) -> Section:
    year = prof.get("air_year")
    rows: list[Row] = []
    for pol, label in standards.POLLUTANT_LABELS.items():
        levels = standards.WHO_2021_LEVELS[pol]
        rows.append(
            Row(
                f"{label} annual mean (population-weighted)",
                path(f"{pol}_pop_weighted_ugm3"),
                num(1),
                f"µg/m³ ({year})",
            )
        )
        rows += [
            Row(
                f"  above WHO 2021 {'guideline' if name == 'AQG' else 'interim target ' + name}"
                f" ({level:g} µg/m³)",
                _air(pol, "pop_share_above_who_2021", name),
                pct,
                "of residents",
            )
            for name, level in levels.items()
        ]
        rows.append(
            share_row(
                f"  above the UK limit ({standards.UK_LIMITS[pol]:g} µg/m³)",
                path(f"pop_share_{pol}_above_uk_limit"),
            )
        )
    for key in sorted(k for k in prof if k.startswith("air_change_")):
        for pol, label in standards.POLLUTANT_LABELS.items():
            change = path(key, pol)(prof)
            if isinstance(change, Mapping):
                rows.append(
                    Row(
                        f"{label} change {change.get('base_year')} to {change.get('year')}",
                        path(key, pol),
                        _change,
                        "µg/m³ (% of base)",
                    )
                )
    return Section(
        f"Air quality (DEFRA PCM {year}, 1 km background, at residents' postcodes)", tuple(rows)
    )


def _change(c: Any) -> str:
    if not isinstance(c, Mapping) or is_missing(c.get("change_ugm3")):
        return NONE
    return f"{float(c['change_ugm3']):+.1f} ({float(c['change_pct']):+.1f}%)"


def _burden_section(prof: Prof) -> Section:
    median = prof.get("no2_county_median_ugm3")
    return Section(
        "Double burden: IMD deciles 1–2, no 2 ha site within 300 m, NO₂ above the county "
        f"median ({fmt_number(median)} µg/m³)",
        (
            Row(
                "Residents with the double burden",
                path("double_burden_population"),
                people,
                "people",
            ),
            Row("LSOAs with the double burden", path("double_burden_lsoas"), num(0), "LSOAs"),
        ),
    )


def _edge_section() -> Section:
    return Section(
        "Edge of the county: residents missing a tier with the edge nearer than its distance "
        "(a lower bound)",
        tuple(
            share_row(tier.label, path("edge_affected_share", tier.name)) for tier in ACCESS_TIERS
        ),
    )


def sections(prof: Prof) -> list[Section]:
    """Every section of the text profile, in order."""
    return [
        _people_section(),
        _green_section(prof),
        _network_section(),
        _definitions_section(),
        _amount_section(),
        _air_section(prof),
        _burden_section(prof),
        _edge_section(),
    ]


def _cells(row: Row, profiles: Sequence[Prof | None]) -> list[str]:
    out = []
    for i, p in enumerate(profiles):
        if p is None:
            continue
        out.append(row.fmt(row.get(p)) if (i == 0 or row.compare) else "")
    return out


def _units(units: Units, prof: Prof) -> str:
    return units if isinstance(units, str) else units(prof)


def _table(
    section: Section, header: list[str], profiles: Sequence[Prof | None], label_w: int
) -> list[str]:
    first = profiles[0]
    assert first is not None
    body = [[row.label, *_cells(row, profiles), _units(row.units, first)] for row in section.rows]
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(1, len(header))]
    lines = [section.title]

    def line(cells: list[str]) -> str:
        values = [c.rjust(w) for c, w in zip(cells[1:-1], widths, strict=False)]
        return "  ".join(["  " + cells[0].ljust(label_w), *values, cells[-1]]).rstrip()

    lines.append(line(header))
    lines += [line(r) for r in body]
    return lines


def _header(prof: Prof) -> list[str]:
    place = prof["place"]
    where = ", ".join(
        x
        for x in (
            place.get("level"),
            place.get("code"),
            place.get("parent_name") and f"in {place['parent_name']}",
        )
        if x
    )
    counted = (
        f"{people(prof['population'])} residents (Census 2021) in {prof['n_lsoas']:,} LSOAs: "
        f"{prof['method']}."
    )
    return [f"{place['name']} ({where})", *textwrap.wrap(counted, WIDTH)]


def _notes(prof: Prof) -> list[str]:
    notes = list(prof.get("notes") or [])
    notes += [
        prof.get("air_uk_limit_note"),
        path("after_dark", "note")(prof),
        path("completeness", "note")(prof),
        prof.get("sensitivity_note"),
    ]
    out = ["Notes"]
    for n in dict.fromkeys(x for x in notes if isinstance(x, str) and x):
        out += textwrap.wrap(n, WIDTH, initial_indent="  - ", subsequent_indent="    ")
    return out


def render(prof: Prof, district: Prof | None = None, county: Prof | None = None) -> str:
    """The profile as plain text: header, sections, notes and the attribution.

    Parameters
    ----------
    prof
        :func:`analysis.profiles.profile` of the area (or its parsed JSON).
    district, county
        The profiles of the area's district and of the county, shown beside
        each comparable figure; None leaves the column out.
    """
    profiles = [prof, district, county]
    header = ["", str(prof["place"]["name"])]
    header += [f"{p['place']['name']}" for p in (district, county) if p is not None]
    header.append("units")
    secs = sections(prof)
    label_w = max(len(r.label) for s in secs for r in s.rows)
    lines = _header(prof)
    for s in secs:
        lines += ["", *_table(s, header, profiles, label_w)]
    lines += ["", *_notes(prof), "", str(prof["attribution"])]
    return "\n".join(lines) + "\n"
