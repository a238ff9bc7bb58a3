"""Where people lack both a garden and a park, and where new green space is needed most.

Gardens and parks together
--------------------------
ONS *Access to garden space* (April 2020, MSOA; :mod:`layers.context`) gives
the share of addresses with private outdoor space. Method, in one sentence:
assuming that, within an MSOA, having a garden is independent of the LSOA's
public green-space access, the people with neither are
``population × (1 − MSOA garden share) × (1 − meets the standard)``, for the
doorstep (0.5 ha within 200 m) and local (2 ha within 300 m) standards.
Households in flats without a garden (``households in flats × (1 − MSOA share of
flats with private outdoor space)``) are the group for whom public green space
matters most.

Need-weighted priorities
------------------------
Each LSOA's need is a weighted mean of five components, each the LSOA's
percentile rank (0–1) in West Yorkshire: the share of residents aged 0–15,
the share of households without a car, the share of households in flats
without a garden, the IMD 2025 score and the SAMHI 2022 index (poorer mental
health). The weights (:class:`NeedWeights`) are adjustable and normalised to
sum to 1. The priority of an LSOA for a standard is
``people without access × (1 + need)``: need can at most double the weight of
the people it counts, so the ranking stays about people, not about indices.
All figures are at LSOA level: group counts spread over LSOAs in proportion.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis.areas import Area
from analysis.engine import Results
from analysis.equity import METHOD, group_counts
from geo.standards import ACCESS_TIERS
from layers import context, health

FloatArray = npt.NDArray[np.float64]

GARDEN_METHOD = (
    "People with neither a garden nor a park = population × (1 − MSOA share of addresses "
    "with private outdoor space, ONS April 2020) × (1 − meets the standard), assuming the two "
    "are independent within an MSOA; " + METHOD + "."
)
#: The standards the gardens analysis uses: doorstep and local (Natural England GI Framework).
GARDEN_STANDARDS = {"doorstep": "0.5ha_200m", "local": "2ha_300m"}


def gardens_table(results: Results) -> pd.DataFrame:
    """Per LSOA: garden shares of its MSOA and people/households without a garden and a park.

    Columns: ``lsoa21_code``, ``garden_share``, ``flats_garden_share`` (0–1 of
    addresses, ONS 2020), ``garden_method``, ``flat_share`` (0–1 of households,
    TS044), ``flats_without_garden_share`` (0–1 of households), and for each
    standard ``people_without_garden_or_<standard>`` (people) and
    ``flats_without_garden_or_<standard>`` (households).
    """
    lsoa = results.lsoa
    g = context.load_gardens().set_index("msoa21_code")
    msoa = lsoa["msoa21_code"].to_numpy()
    garden = g["total_pos_share"].reindex(msoa).to_numpy(float)
    flats_garden = g["flats_pos_share"].reindex(msoa).to_numpy(float)
    counts = group_counts(results)
    flats = counts["flats"].to_numpy(float)
    households = counts["total_accommodation"].to_numpy(float)
    pop = lsoa["population"].to_numpy(float)
    out = pd.DataFrame({"lsoa21_code": lsoa["lsoa21_code"].to_numpy()})
    out["garden_share"] = garden
    out["flats_garden_share"] = flats_garden
    out["garden_method"] = g["garden_method"].reindex(msoa).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        out["flat_share"] = np.where(households > 0, flats / households, np.nan)
    out["flats_without_garden_share"] = out["flat_share"] * (1 - flats_garden)
    out["flats_without_garden"] = flats * (1 - flats_garden)
    for label, tier in GARDEN_STANDARDS.items():
        lacks = 1.0 - lsoa[f"meets_{tier}"].astype(float).to_numpy()
        out[f"people_without_garden_or_{label}"] = pop * (1 - garden) * lacks
        out[f"flats_without_garden_or_{label}"] = flats * (1 - flats_garden) * lacks
    return out


def gardens_and_parks(results: Results, area: Area) -> dict[str, Any]:
    """Place totals of :func:`gardens_table` (people, households), with the method sentence."""
    t = gardens_table(results)
    share = np.asarray(area.share, dtype=float)
    pop = float(np.sum(results.lsoa["population"].to_numpy(float) * share))

    def total(col: str) -> float:
        return float(np.nansum(t[col].to_numpy(float) * share))

    out: dict[str, Any] = {
        "method": GARDEN_METHOD,
        "population": pop,
        "people_without_garden": float(
            np.nansum(results.lsoa["population"].to_numpy(float) * (1 - t["garden_share"]) * share)
        ),
        "flats_without_garden": total("flats_without_garden"),
        "source": "ONS Access to garden space (April 2020, MSOA 2011 mapped to MSOA 2021); "
        "Census 2021 TS044; OpenStreetMap 2023 green space",
    }
    for label, tier in GARDEN_STANDARDS.items():
        people = total(f"people_without_garden_or_{label}")
        out[label] = {
            "standard": tier,
            "people_without_garden_or_park": people,
            "share_of_population": people / pop if pop > 0 else None,
            "flats_without_garden_or_park": total(f"flats_without_garden_or_{label}"),
        }
    return out


@dataclass(frozen=True)
class NeedWeights:
    """Relative weights of the need components (any non-negative numbers; normalised)."""

    children: float = 1.0
    no_car: float = 1.0
    flats_without_garden: float = 1.0
    imd: float = 1.0
    samhi: float = 1.0

    def normalised(self) -> dict[str, float]:
        """The weights divided by their sum (all zero: need is 0 everywhere)."""
        w = asdict(self)
        if any(v < 0 or not np.isfinite(v) for v in w.values()):
            raise ValueError(f"Need weights must be finite and non-negative: {w}")
        total = sum(w.values())
        return {k: (v / total if total > 0 else 0.0) for k, v in w.items()}


def need_components(results: Results) -> pd.DataFrame:
    """Each need component per LSOA as a percentile rank (0–1) across all LSOAs given."""
    counts = group_counts(results)
    lsoa = results.lsoa
    samhi = health.load_samhi().set_index("lsoa21_code")["samhi_index_2022"]
    gardens = gardens_table(results)
    with np.errstate(invalid="ignore", divide="ignore"):
        raw = pd.DataFrame(
            {
                "children": counts["age_0_15"] / counts["total_age"],
                "no_car": counts["no_car"] / counts["total_car"],
                "flats_without_garden": gardens["flats_without_garden_share"],
                "imd": lsoa["IMD_score"].to_numpy(float),
                "samhi": samhi.reindex(lsoa["lsoa21_code"].to_numpy()).to_numpy(float),
            }
        )
    return raw.rank(pct=True).fillna(0.0)


def priorities(
    results: Results,
    standard: str = "2ha_300m",
    weights: NeedWeights | None = None,
    area: Area | None = None,
) -> pd.DataFrame:
    """LSOAs ranked by need-weighted people without access to ``standard`` (rank 1 = first).

    Parameters
    ----------
    standard
        An access tier name (``"0.5ha_200m"`` … ``"500ha_10km"``), ``"rule_3_30_300"``
        or ``"blue_300m"``.
    weights
        The need weights (default: all equal).
    area
        Only the area's LSOAs (people counted by its share); default all.

    Returns
    -------
    pandas.DataFrame
        ``lsoa21_code``, ``lsoa21_name``, ``district_name``, ``people_without``
        (people), ``need`` (0–1), ``priority`` (people × (1 + need)) and ``rank``,
        sorted by rank; for the map and the scenario tool.
    """
    col = _meets_column(standard)
    w = (weights or NeedWeights()).normalised()
    comp = need_components(results)
    need = sum(comp[k].to_numpy(float) * v for k, v in w.items())
    lsoa = results.lsoa
    share = np.ones(len(lsoa)) if area is None else np.asarray(area.share, dtype=float)
    lacks = 1.0 - lsoa[col].astype(float).to_numpy()
    people = lsoa["population"].to_numpy(float) * share * lacks
    out = pd.DataFrame(
        {
            "lsoa21_code": lsoa["lsoa21_code"].to_numpy(),
            "lsoa21_name": lsoa["lsoa21_name"].to_numpy(),
            "district_name": lsoa["district_name"].to_numpy(),
            "people_without": people,
            "need": np.asarray(need, dtype=float),
        }
    )
    out["priority"] = out["people_without"] * (1.0 + out["need"])
    out = out[share > 0].sort_values(["priority", "lsoa21_code"], ascending=[False, True])
    out["rank"] = np.arange(1, len(out) + 1)
    return out.reset_index(drop=True)


def _meets_column(standard: str) -> str:
    names = {t.name: t.meets_col for t in ACCESS_TIERS}
    names["rule_3_30_300"] = "meets_rule_3_30_300"
    names["blue_300m"] = "blue_within_300m"
    if standard not in names:
        raise ValueError(f"Unknown standard {standard!r}; choose one of {', '.join(names)}")
    return names[standard]
