"""The live OSM loaders, exercised offline on real OSM files; bundle refresh; downloads.

* ``from_osm_file`` reads the real central-Leeds ``.osm.pbf`` samples copied
  into ``tests/input_data/osm`` (see its README) and is checked against a
  direct pyosmium scan of the same files and against the bundle's Leeds-centre
  network (a different extract of the same streets).
* The Overpass loaders run with osmnx's download functions replaced by readers
  of a real OSM file, so the conversion code runs but no network is used.
* A tiny hand-written OSM XML file (a format test, not real data) covers water,
  waterways and tag escaping, which the samples lack.
"""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import osmium
import osmnx as ox
import pandas as pd
import pyproj
import pytest
import shapely

from geo.entrances import BY_TOUCH, Entrances
from geo.network.access import site_access_nodes
from geo.network.routing import WalkGraph, multi_source
from geo.raster import Raster
from geo.standards import ACCESS_NODE_DISTANCE_M
from layers import osm
from layers._io import hstore_get, sha256
from layers.build import refresh_layer
from layers.bundle import MANIFEST, bundle_dir, read_table, verify
from layers.download import fetch_url
from layers.errors import FetchError
from layers.greenspace import TAG_TYPOLOGY, TYPOLOGIES
from layers.network import NOT_WALKABLE, load_network, load_network_area, walkable
from layers.osm import (
    GREEN_COLUMNS,
    WATER_COLUMNS,
    WATERWAY_COLUMNS,
    OsmFileLayers,
    from_osm_file,
)
from layers.osm.convert import green_sites
from layers.transaction import LOCK_FILE

SAMPLES = Path(__file__).parent / "input_data" / "osm"
SMALL = "Leeds_small.osm.pbf"
UNIVERSITY = "Leeds_small_university.osm.pbf"
TO_BNG = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)


@pytest.fixture(scope="module")
def samples() -> dict[str, OsmFileLayers]:
    return {name: from_osm_file(SAMPLES / name) for name in (SMALL, UNIVERSITY)}


@pytest.fixture(scope="module")
def study_area() -> gpd.GeoDataFrame:
    return gpd.read_file(SAMPLES / "leeds_smallarea_boundary.geojson")


def _raw_ways(path: Path) -> pd.DataFrame:
    """Every way of an OSM file: tags, whether closed and its lon/lat bounds (direct pyosmium)."""
    rows = []
    for way in osmium.FileProcessor(str(path)).with_locations():
        if not isinstance(way, osmium.osm.Way):
            continue
        refs = [n.ref for n in way.nodes]
        lonlat = [(n.lon, n.lat) for n in way.nodes]
        rows.append(
            {"osm_id": way.id, "closed": refs[0] == refs[-1], "lonlat": lonlat, **dict(way.tags)}
        )
    frame = pd.DataFrame(rows)
    for col in ("highway", "foot", "access"):
        if col not in frame:
            frame[col] = None
    return frame


def _edge_way_ids(edges: gpd.GeoDataFrame) -> set[int]:
    return {int(i) for ids in edges["osmid"] for i in ids.split(";")}


# --- from_osm_file on the real samples -------------------------------------------------


@pytest.mark.parametrize("name", [SMALL, UNIVERSITY])
def test_walking_network_from_pbf(samples: dict[str, OsmFileLayers], name: str) -> None:
    net = samples[name].network
    nodes, edges = net.nodes, net.edges
    assert len(nodes) > 1_000 and len(edges) > 1_000
    assert nodes.crs.to_epsg() == edges.crs.to_epsg() == net.area.crs.to_epsg() == 27700
    assert nodes.index.name == "osmid" and list(edges.index.names) == ["u", "v", "key"]
    # Same layout as the offline network, so geo.network.routing consumes it unchanged.
    bundle_nodes, bundle_edges = load_network()
    assert set(nodes.columns) == set(bundle_nodes.columns)
    assert set(edges.columns) == set(bundle_edges.columns)
    assert (edges["length"] > 0).all()
    np.testing.assert_allclose(edges["length"], edges.geometry.length)
    np.testing.assert_allclose(nodes["x"], nodes.geometry.x)
    assert edges.index.get_level_values("u").isin(nodes.index).all()
    assert edges.index.get_level_values("v").isin(nodes.index).all()
    # Lengths are metres: central Leeds streets, not degrees.
    assert 5 < edges["length"].median() < 200
    graph = WalkGraph.from_gdfs(nodes, edges)
    dist, _ = multi_source(graph, np.array([int(np.argmax(nodes["street_count"].to_numpy()))]))
    assert np.isfinite(dist).mean() > 0.9  # one connected core


