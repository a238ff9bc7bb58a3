"""Exact zonal means, the weighted median and Shannon diversity on hand-checkable cases."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
import shapely
from affine import Affine

from geo import air, nature
from geo.raster import Raster


def _raster() -> Raster:
    # 2 × 2 cells of 1 km; west edge 0, north edge 2000. Values: [[10, 20], [30, NaN]].
    values = np.array([[10.0, 20.0], [30.0, np.nan]])
    return Raster(
        values, Affine(1000, 0, 0, 0, -1000, 2000), "EPSG:27700", "no2", "µg/m³", "t", "test"
    )


def test_zonal_mean_weights_cells_by_exact_overlap() -> None:
    r = _raster()
    # Covers 250 m of the top-left cell (value 10) and 750 m of the top-right (20), 100 m tall:
    # mean = (0.25 × 10 + 0.75 × 20) = 17.5.
    poly = shapely.box(750, 1500, 1750, 1600)
    z = air.zonal_mean(r, np.array([poly]))
    assert z.loc[0, "mean"] == pytest.approx(17.5)
    assert z.loc[0, "coverage"] == pytest.approx(1.0)


def test_zonal_mean_reports_partial_coverage_off_grid_and_nodata() -> None:
    r = _raster()
    # Half in the bottom-right NaN cell, half in the bottom-left (30): mean 30, coverage 0.5.
    poly = shapely.box(500, 0, 1500, 1000)
    z = air.zonal_mean(r, np.array([poly]))
    assert z.loc[0, "mean"] == pytest.approx(30.0)
    assert z.loc[0, "coverage"] == pytest.approx(0.5)
    # Entirely west of the grid: no value, zero coverage.
    z = air.zonal_mean(r, np.array([shapely.box(-900, 0, -100, 500)]))
    assert math.isnan(z.loc[0, "mean"]) and z.loc[0, "coverage"] == 0.0


def test_sample_returns_the_cell_value_and_nan_off_grid() -> None:
    r = _raster()
    got = r.sample(np.array([500, 1500, 500, 1500, -1]), np.array([1500, 1500, 500, 500, 1500]))
    np.testing.assert_array_equal(got[:3], [10, 20, 30])
    assert np.isnan(got[3]) and np.isnan(got[4])


def test_weighted_median() -> None:
    # Values 1, 2, 3 with weights 1, 1, 5: half the weight (3.5) is reached at 3.
    assert air.weighted_median(np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0, 5.0])) == 3.0
    assert (
        air.weighted_median(np.array([1.0, 2.0, 3.0, np.nan]), np.array([5.0, 1.0, 1.0, 9.0]))
        == 1.0
    )


def test_shannon_of_two_equal_classes_is_ln2_and_one_class_is_zero() -> None:
    areas = pd.DataFrame({"woodland": [50.0, 10.0, 0.0], "heath": [50.0, 0.0, 0.0]})
    h = nature.shannon(areas)
    assert h[0] == pytest.approx(math.log(2))
    assert h[1] == 0.0 and h[2] == 0.0


def test_class_areas_and_covered_share_count_overlaps_once() -> None:
    zone = shapely.box(0, 0, 100, 100)  # 1 ha
    wood = shapely.box(-50, 0, 50, 100)  # half inside: 5,000 m²
    scrub = shapely.box(25, 0, 75, 100)  # inside, overlaps the wood by 25 m × 100 m
    areas = nature.class_areas(
        np.array([zone]), np.array([wood, scrub]), np.array(["woodland", "scrub"])
    )
    assert areas.loc[0, "woodland"] == pytest.approx(5000)
    assert areas.loc[0, "scrub"] == pytest.approx(5000)
    # Union inside the zone: x from 0 to 75 → 7,500 m² of 10,000.
    assert nature.covered_share(np.array([zone]), np.array([wood, scrub]))[0] == pytest.approx(0.75)


def test_covered_share_whole_zone_and_touching_pieces() -> None:
    zone = shapely.box(0, 0, 100, 100)
    # A moor containing the zone: wholly covered.
    assert nature.covered_share(np.array([zone]), np.array([shapely.box(-1, -1, 101, 101)]))[
        0
    ] == pytest.approx(1.0)
    # Two fields that touch along x = 50 (not overlapping): their areas add, 0.4.
    left, right = shapely.box(10, 0, 50, 50), shapely.box(50, 0, 90, 50)
    share = nature.covered_share(np.array([zone]), np.array([left, right]))[0]
    assert share == pytest.approx(0.4)


def test_covered_share_equals_the_union_of_every_piece_on_real_data(results: Any) -> None:
    """The shortcuts (contained pieces, wholly covered zones, summing pieces that
    overlap nothing) against the direct computation: the union of every zone's
    intersections, on the real LSOAs and OSM natural and semi-natural green space."""
    inputs = results.inputs
    zones = np.asarray(inputs.lsoa.geometry.values)
    g = inputs.greenspace
    natural = np.asarray(g.loc[g["typology"] == "natural"].geometry.values)
    got = nature.covered_share(zones, natural)
    zi, gi = shapely.STRtree(natural).query(zones, predicate="intersects")
    pieces = shapely.intersection(zones[zi], natural[gi])
    covered = np.zeros(len(zones))
    for z in np.unique(zi):
        covered[z] = shapely.area(shapely.union_all(pieces[zi == z]))
    want = np.clip(covered / shapely.area(zones), 0.0, 1.0)
    assert (want > 0).sum() > 500
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


def test_an_overlay_among_a_subset_is_the_subsets_own_overlay() -> None:
    """:meth:`Overlay.among` takes a subset's pieces from a larger layer's overlay:
    the same pairs in the same order (so sums over them keep their last bit), the
    same areas and the same covered share as an overlay of the subset alone."""
    zones = np.array([shapely.box(0, 0, 100, 100), shapely.box(100, 0, 200, 100)])
    geoms = np.array(
        [
            shapely.box(-50, 0, 50, 100),  # crosses zone 0
            shapely.box(10, 10, 20, 20),  # inside zone 0
            shapely.box(-10, -10, 300, 110),  # contains both zones
            shapely.box(150, 150, 160, 160),  # meets no zone (envelope pairs none)
            shapely.box(90, 40, 160, 60),  # crosses both
            shapely.Point(120, 100).buffer(30),  # crosses zone 1 only, its envelope zone 0's too
        ]
    )
    every = nature.overlay(zones, geoms)
    for keep in ([True, False, True, True, False, True], [False, True, False, False, True, True]):
        mask = np.array(keep)
        got, want = every.among(mask, zones, geoms), nature.overlay(zones, geoms[mask])
        np.testing.assert_array_equal(got.zi, want.zi)
        np.testing.assert_array_equal(got.gi, want.gi)
        np.testing.assert_array_equal(got.whole, want.whole)
        np.testing.assert_array_equal(got.area, want.area)
        assert shapely.equals(got.pieces, want.pieces).all()
        np.testing.assert_array_equal(
            nature.covered_share(zones, geoms[mask], got), nature.covered_share(zones, geoms[mask])
        )


def test_covered_share_from_the_habitat_overlay_equals_its_own_on_real_data(results: Any) -> None:
    """The engine cuts the natural polygons' pieces once, with the habitats': the shares
    are the same to the bit as those of an overlay of the natural polygons alone."""
    from analysis import engine

    inputs = results.inputs
    zones = np.asarray(inputs.lsoa.geometry.values)
    geoms, _ = engine.habitats(inputs)
    is_natural = inputs.greenspace["typology"] == "natural"
    natural = np.asarray(inputs.greenspace[is_natural].geometry.values)
    keep = engine._among_habitats(inputs, is_natural.to_numpy(bool))
    assert keep is not None and shapely.equals(geoms[keep], natural).all()
    pairs = nature.overlay(zones, geoms).among(keep, zones, geoms)
    np.testing.assert_array_equal(
        nature.covered_share(zones, natural, pairs), nature.covered_share(zones, natural)
    )
