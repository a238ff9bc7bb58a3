"""The human-readable ``healthyplaces profile PLACE``: aligned tables in sections, with units.

Every figure is a key of :class:`analysis.profile_model.Profile` (see its units
in ``prof["units"]``), formatted with :mod:`healthyplaces.formatting`, beside the
same figure for the area's district and the county where the command passes
their profiles. Shares (0–1) print as percentages; concentrations in µg/m³ of
the profile's DEFRA PCM year; areas in hectares; distances in metres. A value
the offline data cannot give prints as :data:`NOT_OFFLINE` (walking network) or
:data:`NONE` with the reason.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from geo import standards
from geo.standards import ACCESS_TIERS, RULE_300, SITE_DEFINITIONS
from healthyplaces.formatting import fmt_number, fmt_pct, fmt_people, is_missing

#: A walking-network figure outside the offline network.
NOT_OFFLINE = "not available offline"
#: Any other missing value (followed by its reason where there is one).
NONE = "—"
#: Width the notes are wrapped to, characters.
WIDTH = 100

Prof = Mapping[str, Any]
Getter = Callable[[Prof], Any]
Formatter = Callable[[Any], str]
#: Units of a row: fixed text, or text that depends on the profile (a confidence interval).
Units = str | Callable[[Prof], str]


@dataclass(frozen=True)
class Row:
    """One line of a section: a label, how to read the value from a profile, and its units."""

    label: str
    get: Getter
    fmt: Formatter
    units: Units
    #: Whether the district and county columns show the same figure.
    compare: bool = True


@dataclass(frozen=True)
class Section:
    """A titled group of rows."""

    title: str
    rows: tuple[Row, ...]


def pct(value: Any) -> str:
    """A 0–1 share as ``33.0%``; :data:`NONE` when missing."""
    return NONE if is_missing(value) else f"{fmt_pct(value)}%"


def share_row(label: str, get: Getter) -> Row:
    """A row of a 0–1 share of residents, shown as a percentage."""
    return Row(label, get, pct, "of residents")


def num(digits: int) -> Formatter:
    """A number with ``digits`` decimals (thousands separated); :data:`NONE` when missing."""
    return lambda v: NONE if is_missing(v) else fmt_number(v, digits)


def people(value: Any) -> str:
    """Whole people (``546,373``); :data:`NONE` when missing."""
    return NONE if is_missing(value) else fmt_people(value)


def network_pct(pair: Any) -> str:
    """A walking-network share and its coverage: :data:`NOT_OFFLINE` off the network.

    Where the network covers only some residents the share is of those covered,
    and says so (``29.1% of 20.5% covered``).
    """
    value, cov = pair
    if value is None or is_missing(value):
        return NOT_OFFLINE
    text = pct(value)
    return text if is_missing(cov) or cov >= 0.999 else f"{text} of {pct(cov)} covered"


def _with_coverage(get: Getter, coverage: Getter) -> Getter:
    return lambda p: (get(p), coverage(p))


def _path(*keys: str) -> Getter:
    """Read ``p[k1][k2]…``; None where a key is absent."""

    def get(p: Prof) -> Any:
        value: Any = p
        for k in keys:
            if not isinstance(value, Mapping) or k not in value:
                return None
            value = value[k]
        return value

    return get


def _air(pol: str, *keys: str) -> Getter:
    """A figure of ``pol`` in the profile's own PCM year (``air_by_year``)."""
    return lambda p: _path("air_by_year", str(p.get("air_year")), pol, *keys)(p)


def num_scaled(scale: float, digits: int) -> Formatter:
    """A number times ``scale`` (a 0–1 difference as percentage points)."""
    return lambda v: NONE if is_missing(v) else fmt_number(float(v) * scale, digits)


def _ci_units(units: str, key: str, scale: float, digits: int) -> Units:
    """Units of an inequality statistic followed by this profile's 95% confidence interval."""

    def text(p: Prof) -> str:
        stat = p.get(key)
        if not isinstance(stat, Mapping) or is_missing(stat.get("ci_low")):
            return f"{units} (no CI: too few LSOAs or no variation)"
        lo, hi = (float(stat[k]) * scale for k in ("ci_low", "ci_high"))
        return f"{units}; 95% CI {lo:.{digits}f} to {hi:.{digits}f}"

    return text


def _people_section() -> Section:
    return Section(
        "People and deprivation (Census 2021; IoD 2025)",
        (
            Row("Residents", _path("population"), people, "people"),
            Row("LSOAs counted", _path("n_lsoas"), num(0), "LSOAs", compare=False),
            Row(
                "IMD score (population-weighted; higher = more deprived)",
                _path("imd_score_pop_weighted"),
                num(1),
                "IMD score",
            ),
            share_row(
                "Residents in England's 20% most deprived LSOAs",
                _path("pop_share_imd_deciles_1_2"),
            ),
            Row(
                "LSOAs in England's 10% most deprived",
                _path("lsoa_share_most_deprived_decile"),
                pct,
                "of LSOAs",
            ),
            Row(
                "Healthy Places index (population-weighted; higher = less healthy)",
                _path("hpi_score_pop_weighted"),
                num(1),
                "score",
            ),
        ),
    )