@pytest.mark.parametrize(
    ("name", "share_inside", "max_outside_m"),
    [
        # The study area is the university cut's: ways crossing its edge are kept whole.
        (UNIVERSITY, 0.95, 500.0),
        # Leeds_small.osm.pbf is an earlier, larger cut of the same neighbourhood.
        (SMALL, 0.80, 1_500.0),
    ],
)
def test_nodes_fall_in_the_study_area_bbox(
    samples: dict[str, OsmFileLayers],
    study_area: gpd.GeoDataFrame,
    name: str,
    share_inside: float,
    max_outside_m: float,
) -> None:
    box = shapely.box(*study_area.to_crs(27700).total_bounds)
    nodes = samples[name].network.nodes
    pts = shapely.points(nodes["x"], nodes["y"])
    assert shapely.contains(box, pts).mean() >= share_inside
    assert shapely.contains(box.buffer(max_outside_m), pts).all()


@pytest.mark.parametrize("name", [SMALL, UNIVERSITY])
def test_only_walkable_ways_are_in_the_network(
    samples: dict[str, OsmFileLayers], name: str
) -> None:
    raw = _raw_ways(SAMPLES / name)
    highways = raw[raw["highway"].notna()]
    expected = set(highways.loc[walkable(highways), "osm_id"])
    got = _edge_way_ids(samples[name].network.edges)
    assert got <= expected
    # osmnx drops isolated closed rings (a car-park aisle loop, a platform area); nothing else.
    lost = highways[highways["osm_id"].isin(expected - got)]
    assert lost["closed"].all() and len(lost) <= 0.005 * len(expected)
    motorways = set(highways.loc[highways["highway"].isin(["motorway", "motorway_link"]), "osm_id"])
    assert motorways and not motorways & got
    banned = set(highways.loc[highways["foot"].eq("no"), "osm_id"])
    assert banned and not banned & got
    parts = {h for value in samples[name].network.edges["highway"] for h in value.split(";")}
    assert not parts & NOT_WALKABLE


@pytest.mark.parametrize("name", [SMALL, UNIVERSITY])
def test_green_features_from_pbf(samples: dict[str, OsmFileLayers], name: str) -> None:
    green = samples[name].greenspace
    assert list(green.columns) == GREEN_COLUMNS
    assert len(green) > 0 and green.crs.to_epsg() == 27700
    assert set(green["typology"]) <= set(TYPOLOGIES)
    assert shapely.is_valid(green.geometry.to_numpy()).all()
    assert (green["area_ha"] > 0).all()
    raw = _raw_ways(SAMPLES / name)
    tagged = np.zeros(len(raw), dtype=bool)
    for key, value in TAG_TYPOLOGY:
        if key in raw:
            tagged |= (raw[key] == value).to_numpy()
    expected = {f"way/{i}" for i in raw.loc[tagged & raw["closed"].to_numpy(), "osm_id"]}
    assert set(green["osm_ref"]) == expected
    by_ref = green.set_index("osm_ref")
    assert by_ref.loc["way/23157846", "typology"] == "amenity"  # landuse=grass
    assert by_ref.loc["way/908084155", "typology"] == "parks_gardens"  # leisure=garden
    assert set(green["vintage"]) == {"2022-10-17"}  # newest edit in the file
    assert samples[name].blue_water.empty and samples[name].blue_waterways.empty


def _raw_tagged_nodes(path: Path) -> dict[int, dict[str, str]]:
    """Tags of every node with an ``entrance`` or ``barrier`` key (direct pyosmium)."""
    out: dict[int, dict[str, str]] = {}
    for node in osmium.FileProcessor(str(path), osmium.osm.NODE):
        tags = dict(node.tags)
        if "entrance" in tags or "barrier" in tags:
            out[node.id] = tags
    return out


