"""Kept pages: fresh for a while, checked against their versions after, forgotten on a change."""

from __future__ import annotations

import pytest

from traciqo_rpc import page_cache
from traciqo_rpc.page_cache import KeptPages


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(page_cache.time, "monotonic", clock)
    return clock


def test_fresh_for_a_while_then_checked_against_its_versions(clock):
    pages = KeptPages(lambda: 0, fresh_for=1.0)
    pages.put("a", (1, 0), ("page",), pages.begin())
    assert pages.fresh("a") == ("page",)
    clock.now += 1.5
    assert pages.fresh("a") is None
    assert pages.check("a", (2, 0), pages.begin()) is None  # another version: render again
    assert pages.check("a", (1, 0), pages.begin()) == ("page",)  # the same: fresh again
    assert pages.fresh("a") == ("page",)


def test_a_settings_change_makes_every_page_stale(clock):
    generation = [0]
    pages = KeptPages(lambda: generation[0])
    pages.put("a", (1, 0), ("page",), pages.begin())
    generation[0] += 1
    assert pages.fresh("a") is None
    assert pages.check("a", (1, 0), pages.begin()) == ("page",) and pages.fresh("a") == ("page",)


def test_forgetting_drops_a_page_and_a_check_begun_before_vouches_for_nothing(clock):
    pages = KeptPages(lambda: 0)
    pages.put("a", (1, 0), ("old",), pages.begin())
    begun = pages.begin()  # a view reads the versions (still 1) ...
    pages.forget("a")  # ... while a change commits here
    assert pages.fresh("a") is None
    pages.put("a", (1, 0), ("old",), begun)  # what that view rendered: served once, never fresh
    assert pages.fresh("a") is None
    pages.put("b", (1, 0), ("b",), begun)
    assert pages.check("b", (1, 0), begun) == ("b",) and pages.fresh("b") is None


def test_bounded_least_recently_served_dropped_first(clock):
    pages = KeptPages(lambda: 0, max_pages=3)
    for number in range(5):
        pages.put(number, (1, 0), (f"page {number}",), pages.begin())
    assert len(pages) == 3 and pages.fresh(0) is None and pages.fresh(4) == ("page 4",)
    pages.fresh(2)  # served: kept over 3
    pages.put(5, (1, 0), ("page 5",), pages.begin())
    assert pages.fresh(2) is not None and pages.fresh(3) is None
