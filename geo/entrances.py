"""Site entrances: OS Open Greenspace access points matched to OSM green sites, and
the :class:`Entrances` the walking-network tiers enter sites at.

OS Open Greenspace access points (Feb 2025) are the entrances Natural England
and Defra use, but their site polygons are not available offline. Each point
is matched to the nearest OSM green site whose boundary lies within
:data:`MATCH_M` metres (EPSG:27700); points farther from every site stay
unmatched. 30 m allows for OS points placed on the road edge of a gate and
for the few metres between OS and OSM boundaries, while staying under the
width of a typical street block, so a gate is not given to the park across the
road.

:func:`site_entrances` pairs the matched points with a site table's rows and adds
OSM entrance/gate nodes (paired by touch); :func:`geo.network.access.site_access_nodes`
turns them into access nodes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

#: Greatest distance (metres) from an access point to the site boundary it is matched to.
MATCH_M = 30.0
#: OS ``accessType`` of an access point no pedestrian uses (a vehicle-only gate).
MOTOR_ONLY = "Motor Vehicle"


def match_points(
    points: npt.NDArray[np.object_], sites: npt.NDArray[np.object_], max_m: float = MATCH_M
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """The nearest site within ``max_m`` metres of each point.

    Parameters
    ----------
    points, sites
        Points and polygons in EPSG:27700.
    max_m
        Match distance (metres).

    Returns
    -------
    (index, distance_m)
        ``index[i]`` is the position in ``sites`` of the nearest site (-1 where
        none lies within ``max_m``); ``distance_m[i]`` its distance (NaN when
        unmatched). A point inside a site is at distance 0.
    """
    index = np.full(len(points), -1, dtype=np.int64)
    dist = np.full(len(points), np.nan, dtype=np.float64)
    if len(points) == 0 or len(sites) == 0:
        return index, dist
    tree = shapely.STRtree(np.asarray(sites, dtype=object))
    (pi, si), d = tree.query_nearest(
        np.asarray(points, dtype=object),
        max_distance=max_m,
        return_distance=True,
        all_matches=False,
    )
    index[pi] = si
    dist[pi] = d
    return index, dist


def pedestrian(access_type: pd.Series) -> npt.NDArray[np.bool_]:
    """Which OS access points a pedestrian can use: every ``accessType`` but
    :data:`MOTOR_ONLY` ("Pedestrian", "Motor Vehicle And Pedestrian"; missing counts as usable)."""
    flags: npt.NDArray[np.bool_] = access_type.ne(MOTOR_ONLY).to_numpy(bool)
    return flags


def match_rate(district: pd.Series, matched: pd.Series) -> pd.DataFrame:
    """Access points and the share matched to an OSM site, by district.

    Returns a frame with ``district``, ``points``, ``matched`` and
    ``match_rate`` (0–1), one row per district, sorted by district.
    """
    frame = pd.DataFrame({"district": district.to_numpy(), "m": matched.to_numpy(dtype=bool)})
    out = frame.groupby("district", sort=True)["m"].agg(points="size", matched="sum").reset_index()
    out["match_rate"] = out["matched"] / out["points"]
    return out


#: An OSM entrance node within this distance of a site boundary belongs to that site, m
#: (an ``entrance=*`` or gate node on the boundary way lies on it: 0 m).
ENTRANCE_TOUCH_M = 1.0
#: An entrance whose :attr:`Entrances.site` is this belongs to every site it touches
#: (within :data:`ENTRANCE_TOUCH_M`): OSM entrance nodes.
BY_TOUCH = -1


@dataclass(frozen=True, eq=False)
class Entrances:
    """Where sites are entered: entrance points, each with its site, and the walled sites.

    Two kinds of entrance, told apart by :attr:`site`:

    - OS Open Greenspace access points matched to an OSM site
      (:func:`match_points`): up to :data:`MATCH_M` m from the polygon (OS puts
      many on the road edge of a gate), so they carry their site explicitly;
    - OSM ``entrance=*`` / gate nodes (:attr:`site` = :data:`BY_TOUCH`): they lie on
      the boundary they pierce, so they belong to every site within
      :data:`ENTRANCE_TOUCH_M` of them.

    Attributes
    ----------
    points
        Entrance Points, EPSG:27700.
    site
        Per point, the position of its site in the site array these entrances are
        used with, or :data:`BY_TOUCH`.
    enclosed
        Per site of that array, or None (no site enclosed): True where the site's
        boundary is mapped as a barrier (``barrier=fence|wall|…`` on the site
        polygon), so that it can be entered only at its entrances
        (:func:`geo.network.access.site_access_nodes`).
    """

    points: npt.NDArray[np.object_]
    site: npt.NDArray[np.intp]
    enclosed: npt.NDArray[np.bool_] | None = None

    def __post_init__(self) -> None:
        if len(self.points) != len(self.site):
            raise ValueError(f"{len(self.points)} entrance points but {len(self.site)} site ids")

    def by_touch(self) -> Entrances:
        """Only the entrances found by touch, no site enclosed: usable with any site array
        (e.g. a scenario's new park, whose position among the sites is not ``site``)."""
        keep = self.site == BY_TOUCH
        return Entrances(self.points[keep], self.site[keep])

    def same_as(self, other: Entrances | None) -> bool:
        """Whether ``other`` holds identical points, sites and enclosed flags."""
        if other is None:
            return False
        if other is self:
            return True
        if self.enclosed is None or other.enclosed is None:
            same_enclosed = self.enclosed is None and other.enclosed is None
        else:
            same_enclosed = bool(np.array_equal(self.enclosed, other.enclosed))
        return (
            same_enclosed
            and np.array_equal(self.site, other.site)
            and len(self.points) == len(other.points)
            and bool(np.all(shapely.equals_identical(self.points, other.points)))
        )

    def copy(self) -> Entrances:
        """A copy of every array (so a caller's later edit in place cannot match it)."""
        return Entrances(
            np.array(self.points, dtype=object),
            np.array(self.site, dtype=np.intp),
            None if self.enclosed is None else np.array(self.enclosed, dtype=bool),
        )


def site_entrances(
    site_ids: npt.NDArray[np.object_],
    point_site_ids: npt.NDArray[np.object_],
    points: npt.NDArray[np.object_],
    touch_points: npt.NDArray[np.object_] | None = None,
    enclosed: npt.NDArray[np.bool_] | None = None,
) -> Entrances:
    """The :class:`Entrances` of a site table from matched access points and OSM entrances.

    Parameters
    ----------
    site_ids
        The site table's ids (e.g. ``site_id`` of the counted sites), in its row order.
    point_site_ids
        Per access point, the id of the site it was matched to (None/NaN: unmatched).
        Points whose site is not in ``site_ids`` (another definition's sites) are dropped.
    points
        The access points, EPSG:27700.
    touch_points
        Optional OSM entrance nodes, EPSG:27700 (paired by touch, :data:`BY_TOUCH`).
    enclosed
        Optional per-site walled/fenced flags, in ``site_ids`` order.

    Returns
    -------
    Entrances
        The matched points with their row in the site table, then the OSM nodes.
    """
    index = pd.Index(np.asarray(site_ids, dtype=object))
    ids = pd.Series(np.asarray(point_site_ids, dtype=object))
    row = np.full(len(ids), -1, dtype=np.intp)
    known = ids.notna().to_numpy()
    row[known] = index.get_indexer(ids[known])
    keep = row >= 0
    touch = np.zeros(0, dtype=object) if touch_points is None else np.asarray(touch_points, object)
    return Entrances(
        points=np.r_[np.asarray(points, dtype=object)[keep], touch],
        site=np.r_[row[keep], np.full(len(touch), BY_TOUCH, dtype=np.intp)],
        enclosed=None if enclosed is None else np.asarray(enclosed, dtype=bool),
    )