@pytest.mark.parametrize("name", [SMALL, UNIVERSITY])
def test_entrance_nodes_from_pbf(samples: dict[str, OsmFileLayers], name: str) -> None:
    ents = samples[name].entrances
    assert ents.crs.to_epsg() == 27700 and (ents.geom_type == "Point").all()
    got = set(ents["osm_id"].astype(int))
    raw = _raw_tagged_nodes(SAMPLES / name)
    closed = {i for i, t in raw.items() if t.get("access") in ("private", "no")}
    closed -= {i for i, t in raw.items() if t.get("foot") in ("yes", "designated", "permissive")}
    closed |= {i for i, t in raw.items() if t.get("foot") in ("no", "private")}
    doors = {i for i, t in raw.items() if t.get("entrance") in ("yes", "main")}
    gates = {i for i, t in raw.items() if t.get("barrier") in ("gate", "lift_gate")}
    bollards = {i for i, t in raw.items() if t.get("barrier") == "bollard" and "entrance" not in t}
    emergency = {i for i, t in raw.items() if t.get("entrance") == "emergency"}
    # the samples' entrance values are yes/main/emergency, their gates gate/lift_gate only
    assert {t["entrance"] for t in raw.values() if "entrance" in t} == {"yes", "main", "emergency"}
    assert got == (doors | gates) - closed
    assert not got & (bollards | closed | emergency)
    assert len(doors) > 20 and len(gates) > 100 and len(bollards) > 50
    if name == SMALL:
        assert len(emergency) == 1
        assert len(closed & gates) > 0  # private gates (a yard, a car park) are no way in


def test_an_osm_gate_on_a_walled_park_is_its_only_way_in() -> None:
    """its-example.osm.pbf: gate node 54060421 lies on the boundary of St. George's Fields
    (Woodhouse Cemetery), Leeds. The node nearest a boundary gate is always one of the
    site's 30 m nodes, so the gate adds nothing to an open site; a walled one is entered
    only there."""
    layers = from_osm_file(SAMPLES / "its-example.osm.pbf")
    sites = green_sites(layers.greenspace)["greenspace_sites"]
    name = "St. George's Fields (Woodhouse Cemetery)"
    row = int(np.flatnonzero(sites["name"].to_numpy() == name)[0])
    ents = layers.entrances
    gate = ents[ents["osm_id"] == 54060421]
    assert gate["barrier"].iloc[0] == "gate"
    point = gate.geometry.iloc[0]
    geoms = sites.geometry.to_numpy()
    assert shapely.distance(point, geoms[row].boundary) < 1e-6
    nodes = layers.network.nodes
    graph = WalkGraph.from_gdfs(nodes, layers.network.edges)
    xy = nodes[["x", "y"]].to_numpy(float)
    d = np.hypot(xy[:, 0] - point.x, xy[:, 1] - point.y)
    nearest = int(np.argmin(d))
    assert d[nearest] <= ACCESS_NODE_DISTANCE_M
    ring = set(np.flatnonzero(shapely.dwithin(geoms[row], shapely.points(xy), 30.0)).tolist())
    assert nearest in ring and len(ring) > 1
    touch = np.full(len(ents), BY_TOUCH, dtype=np.intp)
    s0, n0 = site_access_nodes(graph, geoms)
    s1, n1 = site_access_nodes(graph, geoms, entrances=Entrances(ents.geometry.to_numpy(), touch))
    np.testing.assert_array_equal(s1, s0)
    np.testing.assert_array_equal(n1, n0)
    assert set(n0[s0 == row].tolist()) == ring
    walled = np.zeros(len(sites), dtype=bool)
    walled[row] = True
    s2, n2 = site_access_nodes(
        graph, geoms, entrances=Entrances(ents.geometry.to_numpy(), touch, walled)
    )
    assert set(n2[s2 == row].tolist()) == {nearest}
    np.testing.assert_array_equal(n2[s2 != row], n0[s0 != row])


@pytest.mark.parametrize("name", [SMALL, UNIVERSITY])
def test_sample_network_overlaps_the_bundle_network(
    samples: dict[str, OsmFileLayers], name: str
) -> None:
    nodes, edges = samples[name].network.nodes, samples[name].network.edges
    circle = load_network_area().geometry.iloc[0]
    assert shapely.contains_xy(circle, nodes["x"], nodes["y"]).all()
    _, bundle_edges = load_network()
    tree = shapely.STRtree(bundle_edges.geometry.to_numpy())
    near = tree.query(shapely.box(*edges.total_bounds).buffer(100))
    corridor = shapely.union_all(shapely.buffer(bundle_edges.geometry.to_numpy()[near], 30.0))
    lines = edges.geometry.to_numpy()
    share = (
        shapely.length(shapely.intersection(lines, corridor)).sum() / shapely.length(lines).sum()
    )
    assert share > 0.8


