"""English Indices of Deprivation: IoD 2025 on LSOA21 (default) and IMD 2019 on LSOA11.

Source: MHCLG, OGL v3.0. Rank 1 and decile 1 are the most deprived in England
(33,755 LSOAs in 2025; 32,844 in 2019). Scores are the published domain scores
(IMD score: unitless; income and employment: proportion of people, 0–1 in 2025).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from layers.bundle import read_table

#: The domains, as the column stems in the IoD 2025 table.
IOD2025_DOMAINS = (
    "IMD",
    "Income",
    "Employment",
    "Education",
    "Health",
    "Crime",
    "Housing_and_Services",
    "Environment",
)


def build(shared: Path) -> dict[str, pd.DataFrame]:
    """Build ``iod2025`` (LSOA21) and ``imd2019`` (LSOA11) tables from the raw MHCLG CSVs.

    Parameters
    ----------
    shared
        The shared-data folder (``../shared/data``, see :mod:`layers.paths`).

    Returns
    -------
    dict
        ``iod2025`` and ``imd2019`` tables (scores, ranks 1 = most deprived in
        England, deciles 1–10), sorted by LSOA code.
    """
    src = shared / "deprivation"
    iod = pd.read_csv(src / "wy_iod2025_lsoa21.csv")
    sub = pd.read_csv(src / "wy_iod2025_lsoa21_subdomains.csv")
    iod = iod.merge(sub, on="lsoa21_code", how="left", validate="1:1")
    imd19 = pd.read_csv(src / "wy_imd2019_lsoa11.csv")
    sub19 = pd.read_csv(src / "wy_imd2019_lsoa11_subdomains.csv")
    dup = [c for c in sub19.columns if c in imd19.columns and c != "lsoa11_code"]
    imd19 = imd19.merge(sub19.drop(columns=dup), on="lsoa11_code", how="left", validate="1:1")
    return {
        "iod2025": iod.sort_values("lsoa21_code"),
        "imd2019": imd19.sort_values("lsoa11_code"),
    }


def load_iod2025() -> pd.DataFrame:
    """IoD 2025 for the 1,404 LSOA21: ``<Domain>_score``, ``_rank``, ``_decile`` and sub-domains."""
    return read_table("iod2025")


def load_imd2019(on_lsoa21: bool = False) -> pd.DataFrame:
    """IMD 2019 on LSOA11, or mapped to LSOA21 with the ONS 2011→2021 lookup.

    When ``on_lsoa21`` is true, each LSOA21 takes the IMD 2019 values of its
    LSOA11; where two LSOA11 merged into one LSOA21 (change code ``M``) the
    scores are averaged and the rank and decile of the more deprived one kept,
    which is the cautious choice for targeting.

    Parameters
    ----------
    on_lsoa21
        Map to LSOA21 (True) or keep the published LSOA11 rows (False).

    Returns
    -------
    pandas.DataFrame
        ``*_score``/``*_pct`` (MHCLG units), ``*_rank`` (1 = most deprived) and
        ``*_decile`` (1–10) per LSOA11 or LSOA21 code.
    """
    imd = read_table("imd2019")
    if not on_lsoa21:
        return imd
    lookup = read_table("lookup_lsoa11_lsoa21")
    joined = lookup.merge(imd, on="lsoa11_code", how="inner")
    score_cols = [c for c in joined.columns if c.endswith(("_score", "_pct"))]
    rank_cols = [c for c in joined.columns if c.endswith(("_rank", "_decile"))]
    agg = {**{c: "mean" for c in score_cols}, **{c: "min" for c in rank_cols}}
    return joined.groupby("lsoa21_code", as_index=False).agg(agg)
