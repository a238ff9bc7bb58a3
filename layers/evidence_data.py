"""The two health tables the evidence models need: SAMHI v5 (LSOA 2021) and TS037 (MSOA 2021).

A small private loader for :mod:`analysis.evidence` (issue 10, item 5). It
reads the bundle layers ``samhi`` and ``census_ts037_health`` through
:func:`layers.bundle.read_table` (SHA-256 checked) and raises a clear
:class:`~layers.errors.BundleError` when the bundle does not have them yet.
:func:`build` makes both layers from ``../shared/data`` for the bundle step,
and :data:`CATALOGUE` holds their catalogue entries (for
:data:`layers.catalogue.LAYERS`).

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

from layers import paths
from layers.bundle import manifest, read_table
from layers.catalogue import OGL, OGL_PSI, LayerInfo
from layers.errors import BundleError, HealthyPlacesError

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
CATALOGUE: dict[str, LayerInfo] = {
    SAMHI_LAYER: LayerInfo(
        SAMHI_LAYER,
        "Small Area Mental Health Index (SAMHI) v5.00, LSOA 2021",
        "table",
        "Daras K, Barr B (2021) Small Area Mental Health Index (SAMHI) v5.00, Place-based "
        "Longitudinal Data Resource, doi:10.17638/datacat.liverpool.ac.uk/1188",
        OGL,
        OGL_PSI,
        "2011, 2019–2022",
        "1,404 LSOA21 (from the 1,388 LSOA11)",
        "Published on LSOA 2011: split LSOAs copy their parent's value and the 2 merged "
        "LSOAs average their parents (approximate deciles). A composite of mental-health "
        "admissions, antidepressant prescribing, QOF depression and DLA/PIP claims.",
        "samhi_index_YYYY: unitless, higher = poorer mental health; samhi_dec_YYYY: England "
        "decile, 10 = worst",
    ),
    TS037_LAYER: LayerInfo(
        TS037_LAYER,
        "Census 2021 TS037 general health, MSOA 2021",
        "table",
        "ONS Census 2021 TS037 (via ONSvisual/dot-density-data; see PROVENANCE.md)",
        OGL,
        OGL_PSI,
        "Census 2021 (21 March 2021)",
        "301 MSOA21",
        "Percentages only (1 d.p.), no counts; no LSOA-level general health.",
        "% of usual residents",
    ),
}


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


def _load(name: str, columns: list[str]) -> pd.DataFrame:
    if name not in manifest()["layers"]:
        raise BundleError(
            f"The bundle at {paths.bundle_dir()} has no {name!r} layer "
            f"({CATALOGUE[name].title}), which the evidence models need. {paths.REBUILD_HINT}"
        )
    frame = pd.DataFrame(read_table(name))
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise BundleError(
            f"Bundle layer {name!r} lacks the column(s) {', '.join(missing)}. {paths.REBUILD_HINT}"
        )
    return frame


def load_samhi() -> pd.DataFrame:
    """SAMHI v5 per LSOA21 from the bundle (see :class:`HealthTables`)."""
    return _load(SAMHI_LAYER, ["lsoa21_code", "samhi_index_2019", "samhi_index_2022"])


def load_ts037() -> pd.DataFrame:
    """TS037 general health per MSOA21 from the bundle (see :class:`HealthTables`)."""
    return _load(TS037_LAYER, ["msoa21_code", "pct_bad_or_very_bad_health"])


def load_tables() -> HealthTables:
    """Both tables from the bundle; a :class:`~layers.errors.BundleError` if either is absent."""
    return HealthTables(load_samhi(), load_ts037())
