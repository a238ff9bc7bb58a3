"""The command line gives byte-identical answers to those captured before the re-architecture.

``tests/golden/*.gz`` were written by ``tests/golden/capture.py`` on the code as
it stood before the layers were moved (issue "One house with clear rooms"). A
refactor must not change a byte of them; a change that is *meant* to change a
number re-captures them and says why in its commit.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "golden"))
import capture


@pytest.mark.parametrize(("name", "argv"), capture.CASES, ids=[c[0] for c in capture.CASES])
def test_cli_output_is_unchanged(
    name: str, argv: list[str], tmp_path: Path, results: object
) -> None:
    expected = gzip.decompress((capture.HERE / f"{name}.gz").read_bytes())
    got = capture.run(argv, tmp_path)
    assert got == expected, f"{name}: output changed ({len(got)} vs {len(expected)} bytes)"