def test_bbox_keeps_ways_touching_it(
    samples: dict[str, OsmFileLayers], study_area: gpd.GeoDataFrame
) -> None:
    bbox = tuple(float(v) for v in study_area.total_bounds)
    cut = from_osm_file(SAMPLES / SMALL, bbox=bbox)  # type: ignore[arg-type]
    area = cut.network.area.geometry.iloc[0]
    corners = np.array(TO_BNG.transform([bbox[0], bbox[2]], [bbox[1], bbox[3]])).T
    assert area.bounds == pytest.approx((*corners[0], *corners[1]), abs=30.0)
    # Exactly the walkable ways with a node in the bbox, each kept whole.
    raw = _raw_ways(SAMPLES / SMALL)
    raw = raw[raw["highway"].notna()]
    west, south, east, north = bbox
    touches = raw["lonlat"].map(
        lambda pts: any(west <= x <= east and south <= y <= north for x, y in pts)
    )
    expected = set(raw.loc[walkable(raw) & touches.to_numpy(), "osm_id"])
    got = _edge_way_ids(cut.network.edges)
    assert got <= expected and len(expected - got) <= 2  # isolated closed rings
    full = _edge_way_ids(samples[SMALL].network.edges)
    assert got < full and len(got) > 0.5 * len(full)
    outside = raw.loc[walkable(raw) & ~touches.to_numpy(), "osm_id"]
    assert len(outside) > 100 and not set(outside) & got


