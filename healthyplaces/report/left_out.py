"""The report's "Who is left out" section: group shares and gaps, the life course, gardens.

Formats :func:`analysis.equity.equity_profile`, :func:`analysis.equity.life_course`
and :func:`analysis.need.gardens_and_parks` as a
:class:`~healthyplaces.report.model.Section`; the figure is a static map of the
people with neither a garden nor a local green space per km² (Fisher–Jenks
classes, :func:`healthyplaces.maps.classify_values`). No computation here
beyond unit conversion for display.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis import equity, need
from analysis.areas import Area
from analysis.engine import Results
from geo.standards import HEADLINE_TIER
from healthyplaces.formatting import MISSING, fmt_number, fmt_pct, fmt_people, is_missing
from healthyplaces.report.equity_figures import gardens_map_png
from healthyplaces.report.model import Block, Figure, Note, Section, Subheading, Table

#: The indicators of the group table: the headline access tier and NO₂.
ACCESS_KEY = f"meets_{HEADLINE_TIER}"
AIR_KEY = "no2_ugm3"


def _ci(pair: Sequence[Any], scale: float, digits: int) -> str:
    low, high = pair
    if is_missing(low) or is_missing(high):
        return MISSING
    return f"{fmt_number(float(low) * scale, digits)} to {fmt_number(float(high) * scale, digits)}"


def _value_ci(ind: Mapping[str, Any], name: str, scale: float, digits: int, show_ci: bool) -> str:
    value = fmt_number(
        None if is_missing(ind["by_group"][name]) else ind["by_group"][name] * scale, digits
    )
    if not show_ci or value == MISSING:
        return value
    return f"{value} ({_ci(ind['by_group_ci'][name], scale, digits)})"


def _gap(ind: Mapping[str, Any], name: str, scale: float, digits: int) -> str:
    gap = next((g for g in ind["gaps"] if g["group"] == name), None)
    if gap is None:
        return "reference"
    if gap["suppressed"]:
        return "suppressed"
    diff = gap["difference"]
    if is_missing(diff):
        return MISSING
    return f"{float(diff) * scale:+.{digits}f} ({_ci(gap['difference_ci'], scale, digits)})"


def group_table(prof: Mapping[str, Any]) -> Table:
    """One row per group: its count, share of the place, headline access and NO₂, with gaps.

    Access is % of the group (people or households) with a 2 ha green space
    within 300 m; its gap is in percentage points; NO₂ and its gap are µg/m³.
    Intervals (95%, bootstrap over LSOAs) and gaps are shown only when the place
    passes the suppression rule.
    """
    access, air = prof["indicators"][ACCESS_KEY], prof["indicators"][AIR_KEY]
    show = prof["suppression"] is None
    rows = []
    for info in prof["groups"].values():
        for name, g in info["groups"].items():
            rows.append(
                [
                    str(g["label"]),
                    f"{fmt_people(g['count'])} {info['unit']}",
                    fmt_pct(g["share_of_place"]),
                    _value_ci(access, name, 100, 1, show),
                    _gap(access, name, 100, 1) if show else "suppressed",
                    _value_ci(air, name, 1, 1, show),
                    _gap(air, name, 1, 2) if show else "suppressed",
                ]
            )
    caption = (
        f"Who meets the standard and who breathes what, by group ({prof['method']}). "
        f"Access: % of the group with {access['label'].lower()} (OpenStreetMap 2023); NO₂: "
        f"group-weighted annual mean, µg/m³ (DEFRA PCM {prof['air_year']}). Gap: the group "
        "minus its reference group (percentage points or µg/m³). Brackets: "
        f"{prof['bootstrap']['interval']} ({prof['bootstrap']['replicates']:,} replicates). "
        f"Census 2021 group counts; each family's denominator is its own table's total."
    )
    cols = [
        "Group",
        "Count",
        "Share of place (%)",
        "2 ha within 300 m (% of group)",
        "Access gap (points)",
        "NO₂ (µg/m³)",
        "NO₂ gap (µg/m³)",
    ]
    return Table(caption, cols, rows, [False] + [True] * 6, (38, 25, 14, 30, 28, 21, 26))


def life_course_table(lc: Mapping[str, Any]) -> Table:
    """Children's play access and older people's doorstep access and NO₂ beside all ages."""
    kids, old = lc["children"], lc["older_people"]
    rows = [
        [
            f"Children ({kids['group']})",
            str(kids["standard"]),
            fmt_pct(kids["share_meeting"]),
            fmt_pct(kids["all_ages_share_meeting"]),
            fmt_people(kids["people_without"]),
        ],
        [
            f"Older people ({old['group']})",
            str(old["standard"]),
            fmt_pct(old["share_meeting"]),
            fmt_pct(old["all_ages_share_meeting"]),
            fmt_people(old["people_without"]),
        ],
        [
            f"Older people ({old['group']})",
            f"NO₂ annual mean, µg/m³ (DEFRA PCM {lc['air_year']})",
            fmt_number(old["no2_ugm3"]),
            fmt_number(old["all_ages_no2_ugm3"]),
            "",
        ],
    ]
    caption = (
        "The life course: the share of each age group meeting its standard (%) beside all "
        "ages, and the people of the group without it; the NO₂ row gives the annual mean "
        f"weighted by the group's residents. {lc['method'].capitalize()}."
    )
    cols = ["Group", "Standard or exposure", "Group (%)", "All ages (%)", "Group without"]
    return Table(caption, cols, rows, [False, False, True, True, True], (36, 74, 22, 22, 28))


def gardens_table(gp: Mapping[str, Any]) -> Table:
    """People (and households in flats) with neither a garden nor a park, by standard."""
    pop = gp["population"]
    rows = [
        [
            "No private outdoor space (whatever the park access)",
            fmt_people(gp["people_without_garden"]),
            fmt_pct(gp["people_without_garden"] / pop if pop else None),
            fmt_people(gp["flats_without_garden"]),
        ]
    ]
    labels = {"doorstep": "0.5 ha within 200 m (doorstep)", "local": "2 ha within 300 m (local)"}
    for key, label in labels.items():
        part = gp[key]
        rows.append(
            [
                f"Neither a garden nor a green space of {label}",
                fmt_people(part["people_without_garden_or_park"]),
                fmt_pct(part["share_of_population"]),
                fmt_people(part["flats_without_garden_or_park"]),
            ]
        )
    caption = f"Gardens and parks together: {gp['source']}."
    cols = ["Who", "Residents", "% of residents", "Households in flats"]
    return Table(caption, cols, rows, [False, True, True, True], (86, 30, 30, 36))


def gardens_figure(results: Results, area: Area, gp: Mapping[str, Any]) -> Figure:
    """The static map of people with neither a garden nor a local green space per km²."""
    table = need.gardens_table(results)
    keep = np.asarray(area.share, dtype=float) > 0
    lsoa = results.lsoa.loc[keep, ["lsoa21_code", "area_ha", "geometry"]]
    people = pd.Series(
        table["people_without_garden_or_local"].to_numpy(float)[keep], index=lsoa.index
    )
    density = people / (lsoa["area_ha"].to_numpy(float) / 100.0)
    png, classes = gardens_map_png(lsoa, density, area.name)
    local = gp["local"]
    return Figure(
        f"Map of people with neither a garden nor a park in {area.name}",
        png,
        f"Map of {area.name}'s LSOAs shaded by residents per km² with neither private outdoor "
        f"space nor a 2 ha green space within 300 m; darker is more. Classes: {classes}. "
        f"In all, {fmt_people(local['people_without_garden_or_park'])} residents.",
        "Residents per km² with neither a garden nor a 2 ha green space within 300 m, per "
        "LSOA 2021 (natural breaks, Fisher–Jenks); the method is in the note below.",
    )


def left_out_section(results: Results, area: Area) -> Section:
    """The "Who is left out" section of ``area``'s report."""
    prof = equity.equity_profile(results, area)
    lc = equity.life_course(results, area)
    gp = need.gardens_and_parks(results, area)
    blocks: list[Block] = [
        f"Access and exposure by age, ethnic group, disability, car, accommodation and household "
        f"deprivation in {area.name} ({fmt_people(prof['population'])} residents in "
        f"{prof['n_lsoa']:,} LSOAs). Every group counts the LSOAs in proportion to its Census "
        "2021 members, so the figures describe where groups live, not each person."
    ]
    if prof["suppression"]:
        blocks.append(
            Note(
                f"{prof['suppression']} The gaps between groups and their intervals are not "
                f"shown for {area.name}: with so few LSOAs or deprivation deciles they would "
                "mean nothing. The group shares below are descriptive only."
            )
        )
    blocks += [group_table(prof), Subheading("The life course"), life_course_table(lc)]
    blocks += [
        Subheading("Neither a garden nor a park"),
        gardens_table(gp),
        gardens_figure(results, area, gp),
        Note(f"Method: {gp['method']}"),
    ]
    return Section("left_out", "Who is left out", blocks)
