"""The Small Area Mental Health Index (SAMHI) v5.00 on LSOA 2021.

Source: Daras K, Barr B (2021) *Small Area Mental Health Index (SAMHI)
v5.00*, Place-based Longitudinal Data Resource,
doi:10.17638/datacat.liverpool.ac.uk/1188; Open Government Licence. A
composite of mental-health hospital admissions, antidepressant prescribing,
QOF depression prevalence and DLA/PIP claims for mental health: HIGHER =
POORER population mental health (a standardised score, unitless); the decile
is England's, 10 = the worst 10%.

The LSOA21 file is the LSOA11 one through the ONS 2011→2021 lookup:
unchanged and split LSOAs copy their parent's values, the two merged LSOAs
average their parents (their deciles are approximate). The bundle stores the
index in thousandths (an integer; the published values carry 15 digits, far
beyond the index's precision) and the deciles as integers.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from layers.bundle import read_table

#: The SAMHI years kept.
SAMHI_YEARS = (2011, 2019, 2020, 2021, 2022)
#: Index values are stored × this factor, as integers.
INDEX_SCALE = 1000


def build(shared: Path) -> dict[str, pd.DataFrame]:
    """Build the ``samhi`` table (LSOA21) from ``shared/health/wy_samhi_v5_lsoa21.csv``."""
    raw = pd.read_csv(shared / "health" / "wy_samhi_v5_lsoa21.csv")
    out = pd.DataFrame({"lsoa21_code": raw["lsoa21_code"].astype(str)})
    out["merged"] = (raw["method"] == "merge_mean_of_parents").astype(np.int8)
    for year in SAMHI_YEARS:
        out[f"samhi_index_{year}_x1000"] = np.rint(
            raw[f"samhi_index_{year}"].to_numpy(float) * INDEX_SCALE
        ).astype(np.int32)
        out[f"samhi_dec_{year}"] = raw[f"samhi_dec_{year}"].astype(np.int8)
    return {"samhi": out.sort_values("lsoa21_code").reset_index(drop=True)}


def load_samhi() -> pd.DataFrame:
    """SAMHI v5 per LSOA21: ``samhi_index_YYYY`` (float, unitless, higher = poorer mental
    health, to 0.001), ``samhi_dec_YYYY`` (England decile, 10 = worst) and ``merged``
    (1 where the LSOA21 averages two LSOA11 parents)."""
    raw = read_table("samhi")
    out = pd.DataFrame({"lsoa21_code": raw["lsoa21_code"], "merged": raw["merged"].astype(bool)})
    for year in SAMHI_YEARS:
        out[f"samhi_index_{year}"] = raw[f"samhi_index_{year}_x1000"].to_numpy(float) / INDEX_SCALE
        out[f"samhi_dec_{year}"] = raw[f"samhi_dec_{year}"].astype(np.int64)
    return out
