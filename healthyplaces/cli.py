"""The ``healthyplaces`` command line: the contract the app, the reports and checks use.

JSON keys printed here are stable; add keys, never rename them.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

# Only light modules at import time: `healthyplaces --help` and a mistyped place
# answer without loading the analysis engine. Heavy imports live in the handlers.
from healthyplaces import network_commands
from layers import catalogue, paths
from layers.errors import HealthyPlacesError

if TYPE_CHECKING:
    from analysis.areas import Area
    from analysis.engine import Results
    from layers.places import Place
    from layers.user_area import UserArea

Handler = Callable[[argparse.Namespace], int]


def _jsonable(obj: Any) -> Any:
    """Make numpy/pandas scalars and NaN JSON-safe (NaN → null)."""
    if isinstance(obj, Mapping):  # dicts and analysis.profile_model.Profile
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if hasattr(obj, "item") and not isinstance(obj, str):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def print_json(obj: Any) -> None:
    """Print ``obj`` as indented UTF-8 JSON with NaN as null."""
    json.dump(_jsonable(obj), sys.stdout, indent=2, ensure_ascii=False, allow_nan=False)
    sys.stdout.write("\n")


def _cmd_places(args: argparse.Namespace) -> int:
    from layers.places import place_index

    table = place_index().table
    if args.level:
        table = table[table["level"] == args.level]
    if args.json:
        print_json(table.where(table.notna(), None).to_dict(orient="records"))
    else:
        for row in table.itertuples():
            parent = f"  (in {row.parent_name})" if isinstance(row.parent_name, str) else ""
            print(f"{row.code}  {row.level:<8}  {row.name}{parent}")
        print(f"{len(table)} places", file=sys.stderr)
    return 0


def _cmd_layers(args: argparse.Namespace) -> int:
    from layers.bundle import manifest
    from layers.catalogue import catalogue as layer_catalogue

    entries = layer_catalogue(manifest())
    if args.json:
        print_json(entries)
    else:
        from healthyplaces.layers_text import layers_table

        print(layers_table(entries))
        print(f"\n{catalogue.ATTRIBUTION}")
    return 0


def _cmd_bundle(args: argparse.Namespace) -> int:
    from layers.build import build_bundle
    from layers.bundle import bundle_dir, verify

    if args.action == "build":
        out = Path(args.out) if args.out else bundle_dir()
        shared = Path(args.shared) if args.shared else paths.shared_data_dir()
        manifest = build_bundle(shared, out, progress=lambda m: print(f"… {m}", file=sys.stderr))
        total = sum(e["bytes"] for e in manifest["layers"].values())
        print(f"Built {len(manifest['layers'])} layers, {total / 1e6:.1f} MB, in {out}")
        return 0
    problems = verify()
    for p in problems:
        print(p, file=sys.stderr)
    print("bundle OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


def _target(args: argparse.Namespace) -> Place | UserArea:
    """The place (``PLACE``) or uploaded area (``--boundary FILE``), resolved once, up front.

    Runs before any analysis is loaded, so an unknown place or a bad file is
    refused at once.
    """
    if getattr(args, "boundary", None):
        from layers.user_area import read_user_area

        return read_user_area(Path(args.boundary))
    if not args.place:
        raise ValueError("name a PLACE (code or name) or give --boundary FILE")
    from layers.places import resolve_place

    return resolve_place(args.place)


def _results(args: argparse.Namespace) -> Results:
    """The engine's results, their tier shares under ``--definition`` if the command has it.

    For the tables (``deciles``, ``lsoa-table``); ``profile`` and ``report`` pass the
    definition to :func:`analysis.profiles.profile`, which applies it itself.
    """
    from analysis import engine, site_definitions

    results = engine.load_results(_progress)
    return site_definitions.for_definition(results, getattr(args, "definition", None))


def _area(target: Place | UserArea) -> tuple[Results, Area]:
    """The engine's results and the :class:`~analysis.areas.Area` of ``target``."""
    from analysis import areas, engine
    from layers.places import Place

    results = engine.load_results(_progress)
    if isinstance(target, Place):
        return results, areas.area_for_place(results, target)
    return results, areas.area_for_polygon(results, target.geometry, name=target.name)


