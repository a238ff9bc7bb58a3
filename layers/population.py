"""Census 2021 usual residents on LSOA21, with six age bands.

Source: ONS Census 2021 (TS007-derived), OGL v3.0. Counts are people; the
county total is 2,351,573.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from layers.bundle import read_table

AGE_BANDS = {
    "Aged 15 years and under": "age_0_15",
    "Aged 16 to 24 years": "age_16_24",
    "Aged 25 to 34 years": "age_25_34",
    "Aged 35 to 49 years": "age_35_49",
    "Aged 50 to 64 years": "age_50_64",
    "Aged 65 years and over": "age_65_plus",
}


def build(shared: Path) -> dict[str, pd.DataFrame]:
    """Build the ``population`` table (LSOA21) from the raw ONS CSV.

    Parameters
    ----------
    shared
        The shared-data folder (``../shared/data``, see :mod:`layers.paths`).

    Returns
    -------
    dict
        ``population``: ``lsoa21_code``, ``population`` and ``age_*`` bands
        (Census 2021 usual residents, people), sorted by code.

    Raises
    ------
    ValueError
        If the age bands do not sum to the total for some LSOA.
    """
    pop = pd.read_csv(shared / "population" / "wy_census2021_usual_residents_lsoa21_age6.csv")
    pop = pop.rename(columns={"total_usual_residents": "population", **AGE_BANDS})
    bands = list(AGE_BANDS.values())
    if not (pop[bands].sum(axis=1) == pop["population"]).all():
        raise ValueError("Census age bands do not sum to the total for some LSOAs")
    return {"population": pop[["lsoa21_code", "population", *bands]].sort_values("lsoa21_code")}


def load_population() -> pd.DataFrame:
    """Usual residents per LSOA21: ``population`` and ``age_*`` bands (people)."""
    return read_table("population")
