"""Run vectorised work on every CPU: chunks of an array, each on its own thread.

Shapely 2's vectorised functions, numpy's ufuncs and SciPy's KD-tree release
the GIL, so threads over chunks of the same arrays use all cores without
copying data into other processes. The answer is the same as one call over the
whole array; only the wall time changes (measured in ``bench/bench_pipeline.py``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from itertools import pairwise
from typing import TypeVar

import numpy as np

T = TypeVar("T")
A = TypeVar("A")
B = TypeVar("B")

#: Fewest items worth a thread of their own (below this one thread is faster).
MIN_CHUNK = 4096


def threads() -> int:
    """CPUs this process may run on (its affinity on Linux, else the CPU count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def chunks(n: int, min_chunk: int = MIN_CHUNK) -> list[slice]:
    """``range(n)`` cut into at most :func:`threads` contiguous slices of ≥ ``min_chunk``."""
    k = max(1, min(threads(), n // max(1, min_chunk)))
    bounds = np.linspace(0, n, k + 1).astype(np.intp)
    return [slice(int(a), int(b)) for a, b in pairwise(bounds)]


def executor() -> ThreadPoolExecutor:
    """A thread pool of :func:`threads` workers (use as a context manager)."""
    return ThreadPoolExecutor(max_workers=threads())


def run_all(tasks: Sequence[Callable[[], T]]) -> list[T]:
    """Results of ``tasks`` in order, run on :func:`threads` threads (inline when one)."""
    if len(tasks) < 2 or threads() < 2:
        return [task() for task in tasks]
    with executor() as pool:
        return list(pool.map(lambda task: task(), tasks))


def map_chunks(fn: Callable[[slice], T], n: int, min_chunk: int = MIN_CHUNK) -> list[T]:
    """``fn`` over the :func:`chunks` of ``range(n)``, in order, on :func:`threads` threads."""
    return run_all([partial(fn, c) for c in chunks(n, min_chunk)])


def run_pair(first: Callable[[], A], second: Callable[[], B]) -> tuple[A, B]:
    """``first()`` on this thread while ``second()`` runs on another; in turn when one thread.

    For two independent steps of different kinds (each may use :func:`map_chunks`
    itself): the caller's thread keeps ``first``, so a step that reports progress
    to a UI bound to that thread goes first.
    """
    if threads() < 2:
        return first(), second()
    with ThreadPoolExecutor(max_workers=1) as pool:
        later = pool.submit(second)
        return first(), later.result()
