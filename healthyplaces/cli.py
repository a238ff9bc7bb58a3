"""The ``healthyplaces`` command line: the contract the app, the reports and checks use.

JSON keys printed here are stable; add keys, never rename them.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from healthyplaces import settings

Handler = Callable[[argparse.Namespace], int]


def _jsonable(obj: Any) -> Any:
    """Make numpy/pandas scalars and NaN JSON-safe (NaN → null)."""
    if isinstance(obj, dict):
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
    from layers.boundaries import places

    table = places()
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
    from layers.catalogue import catalogue

    entries = catalogue(manifest())
    if args.json:
        print_json(entries)
    else:
        for e in entries:
            rows = f"{e.get('rows', '?'):>7}" if "rows" in e else "      -"
            print(f"{e['name']:<22} {rows}  {e['vintage']:<10} {e['licence']:<28} {e['title']}")
        print(f"\n{settings.ATTRIBUTION}")
    return 0


def _cmd_bundle(args: argparse.Namespace) -> int:
    from layers.bundle import bundle_dir, verify
    from layers.build import build_bundle

    if args.action == "build":
        out = Path(args.out) if args.out else bundle_dir()
        shared = Path(args.shared) if args.shared else settings.SHARED_DATA_DIR
        manifest = build_bundle(shared, out, progress=lambda m: print(f"… {m}", file=sys.stderr))
        total = sum(e["bytes"] for e in manifest["layers"].values())
        print(f"Built {len(manifest['layers'])} layers, {total / 1e6:.1f} MB, in {out}")
        return 0
    problems = verify()
    for p in problems:
        print(p, file=sys.stderr)
    print("bundle OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and docs)."""
    parser = argparse.ArgumentParser(
        prog="healthyplaces",
        description="Healthy Places West Yorkshire: access to green and blue space, clean air "
        "and nature, by deprivation.",
        epilog=settings.ATTRIBUTION,
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

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``healthyplaces`` console script."""
    from layers.boundaries import AmbiguousPlace, PlaceNotFound
    from layers.bundle import BundleError

    args = build_parser().parse_args(argv)
    handler: Handler = args.func
    try:
        return handler(args)
    except (PlaceNotFound, AmbiguousPlace, BundleError, FileNotFoundError, ValueError) as exc:
        print(f"healthyplaces: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