def _green_section(prof: Prof) -> Section:
    d = prof.get("site_definition") or {}
    rows = [share_row(tier.label, _path("access_straight", tier.name)) for tier in ACCESS_TIERS]
    rows.append(
        share_row(
            "1 ha site within 300 m (the '300' of 3-30-300)",
            _path("rule_3_30_300_share"),
        )
    )
    rows += [
        Row(
            "Inequality in the 2 ha tier: slope index (SII)",
            _path("sii", "value"),
            num_scaled(100, 1),
            _ci_units("points, least minus most deprived", "sii", 100, 1),
        ),
        Row(
            "  relative index (RII = SII ÷ mean)",
            _path("rii", "value"),
            num(2),
            _ci_units("ratio", "rii", 1, 2),
        ),
        Row(
            "  concentration index (< 0: more among the less deprived)",
            _path("concentration_index", "value"),
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
            _with_coverage(
                _path("access_network", tier.name), _path("access_network_coverage", tier.name)
            ),
            network_pct,
            "of residents",
        )
        for tier in ACCESS_TIERS
    ]
    rows += [
        Row(
            f"Detour ratio, {tier.label}",
            _path("detour_ratio_median", tier.name),
            lambda v: NOT_OFFLINE if is_missing(v) else fmt_number(v, 2),
            "walking ÷ straight line, median",
            compare=False,
        )
        for tier in ACCESS_TIERS[:3]
    ]
    rows += [
        share_row(
            "Any green or blue space within a 15-minute walk (1,200 m)",
            _path("walk_15min", "share"),
        ),
        Row(
            "  by day, walking network",
            _with_coverage(
                _path("after_dark", "daytime_network_share"),
                _path("walk_15min", "network_coverage"),
            ),
            network_pct,
            "of residents",
        ),
        Row(
            "  after dark, lit streets only",
            _with_coverage(
                _path("after_dark", "after_dark_network_share"),
                _path("walk_15min", "network_coverage"),
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
            _path("access_straight_by_definition", d.name, tier.name),
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
            Row("Accessible green space in the area", _path("accessible_green_ha"), num(0), "ha"),
            Row(
                f"Accessible green space (standard {g:g})",
                _path("accessible_green_ha_per_1000"),
                num(2),
                "ha per 1,000 people",
            ),
            Row(
                f"Local nature reserves (ANGSt {lnr:g})",
                _path("nature_reserve_ha_per_1000"),
                num(2),
                "ha per 1,000 people",
            ),
            Row("Natural and semi-natural land", _path("natural_share"), pct, "of land"),
            Row("Nature reserves", _path("nature_reserve_share"), pct, "of land"),
            Row("Mapped trees", _path("trees_per_km2"), num(1), "per km²"),
            Row("Habitat diversity of the area", _path("habitat_shannon"), num(2), "Shannon, nats"),
            Row(
                "Habitat diversity within 1 km of home (population-weighted)",
                _path("habitat_shannon_1km_pop_weighted"),
                num(2),
                "Shannon, nats",
            ),
            share_row(
                "Open countryside within 1 km",
                _path("open_countryside", "within_1km_share"),
            ),
            share_row(
                "Open countryside within 5 km",
                _path("open_countryside", "within_5km_share"),
            ),
            share_row(
                "Blue space within 300 m (straight line)",
                _path("blue_within_300m_share"),
            ),
            share_row(
                "Blue space within 1 km (straight line)",
                _path("blue_within_1km_share"),
            ),
            Row(
                "Blue space within 300 m (walking network)",
                _with_coverage(_path("blue_network_within_300m_share"), lambda p: None),
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
                _path(f"{pol}_pop_weighted_ugm3"),
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
                _path(f"pop_share_{pol}_above_uk_limit"),
            )
        )
    for key in sorted(k for k in prof if k.startswith("air_change_")):
        for pol, label in standards.POLLUTANT_LABELS.items():
            change = _path(key, pol)(prof)
            if isinstance(change, Mapping):
                rows.append(
                    Row(
                        f"{label} change {change.get('base_year')} to {change.get('year')}",
                        _path(key, pol),
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
                _path("double_burden_population"),
                people,
                "people",
            ),
            Row("LSOAs with the double burden", _path("double_burden_lsoas"), num(0), "LSOAs"),
        ),
    )


def _edge_section() -> Section:
    return Section(
        "Edge of the county: residents missing a tier with the edge nearer than its distance "
        "(a lower bound)",
        tuple(
            share_row(tier.label, _path("edge_affected_share", tier.name)) for tier in ACCESS_TIERS
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
        _path("after_dark", "note")(prof),
        _path("completeness", "note")(prof),
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
