"""``healthyplaces scenario --park FILE``: who gains from a new park, as JSON or a table.

The park comes through the upload gate (:func:`layers.user_area.read_user_area`,
the same as ``profile --boundary`` and the app's scenario page); the gains are
:func:`analysis.new_park.add_park` (on the population surface, the function the
app's scenario page calls through ``app_pages._cache.scenario``), laid out here.
People are Census 2021 residents at their OS Code-Point Open postcode;
distances are straight-line EPSG:27700 metres (walking network where the
offline network is complete).
"""

from __future__ import annotations

import dataclasses
import textwrap
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from geo.standards import ACCESS_TIERS, DEFAULT_SITE_DEFINITION, SITE_DEFINITIONS
from healthyplaces.formatting import fmt_number, fmt_people
from healthyplaces.text_rows import NOT_OFFLINE, WIDTH
from layers import catalogue

if TYPE_CHECKING:
    import pandas as pd

    from analysis.engine import Results
    from layers.places import Place
    from layers.user_area import UserArea

#: How the gains are counted (the ``method`` key).
METHOD = (
    "The park is added as a publicly accessible green site, merged with any existing site it "
    "overlaps or touches (the merged site's area decides which size tiers it counts for). Each "
    "Census 2021 resident is counted at their postcode (OS Code-Point Open, Oct 2025). A person "
    "gains a tier (Natural England Green Infrastructure Framework, 2023) when the straight-line "
    "distance from their postcode to the nearest site of the tier's size falls from beyond to "
    "within the tier's distance. Walking-network gains are counted only where the offline "
    "walking network is complete. Near misses are residents within 100 m beyond a tier's "
    "distance, before and after."
)
UNITS: dict[str, str] = {
    "park.area_ha / park.merged_site_ha": "hectares (EPSG:27700)",
    "gain_*": "people (Census 2021 usual residents) newly meeting each tier",
    "gain_by_imd_decile": "people per IoD 2025 IMD decile (1 = most deprived), straight line",
    "gain_by_age": "people per Census 2021 age band, straight line",
    "near_misses_*": "people within 100 m beyond each tier's distance",
}
#: Why a walking-network gain is null under another site definition.
NETWORK_DEFAULT_ONLY = (
    "walking distances are computed for the default definition (all-accessible) only"
)


def for_definition(results: Results, definition: str | None) -> Results:
    """Results whose sites and straight-line point distances follow ``definition``.

    The default returns ``results`` itself. Otherwise the sites are those the
    definition counts (its flag in ``inputs.sites``, as
    :func:`analysis.surface.point_indicators` measures them) and each point's
    ``dist_T_m`` is that definition's (``dist_T_<suffix>_m``), so
    :func:`analysis.new_park.add_park` counts the gain under it; the new park
    itself is taken to count under the definition.
    """
    from analysis import site_definitions, surface

    name = site_definitions.check_definition(definition)
    if name == DEFAULT_SITE_DEFINITION or results.points is None:
        return results
    inputs = results.inputs
    keep = inputs.sites[SITE_DEFINITIONS[name].flag].to_numpy(bool)
    points = results.points.copy()
    for tier in surface.STRAIGHT_TIERS:
        points[tier.dist_col] = points[surface.definition_dist_col(tier, name)]
    sites = inputs.sites[keep].reset_index(drop=True)
    return dataclasses.replace(
        results, points=points, _inputs=dataclasses.replace(inputs, sites=sites)
    )


def _in_place(scen: Mapping[str, Any], results: Results, place: Place) -> dict[str, Any]:
    """The gains of the residents of ``place`` (its LSOAs, ONS best-fit lookup)."""
    from layers.places import lsoa_mask

    lsoas: pd.DataFrame = scen["lsoas"]
    codes = set(results.lsoa.loc[lsoa_mask(place, results.lsoa), "lsoa21_code"])
    mine = lsoas[lsoas["lsoa21_code"].isin(codes)]
    by_decile = {
        t.name: {
            d: int(mine.loc[mine["IMD_decile"] == d, f"gained_people_{t.name}"].sum())
            for d in range(1, 11)
        }
        for t in ACCESS_TIERS
    }
    return {
        "code": place.code,
        "name": place.name,
        "level": place.level,
        "gain_straight": {t.name: int(mine[f"gained_people_{t.name}"].sum()) for t in ACCESS_TIERS},
        "gain_by_imd_decile": by_decile,
        "affected_lsoa_codes": mine["lsoa21_code"].tolist(),
    }


