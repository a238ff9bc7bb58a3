"""geo.parallel: the same answers on one thread as on several, in order."""

from __future__ import annotations

import threading

import pytest

from geo import parallel


def test_run_pair_returns_both_in_order_and_runs_inline_on_one_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    here = threading.get_ident()
    ran: dict[str, int] = {}

    def first() -> str:
        ran["first"] = threading.get_ident()
        return "a"

    def second() -> int:
        ran["second"] = threading.get_ident()
        return 2

    monkeypatch.setattr(parallel, "threads", lambda: 2)
    assert parallel.run_pair(first, second) == ("a", 2)
    assert ran["first"] == here and ran["second"] != here  # the caller's keeps ``first``
    ran.clear()
    monkeypatch.setattr(parallel, "threads", lambda: 1)
    assert parallel.run_pair(first, second) == ("a", 2)
    assert ran == {"first": here, "second": here}


def test_run_pair_raises_what_a_step_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "threads", lambda: 2)

    def fails() -> int:
        raise ValueError("second")

    with pytest.raises(ValueError, match="second"):
        parallel.run_pair(lambda: 1, fails)
