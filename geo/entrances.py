"""Match OS Open Greenspace access points to OSM green sites.

OS Open Greenspace access points (Feb 2025) are the entrances Natural England
and Defra use, but their site polygons are not available offline. Each point
is matched to the nearest OSM green site whose boundary lies within
:data:`MATCH_M` metres (EPSG:27700); points farther from every site stay
unmatched. 30 m allows for OS points placed on the road edge of a gate and
for the few metres between OS and OSM boundaries, while staying under the
width of a typical street block, so a gate is not given to the park across the
road.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

#: Greatest distance (metres) from an access point to the site boundary it is matched to.
MATCH_M = 30.0


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


def match_rate(district: pd.Series, matched: pd.Series) -> pd.DataFrame:
    """Access points and the share matched to an OSM site, by district.

    Returns a frame with ``district``, ``points``, ``matched`` and
    ``match_rate`` (0–1), one row per district, sorted by district.
    """
    frame = pd.DataFrame({"district": district.to_numpy(), "m": matched.to_numpy(dtype=bool)})
    out = frame.groupby("district", sort=True)["m"].agg(points="size", matched="sum").reset_index()
    out["match_rate"] = out["matched"] / out["points"]
    return out
