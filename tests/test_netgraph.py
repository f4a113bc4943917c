"""The networkx view of the graph: node kinds, edges, GraphML and the PNG picture."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph

from kg import netgraph
from kg.netgraph import draw_png, to_networkx, write_graphml

DATA = Path(__file__).resolve().parent / "data"
ID = "https://w3id.org/govinfo-kg/id/"
A, B, C = (f"{ID}agency/{h}" for h in ("5b1e0f3a9c2d4e67", "8d2c7a1f0e3b9a45", "c4f9e2b7a1d06c38"))
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def rdf() -> Graph:
    g = Graph()
    g.parse(DATA / "query_graph.ttl", format="turtle")
    return g


@pytest.fixture(scope="module")
def nxg(rdf) -> nx.MultiDiGraph:
    return to_networkx(rdf)


def kinds(graph, kind):
    return sorted(n for n, d in graph.nodes(data=True) if d["kind"] == kind)


def edges(graph, kind):
    return sorted((u, v) for u, v, k in graph.edges(keys=True) if k == kind)


def test_node_kinds_and_labels(nxg):
    assert set(nx.get_node_attributes(nxg, "kind").values()) == set(netgraph.KINDS)
    assert kinds(nxg, "agency") == [A, B, C]
    assert nxg.nodes[C]["label"] == "淄博市张店区机关事务服务中心"
    assert len(kinds(nxg, "report")) == 6
    assert kinds(nxg, "year") == [f"http://reference.data.gov.uk/id/year/{y}" for y in (2018, 2019, 2020)]
    assert nxg.nodes["http://reference.data.gov.uk/id/year/2019"]["label"] == "2019"
    platforms = {nxg.nodes[n]["notation"]: nxg.nodes[n]["label"] for n in kinds(nxg, "platform")}
    assert set(platforms) == {"website", "wechat", "weibo", "app", "bulletin_board", "hotline"}
    assert platforms["wechat"] == "微信"  # from the shipped ontology
    report = nxg.nodes[f"{ID}report/5b1e0f3a9c2d4e67/2019"]
    assert report["year"] == 2019 and report["format"] == "Template2019"
    assert report["label"] == "张店区信访局2019年政府信息公开工作年度报告"
    contact = nxg.nodes[f"{ID}report/5b1e0f3a9c2d4e67/2018/contact"]
    assert contact["phone"] == "0533-2181234" and contact["fax"] == "0533-2181235"
    assert contact["email"] == "zdxf@zb.shandong.cn" and contact["address"] == "张店区人民西路1号"
    assert nxg.nodes[f"{ID}report/8d2c7a1f0e3b9a45/2018/contact"]["label"] == "张店区新村西路226号"


def test_edges(nxg):
    assert edges(nxg, "published") == sorted(
        [(A, f"{ID}report/5b1e0f3a9c2d4e67/{y}") for y in (2018, 2019, 2020)]
        + [(B, f"{ID}report/8d2c7a1f0e3b9a45/2018")]
        + [(C, f"{ID}report/c4f9e2b7a1d06c38/{y}") for y in (2018, 2020)]
    )
    assert len(edges(nxg, "year")) == 6
    assert len(edges(nxg, "channel")) == 2 + 3 + 4 + 2 + 2 + 2
    assert len(edges(nxg, "contact")) == 5  # the 2020 report of C has no contact
    a = f"{ID}report/5b1e0f3a9c2d4e67/"
    assert edges(nxg, "prev") == [(a + "2019", a + "2018"), (a + "2020", a + "2019")]
    assert {d["kind"] for _, _, d in nxg.edges(data=True)} == set(netgraph.EDGE_KINDS)


def test_without_ontology_platforms_keep_their_keys(rdf):
    graph = to_networkx(rdf, with_ontology=False)
    labels = {graph.nodes[n]["label"] for n in kinds(graph, "platform")}
    assert labels == {"website", "wechat", "weibo", "app", "bulletin_board", "hotline"}


def test_empty_graph():
    graph = to_networkx(Graph())
    assert graph.number_of_nodes() == 0


def test_write_graphml_round_trips(nxg, tmp_path):
    path = tmp_path / "out" / "g.graphml"
    write_graphml(nxg, path)
    back = nx.read_graphml(path, force_multigraph=True)
    assert back.number_of_nodes() == nxg.number_of_nodes()
    assert back.number_of_edges() == nxg.number_of_edges()
    assert back.nodes[C]["label"] == "淄博市张店区机关事务服务中心"
    assert [p.name for p in path.parent.iterdir()] == ["g.graphml"]  # no temporary file left


def test_draw_png(nxg, tmp_path):
    path = tmp_path / "g.png"
    note = draw_png(nxg, path)
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 10_000
    if netgraph.cjk_font_path() is not None:
        assert note is None
    assert [p.name for p in tmp_path.iterdir()] == ["g.png"]


def test_draw_png_without_chinese_font_falls_back_to_ascii(nxg, tmp_path, monkeypatch):
    monkeypatch.setattr(netgraph, "cjk_font_path", lambda: None)
    monkeypatch.setattr(netgraph, "_warned", False)
    path = tmp_path / "ascii.png"
    with pytest.warns(UserWarning, match="no Chinese font"):
        note = draw_png(nxg, path)
    assert note == netgraph.NO_FONT_NOTE
    assert path.read_bytes().startswith(PNG_MAGIC)
    labels = [netgraph._ascii_label(n, d) for n, d in nxg.nodes(data=True)]
    assert all(label.isascii() for label in labels)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # warned once per process only
        draw_png(nxg, tmp_path / "again.png")


def test_chinese_font_comes_with_the_install():
    # noto-cjk-sans-otc is a dependency: pictures get Chinese labels on any machine
    path = netgraph.cjk_font_path()
    assert path is not None and path.endswith("NotoSansCJK-Regular.ttc")
    assert netgraph._has_chinese(path)
