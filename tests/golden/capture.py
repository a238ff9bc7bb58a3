"""Capture the CLI outputs that the architecture must keep byte-identical.

Run ``python tests/golden/capture.py`` to (re)write ``tests/golden/*.gz``. Do it
only when a change is *meant* to change a number, and say why in the commit:
``tests/test_same_answers.py`` compares the CLI against these files.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BOUNDARY = ROOT / "tests" / "input_data" / "upload_ilkley_ward.geojson"

#: (name, argv); ``{out}`` is replaced by a temporary output path.
CASES: list[tuple[str, list[str]]] = [
    ("profile_county", ["profile", "West Yorkshire", "--json"]),
    *(
        (f"profile_{code}", ["profile", code, "--json"])
        for code in ("E08000032", "E08000033", "E08000034", "E08000035", "E08000036")
    ),
    *(
        (f"profile_{code}", ["profile", code, "--json"])
        for code in ("E05001364", "E05001372", "E05011397")
    ),
    ("profile_boundary", ["profile", "--boundary", str(BOUNDARY), "--json"]),
    ("deciles_county", ["deciles", "West Yorkshire", "--json"]),
    ("deciles_E08000035", ["deciles", "E08000035", "--json"]),
    ("deciles_boundary", ["deciles", "--boundary", str(BOUNDARY), "--json"]),
    ("lsoa_table", ["lsoa-table"]),
    (
        "export_results_E08000033_csv",
        ["export", "results_lsoa", "--place", "E08000033", "--format", "csv", "-o", "{out}.csv"],
    ),
    (
        "export_sites_E08000033_geojson",
        [
            "export",
            "greenspace_sites",
            "--place",
            "E08000033",
            "--format",
            "geojson",
            "-o",
            "{out}.geojson",
        ],
    ),
]


def run(argv: list[str], tmp: Path) -> bytes:
    """Run the CLI in this process; return stdout, or the written file for ``-o``."""
    from healthyplaces.cli import main

    out = str(tmp / "out")
    argv = [a.replace("{out}", out) for a in argv]
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(io.StringIO()):
        rc = main(argv)
    assert rc == 0, (argv, rc)
    if "-o" in argv:
        return Path(argv[argv.index("-o") + 1]).read_bytes()
    return buf.getvalue().encode()


def main() -> int:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        for name, argv in CASES:
            data = run(argv, Path(d))
            (HERE / f"{name}.gz").write_bytes(gzip.compress(data, mtime=0))
            print(f"{name}: {len(data):,} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
