"""Benchmark: PDF reports for all 124 wards in one batch, against one single-place ``report``.

Run with ``.venv/bin/python bench/bench_batch_reports.py [--level ward] [--format pdf]``.
In one run, on the real bundle, it prints:

* the baseline: one ``healthyplaces report WARD --format pdf`` call in a fresh
  process (what a user would otherwise run once per ward), wall time;
* the batch, as ``healthyplaces report --level ward --format pdf -o DIR`` runs it
  (:func:`healthyplaces.batch.write_reports`), in this process: loading the
  results once (the results store), then every report, with the mean, median
  and slowest per report;
* the ratios: the batch's mean per report against the single call, and the
  whole batch against the single call repeated for every ward.

The results store is warmed by the baseline call (its first run may compute the
county); the batch's load is timed on its own.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The ward of the single-place baseline (Toller, Bradford).
BASELINE_PLACE = "E05001364"


def _single_call(fmt: str, out: Path) -> float:
    """Wall time of one ``healthyplaces report`` in a fresh process, s."""
    argv = [sys.executable, "-m", "healthyplaces.cli", "report", BASELINE_PLACE]
    t0 = time.perf_counter()
    subprocess.run(
        [*argv, "--format", fmt, "-o", str(out / f"single.{fmt}")],
        check=True,
        cwd=ROOT,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - t0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--level", default="ward", choices=["district", "ward", "msoa"])
    parser.add_argument("--format", default="pdf", choices=["pdf", "html"])
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="hp-bench-batch-") as tmp:
        folder = Path(tmp)
        _single_call(args.format, folder)  # warm the results store (may compute once)
        single = _single_call(args.format, folder)
        print(f"one `report {BASELINE_PLACE}` call ({args.format}) {single:7.2f} s (fresh process)")

        from analysis import engine
        from healthyplaces import batch

        start = time.perf_counter()
        places = batch.places_of(args.level)
        results = engine.load_results()
        loaded = time.perf_counter()
        stamps: list[float] = []
        done = batch.write_reports(
            results,
            places,
            folder / "batch",
            args.format,
            progress=lambda i, n, name: stamps.append(time.perf_counter()),
        )
        end = time.perf_counter()
    per = [b - a for a, b in zip([loaded, *stamps[:-1]], stamps, strict=True)]
    n = len(places)
    total = end - start
    mean = statistics.mean(per)
    print(f"batch: {n} {args.level} reports ({args.format}), {len(done.failed)} failed")
    print(f"  load results once                {loaded - start:7.2f} s")
    print(
        f"  per report: mean {mean:.2f} s, median {statistics.median(per):.2f} s, "
        f"slowest {max(per):.2f} s (first {per[0]:.2f} s)"
    )
    print(f"  total                            {total:7.2f} s ({total / 60:.1f} min)")
    print(f"ratio: mean per report / one call  {mean / single:7.2f}")
    print(
        f"ratio: batch / {n} single calls     {total / (n * single):7.2f} "
        f"({n * single / 60:.1f} min as single calls)"
    )
    for place, reason in done.failed:
        print(f"  failed: {place.code} {place.name}: {reason}")
    return 1 if done.failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
