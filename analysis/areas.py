"""Areas: who a profile counts, for a named place or a user polygon (EPSG:27700).

A named place is its whole LSOAs (ONS best-fit lookup), each weighted by its
Census 2021 population; a user polygon weights each LSOA by its residents
whose postcode point lies inside (the population surface).
:func:`comparators` gives the district and county an area is compared with.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from analysis import air_years, surface
from analysis.engine import Results
from geo import origins
from layers.places import COUNTY_CODE, Place, lsoa_mask, place_index, resolve_place


@dataclass(frozen=True)
class Area:
    """What a profile is about: a named place or a user polygon, with LSOA weights."""

    name: str
    level: str
    code: str | None
    weights: NDArray[np.float64]  # people per LSOA counted in the area (population × share)
    share: NDArray[np.float64]  # 0–1 share of each LSOA counted
    method: str
    polygon: shapely.Geometry | None = None
    parent_code: str | None = None
    parent_name: str | None = None
    note: str | None = None
    #: For a user polygon: which population-surface points lie inside it
    #: (aligned with ``Results.points``); ``None`` for a named place.
    point_mask: NDArray[np.bool_] | None = None


def area_for_place(results: Results, place: Place) -> Area:
    """The LSOAs of a named place (whole LSOAs by the ONS lookup).

    Parameters
    ----------
    results
        From :func:`analysis.engine.load_results`.
    place
        From :func:`layers.places.resolve_place`.

    Returns
    -------
    Area
        ``weights`` = Census 2021 population for the place's LSOAs and 0 elsewhere
        (people); ``share`` = 1 or 0.
    """
    mask = lsoa_mask(place, results.lsoa)
    pop = results.lsoa["population"].to_numpy(float)
    return Area(
        place.name,
        place.level,
        place.code,
        np.where(mask, pop, 0.0),
        mask.astype(float),
        origins.WHOLE_LSOAS,
        parent_code=place.parent_code,
        parent_name=place.parent_name,
    )


def area_for_polygon(
    results: Results, polygon: shapely.Geometry, name: str = "Custom area"
) -> Area:
    """A user polygon (EPSG:27700): the residents whose surface point lies inside it.

    Each LSOA is weighted by the people of its postcodes inside the boundary
    (:func:`analysis.surface.people_inside`), so an area with no postcode
    inside has 0 residents (and a note says so) instead of an areal share of
    its LSOAs' populations. Without the surface (results from an older store)
    the areal share is used.
    """
    pop = results.lsoa["population"].to_numpy(float)
    if results.points is None or results.points.empty:
        share = origins.area_share(np.asarray(results.lsoa.geometry.values), polygon)
        return Area(name, "custom", None, pop * share, share, origins.AREA_SHARE, polygon=polygon)
    mask = surface.points_inside(results.points, polygon)
    people = surface.people_by_lsoa(results.points, mask, len(pop))
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(pop > 0, people / pop, 0.0)
    note = None if people.sum() > 0 else surface.NO_RESIDENTS_NOTE
    return Area(
        name,
        "custom",
        None,
        people,
        share,
        surface.SURFACE_METHOD,
        polygon,
        note=note,
        point_mask=mask,
    )


def counted_inside(results: Results, area: Area) -> Results:
    """The results with each LSOA's person-based columns counted over ``area``'s residents only.

    A user boundary that cuts an LSOA counts only the residents whose postcode
    point lies inside it, so the LSOA's shares, medians and mean concentrations
    are recomputed over those points (:func:`analysis.surface.lsoa_indicators`,
    and every air year's columns), and the area's figures are the residents'
    own, not the whole LSOA's. The double burden keeps the county's NO₂
    median as its threshold. LSOA-level figures that are not person-based
    (green hectares per 1,000 people, habitat diversity, IoD) stay the LSOA's.
    A named place, or results without the surface, are returned unchanged.

    Parameters
    ----------
    results
        From :func:`analysis.engine.load_results`.
    area
        From :func:`area_for_polygon` (or :func:`area_for_place`: unchanged).

    Returns
    -------
    Results
        A copy whose LSOA table differs only in the rows of LSOAs the area cuts.
    """
    if area.point_mask is None or results.points is None or not area.point_mask.any():
        return results
    points = results.points[area.point_mask]
    n = len(results.lsoa)
    person, _ = surface.lsoa_indicators(points, n, no2_median=results.no2_county_median)
    person = pd.concat([person, air_years.year_columns(points, n)], axis=1)
    rows = np.flatnonzero(area.weights > 0)
    lsoa = results.lsoa.copy()
    cols = [c for c in person.columns if c in lsoa.columns]
    for col in cols:
        values = lsoa[col].to_numpy(copy=True)
        if values.dtype.kind in "biu":
            values = values.astype(float)
        values[rows] = person[col].to_numpy()[rows]
        lsoa[col] = values
    return dataclasses.replace(results, lsoa=lsoa)


def area_boundary(area: Area) -> shapely.Geometry:
    """The area's outline (EPSG:27700): the user polygon, or the ONS boundary of the place.

    Parameters
    ----------
    area
        From :func:`area_for_place` or :func:`area_for_polygon`.

    Returns
    -------
    shapely.Geometry
        (Multi)Polygon, EPSG:27700.

    Raises
    ------
    ValueError
        If the area has neither a polygon nor a place code.
    """
    if area.polygon is not None:
        return area.polygon
    if area.code is None:
        raise ValueError(f"{area.name} has neither a polygon nor a place code")
    return place_index().geometry(place_index().resolve(area.code))


def comparators(results: Results, area: Area) -> tuple[Area | None, Area | None]:
    """The district and county areas an area is compared with (``None`` where it is that area).

    The district is the one holding most of the area's residents (a ward, MSOA
    or LSOA lies in one district; a drawn area may straddle two).

    Parameters
    ----------
    results
        From :func:`analysis.engine.load_results`.
    area
        The area profiled.

    Returns
    -------
    (district, county)
        Whole-LSOA areas; ``district`` is None for the county, a district or an
        area with no residents, ``county`` is None for the county itself.
    """
    if area.level == "county":
        return None, None
    county = area_for_place(results, resolve_place(COUNTY_CODE))
    if area.level == "district":
        return None, county
    people = (
        pd.Series(area.weights, index=results.lsoa.index)
        .groupby(results.lsoa["district_code"])
        .sum()
    )
    if people.empty or people.max() <= 0:
        return None, county
    district = area_for_place(results, resolve_place(str(people.idxmax())))
    return district, county