def scenario(
    results: Results,
    park: UserArea,
    place: Place | None = None,
    definition: str | None = None,
) -> dict[str, Any]:
    """The ``healthyplaces scenario --json`` object for ``park`` (keys are a contract).

    Parameters
    ----------
    results
        From :func:`analysis.engine.load_results`.
    park
        The validated park boundary (EPSG:27700).
    place
        Also give the gains of this place's residents (``place``).
    definition
        Site definition the existing sites and distances follow (default all-accessible).

    Returns
    -------
    dict
        ``park`` (name, area_ha, merged_site_ha, absorbed_sites, warnings),
        ``site_definition``, per tier ``gain_straight`` and ``gain_network``
        (people; network None off the offline network), ``gain_by_imd_decile``,
        ``gain_by_age``, ``near_misses_before`` / ``near_misses_after``,
        ``affected_lsoa_codes``, ``gains_anyone``, ``note``, ``place`` (with
        ``place``), ``method``, ``units`` and ``attribution``.
    """
    from analysis import new_park, site_definitions
    from layers.network import network_coverage

    name = site_definitions.check_definition(definition)
    scen = new_park.add_park(for_definition(results, name), park.geometry)
    network = dict(scen["gain_network"])
    if name != DEFAULT_SITE_DEFINITION:
        network = dict.fromkeys(network)
    anyone = any(v > 0 for v in scen["gain_straight"].values()) or any(
        (v or 0) > 0 for v in network.values()
    )
    d = SITE_DEFINITIONS[name]
    out: dict[str, Any] = {
        "park": {
            "name": park.name,
            "area_ha": scen["new_site_ha"],
            "merged_site_ha": scen["merged_site_ha"],
            "absorbed_sites": scen["absorbed_sites"],
            "warnings": list(park.warnings),
        },
        "site_definition": {"name": d.name, "label": d.label},
        "gain_straight": scen["gain_straight"],
        "gain_network": network,
        "gain_network_note": (
            NETWORK_DEFAULT_ONLY
            if name != DEFAULT_SITE_DEFINITION
            else f"null where the park is outside the offline network ({network_coverage().place})"
        ),
        "gain_by_imd_decile": scen["gain_by_imd_decile"],
        "gain_by_age": scen["gain_by_age"],
        "near_misses_before": scen["near_misses_before"],
        "near_misses_after": scen["near_misses_after"],
        "affected_lsoa_codes": scen["affected_lsoa_codes"],
        "gains_anyone": anyone,
        "note": _note(anyone, scen),
    }
    if place is not None:
        out["place"] = _in_place(scen, results, place)
    return out | {"method": METHOD, "units": UNITS, "attribution": catalogue.ATTRIBUTION}


def _note(anyone: bool, scen: Mapping[str, Any]) -> str:
    if anyone:
        return "Gains are extra residents meeting each tier; see gain_by_imd_decile for who."
    if not scen["affected_lsoa_codes"]:
        return (
            "Nobody gains: no resident's postcode comes closer to a site of any size with this "
            "park (nobody lives near enough, or everyone near it already has a nearer site)."
        )
    return (
        "Nobody gains a tier: some residents come closer to green space, but none crosses a "
        "tier's distance."
    )


# --- Plain text ---------------------------------------------------------------------------


def _gain_rows(out: Mapping[str, Any]) -> list[list[str]]:
    rows = [["Standard", "straight line", "walking network"]]
    missing = (
        NOT_OFFLINE
        if out["site_definition"]["name"] == DEFAULT_SITE_DEFINITION
        else "default definition only"
    )
    for t in ACCESS_TIERS:
        net = out["gain_network"].get(t.name)
        rows.append(
            [
                t.label,
                fmt_people(out["gain_straight"][t.name]),
                missing if net is None else fmt_people(net),
            ]
        )
    return rows


def _decile_rows(
    by_decile: Mapping[str, Mapping[Any, int]], total: Mapping[str, int]
) -> list[list[str]]:
    rows = [["Standard", *(str(d) for d in range(1, 11)), "total"]]
    for t in ACCESS_TIERS:
        counts = by_decile[t.name]
        cells = [fmt_people(counts.get(d, counts.get(str(d), 0))) for d in range(1, 11)]
        rows.append([t.label, *cells, fmt_people(total[t.name])])
    return rows


def _near_rows(out: Mapping[str, Any]) -> list[list[str]]:
    rows = [["Standard", "before", "after"]]
    rows += [
        [
            t.label,
            fmt_people(out["near_misses_before"][t.name]),
            fmt_people(out["near_misses_after"][t.name]),
        ]
        for t in ACCESS_TIERS
    ]
    return rows


def _aligned(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [
        "  "
        + "  ".join(
            [r[0].ljust(widths[0]), *(c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True))]
        ).rstrip()
        for r in rows
    ]


def render(out: Mapping[str, Any]) -> str:
    """The scenario as plain text: the park, gains per tier and by decile, near misses."""
    park = out["park"]
    lines = [
        f"New park: {park['name']}, {fmt_number(park['area_ha'], 2)} ha "
        f"(site after merging with {park['absorbed_sites']:,} touching existing site(s): "
        f"{fmt_number(park['merged_site_ha'], 2)} ha)",
        f"Existing sites counted: {out['site_definition']['label']}",
        *(f"Warning: {w}" for w in park["warnings"]),
        "",
        "More residents meeting each standard (people, Census 2021)",
        *_aligned(_gain_rows(out)),
        "",
        "Who gains, by IoD 2025 IMD decile (1 = most deprived; straight line, people)",
        *_aligned(_decile_rows(out["gain_by_imd_decile"], out["gain_straight"])),
    ]
    if "place" in out:
        p = out["place"]
        lines += [
            "",
            f"Of whom residents of {p['name']} ({p['level']}, {p['code']})",
            *_aligned(_decile_rows(p["gain_by_imd_decile"], p["gain_straight"])),
        ]
    lines += [
        "",
        "Near misses: residents within 100 m beyond each distance (people)",
        *_aligned(_near_rows(out)),
        "",
        out["note"],
        f"{len(out['affected_lsoa_codes']):,} LSOAs have residents who come closer to green space.",
        "",
        *textwrap.wrap(out["method"], WIDTH),
        "",
        out["attribution"],
    ]
    return "\n".join(lines) + "\n"
