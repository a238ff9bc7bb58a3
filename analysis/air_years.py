"""Air quality years as a dimension: per-year LSOA columns, the change since 2019, labels.

Every DEFRA PCM year in the bundle (:func:`layers.air_quality.available_years`)
is measured on the postcode population surface as the unsuffixed columns are
(:mod:`analysis.surface`): an LSOA's ``no2_ugm3_2023`` is the population-weighted
mean of the PCM 2023 1 km cell at each of its postcodes; ``*_above_*_2023`` are
shares of its residents (0–1) strictly above a level. The unsuffixed columns
(``no2_ugm3`` …, the index and the double burden) are those of the *selected*
year: the newest by default, another with :func:`select_year` (``--year``).

:func:`profile_air` gives a place's figures per year, the change since the base
year (absolute and %), the change by IoD 2025 decile with the slope index of
inequality (SII) of each year and of the change (with its CI), the shares above
each WHO 2021 interim target and the guideline, labels, and the agreement with
the Bradford LAQM 2018 background map where it covers the place.

The SII of the change is the SII of each LSOA's change: with the same units,
ridits and weights the WLS slope is linear in the values, so it equals
SII(later) − SII(base) exactly, and its CI accounts for the pairing of years
(Mackenbach & Kunst 1997, *Soc Sci Med* 44:757, for the SII).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from geo import aggregate, inequality, standards
from geo import air as geo_air
from geo import population_surface as ps
from layers import air_quality, catalogue
from layers.bundle import read_table
from layers.errors import HealthyPlacesError

if TYPE_CHECKING:
    from analysis.areas import Area

F64 = npt.NDArray[np.float64]

#: How the per-person exposure is measured (stated beside every profile's air figures).
EXPOSURE_METHOD = (
    "population-weighted mean of the 1 km cell value at each resident's postcode "
    "(postcode population surface); the exact area-weighted zonal mean of an LSOA is "
    "kept as *_zonal_ugm3 and the population-weighted-centroid value as *_ugm3_pwc"
)
#: The LAQM background map's base year and where it covers (a second, independent source).
LAQM_SOURCE = "DEFRA LAQM background maps, base year 2018 (Bradford only), 1 km"

#: Engine indicators of the air columns: the unsuffixed (selected year, newest by default)
#: and one per bundle year, each with its label (:func:`layers.catalogue.pcm_label`). The
#: unsuffixed label names the newest year, the one the app shows; a CLI ``--year`` run says
#: its year in the profile's ``air_year`` (no command-line text in a map legend).
INDICATORS: dict[str, dict[str, str]] = {
    **{
        f"{p}_ugm3": {
            "label": f"{catalogue.pcm_label(p, catalogue.NEWEST_PCM_YEAR)}, "
            "population-weighted over postcodes",
            "units": "µg/m³",
            "domain": "air",
        }
        for p in catalogue.PCM_POLLUTANTS
    },
    **{
        f"{p}_ugm3_{year}": {
            "label": f"{catalogue.pcm_label(p, year)}, population-weighted over postcodes",
            "units": "µg/m³",
            "domain": "air",
        }
        for year in sorted(catalogue.PCM_YEARS)
        for p in catalogue.PCM_POLLUTANTS
    },
}

_selected: list[int] = []


def years() -> tuple[int, ...]:
    """PCM years in the bundle, newest first."""
    return air_quality.available_years()


def select_year(year: int | None) -> int:
    """Make ``year`` (None: the newest) the year of the unsuffixed air columns; return it.

    Raises :class:`layers.errors.UnknownLayer` naming the available years.
    """
    chosen = check_year(year)
    _selected[:] = [chosen]
    return chosen


def selected_year() -> int:
    """The year of the unsuffixed air columns: the one selected, else the newest."""
    return _selected[0] if _selected else max(years())


def check_year(year: int | None) -> int:
    """``year`` if the bundle holds it (None: the newest), else a clear UnknownLayer."""
    if year is None:
        return max(years())
    air_quality.load_pollutant(air_quality.POLLUTANTS[0], int(year))  # raises if absent
    return int(year)


def _level_key(label: str) -> str:
    """Column fragment of a WHO 2021 level: ``IT-1`` -> ``it1``, ``AQG`` -> ``who``."""
    return "who" if label == "AQG" else label.lower().replace("-", "")


def year_columns(points: pd.DataFrame, n_lsoa: int) -> pd.DataFrame:
    """Per-year air columns of every LSOA, measured on the population surface.

    Parameters
    ----------
    points
        The surface points (:func:`analysis.surface.point_indicators`): ``group``
        (LSOA row), ``easting``, ``northing`` (EPSG:27700 m) and ``people``.
    n_lsoa
        Number of LSOAs.

    Returns
    -------
    DataFrame
        For each year Y and pollutant P: ``P_ugm3_Y`` (µg/m³, population-weighted
        mean over residents with data), ``P_above_uk_limit_Y`` and ``P_above_L_Y``
        for each WHO 2021 level L (``who`` = the guideline, ``it1`` …), shares 0–1.
    """
    g = points["group"].to_numpy(np.int64)
    w = points["people"].to_numpy(np.int64)
    x = points["easting"].to_numpy(np.float64)
    y = points["northing"].to_numpy(np.float64)
    cols: dict[str, F64] = {}
    for year in sorted(years()):
        for pol, raster in air_quality.load_all(year).items():
            v = raster.sample(x, y)
            known = np.isfinite(v)
            wk = (w * known).astype(np.float64)
            den = np.bincount(g, weights=wk, minlength=n_lsoa)
            num = np.bincount(g, weights=np.where(known, v, 0.0) * wk, minlength=n_lsoa)
            with np.errstate(invalid="ignore", divide="ignore"):
                cols[f"{pol}_ugm3_{year}"] = np.where(den > 0, num / den, np.nan)
            levels = {"uk_limit": standards.UK_LIMITS[pol]} | {
                _level_key(k): lv for k, lv in standards.WHO_2021_LEVELS[pol].items()
            }
            for key, level in levels.items():
                cols[f"{pol}_above_{key}_{year}"] = ps.share_meeting(
                    g, w * known, (v > level) & known, n_lsoa
                )
    return pd.DataFrame(cols)


def _ci(s: dict[str, float], reason: str | None = None) -> dict[str, Any]:
    """An SII with its interval, or nulls and the reason when it is suppressed
    (:func:`geo.inequality.suppression_reason`: too few LSOAs or deciles)."""
    if reason is not None:
        return {
            "value": None,
            "ci_low": None,
            "ci_high": None,
            "suppressed": True,
            "reason": reason,
        }
    return {
        "value": s["sii"],
        "ci_low": s["sii_ci_low"],
        "ci_high": s["sii_ci_high"],
        "suppressed": False,
        "reason": None,
    }


def _per_year(t: pd.DataFrame, w: F64, pol: str, year: int) -> dict[str, Any]:
    v = t[f"{pol}_ugm3_{year}"].to_numpy(float)
    known = np.isfinite(v) & (w > 0)
    shares = {
        label: aggregate.weighted_mean(
            t[f"{pol}_above_{_level_key(label)}_{year}"].to_numpy(float)[known], w[known]
        )
        for label in standards.WHO_2021_LEVELS[pol]
    }
    uk = t[f"{pol}_above_uk_limit_{year}"].to_numpy(float)[known]
    return {
        "label": catalogue.pcm_label(pol, year),
        "pop_weighted_ugm3": aggregate.weighted_mean(v[known], w[known]),
        "pop_share_above_who_2021": shares,
        "pop_share_above_uk_limit": aggregate.weighted_mean(uk, w[known]),
        "uk_limit_note": catalogue.ROADSIDE_NOTE,
    }


def _change(t: pd.DataFrame, w: F64, pol: str, base: int, year: int) -> dict[str, Any]:
    b = t[f"{pol}_ugm3_{base}"].to_numpy(float)
    v = t[f"{pol}_ugm3_{year}"].to_numpy(float)
    rank = t["IMD_rank"].to_numpy(float)
    mc = geo_air.mean_change(b, v, w, base, year)
    ok = np.isfinite(b) & np.isfinite(v) & (w > 0)
    deciles = pd.Series(t["IMD_decile"].to_numpy()[ok]).dropna().nunique()
    reason = inequality.suppression_reason(int(ok.sum()), int(deciles))
    sii = {
        str(yr): _ci(inequality.slope_index(a[ok], rank[ok], w[ok]), reason)
        for yr, a in ((base, b), (year, v))
    }
    frame = pd.DataFrame(
        {"base": b[ok], "later": v[ok], "change": (v - b)[ok], "d": t["IMD_decile"].to_numpy()[ok]}
    )
    frame["_w"] = w[ok]
    table = inequality.by_decile(frame, ["base", "later", "change"], "d", "_w")
    by_decile = [
        {
            "imd_decile": int(d),
            f"ugm3_{base}": _num(row["base"]),
            f"ugm3_{year}": _num(row["later"]),
            "change_ugm3": _num(row["change"]),
            "population": _num(row["population"]),
        }
        for d, row in table.iterrows()
    ]
    return {
        "label": catalogue.pcm_change_label(pol, base, year),
        "base_year": base,
        "year": year,
        f"pop_weighted_ugm3_{base}": mc.base_mean,
        f"pop_weighted_ugm3_{year}": mc.mean,
        "change_ugm3": mc.change,
        "change_pct": mc.change_pct,
        "n_lsoas": mc.n,
        "sii_by_year": sii,
        "sii_change": _ci(inequality.slope_index((v - b)[ok], rank[ok], w[ok]), reason),
        "by_imd_decile": by_decile,
    }


def _num(x: Any) -> float | None:
    f = float(x)
    return f if np.isfinite(f) else None


#: Fewest common 1 km cells for the LAQM/PCM agreement to be reported (a correlation
#: over a handful of edge cells says nothing).
MIN_LAQM_CELLS = 10


def _agreement(lsoa: pd.DataFrame, inside: npt.NDArray[np.bool_]) -> dict[str, Any]:
    """LAQM 2018 vs each PCM year, NO₂, on the 1 km cells whose centres fall in the place."""
    try:
        laqm = read_table("laqm_bradford_2018")
    except HealthyPlacesError:
        return {"available": False, "note": "The LAQM background map is not in the bundle."}
    t = laqm[laqm["pollutant"] == "no2"]
    zone = shapely.union_all(np.asarray(lsoa.geometry.values)[inside])
    cover = shapely.contains_xy(zone, t["x"].to_numpy(float), t["y"].to_numpy(float))
    if cover.sum() < MIN_LAQM_CELLS:
        return {
            "available": False,
            "source": LAQM_SOURCE,
            "n_cells": int(cover.sum()),
            "note": f"The Bradford LAQM map covers {int(cover.sum())} 1 km cells of this place "
            f"(fewer than {MIN_LAQM_CELLS}); no agreement is given.",
        }
    by_year = {}
    for year in years():
        a = geo_air.grid_agreement(
            air_quality.load_pollutant("no2", year),
            t["x"].to_numpy(float)[cover],
            t["y"].to_numpy(float)[cover],
            t["value"].to_numpy(float)[cover],
        )
        by_year[str(year)] = {
            "compared_with": catalogue.pcm_label("no2", year),
            "n_cells": a.n,
            "pearson_r": a.pearson_r,
            "mean_difference_ugm3": a.mean_difference,
            "mean_laqm_ugm3": a.mean_other,
            "mean_pcm_ugm3": a.mean_grid,
        }
    return {
        "available": True,
        "pollutant": "no2",
        "source": LAQM_SOURCE,
        "by_pcm_year": by_year,
        "note": "unweighted over the common 1 km cells whose centres lie in the place; mean "
        "difference is LAQM minus PCM (µg/m³); the LAQM base year 2018 is nearest PCM 2019",
    }


def profile_air(lsoa: pd.DataFrame, area: Area) -> dict[str, Any]:
    """A place's air figures by year, the change since 2019 and the second source.

    Parameters
    ----------
    lsoa
        The engine's LSOA table (with the :func:`year_columns`).
    area
        The place (its ``weights``: people counted per LSOA).

    Returns
    -------
    dict
        ``air_year`` (year of the unsuffixed figures), ``air_years``,
        ``air_exposure_method``, ``air_labels`` (label of each unsuffixed
        ``*_pop_weighted_ugm3``), ``air_uk_limit_note``, ``air_by_year``
        (``{year: {pollutant: …}}``),
        ``air_change_2019_2023`` (``{pollutant: …}``, named by the base and newest
        year) and ``air_second_source_laqm_2018`` (NO₂ agreement with each PCM year).
    """
    w = np.asarray(area.weights, dtype=float)
    have = sorted(years())
    base, newest = air_quality.BASE_YEAR, have[-1]
    out: dict[str, Any] = {
        "air_year": selected_year(),
        "air_years": have[::-1],
        "air_exposure_method": EXPOSURE_METHOD,
        "air_labels": {p: catalogue.pcm_label(p, selected_year()) for p in air_quality.POLLUTANTS},
        "air_uk_limit_note": catalogue.ROADSIDE_NOTE,
        "air_by_year": {
            str(yr): {p: _per_year(lsoa, w, p, yr) for p in air_quality.POLLUTANTS}
            for yr in have[::-1]
        },
    }
    if base in have and newest != base:
        out[f"air_change_{base}_{newest}"] = {
            p: _change(lsoa, w, p, base, newest) for p in air_quality.POLLUTANTS
        }
    out["air_second_source_laqm_2018"] = _agreement(lsoa, w > 0)
    return out
