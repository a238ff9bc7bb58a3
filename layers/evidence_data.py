"""The two health tables the evidence models need: SAMHI v5 (LSOA 2021) and TS037 (MSOA 2021).

The outcomes of :mod:`analysis.evidence` (issue 10, item 5), read from the
bundle's ``samhi`` (:mod:`layers.health`) and ``census_ts037``
(:mod:`layers.census`) layers, SHA-256 checked. :func:`build` reads the
published files exactly (full precision), for checks against the bundle.

Sources (``../shared/data/README.md`` and ``PROVENANCE.md``):

* ``health/wy_samhi_v5_lsoa21.csv``: the Small Area Mental Health Index v5.00
  (Daras K, Barr B (2021), Place-based Longitudinal Data Resource,
  doi:10.17638/datacat.liverpool.ac.uk/1188; OGL). Unitless; HIGHER = POORER
  population mental health. On LSOA 2021 through the 2011→2021 lookup: split
  LSOAs copy their parent's value, the two merged LSOAs average their parents.
* ``census2021/wy_census2021_ts037_general_health_msoa21_pct.csv``: ONS Census
  2021 TS037 general health, percentages of usual residents to 1 d.p., per
  MSOA 2021 (OGL). No counts and no LSOA table exist here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from layers import census, health
from layers.errors import HealthyPlacesError

#: Bundle layer names.
SAMHI_LAYER = "samhi"
TS037_LAYER = "census_ts037_health"

#: SAMHI years kept (the index is published for 2011 and 2019–2022).
SAMHI_YEARS = (2011, 2019, 2020, 2021, 2022)

_SAMHI_FILE = Path("health") / "wy_samhi_v5_lsoa21.csv"
_TS037_FILE = Path("census2021") / "wy_census2021_ts037_general_health_msoa21_pct.csv"
_TS037_COLUMNS = [
    "msoa21_code",
    "msoa21_name",
    "pct_very_good_or_good_health",
    "pct_fair_health",
    "pct_bad_or_very_bad_health",
]

#: Catalogue entries of the two layers (to join :data:`layers.catalogue.LAYERS`).


class HealthDataError(HealthyPlacesError, ValueError):
    """A raw health file is missing or lacks a column; the message names the file."""


@dataclass(frozen=True)
class HealthTables:
    """The evidence models' outcomes.

    ``samhi``: one row per LSOA21 (``lsoa21_code``, ``samhi_index_YYYY``
    unitless, ``samhi_dec_YYYY``, ``method``). ``ts037``: one row per MSOA21
    (``msoa21_code``, ``pct_*_health`` in % of usual residents).
    """

    samhi: pd.DataFrame
    ts037: pd.DataFrame


def _read_raw(shared: Path, rel: Path, columns: list[str]) -> pd.DataFrame:
    path = shared / rel
    if not path.exists():
        raise HealthDataError(f"Raw health file not found: {path}. See ../shared/data/README.md.")
    frame = pd.read_csv(path, dtype={c: str for c in columns if c.endswith(("_code", "_name"))})
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise HealthDataError(f"{path} lacks the column(s) {', '.join(missing)}.")
    return frame[columns]


def build(shared: Path) -> dict[str, pd.DataFrame]:
    """Build the ``samhi`` and ``census_ts037_health`` tables from ``shared`` (raw data folder).

    Values are kept as published (SAMHI index as a float, TS037 percentages to
    1 d.p.); rows are sorted by code so the bundle is deterministic.
    """
    samhi_cols = ["lsoa21_code", "msoa21_code", "method"] + [
        f"samhi_{kind}_{year}" for year in SAMHI_YEARS for kind in ("index", "dec")
    ]
    samhi = _read_raw(shared, _SAMHI_FILE, samhi_cols)
    for year in SAMHI_YEARS:
        samhi[f"samhi_dec_{year}"] = samhi[f"samhi_dec_{year}"].astype("int64")
    ts037 = _read_raw(shared, _TS037_FILE, _TS037_COLUMNS)
    return {
        SAMHI_LAYER: samhi.sort_values("lsoa21_code").reset_index(drop=True),
        TS037_LAYER: ts037.sort_values("msoa21_code").reset_index(drop=True),
    }


def load_samhi() -> pd.DataFrame:
    """SAMHI v5 per LSOA21 from the bundle's ``samhi`` layer (:func:`layers.health.load_samhi`).

    The bundle keeps the index to 0.001 (see :mod:`layers.health`); :func:`build`
    reads the published values exactly, for checks against the raw file.
    """
    return health.load_samhi()


def load_ts037() -> pd.DataFrame:
    """TS037 per MSOA21 from the bundle's ``census_ts037`` layer, in % of usual residents."""
    raw = census.load_table("census_ts037")
    out = pd.DataFrame({"msoa21_code": raw["msoa21_code"]})
    for column, stored in census.TS037_COLUMNS.items():
        # Stored as % × 10 (one decimal place published): k / 10 is exactly float("k/10").
        out[column] = raw[stored].to_numpy(float) / 10.0
    return out


def load_tables() -> HealthTables:
    """Both tables from the bundle; a :class:`~layers.errors.BundleError` if either is absent."""
    return HealthTables(load_samhi(), load_ts037())
