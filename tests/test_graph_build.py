"""Building the walking graph cold: only the columns it needs, and edge directions from
coordinates, against the full tables and GEOS on the real bundle network (OSM, ODbL)."""

from __future__ import annotations

import numpy as np
import shapely

from geo.network.routing import WalkGraph, _start_distances
from layers import network


def test_the_graph_from_its_columns_equals_the_graph_from_the_whole_tables() -> None:
    full = WalkGraph.from_gdfs(*network.load_network())
    lean = WalkGraph.from_gdfs(*network.load_graph_tables())
    np.testing.assert_array_equal(lean.node_ids, full.node_ids)
    np.testing.assert_array_equal(lean.node_x, full.node_x)
    np.testing.assert_array_equal(lean.edge_u, full.edge_u)
    np.testing.assert_array_equal(lean.edge_v, full.edge_v)
    np.testing.assert_array_equal(lean.edge_length, full.edge_length)
    assert shapely.equals_exact(lean.edge_geoms, full.edge_geoms, tolerance=0).all()
    np.testing.assert_array_equal(lean.edge_starts_at_u, full.edge_starts_at_u)
    np.testing.assert_array_equal(lean.snap_edges, full.snap_edges)


def test_edge_start_distances_equal_geos_to_the_bit_on_the_real_network() -> None:
    """``edge_starts_at_u`` compares the first vertex's distances to u and to v: the
    coordinate formula must give GEOS's point distances to the bit (ties included),
    on the real edges and on the same edges drawn the other way (v to u)."""
    graph = WalkGraph.from_gdfs(*network.load_graph_tables())
    xy = np.column_stack([graph.node_x, graph.node_y])
    for geoms in (graph.edge_geoms, shapely.reverse(graph.edge_geoms)):
        start = shapely.get_point(geoms, 0)
        want_u = shapely.distance(start, shapely.points(xy[graph.edge_u]))
        want_v = shapely.distance(start, shapely.points(xy[graph.edge_v]))
        d_u, d_v = _start_distances(geoms, graph.node_x, graph.node_y, graph.edge_u, graph.edge_v)
        np.testing.assert_array_equal(d_u, want_u)
        np.testing.assert_array_equal(d_v, want_v)
    # The bundle stores every edge drawn from u; reversed, all but the loops start at v.
    assert graph.edge_starts_at_u.all()
    assert (d_u > d_v).sum() == (graph.edge_u != graph.edge_v).sum()


def test_an_edge_without_geometry_runs_straight_and_a_point_edge_has_no_direction() -> None:
    graph = WalkGraph.from_arrays(
        np.array([0.0, 10.0, 10.0]),
        np.array([0.0, 0.0, 10.0]),
        np.array([0, 2]),
        np.array([1, 1]),
        np.array([10.0, 10.0]),
        np.array([None, shapely.LineString([(10, 0), (10, 10)])], dtype=object),
    )
    assert shapely.equals_exact(graph.edge_geoms[0], shapely.LineString([(0, 0), (10, 0)]), 0)
    np.testing.assert_array_equal(graph.edge_starts_at_u, [True, False])