def _progress(message: str, fraction: float) -> None:
    if sys.stderr.isatty():
        print(f"\r[{fraction:4.0%}] {message:<60}", end="", file=sys.stderr, flush=True)
        if fraction >= 1:
            print(file=sys.stderr)


def _cmd_profile(args: argparse.Namespace) -> int:
    target = _target(args)
    from analysis import profiles

    results, area = _area(target)
    prof = profiles.profile(results, area, args.definition)
    if args.json:
        print_json(prof)
        return 0
    from analysis import areas
    from healthyplaces import profile_text

    district_area, county_area = areas.comparators(results, area)
    district, county = (
        profiles.profile(results, a, args.definition) if a is not None else None
        for a in (district_area, county_area)
    )
    sys.stdout.write(profile_text.render(prof, district, county))
    return 0


def _cmd_deciles(args: argparse.Namespace) -> int:
    target = _target(args)
    from analysis import profiles

    _, area = _area(target)
    table = profiles.decile_table(_results(args), area.weights)
    if args.json:
        records = table.reset_index().astype(object).where(table.reset_index().notna(), None)
        print_json({"place": area.name, "by_imd_decile": records.to_dict(orient="records")})
    else:
        table.to_csv(sys.stdout)
    return 0


def _cmd_equity(args: argparse.Namespace) -> int:
    target = _target(args)
    from analysis import comparator, equity, need

    results, area = _area(target)
    out = {
        "place": {"code": area.code, "name": area.name, "level": area.level},
        "groups": equity.equity_profile(results, area),
        "life_course": equity.life_course(results, area),
        "gardens_and_parks": need.gardens_and_parks(results, area),
        "gradients": equity.gradients(results, area),
        "ahah_comparison": comparator.ahah_comparison(results, area),
        "attribution": catalogue.ATTRIBUTION,
    }
    print_json(out) if args.json else _print_summary(out)
    return 0


def _cmd_evidence(args: argparse.Namespace) -> int:
    target = _target(args)
    from analysis import evidence

    results, area = _area(target)
    out = evidence.evidence(results, area)
    out["attribution"] = catalogue.ATTRIBUTION
    print_json(out) if args.json else _print_summary(out)
    return 0


def _print_summary(out: dict[str, Any]) -> None:
    """Plain output for the equity and evidence commands: one section per key."""
    for key, value in out.items():
        print(f"{key}: {json.dumps(_jsonable(value), ensure_ascii=False, indent=2)}")


def _cmd_lsoa_table(args: argparse.Namespace) -> int:
    from analysis import engine

    table = engine.lsoa_table(_results(args))
    if args.output:
        table.to_csv(args.output, index=False)
        Path(f"{args.output}.attribution.txt").write_text(catalogue.ATTRIBUTION + "\n")
        print(
            f"Wrote {len(table)} LSOAs × {table.shape[1]} columns to {args.output}", file=sys.stderr
        )
    elif args.json:
        print_json(table.astype(object).where(table.notna(), None).to_dict(orient="records"))
    else:
        table.to_csv(sys.stdout, index=False)
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from healthyplaces.export import FORMATS, export_layer

    fmt = args.format or next(
        (f for f, (suffix, _) in FORMATS.items() if args.output.lower().endswith(suffix)),
        "geojson",
    )
    result = export_layer(args.layer, args.place, fmt, args.output)
    extra = f" (attribution in {result.sidecar})" if result.sidecar else ""
    print(
        f"Wrote {result.features:,} features of {result.layer} for {result.place} "
        f"to {result.path}{extra}",
        file=sys.stderr,
    )
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    if args.level:
        return _batch_report(args)
    fmt = args.format or (
        "html" if args.output and args.output.lower().endswith(".html") else "pdf"
    )
    from layers.places import Place

    target = _target(args)  # before the report's heavy imports: a bad place fails fast
    from healthyplaces.report import build_report, write_report

    warnings = [] if isinstance(target, Place) else list(target.warnings)
    results, area = _area(target)
    report = build_report(results, area, warnings=warnings, definition=args.definition)
    stem = "".join(c if c.isalnum() else "-" for c in area.name).strip("-") or "area"
    out = Path(args.output) if args.output else Path(f"healthyplaces-{stem}.{fmt}")
    write_report(report, out, fmt)
    print(f"Wrote the {fmt.upper()} report for {area.name} to {out}", file=sys.stderr)
    return 0


