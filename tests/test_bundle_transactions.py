"""Writers never leave a half-written bundle: killed builds, concurrent refreshes, permissions.

Every writer stages its files and commits them with the manifest last
(:mod:`layers.transaction`). These tests kill real ``bundle build`` processes
with SIGKILL at random points, run two ``refresh_layer`` processes at once, and
check that ``verify()`` passes after each, with the previous bundle or the
complete new one, and that files get the umask's permissions.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from layers import paths
from layers.bundle import MANIFEST, read_table, verify
from layers.transaction import JOURNAL, LOCK_FILE

COMMITTED = paths.PROJECT_ROOT / "data" / "west_yorkshire"


@pytest.fixture
def copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "bundle"
    shutil.copytree(COMMITTED, folder, ignore=shutil.ignore_patterns(".*"))
    monkeypatch.setenv("HEALTHYPLACES_BUNDLE", str(folder))
    return folder


def _env(bundle: Path) -> dict[str, str]:
    env = dict(os.environ, HEALTHYPLACES_BUNDLE=str(bundle))
    env["PYTHONPATH"] = os.pathsep.join([str(paths.PROJECT_ROOT), env.get("PYTHONPATH", "")])
    return env


_REFRESH = """
import sys
from layers.build import refresh_layer
from layers.bundle import read_table
name, keep = sys.argv[1], int(sys.argv[2])
frame = read_table(name)
refresh_layer(name, frame.iloc[:keep], source=f"test: first {keep} rows")
"""


def _layer_rows(bundle: Path) -> dict[str, int]:
    manifest = json.loads((bundle / MANIFEST).read_text())
    return {k: int(v["rows"]) for k, v in manifest["layers"].items()}


def test_two_concurrent_refreshes_lose_no_update(copy: Path) -> None:
    rows = _layer_rows(copy)
    jobs = [
        ("blue_water", rows["blue_water"] // 2),
        ("trees", rows["trees"] // 3),
        ("blue_water", rows["blue_water"] // 4),
    ]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _REFRESH, name, str(keep)],
            env=_env(copy),
            stderr=subprocess.PIPE,
        )
        for name, keep in jobs
    ]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode()
    # The manifest matches every file, and the trees update survived the blue_water ones.
    assert verify() == []
    after = _layer_rows(copy)
    assert after["trees"] == rows["trees"] // 3 == len(read_table("trees"))
    # blue_water got two refreshes, each writing the first n/2 or n/4 rows of the table
    # its process read beforehand (outside the refresh, so both may read all n rows):
    # the last writer wins, and the manifest and the file agree on which it was.
    assert after["blue_water"] in (rows["blue_water"] // 2, rows["blue_water"] // 4)
    assert after["blue_water"] == len(read_table("blue_water"))
    left = [p.name for p in copy.iterdir() if p.name.startswith(".") and p.name != LOCK_FILE]
    assert not left, left


@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_refreshed_files_get_the_umasks_permissions(copy: Path, umask: int) -> None:
    from layers.build import refresh_layer

    old = os.umask(umask)
    try:
        refresh_layer("trees", read_table("trees").iloc[:10])
    finally:
        os.umask(old)
    expected = 0o666 & ~umask
    assert (copy / "trees.parquet").stat().st_mode & 0o777 == expected
    assert (copy / MANIFEST).stat().st_mode & 0o777 == expected


def test_a_commit_killed_while_moving_files_is_completed_by_the_next_reader(copy: Path) -> None:
    """Stage a new trees layer and manifest, write the journal, move nothing: as if killed."""
    from layers.build import _stage_layer, _write_manifest

    staging = copy / ".staging-killed"
    staging.mkdir()
    manifest = json.loads((copy / MANIFEST).read_text())
    entry = _stage_layer(staging, "trees", read_table("trees").iloc[:7])
    manifest["layers"]["trees"] = entry
    _write_manifest(staging / MANIFEST, manifest)
    (copy / JOURNAL).write_text(
        json.dumps({"staging": staging.name, "files": ["trees.parquet", MANIFEST]})
    )
    # The next reader finishes the move before it verifies anything.
    assert len(read_table("trees")) == 7
    assert not (copy / JOURNAL).exists() and not staging.exists()
    assert verify() == []


def test_leftovers_of_a_killed_writer_are_cleaned_up_on_the_next_run(copy: Path) -> None:
    (copy / ".staging-abandoned").mkdir()
    (copy / ".staging-abandoned" / "trees.parquet").write_bytes(b"half a file")
    (copy / ".greenspace.parquet.x1y2.tmp").write_bytes(b"half a file")
    assert verify() == []
    assert sorted(p.name for p in copy.iterdir() if p.name.startswith(".")) in ([], [LOCK_FILE])


def _shared_data() -> Path:
    shared = paths.shared_data_dir()
    if not (shared / "README.md").exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must have the raw data at {shared}")
        pytest.skip("../shared/data is not present")
    return shared


@pytest.mark.slow
def test_bundle_build_killed_at_random_points_leaves_a_valid_bundle(copy: Path) -> None:
    """Six builds killed with SIGKILL: after each, verify() passes (old bundle or new)."""
    shared = _shared_data()
    from layers.build import refresh_layer

    # Make the previous bundle differ from what a build writes, so both outcomes show.
    trees = read_table("trees")
    refresh_layer("trees", trees.iloc[: len(trees) // 2])
    old_rows, new_rows = len(trees) // 2, len(trees)
    rng = random.Random(20261201)
    cmd = [sys.executable, "-m", "healthyplaces.cli", "bundle", "build"]
    cmd += ["--shared", str(shared), "--out", str(copy)]
    seen = set()
    for attempt in range(6):
        proc = subprocess.Popen(cmd, env=_env(copy), stderr=subprocess.PIPE, text=True)
        assert proc.stderr is not None
        if attempt < 1:
            # Kill in the narrowest window: while files are being moved into place.
            while proc.poll() is None and not (copy / JOURNAL).exists():
                time.sleep(0.001)
        else:
            # Kill a random delay after a random build step has started.
            steps = rng.randint(1, 7)
            for _ in range(steps):
                if not proc.stderr.readline():
                    break
            time.sleep(rng.uniform(0.0, 1.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        proc.stderr.close()
        assert verify() == [], f"attempt {attempt}"
        rows = len(read_table("trees"))
        assert rows in (old_rows, new_rows)
        seen.add(rows)
        if rows == new_rows:  # the build completed its commit: restore the old state
            refresh_layer("trees", trees.iloc[:old_rows])
    assert not [p for p in copy.iterdir() if p.name.startswith(".staging-")]
