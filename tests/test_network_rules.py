"""The walking-network rules, each on named real OSM ways of the Leeds network (2022).

The raw ways are the shared-data BBBike extract (``osm/leeds_centre_network_2022``,
© OpenStreetMap contributors, ODbL); the network is the bundle's ``network_*``
layers built from them. Way ids and tags were read from the raw file (and can be
checked on openstreetmap.org/way/<id>, history at 2022).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from scipy.sparse.csgraph import connected_components

from geo.network.components import MIN_COMPONENT_LENGTH_M, snappable_edges
from geo.network.routing import WalkGraph, multi_source, origin_distance, snap
from layers.network import EDGE_TAGS, NETWORK_FILE, comfortable, load_network, walkable

#: foot=private (owner's permission only): must be dropped.
FOOT_PRIVATE = [242043911, 361948880, 408000932, 583475343]
#: access=private, foot untagged: dropped (Killingbeck Bridge, Sewage Works Road).
ACCESS_PRIVATE = [114506392, 308778143]
#: highway=construction + foot=yes while the carriageway is rebuilt: Boar Lane, Park Row.
CONSTRUCTION_FOOT_YES = {317869144: "Boar Lane", 377290955: "Park Row"}
#: highway=construction with no foot tag (New York Road, Quarry Hill): still dropped.
CONSTRUCTION_UNTAGGED = [32855413, 114458912]
#: trunk + sidewalk=no: kept, not comfortable (Ingram Distributor, Dewsbury Road).
TRUNK_NO_SIDEWALK = {2447535: "Ingram Distributor", 4373643: "Dewsbury Road"}


@pytest.fixture(scope="module")
def raw(shared_data: Path) -> gpd.GeoDataFrame:
    cols = ["osm_id", "name", "highway", "foot", "access", *EDGE_TAGS]
    ways = gpd.read_file(f"/vsigzip/{shared_data / NETWORK_FILE}", columns=cols)
    ways["osm_id"] = ways["osm_id"].astype(np.int64)
    return ways.set_index("osm_id", drop=False)


@pytest.fixture(scope="module")
def net() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    return load_network()


def _edge_ways(edges: gpd.GeoDataFrame) -> set[int]:
    return set(edges["osmid"].astype(np.int64).tolist())


def test_filter_rules_on_named_ways(raw: gpd.GeoDataFrame) -> None:
    keep = dict(zip(raw["osm_id"].tolist(), walkable(raw).tolist(), strict=True))
    assert (raw.loc[FOOT_PRIVATE, "foot"] == "private").all()
    assert not any(keep[i] for i in FOOT_PRIVATE)
    assert raw.loc[ACCESS_PRIVATE, "access"].eq("private").all()
    assert not any(keep[i] for i in ACCESS_PRIVATE)
    assert raw.loc[list(CONSTRUCTION_FOOT_YES), "name"].tolist() == list(
        CONSTRUCTION_FOOT_YES.values()
    )
    assert all(keep[i] for i in CONSTRUCTION_FOOT_YES)
    assert not any(keep[i] for i in CONSTRUCTION_UNTAGGED)
    # no foot=private way survives anywhere in the file
    assert not (raw["foot"].eq("private").to_numpy() & walkable(raw)).any()


def test_bundle_network_follows_the_rules(net: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]) -> None:
    ways = _edge_ways(net[1])
    assert set(CONSTRUCTION_FOOT_YES) <= ways
    assert not (set(FOOT_PRIVATE) | set(ACCESS_PRIVATE) | set(CONSTRUCTION_UNTAGGED)) & ways


def test_trunk_without_sidewalk_kept_but_not_comfortable(
    raw: gpd.GeoDataFrame, net: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]
) -> None:
    rows = raw.loc[list(TRUNK_NO_SIDEWALK)]
    assert rows["highway"].eq("trunk").all() and rows["sidewalk"].eq("no").all()
    assert walkable(rows).all() and not comfortable(rows).any()
    edges = net[1]
    osmid = edges["osmid"].astype(np.int64)
    flagged = edges[osmid.isin(list(TRUNK_NO_SIDEWALK)).to_numpy()]
    assert len(flagged) and not flagged["comfortable"].any()
    # the flag is exactly trunk/trunk_link + sidewalk=no|none, nothing else
    expect = edges["highway"].isin(["trunk", "trunk_link"]) & edges["sidewalk"].isin(["no", "none"])
    assert (~edges["comfortable"].to_numpy() == expect.to_numpy()).all()


def test_comfortable_variant_never_shorter(net: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]) -> None:
    nodes, edges = net
    full = WalkGraph.from_gdfs(nodes, edges)
    calm = full.without(~edges["comfortable"].to_numpy(bool))
    assert len(calm.edge_u) == len(full.edge_u) - int((~edges["comfortable"]).sum())
    osmid = edges["osmid"].astype(np.int64).to_numpy()
    start = full.edge_u[np.flatnonzero(osmid == 2447535)[0]]
    d_full, _ = multi_source(full, np.array([start]), limit=3_000.0)
    d_calm, _ = multi_source(calm, np.array([start]), limit=3_000.0)
    reached = np.isfinite(d_full)
    assert np.all(d_calm[reached] >= d_full[reached] - 1e-9)
    assert np.any(d_calm[reached] > d_full[reached] + 1.0)  # some walks must detour


def test_fragments_never_catch_an_origin(net: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]) -> None:
    g = WalkGraph.from_gdfs(*net)
    k, labels = connected_components(g.csr, directed=False)
    assert k > 100  # the real network is in many pieces
    size = np.bincount(labels)
    two_node = np.flatnonzero(size == 2)
    assert len(two_node)
    # an origin on the middle of each 2-node fragment's edge
    frag_edges = np.flatnonzero(np.isin(labels[g.edge_u], two_node))
    mids = shapely.line_interpolate_point(g.edge_geoms[frag_edges], 0.5, normalized=True)
    s = snap(g, shapely.get_x(mids), shapely.get_y(mids))
    assert (s.edge >= 0).all()
    length = np.bincount(labels[g.edge_u], weights=g.edge_length, minlength=k)
    caught = labels[g.edge_u[s.edge]]
    assert np.all((caught == np.argmax(size)) | (length[caught] >= MIN_COMPONENT_LENGTH_M))
    assert not np.isin(caught, two_node).any()
    # and from there a walk goes on: every node of a kept component is reachable
    big = (length >= MIN_COMPONENT_LENGTH_M) | (np.arange(k) == np.argmax(size))
    node_dist = np.where(big[labels], 0.0, np.inf)
    assert np.isfinite(origin_distance(g, s, node_dist)).all()
    kept = snappable_edges(g.csr, g.edge_u, g.edge_length)
    assert kept.mean() > 0.98 and not kept[frag_edges].any()
