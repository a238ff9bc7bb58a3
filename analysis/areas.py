"""Areas: who a profile counts, for a named place or a user polygon (EPSG:27700).

A named place is its whole LSOAs (ONS best-fit lookup), each weighted by its
Census 2021 population; a user polygon weights each LSOA by its residents
whose postcode point lies inside (the population surface).
:func:`comparators` gives the district and county an area is compared with.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from analysis import surface
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
    people = surface.people_inside(results.points, polygon, len(pop))
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(pop > 0, people / pop, 0.0)
    note = None if people.sum() > 0 else surface.NO_RESIDENTS_NOTE
    return Area(name, "custom", None, people, share, surface.SURFACE_METHOD, polygon, note=note)


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
