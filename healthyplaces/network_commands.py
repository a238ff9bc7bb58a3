"""CLI commands ``healthyplaces network build`` and ``healthyplaces isochrone``.

:func:`register` adds both to the ``healthyplaces`` sub-command parser; the
handlers print results (``--json`` for machines) and turn every
:class:`layers.errors.HealthyPlacesError` into one clear line and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from layers.errors import HealthyPlacesError


def _progress_printer() -> Any:
    start = time.monotonic()

    def show(message: str) -> None:
        print(f"[{time.monotonic() - start:6.1f} s] {message}", file=sys.stderr, flush=True)

    return show


def network_build(args: argparse.Namespace) -> int:
    """``healthyplaces network build --pbf FILE [--boundary POLYGON] | --overpass PLACE``."""
    from layers.network_build import build_network

    try:
        entries = build_network(
            pbf=args.pbf,
            overpass=args.overpass,
            boundary=args.boundary,
            progress=_progress_printer(),
        )
    except (HealthyPlacesError, FileNotFoundError, ValueError) as exc:
        print(f"healthyplaces: error: {exc}", file=sys.stderr)
        return 2
    for name, entry in entries.items():
        print(f"{name}: {entry['rows']:,} rows (vintage {entry['vintage']}, {entry['source']})")
    return 0


def isochrone(args: argparse.Namespace) -> int:
    """``healthyplaces isochrone --at LON,LAT --minutes 5,10,15 [--json]``."""
    from analysis.walk import isochrone_summary

    try:
        lon, lat = (float(v) for v in args.at.split(","))
        minutes = [float(m) for m in args.minutes.split(",")]
    except ValueError:
        print(
            f"healthyplaces: error: --at must be LON,LAT and --minutes a list like 5,10,15 "
            f"(got --at {args.at!r} --minutes {args.minutes!r})",
            file=sys.stderr,
        )
        return 2
    try:
        summary = isochrone_summary(lon, lat, minutes)
    except (HealthyPlacesError, ValueError) as exc:
        print(f"healthyplaces: error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(summary, indent=2, default=float))
        return 0
    print(summary["method"])
    for band in summary["bands"]:
        print(
            f"{band['minutes']:g} min ({band['distance_m']:,.0f} m): {band['area_ha']:,.1f} ha, "
            f"green {band['green_ha']:,.1f} ha, blue {band['blue_ha']:,.1f} ha, "
            f"about {band['people']:,.0f} people"
        )
    return 0


def register(subparsers: Any) -> None:
    """Add ``network`` (``build``) and ``isochrone`` to the CLI's sub-command parsers."""
    p = subparsers.add_parser("network", help="build the walking network from OSM data")
    p.add_argument("action", choices=["build"])
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--pbf", type=Path, help="a local .osm.pbf extract (offline)")
    src.add_argument("--overpass", help='a place name for Overpass (online), e.g. "West Yorkshire"')
    p.add_argument("--boundary", type=Path, help="polygon file: where the network is complete")
    p.set_defaults(func=network_build)

    p = subparsers.add_parser("isochrone", help="5/10/15-minute walking areas from a point")
    p.add_argument("--at", required=True, help="LON,LAT (EPSG:4326 degrees)")
    p.add_argument("--minutes", default="5,10,15", help="comma-separated minutes (4.8 km/h)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=isochrone)
