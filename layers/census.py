"""Census 2021 topic summaries: ethnic group, disability, household deprivation,
accommodation type, cars or vans, occupancy, tenure and travel to work (LSOA21),
single year of age and general health (MSOA21).

Source: ONS Census 2021 topic summaries (nomis bulk files), OGL v3.0; see
``../shared/data/PROVENANCE.md``. ONS perturbs every table slightly (targeted
record swapping and cell key perturbation), so the totals of the same LSOA
differ by a few people from table to table: each table's OWN total is the
denominator of its shares, never another table's.

Only the columns the analysis uses are kept, summed into the groups it
reports, as integers (people or households; TS037 in tenths of a percent).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from layers.bundle import read_table


@dataclass(frozen=True)
class CensusTable:
    """One Census 2021 table as stored in the bundle.

    ``groups`` maps each stored column to the source columns summed into it;
    ``total`` is the source column of the table's own total (its denominator).
    """

    layer: str
    file: str
    key: str
    total: str
    groups: dict[str, tuple[str, ...]]


_FLATS = (
    "flat_purpose_built",
    "flat_converted_or_shared_house",
    "flat_other_converted_building",
    "in_commercial_building",
)

#: The LSOA21 tables (key ``lsoa21_code``) and the MSOA21 age table.
TABLES: dict[str, CensusTable] = {
    t.layer: t
    for t in (
        CensusTable(
            "census_ts001",
            "wy_census2021_ts001_usual_residents_lsoa21.csv",
            "lsoa21_code",
            "total_usual_residents",
            {
                "in_household": ("lives_in_household",),
                "in_communal": ("lives_in_communal_establishment",),
            },
        ),
        CensusTable(
            "census_ts021",
            "wy_census2021_ts021_ethnic_group_lsoa21.csv",
            "lsoa21_code",
            "total_usual_residents",
            {g: (g,) for g in ("asian", "black", "mixed", "white", "other")},
        ),
        CensusTable(
            "census_ts038",
            "wy_census2021_ts038_disability_lsoa21.csv",
            "lsoa21_code",
            "total_usual_residents",
            {
                "disabled": ("disabled_equality_act",),
                "not_disabled": ("not_disabled_equality_act",),
            },
        ),
        CensusTable(
            "census_ts011",
            "wy_census2021_ts011_household_deprivation_lsoa21.csv",
            "lsoa21_code",
            "total_households",
            {
                "deprived_0_1": ("deprived_0_dimensions", "deprived_1_dimension"),
                "deprived_2_plus": (
                    "deprived_2_dimensions",
                    "deprived_3_dimensions",
                    "deprived_4_dimensions",
                ),
            },
        ),
        CensusTable(
            "census_ts044",
            "wy_census2021_ts044_accommodation_type_lsoa21.csv",
            "lsoa21_code",
            "total_households",
            {
                "houses": ("detached", "semi_detached", "terraced"),
                "flats": _FLATS,
                "caravan_or_temporary": ("caravan_or_temporary",),
            },
        ),
        CensusTable(
            "census_ts045",
            "wy_census2021_ts045_car_van_availability_lsoa21.csv",
            "lsoa21_code",
            "total_households",
            {"no_car": ("cars_0",), "car": ("cars_1", "cars_2", "cars_3_or_more")},
        ),
        CensusTable(
            "census_ts052",
            "wy_census2021_ts052_occupancy_rating_bedrooms_lsoa21.csv",
            "lsoa21_code",
            "total_households",
            {"overcrowded": ("occ_bedrooms_minus1", "occ_bedrooms_minus2_or_less")},
        ),
        CensusTable(
            "census_ts054",
            "wy_census2021_ts054_tenure_lsoa21.csv",
            "lsoa21_code",
            "total_households",
            {
                "owned": ("owned_outright", "owned_mortgage", "shared_ownership"),
                "social_rented": ("social_rented_council", "social_rented_other"),
                "private_rented": (
                    "private_rented_landlord_agency",
                    "private_rented_other",
                    "lives_rent_free",
                ),
            },
        ),
        CensusTable(
            "census_ts061",
            "wy_census2021_ts061_travel_to_work_lsoa21.csv",
            "lsoa21_code",
            "total_in_employment_16plus",
            {
                "work_from_home": ("work_from_home",),
                "walk_or_cycle": ("on_foot", "bicycle"),
                "public_transport": ("metro_light_rail_tram", "train", "bus_minibus_coach"),
                "car_or_van": ("driving_car_van", "passenger_car_van", "taxi"),
            },
        ),
        CensusTable(
            "census_ts007",
            "wy_census2021_ts007_single_year_age_msoa21.csv",
            "msoa21_code",
            "total_usual_residents",
            {
                "age_0_4": tuple(f"age_{a}" for a in range(5)),
                "age_5_15": tuple(f"age_{a}" for a in range(5, 16)),
                "age_16_64": tuple(f"age_{a}" for a in range(16, 65)),
                "age_65_74": tuple(f"age_{a}" for a in range(65, 75)),
                "age_75_plus": (*(f"age_{a}" for a in range(75, 100)), "age_100_plus"),
            },
        ),
    )
}

#: TS037 general health per MSOA21: stored in tenths of a percent (ONS publishes 1 d.p.).
TS037_FILE = "wy_census2021_ts037_general_health_msoa21_pct.csv"
TS037_COLUMNS = {
    "pct_very_good_or_good_health": "good_health_pct_x10",
    "pct_fair_health": "fair_health_pct_x10",
    "pct_bad_or_very_bad_health": "bad_health_pct_x10",
}


def _build_table(table: CensusTable, raw: pd.DataFrame) -> pd.DataFrame:
    """Sum the source columns into the stored groups; check the table sums to its total."""
    out = pd.DataFrame({table.key: raw[table.key].astype(str)})
    out["total"] = raw[table.total].astype(np.int32)
    for name, cols in table.groups.items():
        out[name] = raw[list(cols)].sum(axis=1).astype(np.int32)
    categories = [c for c in raw.columns if c not in (table.total,) and raw[c].dtype.kind == "i"]
    sums = raw[categories].sum(axis=1)
    if not (sums == raw[table.total]).all():
        raise ValueError(f"{table.file}: the categories do not sum to {table.total} in every row")
    return out.sort_values(table.key).reset_index(drop=True)


def build(shared: Path) -> dict[str, pd.DataFrame]:
    """Build every ``census_*`` table from the raw ONS CSVs in ``shared/census2021``."""
    src = shared / "census2021"
    frames = {name: _build_table(t, pd.read_csv(src / t.file)) for name, t in TABLES.items()}
    ts037 = pd.read_csv(src / TS037_FILE)
    health = pd.DataFrame({"msoa21_code": ts037["msoa21_code"].astype(str)})
    for col, stored in TS037_COLUMNS.items():
        health[stored] = np.rint(ts037[col].to_numpy(float) * 10).astype(np.int16)
    frames["census_ts037"] = health.sort_values("msoa21_code").reset_index(drop=True)
    return frames


def load_table(layer: str) -> pd.DataFrame:
    """One stored census table: the key, ``total`` (its own denominator) and its groups.

    Counts are people or households (see :data:`TABLES`); ``census_ts037`` holds
    percentages × 10.
    """
    if layer not in TABLES and layer != "census_ts037":
        raise ValueError(f"Unknown census table {layer!r}; choose one of {sorted(TABLES)}")
    return read_table(layer)


def load_general_health() -> pd.DataFrame:
    """TS037 per MSOA21: share (0–1) of residents in good, fair and bad or very bad health."""
    raw = read_table("census_ts037")
    out = pd.DataFrame({"msoa21_code": raw["msoa21_code"]})
    for stored in TS037_COLUMNS.values():
        out[stored.replace("_pct_x10", "_share")] = raw[stored].to_numpy(float) / 1000.0
    return out
