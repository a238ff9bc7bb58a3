"""Published indices for context and comparison: ONS access to garden space
(MSOA) and CDRC AHAH v4 (LSOA21).

* ONS, *Access to garden space: Great Britain*, April 2020 (from OS
  MasterMap), OGL; "Contains OS data © Crown copyright and database right
  2020". Published on MSOA 2011. 297 of the 299 West Yorkshire MSOA11 are
  unchanged in 2021 and map one to one. The other two (Bradford 004,
  E02002186, and Bradford 039, E02002221) were split in 2021: each MSOA21
  child (found through the LSOA11→LSOA21 lookup) copies its parent's SHARES
  with private outdoor space, and ``garden_method`` says so; address counts
  are kept only for unchanged MSOAs (a split parent's counts cannot be
  divided without addresses). Shares are stored in thousandths (the source's
  3 decimal places, so exactly).
* CDRC, *Access to Healthy Assets and Hazards (AHAH) v4*, overall index per
  LSOA21 in Great Britain: score (higher = LESS healthy environment), rank
  (1 = healthiest) and percentile. Cite: CDRC AHAH v4, Consumer Data
  Research Centre. The domain scores are not in the data.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from layers.bundle import read_table

_GARDEN_FILE = "wy_ons_private_outdoor_space_2020_msoa11.csv"
_SHARES = ("houses_pct_with_pos", "flats_pct_with_pos", "total_pct_with_pos")
_COUNTS = ("houses_address_count", "flats_address_count", "total_address_count")
UNCHANGED = "unchanged MSOA 2011"
SPLIT = "copied from the MSOA 2011 parent (split in 2021)"


def _msoa11_to_msoa21(shared: Path) -> pd.DataFrame:
    """MSOA11 → MSOA21 pairs through LSOA11 → LSOA21 (ONS lookups) and the census MSOA21."""
    bnd = shared / "boundaries"
    l11m11 = pd.read_csv(
        bnd / "wy_lookup_lsoa11_msoa11.csv", usecols=["lsoa11_code", "msoa11_code"]
    )
    l11l21 = pd.read_csv(
        bnd / "wy_lookup_lsoa11_lsoa21.csv", usecols=["lsoa11_code", "lsoa21_code"]
    )
    l21m21 = pd.read_csv(
        shared / "census2021" / "wy_census2021_ts001_usual_residents_lsoa21.csv",
        usecols=["lsoa21_code", "msoa21_code"],
    )
    pairs = l11m11.merge(l11l21, on="lsoa11_code").merge(l21m21, on="lsoa21_code")
    return pairs[["msoa11_code", "msoa21_code"]].drop_duplicates()


def build_gardens(shared: Path) -> pd.DataFrame:
    """The ``gardens`` table: ONS private outdoor space shares on MSOA21 (thousandths)."""
    raw = pd.read_csv(shared / "context" / _GARDEN_FILE)
    same = raw[raw["msoa21_code_if_unchanged"].notna()].copy()
    same["msoa21_code"] = same["msoa21_code_if_unchanged"].astype(str)
    same["garden_method"] = UNCHANGED
    split_parents = raw[raw["msoa21_code_if_unchanged"].isna()]
    pairs = _msoa11_to_msoa21(shared)
    children = split_parents.merge(pairs, on="msoa11_code")
    children = children[~children["msoa21_code"].isin(same["msoa21_code"])].copy()
    children["garden_method"] = SPLIT
    children[list(_COUNTS)] = -1
    both = pd.concat([same, children], ignore_index=True)
    out = pd.DataFrame({"msoa21_code": both["msoa21_code"].astype(str)})
    out["msoa11_code"] = both["msoa11_code"].astype(str)
    out["garden_method"] = both["garden_method"].astype(str)
    for col in _SHARES:
        out[col.replace("_pct_with_pos", "_pos_x1000")] = np.rint(
            both[col].to_numpy(float) * 1000
        ).astype(np.int16)
    for col in _COUNTS:
        out[col] = both[col].astype(np.int32)
    if out["msoa21_code"].duplicated().any():
        raise ValueError(f"{_GARDEN_FILE}: an MSOA21 received two MSOA11 parents")
    return out.sort_values("msoa21_code").reset_index(drop=True)


def build_ahah(shared: Path) -> pd.DataFrame:
    """The ``ahah`` table: AHAH v4 score (× 10,000, integer), GB rank and percentile."""
    raw = pd.read_csv(shared / "context" / "wy_cdrc_ahah_v4_index_lsoa21.csv")
    return (
        pd.DataFrame(
            {
                "lsoa21_code": raw["lsoa21_code"].astype(str),
                "ahah_score_x10000": np.rint(raw["ahah_v4_index_score"] * 10_000).astype(np.int32),
                "ahah_rank_gb": raw["ahah_v4_index_rank_gb"].astype(np.int32),
                "ahah_percentile_gb": raw["ahah_v4_index_percentile_gb"].astype(np.int16),
            }
        )
        .sort_values("lsoa21_code")
        .reset_index(drop=True)
    )


def build(shared: Path) -> dict[str, pd.DataFrame]:
    """Build the ``gardens`` (MSOA21) and ``ahah`` (LSOA21) tables."""
    return {"gardens": build_gardens(shared), "ahah": build_ahah(shared)}


def load_gardens() -> pd.DataFrame:
    """Private outdoor space per MSOA21 (ONS, April 2020): ``houses_pos_share``,
    ``flats_pos_share``, ``total_pos_share`` (0–1 of addresses with a private garden,
    patio or terrace, shared or not), ``garden_method``, and the address counts (-1
    where the MSOA was split in 2021)."""
    raw = read_table("gardens")
    out = raw[["msoa21_code", "msoa11_code", "garden_method", *_COUNTS]].copy()
    for col in _SHARES:
        stored = col.replace("_pct_with_pos", "_pos_x1000")
        out[col.replace("_pct_with_pos", "_pos_share")] = raw[stored].to_numpy(float) / 1000.0
    return out


def load_ahah() -> pd.DataFrame:
    """CDRC AHAH v4 per LSOA21: ``ahah_score`` (higher = less healthy), ``ahah_rank_gb``
    (1 = healthiest in GB), ``ahah_percentile_gb``."""
    raw = read_table("ahah")
    out = raw[["lsoa21_code", "ahah_rank_gb", "ahah_percentile_gb"]].copy()
    out.insert(1, "ahah_score", raw["ahah_score_x10000"].to_numpy(float) / 10_000)
    return out
