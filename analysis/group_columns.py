"""Per-LSOA group counts, table totals and shares: the columns the results export gains.

For every group of :data:`analysis.equity.FAMILIES` (age 0–15 / 16–64 / 65+, the
five ethnic groups, disabled / not, households with no car / a car, in flats /
houses, deprived in 2+ dimensions / 0–1):

* ``count_<group>``: the Census 2021 count in the LSOA (people or households, integer);
* ``share_<group>``: that count ÷ its own table's total (0–1; ONS perturbs every table,
  so each table's total is its denominator, never another table's);
* ``total_<family>``: the table's own total (integer), the share's denominator.

:data:`COLUMN_INFO` names each column's description, units, source table and year
for the data dictionary (:mod:`healthyplaces.export.dictionary`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.engine import Results
from analysis.equity import FAMILIES, group_counts

#: The Census 2021 table of each family (age: the six-band population table).
_TABLES = {
    "population": "ONS Census 2021 usual residents by age (six bands), via cwthom/hack25usefuldata",
    "census_ts021": "ONS Census 2021 TS021 ethnic group",
    "census_ts038": "ONS Census 2021 TS038 disability (Equality Act 2010)",
    "census_ts045": "ONS Census 2021 TS045 car or van availability",
    "census_ts044": "ONS Census 2021 TS044 accommodation type",
    "census_ts011": "ONS Census 2021 TS011 households by deprivation dimensions",
}
_TOTALS = {
    "age": "usual residents",
    "ethnic_group": "usual residents (TS021 total)",
    "disability": "usual residents (TS038 total)",
    "car": "households (TS045 total)",
    "accommodation": "households (TS044 total)",
    "household_deprivation": "households (TS011 total)",
}


def _column_info() -> dict[str, tuple[str, str, str, str]]:
    out: dict[str, tuple[str, str, str, str]] = {}
    for family, (layer, unit, groups) in FAMILIES.items():
        source = f"{_TABLES[layer]} (OGL v3.0)"
        out[f"total_{family}"] = (
            f"Census 2021 total of the {family.replace('_', ' ')} table: the denominator of "
            f"its shares ({_TOTALS[family]})",
            unit,
            source,
            "2021",
        )
        for g in groups:
            out[f"count_{g.name}"] = (f"{g.label}: Census 2021 count", unit, source, "2021")
            out[f"share_{g.name}"] = (
                f"{g.label}: share of the table's own total (total_{family})",
                f"share of {unit} (0–1)",
                source,
                "2021",
            )
    return out


#: Column → (description, units, source, year), for the data dictionary.
COLUMN_INFO: dict[str, tuple[str, str, str, str]] = _column_info()


def lsoa_group_columns(results: Results) -> pd.DataFrame:
    """``lsoa21_code`` and, per family, ``total_<family>``, then ``count_<g>`` and ``share_<g>``.

    Rows align with ``results.lsoa``. Counts and totals are nullable integers
    (``Int64``: people or households); shares are floats in 0–1, NaN where the
    table's total is 0.
    """
    counts = group_counts(results)
    out = pd.DataFrame({"lsoa21_code": results.lsoa["lsoa21_code"].to_numpy()})
    for family, (_, _, groups) in FAMILIES.items():
        total = counts[f"total_{family}"].to_numpy(float)
        out[f"total_{family}"] = pd.array(np.rint(total), dtype="Int64")
        for g in groups:
            n = counts[g.name].to_numpy(float)
            out[f"count_{g.name}"] = pd.array(np.rint(n), dtype="Int64")
            with np.errstate(invalid="ignore", divide="ignore"):
                out[f"share_{g.name}"] = np.where(total > 0, n / total, np.nan)
    return out