def _cmd_scenario(args: argparse.Namespace) -> int:
    from layers.user_area import read_user_area

    park = read_user_area(Path(args.park))  # the upload gate, before any analysis loads
    place = None
    if args.place:
        from layers.places import resolve_place

        place = resolve_place(args.place)
    from analysis import engine
    from healthyplaces import park_scenario

    out = park_scenario.scenario(engine.load_results(_progress), park, place, args.definition)
    if args.json:
        print_json(out)
    else:
        sys.stdout.write(park_scenario.render(out))
    return 0


def _batch_report(args: argparse.Namespace) -> int:
    """``report --level LEVEL -o DIR``: one report per place; 1 if any place failed."""
    if args.place or args.boundary:
        raise ValueError("give either PLACE/--boundary or --level, not both")
    if not args.output:
        raise ValueError("--level needs -o DIR, the folder to write the reports into")
    out_dir = Path(args.output)
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"-o {out_dir} is a file; with --level it must be a folder")
    from healthyplaces import batch

    places = batch.places_of(args.level)  # before the analysis loads
    from analysis import engine

    fmt = args.format or "pdf"
    done = batch.write_reports(
        engine.load_results(_progress),
        places,
        out_dir,
        fmt,
        definition=args.definition,
        progress=batch.counter(),
    )
    print(
        f"Wrote {len(done.written)} of {len(places)} {fmt.upper()} reports to {out_dir}",
        file=sys.stderr,
    )
    for place, reason in done.failed:
        print(f"  failed: {place.code} {place.name}: {reason}", file=sys.stderr)
    return 1 if done.failed else 0


def _definition_option(p: argparse.ArgumentParser) -> None:
    from geo.standards import DEFAULT_SITE_DEFINITION, SITE_DEFINITIONS

    p.add_argument(
        "--definition",
        choices=list(SITE_DEFINITIONS),
        help="which green sites the straight-line tiers count (Natural England's "
        f"definitions; default {DEFAULT_SITE_DEFINITION}); every definition is also in "
        "access_straight_by_definition",
    )


def _year_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--year",
        type=int,
        help="DEFRA PCM year of the air figures, the index and the double burden "
        "(default: the newest in the bundle)",
    )


