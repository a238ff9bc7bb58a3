"""The command line gives the answers captured before the re-architecture.

``tests/golden/*.gz`` were written by ``tests/golden/capture.py`` on the code as
it stood before the layers were moved (issue "One house with clear rooms"). A
refactor must not change them; a change that is *meant* to change a number
re-captures them and says why in its commit.

Every byte of text, every integer and every key must match. A decimal may differ
only in its last bits (relative 1e-12): NumPy picks its SIMD summation kernels by
CPU (AVX2 or AVX-512), and the order of a float sum changes its last bit, so a
byte-for-byte test fails on a different machine with the same code. The
tolerance is a billion times finer than any figure the product prints.
"""

from __future__ import annotations

import gzip
import math
import re
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
    if got == expected:
        return
    text, numbers = _split(got)
    want_text, want_numbers = _split(expected)
    assert text == want_text, f"{name}: output changed beyond its decimals"
    for g, w in zip(numbers, want_numbers, strict=True):
        if "." in w or "e" in w.lower():
            assert math.isclose(float(g), float(w), rel_tol=1e-12, abs_tol=1e-12), (name, g, w)
        else:
            assert g == w, (name, g, w)


_NUMBER = re.compile(rb"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")


def _split(data: bytes) -> tuple[list[bytes], list[str]]:
    """The text between the numbers, and the numbers, of a CLI output."""
    return _NUMBER.split(data), [m.decode() for m in _NUMBER.findall(data)]


def test_the_golden_comparison_tolerates_last_bits_only() -> None:
    text, numbers = _split(b'{"a": 21.913045147207594, "n": 12}')
    assert text == [b'{"a": ', b', "n": ', b"}"] and numbers == ["21.913045147207594", "12"]
    assert math.isclose(21.913045147207598, 21.913045147207594, rel_tol=1e-12)
    assert not math.isclose(21.9130451472, 21.9130451473, rel_tol=1e-12)