def test_bad_inputs_raise(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        from_osm_file(tmp_path / "nope.osm.pbf")
    path = _tiny_osm(tmp_path)
    with pytest.raises(ValueError, match="west, south, east, north"):
        from_osm_file(path, bbox=(-1.5, 53.8, -1.6, 53.81))
    with pytest.raises(ValueError, match="no walkable"):
        from_osm_file(path, bbox=(0.0, 0.0, 0.1, 0.1))


# --- A tiny hand-written OSM file: water, waterways, tags (format test) ---------------


def _tiny_osm(tmp_path: Path) -> Path:
    """Made-up OSM XML near Leeds: a footway, a pond, a river, a private park and a wood."""
    nodes = {
        1: (-1.550, 53.800), 2: (-1.549, 53.800), 3: (-1.548, 53.800),
        11: (-1.5500, 53.8010), 12: (-1.5490, 53.8010), 13: (-1.5490, 53.8015),
        14: (-1.5500, 53.8015),
        21: (-1.547, 53.802), 22: (-1.546, 53.803), 23: (-1.545, 53.803),
        31: (-1.5450, 53.8000), 32: (-1.5440, 53.8000), 33: (-1.5440, 53.8010),
        34: (-1.5450, 53.8010),
    }  # fmt: skip
    ways = {
        101: ([1, 2, 3], {"highway": "footway", "name": "Test Path"}),
        102: ([11, 12, 13, 14, 11], {"natural": "water", "water": "pond", "name": 'The "Pond"'}),
        103: ([21, 22, 23], {"waterway": "river", "name": "Test Beck"}),
        104: ([31, 32, 33, 34, 31], {"leisure": "park", "access": "private", "name": "Hall"}),
        105: ([1, 21], {"highway": "motorway"}),
        106: ([31, 32, 33, 31], {"natural": "wood", "leaf_type": "broadleaved"}),
    }
    stamp = 'version="1" timestamp="2024-05-06T07:08:09Z"'
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">']
    lines += [
        f'<node id="{i}" {stamp} lat="{lat}" lon="{lon}"/>' for i, (lon, lat) in nodes.items()
    ]
    for wid, (refs, tags) in ways.items():
        lines.append(f'<way id="{wid}" {stamp}>')
        lines += [f'<nd ref="{r}"/>' for r in refs]
        lines += [f'<tag k="{k}" v="{v.replace(chr(34), "&quot;")}"/>' for k, v in tags.items()]
        lines.append("</way>")
    lines.append("</osm>")
    path = tmp_path / "tiny_format_test.osm"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _bng_area(lonlat: list[tuple[float, float]]) -> float:
    lon, lat = np.array(lonlat).T
    x, y = TO_BNG.transform(lon, lat)
    return float(shapely.Polygon(np.column_stack([x, y])).area)


def test_water_waterways_and_tags_from_an_osm_xml_file(tmp_path: Path) -> None:
    layers = from_osm_file(_tiny_osm(tmp_path))
    assert layers.vintage == "2024-05-06"
    water = layers.blue_water
    assert list(water.columns) == WATER_COLUMNS and water.crs.to_epsg() == 27700
    row = water.iloc[0]
    assert (row["osm_ref"], row["water_class"], bool(row["blue_space"])) == (
        "way/102",
        "pond",
        True,
    )
    assert row["name"] == 'The "Pond"'
    pond = [(-1.55, 53.801), (-1.549, 53.801), (-1.549, 53.8015), (-1.55, 53.8015)]
    assert row["area_ha"] == pytest.approx(_bng_area(pond) / 10_000, rel=1e-6)
    assert hstore_get(water["other_tags"], "water").iloc[0] == "pond"
    ways = layers.blue_waterways
    assert list(ways.columns) == WATERWAY_COLUMNS
    assert (ways["osm_ref"].iloc[0], ways["waterway"].iloc[0]) == ("way/103", "river")
    assert bool(ways["blue_space"].iloc[0]) and ways["length_m"].iloc[0] > 150
    wood = layers.greenspace.set_index("osm_ref").loc["way/106"]
    assert (wood["osm_value"], wood["typology"], wood["other_tags"]) == (
        "wood",
        "natural",
        '"leaf_type"=>"broadleaved"',
    )
    park = layers.greenspace.set_index("osm_ref").loc["way/104"]
    assert park["access"] == "private" and not park["public_access"]
    assert park["typology"] == "parks_gardens"
    edges = layers.network.edges
    assert set(edges["osmid"]) == {"101"} and set(edges["highway"]) == {"footway"}
    (x0, x1), (y0, y1) = TO_BNG.transform([-1.55, -1.548], [53.8, 53.8])
    assert edges["length"].sum() == pytest.approx(float(np.hypot(x1 - x0, y1 - y0)), rel=1e-6)
    tables = layers.tables()
    # The wood lies inside the park, so the two are one site, named after the park and
    # taking its status from its tag (private); the wood member is unknown (no evidence).
    sites = tables["greenspace_sites"]
    assert len(sites) == 1
    site = sites.iloc[0]
    assert (site["name"], site["access_status"], site["access_reason"]) == (
        "Hall", "private", "tag:access=private",
    )  # fmt: skip
    assert not site["all_accessible"] and site["n_members"] == 2
    members = tables["green_site_members"].set_index("osm_ref")
    assert sorted(members.index) == sorted(layers.greenspace["osm_ref"])
    assert members.loc["way/106", "access_reason"] == "default:unnamed wood"
    assert {"network_nodes", "network_edges", "network_area", "blue_water"} <= tables.keys()


# --- Overpass loaders, with osmnx's downloads replaced by file readers -----------------


@pytest.fixture
def offline_osmnx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Replace osmnx's Overpass/Nominatim calls with readers of a real OSM file; record calls."""
    src = SAMPLES / "its-example.osm.pbf"
    full, walk = tmp_path / "its.osm", tmp_path / "its-highways.osm"
    with osmium.SimpleWriter(str(full)) as writer:
        for obj in osmium.FileProcessor(str(src)):
            writer.add(obj)
    with osmium.BackReferenceWriter(str(walk), ref_src=str(src)) as back_writer:
        ways = osmium.FileProcessor(str(src), osmium.osm.WAY)
        for obj in ways.with_filter(osmium.filter.KeyFilter("highway")):
            back_writer.add(obj)
    tiny = _tiny_osm(tmp_path)
    calls: dict[str, Any] = {}
    box = shapely.box(-1.5611959, 53.8063025, -1.5498447, 53.8092928)  # the file's header box

    def features(query: Any, tags: dict[str, Any], **_: Any) -> gpd.GeoDataFrame:
        calls.setdefault("features", []).append((query, tags))
        return ox.features_from_xml(tiny if "waterway" in tags else full, tags=tags)

    def graph(query: Any, **kwargs: Any) -> Any:
        calls["graph"] = (query, kwargs)
        return ox.graph_from_xml(walk, bidirectional=True, retain_all=True)

    def geocode(query: str, **_: Any) -> gpd.GeoDataFrame:
        calls["geocode"] = query
        return gpd.GeoDataFrame({"display_name": [query]}, geometry=[box], crs="EPSG:4326")

    monkeypatch.setattr(ox, "features_from_place", features)
    monkeypatch.setattr(ox, "features_from_polygon", features)
    monkeypatch.setattr(ox, "graph_from_place", graph)
    monkeypatch.setattr(ox, "graph_from_polygon", graph)
    monkeypatch.setattr(ox, "geocode_to_gdf", geocode)
    monkeypatch.setenv("HEALTHYPLACES_CACHE", str(tmp_path / "cache"))
    for name in ("use_cache", "cache_folder", "log_console"):
        monkeypatch.setattr(ox.settings, name, getattr(ox.settings, name))
    calls["box"] = box
    return calls


def test_greenspace_from_place_offline(offline_osmnx: dict[str, Any], tmp_path: Path) -> None:
    green = osm.greenspace_from_place("Leeds, UK")
    query, tags = offline_osmnx["features"][0]
    assert query == "Leeds, UK"
    assert {(k, v) for k, values in tags.items() for v in values} == set(TAG_TYPOLOGY)
    assert ox.settings.use_cache is True
    assert Path(ox.settings.cache_folder) == tmp_path / "cache" / "osmnx"
    assert (tmp_path / "cache" / "osmnx").is_dir()
    assert list(green.columns) == GREEN_COLUMNS and green.crs.to_epsg() == 27700
    raw = _raw_ways(SAMPLES / "its-example.osm.pbf")
    tagged = np.zeros(len(raw), dtype=bool)
    for key, value in TAG_TYPOLOGY:
        tagged |= (raw[key] == value).to_numpy() if key in raw else False
    assert set(green["osm_ref"]) == {f"way/{i}" for i in raw.loc[tagged, "osm_id"]}
    by_ref = green.set_index("osm_ref")
    park = by_ref.loc["way/6962425"]
    assert (park["osm_value"], park["name"]) == ("park", "St. George's Fields (Woodhouse Cemetery)")
    assert hstore_get(green["other_tags"], "historic")[
        green["osm_ref"] == "way/6962425"
    ].item() == ("cemetery")
    assert by_ref.loc["way/22951917", "other_tags"] == '"foot"=>"yes"'  # leisure=garden
    assert set(green["source_file"]) == {"Overpass: Leeds, UK"}
    pitches = green[green["osm_value"] == "pitch"]
    assert len(pitches) > 0 and not pitches["public_access"].any()  # closed unless tagged open
    # A polygon query goes to features_from_polygon with the same tags.
    osm.greenspace_from_place(offline_osmnx["box"])
    assert offline_osmnx["features"][1][0].equals(offline_osmnx["box"])


def test_bluespace_from_place_offline(offline_osmnx: dict[str, Any]) -> None:
    blue = osm.bluespace_from_place("Leeds, UK")
    assert offline_osmnx["features"][0][1] == osm.BLUE_TAGS
    assert blue["blue_water"]["water_class"].tolist() == ["pond"]
    assert blue["blue_waterways"]["waterway"].tolist() == ["river"]


def test_walking_network_from_place_offline(offline_osmnx: dict[str, Any]) -> None:
    net = osm.walking_network_from_place("Leeds, UK")
    query, kwargs = offline_osmnx["graph"]
    assert query == "Leeds, UK" and kwargs["network_type"] == "walk"
    assert offline_osmnx["geocode"] == "Leeds, UK"
    expected = gpd.GeoSeries([offline_osmnx["box"]], crs="EPSG:4326").to_crs(27700).iloc[0]
    assert net.area.geometry.iloc[0].equals_exact(expected, 1e-6)
    assert net.nodes.crs.to_epsg() == 27700 and (net.edges["length"] > 0).all()
    tables = net.tables()
    assert list(tables["network_edges"].columns[:3]) == ["u", "v", "key"]
    assert tables["network_nodes"].columns[0] == "osmid"


def test_place_polygon_must_be_lonlat(offline_osmnx: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="EPSG:4326"):
        osm.walking_network_from_place(shapely.box(428_000, 433_000, 430_000, 435_000))
    with pytest.raises(TypeError):
        osm.greenspace_from_place(shapely.Point(-1.55, 53.8))


# --- refresh_layer ----------------------------------------------------------------------


@pytest.fixture
def bundle_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "bundle"
    shutil.copytree(bundle_dir(), copy)
    monkeypatch.setenv("HEALTHYPLACES_BUNDLE", str(copy))
    return copy


def _manifest(bundle: Path) -> dict[str, Any]:
    return dict(json.loads((bundle / MANIFEST).read_text()))


def test_refresh_layer_replaces_file_and_manifest(bundle_copy: Path, tmp_path: Path) -> None:
    before = _manifest(bundle_copy)
    new = from_osm_file(_tiny_osm(tmp_path)).greenspace
    entry = refresh_layer("greenspace", new, vintage="2024-05-06", source="tiny test file")
    after = _manifest(bundle_copy)
    path = bundle_copy / "greenspace.parquet"
    assert after["layers"]["greenspace"] == entry
    assert entry["sha256"] == sha256(path) != before["layers"]["greenspace"]["sha256"]
    assert entry["rows"] == len(new) == len(read_table("greenspace"))
    assert (entry["vintage"], entry["source"]) == ("2024-05-06", "tiny test file")
    assert entry["crs"] == "EPSG:27700" and "refreshed" in entry
    others = {k: v for k, v in after["layers"].items() if k != "greenspace"}
    assert others == {k: v for k, v in before["layers"].items() if k != "greenspace"}
    assert verify() == []
    assert not [
        p for p in bundle_copy.iterdir() if p.name.startswith(".") and p.name != LOCK_FILE
    ]  # no temp files


def test_refresh_layer_failure_leaves_the_old_layer(bundle_copy: Path) -> None:
    path = bundle_copy / "greenspace.parquet"
    old_bytes, old_manifest = path.read_bytes(), (bundle_copy / MANIFEST).read_bytes()
    bad = gpd.GeoDataFrame(
        {"name": ["x"], "not_serialisable": [object()]},
        geometry=[shapely.box(0, 0, 1, 1)],
        crs="EPSG:27700",
    )
    with pytest.raises((ValueError, TypeError)):
        refresh_layer("greenspace", bad)
    assert path.read_bytes() == old_bytes
    assert (bundle_copy / MANIFEST).read_bytes() == old_manifest
    assert not [p for p in bundle_copy.iterdir() if p.name.startswith(".") and p.name != LOCK_FILE]
    assert verify() == []


def test_refresh_layer_reprojects_and_handles_rasters(bundle_copy: Path) -> None:
    from layers.air_quality import load_pollutant

    area = gpd.GeoDataFrame(
        {"name": ["box"], "source": ["test"]},
        geometry=[shapely.box(-1.56, 53.80, -1.54, 53.81)],
        crs="EPSG:4326",
    )
    refresh_layer("network_area", area)
    assert read_table("network_area").crs.to_epsg() == 27700
    no2 = load_pollutant("no2", year=2019)
    doubled = Raster(no2.values * 2, no2.transform, no2.crs, "no2", no2.units, "2019", "test")
    entry = refresh_layer("air_no2_2019", doubled)
    np.testing.assert_allclose(load_pollutant("no2", year=2019).values, no2.values * 2, rtol=1e-6)
    assert entry["shape"] == [52, 66] and verify() == []
    with pytest.raises(ValueError, match="Unknown layer"):
        refresh_layer("greenspaces", area)
    with pytest.raises(TypeError):
        refresh_layer("air_no2_2019", area)


# --- fetch_url ------------------------------------------------------------------------------


def test_fetch_url_copies_a_file_url(tmp_path: Path) -> None:
    src = tmp_path / "source.csv"
    src.write_bytes(b"ukgridcode,x,y,no22019\r\n1,400500,420500,10.5\r\n")
    dest = fetch_url(src.as_uri(), tmp_path / "out" / "copy.csv")
    assert dest.read_bytes() == src.read_bytes()


def test_fetch_url_failure_keeps_the_old_file(tmp_path: Path) -> None:
    dest = tmp_path / "keep.csv"
    dest.write_text("old")
    url = (tmp_path / "missing.csv").as_uri()
    with pytest.raises(FetchError, match=r"missing\.csv"):
        fetch_url(url, dest)
    assert dest.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.csv"]


def test_fetch_url_offline_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def unreachable(url: str, timeout: float) -> Any:
        seen["timeout"] = timeout
        raise urllib.error.URLError(OSError(101, "Network is unreachable"))

    monkeypatch.setattr(urllib.request, "urlopen", unreachable)  # as layers.download calls it
    url = "https://uk-air.defra.gov.uk/datastore/pcm/mapno22019.csv"
    with pytest.raises(FetchError) as err:
        fetch_url(url, tmp_path / "no2.csv", timeout=5)
    assert url in str(err.value) and "offline" in str(err.value)
    assert seen["timeout"] == 5
    assert not (tmp_path / "no2.csv").exists()
    with pytest.raises(ValueError, match="http"):
        fetch_url("ftp://example.org/file.csv", tmp_path / "x.csv")


# --- healthyplaces network build ------------------------------------------------------

#: An LSOA whose population-weighted centroid lies 687 m inside the sample boundary.
INSIDE_LSOA = "E01035044"


def test_network_build_then_profile_has_network_figures(
    bundle_copy: Path, tmp_path: Path, samples: dict[str, OsmFileLayers]
) -> None:
    import subprocess
    import sys

    from healthyplaces.network_commands import network_build

    boundary = SAMPLES / "leeds_smallarea_boundary.geojson"
    args = argparse_namespace(pbf=SAMPLES / SMALL, overpass=None, boundary=boundary)
    before = _manifest(bundle_copy)
    assert network_build(args) == 0
    after = _manifest(bundle_copy)
    for name in ("network_nodes", "network_edges", "network_area", "greenspace", "osm_entrances"):
        assert after["layers"][name]["sha256"] != before["layers"][name]["sha256"]
        assert after["layers"][name]["source"] == SMALL
    # the offline bundle has no OSM entrances; the file's gates and doors (in the box) come in
    assert before["layers"]["osm_entrances"]["rows"] == 0
    assert 0 < after["layers"]["osm_entrances"]["rows"] <= len(samples[SMALL].entrances)
    assert verify() == []
    area = load_network_area()
    assert area["place"].iloc[0] == "leeds_smallarea_boundary"
    # the complete area is the user's polygon minus the 100 m margin, nothing assumed
    poly = gpd.read_file(boundary).to_crs(27700).geometry.iloc[0]
    assert shapely.equals_exact(area.geometry.iloc[0], poly.buffer(-100.0), tolerance=1e-6)
    # same walkable ways as reading the file directly (the filter is the bundle's)
    assert after["layers"]["network_edges"]["rows"] >= len(samples[SMALL].network.edges) // 2
    env = {**__import__("os").environ, "HEALTHYPLACES_CACHE": str(tmp_path / "cache")}
    out = subprocess.run(
        [sys.executable, "-m", "healthyplaces.cli", "profile", INSIDE_LSOA, "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        cwd=Path(__file__).parents[1],
    )
    assert out.returncode == 0, out.stderr[-3000:]
    prof = json.loads(out.stdout)
    # 200 m and 300 m walks stay inside the area, so they have network results...
    assert prof["access_network_coverage"]["2ha_300m"] == 1.0
    assert prof["access_network"]["2ha_300m"] is not None
    # ...a 1 km walk would leave it, so that tier has none
    assert prof["access_network"]["10ha_1km"] is None
    assert prof["data_vintage"]["walking_network"].endswith("leeds_smallarea_boundary")


def test_network_build_bad_input_is_one_clear_line(
    bundle_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from healthyplaces.network_commands import network_build

    bad = tmp_path / "not-a-boundary.geojson"
    bad.write_text("this is not GeoJSON")
    args = argparse_namespace(pbf=SAMPLES / SMALL, overpass=None, boundary=bad)
    assert network_build(args) == 2
    err = capsys.readouterr().err
    assert "not-a-boundary.geojson" in err and "Traceback" not in err
    missing = argparse_namespace(pbf=tmp_path / "nope.osm.pbf", overpass=None, boundary=None)
    assert network_build(missing) == 2
    assert "nope.osm.pbf" in capsys.readouterr().err


def argparse_namespace(**kwargs: Any) -> Any:
    import argparse

    return argparse.Namespace(**kwargs)
