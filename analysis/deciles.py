"""Key indicators by IoD 2025 decile for an area, with the rule for when an area is too small.

:func:`decile_data` charts an area's own decile gradient only when it has at
least :data:`MIN_LSOAS_FOR_DECILES` LSOAs in :data:`MIN_DECILES_FOR_DECILES`
deciles; otherwise the county's LSOAs are used and the note says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis import air_years, profiles
from analysis.areas import Area
from analysis.engine import Results
from geo import standards
from layers import places

#: Fewest LSOAs (and deciles represented) for an area's own decile chart.
MIN_LSOAS_FOR_DECILES = 20
MIN_DECILES_FOR_DECILES = 5
_WHO = standards.WHO_2021_GUIDELINES


@dataclass(frozen=True)
class DecileIndicator:
    """A key indicator charted by IMD decile.

    ``title_template`` may hold ``{year}``, the PCM year of the air columns
    (:func:`analysis.air_years.selected_year`), filled in by :attr:`title`.
    """

    column: str
    title_template: str
    units: str
    share: bool
    guideline: float | None = None
    guideline_label: str = ""

    @property
    def title(self) -> str:
        """The chart title, naming the air year the figures are for."""
        return self.title_template.format(year=air_years.selected_year())


DECILE_INDICATORS: tuple[DecileIndicator, ...] = (
    DecileIndicator(
        f"meets_{standards.HEADLINE_TIER}",
        "Green space ≥ 2 ha within 300 m (straight line, OSM 2023)",
        "% of residents",
        True,
    ),
    DecileIndicator(
        "no2_ugm3",
        "NO₂ annual mean (DEFRA PCM {year})",
        "µg/m³",
        False,
        _WHO["no2"],
        f"WHO 2021 guideline {_WHO['no2']:g} µg/m³",
    ),
    DecileIndicator(
        "blue_within_300m",
        "Blue space within 300 m (straight line, OSM 2023)",
        "% of residents",
        True,
    ),
    DecileIndicator(
        "habitat_shannon_1km",
        "Habitat diversity within 1 km (OSM 2023)",
        "Shannon index, nats",
        False,
    ),
)


@dataclass(frozen=True)
class DecileData:
    """Population-weighted indicator means by IMD decile, and which LSOAs they cover."""

    frame: pd.DataFrame
    scope: str
    note: str
    county_fallback: bool


def decile_data(results: Results, area: Area) -> DecileData:
    """Key indicators by IoD 2025 decile over the area's LSOAs (or the county's if too few).

    Calls :func:`analysis.profiles.decile_table` with the area's weights (residents
    counted in the area). An area with fewer than
    :data:`MIN_LSOAS_FOR_DECILES` LSOAs or fewer than
    :data:`MIN_DECILES_FOR_DECILES` deciles represented is charted with the
    county's LSOAs instead, and the note says so.

    Parameters
    ----------
    results
        From :func:`analysis.engine.load_results`.
    area
        The area profiled.

    Returns
    -------
    DecileData
        The decile table (population-weighted means, shares 0–1, ``population`` in
        people), the scope it covers, a note for readers and whether the county
        was used instead.
    """
    t = results.lsoa
    cols = [d.column for d in DECILE_INDICATORS]
    inside = area.weights > 0
    n_lsoas = int(inside.sum())
    n_deciles = int(t.loc[inside, "IMD_decile"].nunique())
    weights = area.weights
    fallback = area.level != "county" and (
        n_lsoas < MIN_LSOAS_FOR_DECILES or n_deciles < MIN_DECILES_FOR_DECILES
    )
    if fallback:
        weights = t["population"].to_numpy(float)
        scope = places.COUNTY_NAME
        note = (
            f"{area.name} has {n_lsoas:,} LSOA{'s' if n_lsoas != 1 else ''} in {n_deciles} "
            f"IMD decile{'s' if n_deciles != 1 else ''}, too few for its own decile "
            f"gradient, so these charts show all {len(t):,} LSOAs in "
            f"{places.COUNTY_NAME}."
        )
    else:
        scope = area.name
        note = (
            f"Population-weighted means over the {n_lsoas:,} LSOAs of {area.name}, "
            "by national IoD 2025 IMD decile."
        )
    table = profiles.decile_table(results, weights, cols)
    return DecileData(table, scope, note, fallback)
