"""Which green space counts: the three site definitions, open countryside, edges, completeness.

Issue 8. Every straight-line tier is measured under each of Natural England's
site definitions (:data:`geo.standards.SITE_DEFINITIONS`: ``all-accessible``,
the default; ``natural``, the Accessible Natural Greenspace Standard; and
``formal``), so a profile can show the *sensitivity table*: every tier under
all three, side by side. :func:`for_definition` gives results whose headline
columns follow another definition (``healthyplaces profile --definition``).

Also here, as profile keys:

* **Access to open countryside.** Public open access land (moor, heath, large
  natural areas) is kept out of the park tiers and reported on its own: the
  share of residents within 1 km and 5 km of it.
* **Edge-affected share.** The offline extract stops at the county boundary:
  a resident who misses a tier while the county edge is nearer than the
  tier's distance might meet it through a site beyond the edge, so the share
  meeting it is a lower bound for them (:func:`analysis.surface.edge_col`).
  The live loaders fetch a 10 km buffer, which removes the flag.
* **Completeness.** Green-space types mapped unevenly between districts
  (``natural=wood`` only in Leeds, Bradford and Calderdale; ``landuse=grass``
  of 2020 in Kirklees and Wakefield) make the figures that depend on them
  not comparable between districts (:mod:`geo.completeness`).

Shares are 0–1 of residents (population-surface LSOA shares weighted by the
area's Census 2021 people); straight-line distances in EPSG:27700 metres.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

from analysis.areas import Area
from analysis.engine import Results
from analysis.surface import (
    STRAIGHT_TIERS,
    definition_meets_col,
    edge_col,
    open_land_col,
)
from geo import aggregate
from geo.completeness import missing_layers
from geo.standards import (
    ACCESS_TIERS,
    DEFAULT_SITE_DEFINITION,
    OPEN_LAND_DISTANCES_M,
    RULE_300,
    SITE_DEFINITIONS,
)
from layers.bundle import read_table

#: What the difference between the definitions means, in one plain sentence.
SENSITIVITY_SENTENCE = (
    "The definitions differ in which sites count: 'all accessible' counts every site with "
    "evidence of public access, 'formal' only parks, gardens, commons, greens, recreation "
    "grounds and play space, and 'natural' only nature reserves and mostly natural sites; "
    "because OpenStreetMap rarely says whether a wood is open to the public, most woods are "
    "'unknown' and the natural figures are the lowest. 'Comparable' counts every public site "
    "but only of the types mapped county-wide at one OpenStreetMap vintage, so it undercounts "
    "everywhere but equally: use it to compare districts. 'With open access land' adds "
    "moor, heath and large natural areas to the park tiers."
)
#: Figures that depend on green-space types mapped unevenly between districts.
DEPENDS_ON_UNEVEN_TYPES: dict[str, tuple[str, ...]] = {
    "natural_share": ("natural=wood",),
    "habitat_shannon": ("natural=wood", "landuse=grass"),
    "habitat_shannon_1km_pop_weighted": ("natural=wood", "landuse=grass"),
    "access_straight_by_definition.natural": ("natural=wood",),
    "open_countryside": ("natural=wood",),
}
#: Method of the open-countryside figures.
OPEN_COUNTRYSIDE_METHOD = (
    "share of residents within a straight-line distance of public open access land "
    "(OSM moor and heath, CRoW open country, and natural sites of 100 ha or more with no "
    "formal part), kept out of the park tiers. Measured to its boundary: the offline data "
    "has no entrances on open access land and walking routes to it are not computed, so "
    "every point of its edge stands in for where paths and roads meet it"
)
#: Method of the edge-affected share.
EDGE_METHOD = (
    "share of residents who miss the standard while the county boundary is nearer than its "
    "distance: sites beyond the boundary are not in the offline extract, so for them the "
    "figure is a lower bound (a live refresh with a 10 km buffer removes the flag)"
)


def check_definition(definition: str | None) -> str:
    """``definition`` if it is one of :data:`SITE_DEFINITIONS`, the default if None.

    Raises
    ------
    ValueError
        Naming the definitions there are.
    """
    name = DEFAULT_SITE_DEFINITION if definition is None else definition
    if name not in SITE_DEFINITIONS:
        raise ValueError(
            f"unknown site definition {name!r}; choose one of {', '.join(SITE_DEFINITIONS)}"
        )
    return name


def for_definition(results: Results, definition: str | None) -> Results:
    """Results whose straight-line tier shares (``meets_*``) follow ``definition``.

    The default returns ``results`` itself. Otherwise a copy whose ``meets_T``
    columns (every tier and 3-30-300) and ``tiers_met_share`` are those of
    ``definition``; distances, walking-network figures and everything else
    stay the default's (walking distances are computed for the default only).
    """
    name = check_definition(definition)
    if name == DEFAULT_SITE_DEFINITION:
        return results
    lsoa = results.lsoa.copy()
    for tier in STRAIGHT_TIERS:
        lsoa[tier.meets_col] = lsoa[definition_meets_col(tier, name)]
    lsoa["tiers_met_share"] = lsoa[[t.meets_col for t in ACCESS_TIERS]].mean(axis=1)
    return dataclasses.replace(results, lsoa=lsoa)


def profile_additions(
    results: Results, area: Area, definition: str | None = None
) -> dict[str, Any]:
    """The issue-8 keys of ``healthyplaces profile --json`` for one area.

    Returns
    -------
    dict
        ``site_definition`` (name, label, meaning), ``access_straight_by_definition``
        (definition → tier → share 0–1, the sensitivity table, 3-30-300 included),
        ``sensitivity_note``, ``open_countryside`` (shares within 1 and 5 km,
        method), ``edge_affected_share`` (tier → share 0–1, method) and
        ``completeness`` (types not comparable between districts and the
        figures that depend on them).
    """
    t, w = results.lsoa, area.weights
    name = check_definition(definition)
    d = SITE_DEFINITIONS[name]

    def share(col: str) -> float:
        return aggregate.weighted_share(t[col], w)[0]

    by_definition = {
        key: {tier.name: share(definition_meets_col(tier, key)) for tier in ACCESS_TIERS}
        | {RULE_300.name: share(definition_meets_col(RULE_300, key))}
        for key in SITE_DEFINITIONS
    }
    return {
        "site_definition": {"name": d.name, "label": d.label, "meaning": d.meaning},
        "access_straight_by_definition": by_definition,
        "sensitivity_note": SENSITIVITY_SENTENCE,
        "open_countryside": {
            **{
                f"within_{m / 1_000:g}km_share": share(open_land_col(m))
                for m in OPEN_LAND_DISTANCES_M
            },
            "method": OPEN_COUNTRYSIDE_METHOD,
        },
        "edge_affected_share": {tier.name: share(edge_col(tier)) for tier in ACCESS_TIERS}
        | {"method": EDGE_METHOD},
        "completeness": completeness_flags(),
    }


def completeness_flags() -> dict[str, Any]:
    """Green-space types not comparable between districts, and the figures they affect.

    From the bundle's ``green_completeness`` table (:mod:`geo.completeness`):
    ``not_comparable_types`` (``key=value`` → district → density ha/km²),
    ``not_comparable`` (profile key → the uneven types it depends on), ``missing``
    (``key=value`` → the districts where it is missing:
    :func:`geo.completeness.missing_layers`) and ``note``.
    """
    table = completeness_table()
    bad = table[~table["comparable"].astype(bool)]
    types = {
        f"{k}={v}": {str(r.district): round(float(r.density_ha_km2), 3) for r in g.itertuples()}
        for (k, v), g in bad.groupby(["osm_key", "osm_value"], sort=True)
    }
    affected = {
        key: [typ for typ in deps if typ in types]
        for key, deps in DEPENDS_ON_UNEVEN_TYPES.items()
        if any(typ in types for typ in deps)
    }
    note = (
        "Not comparable between districts: "
        + "; ".join(f"{typ} is mapped unevenly ({_densities(by)})" for typ, by in types.items())
        + ". Figures that depend on it carry this flag."
        if types
        else "Every green-space type is mapped county-wide at one vintage."
    )
    gone = missing_layers(table)
    missing = {typ: sorted(g["district"].astype(str)) for typ, g in gone.groupby("type")}
    if missing:
        note += (
            " Missing altogether: "
            + "; ".join(f"{typ} in {' and '.join(ds)}" for typ, ds in missing.items())
            + " (under a tenth of the median district's density)."
        )
    if types:
        note += (
            " For a like-for-like comparison between districts, choose the 'comparable' site "
            "definition (--definition comparable), which leaves these types out everywhere."
        )
    return {
        "not_comparable_types": types,
        "not_comparable": affected,
        "missing": missing,
        "note": note,
        "comparable_definition": "comparable",
    }


def _densities(by_district: dict[str, float]) -> str:
    return ", ".join(f"{d} {v:g} ha/km²" for d, v in by_district.items())


def completeness_table() -> pd.DataFrame:
    """The bundle's per-district green-space completeness table (density ha/km², vintage)."""
    return pd.DataFrame(read_table("green_completeness"))