def _select_year(args: argparse.Namespace) -> None:
    """Make ``--year`` the year of every unsuffixed air figure (before any result loads)."""
    if getattr(args, "year", None) is not None:
        from analysis import air_years

        air_years.select_year(args.year)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and docs)."""
    parser = argparse.ArgumentParser(
        prog="healthyplaces",
        description="Healthy Places West Yorkshire: access to green and blue space, clean air "
        "and nature, by deprivation.",
        epilog=catalogue.ATTRIBUTION,
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("places", help="list places (county, districts, wards, MSOAs, LSOAs)")
    p.add_argument("--level", choices=["county", "district", "ward", "msoa", "lsoa"])
    p.add_argument("--json", action="store_true", help="print JSON records")
    p.set_defaults(func=_cmd_places)

    p = sub.add_parser("layers", help="show the layer catalogue")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_layers)

    p = sub.add_parser("bundle", help="build or verify the embedded data bundle")
    p.add_argument("action", choices=["build", "verify"])
    p.add_argument("--shared", help="raw data folder (default ../shared/data)")
    p.add_argument("--out", help="bundle folder (default data/west_yorkshire)")
    p.set_defaults(func=_cmd_bundle)

    p = sub.add_parser("profile", help="headline indicators of a place or a boundary file")
    p.add_argument("place", nargs="?", help="code (E08000032) or unambiguous name (Bradford)")
    p.add_argument("--boundary", help="GeoJSON, GeoPackage or zipped Shapefile of a custom area")
    p.add_argument("--json", action="store_true")
    _year_option(p)
    _definition_option(p)
    p.set_defaults(func=_cmd_profile)

    p = sub.add_parser("deciles", help="every indicator by IoD 2025 decile for a place")
    p.add_argument("place", nargs="?", help="code or unambiguous name")
    p.add_argument("--boundary", help="GeoJSON, GeoPackage or zipped Shapefile of a custom area")
    p.add_argument("--json", action="store_true")
    _year_option(p)
    _definition_option(p)
    p.set_defaults(func=_cmd_deciles)

    p = sub.add_parser("equity", help="access and exposure by group, life course, gardens")
    p.add_argument("place", nargs="?", help="code or unambiguous name")
    p.add_argument("--boundary", help="GeoJSON, GeoPackage or zipped Shapefile of a custom area")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_equity)

    p = sub.add_parser("evidence", help="access, air and mental health: IMD-adjusted models")
    p.add_argument("place", nargs="?", help="code or unambiguous name (a district or larger)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_evidence)

    p = sub.add_parser("lsoa-table", help="every indicator for every LSOA (CSV or JSON)")
    p.add_argument("--json", action="store_true", help="JSON records instead of CSV")
    p.add_argument("-o", "--output", help="write CSV to this file (with an attribution sidecar)")
    _year_option(p)
    _definition_option(p)
    p.set_defaults(func=_cmd_lsoa_table)

    p = sub.add_parser("export", help="export a layer for a place (GeoJSON, GeoPackage, CSV)")
    p.add_argument("layer", help="bundle layer (see `healthyplaces layers`) or results_lsoa")
    p.add_argument("--place", help="code or unambiguous name; default: the whole county")
    p.add_argument(
        "--format",
        choices=["geojson", "gpkg", "csv"],
        help="default: from the file suffix, else geojson",
    )
    p.add_argument("-o", "--output", required=True, help="output file")
    _year_option(p)
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser(
        "report", help="a place report (PDF or self-contained HTML), or one per place of a level"
    )
    p.add_argument("place", nargs="?", help="code (E08000032) or unambiguous name (Bradford)")
    p.add_argument("--boundary", help="GeoJSON, GeoPackage or zipped Shapefile of a custom area")
    p.add_argument(
        "--format", choices=["pdf", "html"], help="default: from the file suffix, else pdf"
    )
    p.add_argument(
        "-o",
        "--output",
        help="output file (default healthyplaces-PLACE.FORMAT); with --level, a folder",
    )
    p.add_argument(
        "--level",
        choices=["district", "ward", "msoa"],
        help="one report per place of this level, into the folder -o DIR "
        "(files CODE-name.FORMAT; default format pdf)",
    )
    _year_option(p)
    _definition_option(p)
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("scenario", help="who gains from a new park drawn in a boundary file")
    p.add_argument(
        "--park", required=True, help="GeoJSON, GeoPackage or zipped Shapefile of the new park"
    )
    p.add_argument("--place", help="also count the gains of this place's residents")
    p.add_argument("--json", action="store_true")
    _definition_option(p)
    p.set_defaults(func=_cmd_scenario)

    network_commands.register(sub)
    return parser


#: Options whose value is a coordinate pair that may start with a minus sign (west of 0°).
_COORDINATE_OPTIONS = ("--at",)


def _coordinate_values(argv: Sequence[str]) -> list[str]:
    """Join ``--at -1.55,53.80`` into ``--at=-1.55,53.80``: argparse would read ``-1.55,…``
    as an option (it only accepts plain negative numbers as values)."""
    out: list[str] = []
    items = list(argv)
    i = 0
    while i < len(items):
        if items[i] in _COORDINATE_OPTIONS and i + 1 < len(items):
            out.append(f"{items[i]}={items[i + 1]}")
            i += 2
        else:
            out.append(items[i])
            i += 1
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``healthyplaces`` console script."""
    args = build_parser().parse_args(_coordinate_values(sys.argv[1:] if argv is None else argv))
    handler: Handler = args.func
    try:
        _select_year(args)
        return handler(args)
    except (HealthyPlacesError, FileNotFoundError, ValueError) as exc:
        print(f"healthyplaces: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `healthyplaces lsoa-table | head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
