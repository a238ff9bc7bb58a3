"""Walking isochrones as a download: GeoJSON (RFC 7946, EPSG:4326) with attribution.

Input is :func:`analysis.walk.isochrone_summary` output, unchanged: this module
only reshapes it and writes it with the project's GeoJSON writer
(:func:`healthyplaces.export.writers.write_geojson`: coordinates rounded to 6
decimals, about 0.1 m, no ``crs`` member). One feature per walking time, in
ascending order; the collection's foreign members carry the attribution
(:data:`layers.catalogue.ATTRIBUTION`), licence, method, origin and units, and
every feature repeats the attribution so it survives tools that drop foreign
members (QGIS, GDAL).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from healthyplaces.export.writers import write_geojson
from healthyplaces.maps.isochrone import bands_frame
from layers import catalogue

#: Units of every feature property.
UNITS = {
    "minutes": "minutes of walking",
    "distance_m": "metres walked along the network",
    "area_ha": "hectares",
    "green_ha": "hectares of publicly accessible green space (OpenStreetMap 2023-08) inside",
    "blue_ha": "hectares of amenity water (OpenStreetMap 2023-08) inside",
    "people": "residents (Census 2021 LSOA populations shared by area), an estimate",
    "complete": "true when the whole walk lies inside the complete network area",
}


def file_name(lon: float, lat: float) -> str:
    """``walking-areas_-1.54860_53.79970.geojson``: the origin in the name (5 decimals, ~1 m)."""
    return f"walking-areas_{lon:.5f}_{lat:.5f}.geojson"


def isochrone_geojson(summary: dict[str, Any], network_source: str) -> bytes:
    """The walking areas as an RFC 7946 FeatureCollection (UTF-8 bytes).

    Parameters
    ----------
    summary
        :func:`analysis.walk.isochrone_summary` output (``at``, ``method``, ``bands``).
    network_source
        Where the walking network came from and its vintage
        (:attr:`layers.network.NetworkCoverage.source`).
    """
    frame = bands_frame(summary["bands"]).assign(attribution=catalogue.ATTRIBUTION)
    meta = {
        "name": "Walking areas (isochrones)",
        "attribution": catalogue.ATTRIBUTION,
        "licence": f"{catalogue.ODBL} (OpenStreetMap); Open Government Licence v3.0 (ONS)",
        "origin": {"lon": summary["at"]["lon"], "lat": summary["at"]["lat"]},
        "method": summary["method"],
        "network": network_source,
        "units": UNITS,
    }
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "isochrones.geojson"
        write_geojson(frame, meta, path)
        return path.read_bytes()
