"""The knowledge graph as a networkx graph of agencies, reports, years, platforms and contacts."""

from __future__ import annotations

import importlib.util
import warnings
from functools import lru_cache
from pathlib import Path

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node
from rdflib.namespace import DCAT, DCTERMS, ORG, RDF, SKOS

from kg.atomic import atomic_open

KG = "https://w3id.org/govinfo-kg/ontology#"
REPORT_YEAR = URIRef(KG + "reportYear")
CHANNEL = URIRef(KG + "disclosureChannel")
YEAR_IRI = "http://reference.data.gov.uk/id/year/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
DCAT_PREV = URIRef("http://www.w3.org/ns/dcat#prev")  # DCAT 3; rdflib's DCAT lacks it

KINDS = ("agency", "report", "year", "platform", "contact")
EDGE_KINDS = ("published", "year", "channel", "contact", "prev")

# Fonts with Chinese glyphs, best first; the first one found is used for the picture.
CJK_FONT_NAMES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "Noto Sans CJK TC",
    "Noto Sans CJK JP", "Source Han Sans", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Droid Sans Fallback",
    "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC", "Hiragino Sans GB", "AR PL UMing CN", "AR PL UKai CN",
)
# The pip package noto-cjk-sans-otc ships Noto Sans CJK (SIL Open Font License 1.1).
PIP_FONT = ("noto_cjk_sans_otc", "NotoSansCJK-Regular.ttc")
NO_FONT_NOTE = "no Chinese font found (pip install noto-cjk-sans-otc, or install fonts-noto-cjk); nodes labelled with ASCII ids"

_COLOURS = {"agency": "#1f77b4", "report": "#ff7f0e", "year": "#2ca02c", "platform": "#9467bd", "contact": "#8c564b"}
_EDGE_COLOURS = {"published": "#1f77b4", "year": "#2ca02c", "channel": "#9467bd", "contact": "#8c564b", "prev": "#d62728"}
_KIND_NAMES = {"agency": "机关 agency", "report": "年度报告 report", "year": "年份 year",
               "platform": "公开渠道 platform", "contact": "联系方式 contact"}
_warned = False


# ----------------------------------------------------------------------------- RDF -> networkx


def _zh_label(graph: Graph, node: Node) -> str | None:
    labels = sorted(graph.objects(node, SKOS.prefLabel), key=lambda l: (getattr(l, "language", None) != "zh", str(l)))
    return str(labels[0]) if labels else None


def _tail(iri: str) -> str:
    return iri.rstrip("/#").replace("#", "/").rsplit("/", 1)[-1]


def _first(graph: Graph, subject, predicate) -> object | None:
    values = sorted(graph.objects(subject, predicate), key=str)
    return values[0] if values else None


def _contact_attrs(graph: Graph, contact: Node) -> dict[str, str]:
    def v(name: str) -> URIRef:
        return URIRef(VCARD + name)

    phones: list[str] = []
    faxes: list[str] = []
    for tel in graph.objects(contact, v("hasTelephone")):
        value = _first(graph, tel, v("hasValue"))
        if value is None:
            continue
        number = str(value).removeprefix("tel:")
        (faxes if (tel, RDF.type, v("Fax")) in graph else phones).append(number)
    emails = sorted(str(e).removeprefix("mailto:") for e in graph.objects(contact, v("hasEmail")))
    urls = sorted(str(u) for u in graph.objects(contact, v("hasURL")))
    streets = []
    for address in graph.objects(contact, v("hasAddress")):
        street = _first(graph, address, v("street-address"))
        if street is not None:
            streets.append(str(street))
    attrs = {"phone": "; ".join(sorted(phones)), "fax": "; ".join(sorted(faxes)), "email": "; ".join(emails),
             "website": "; ".join(urls), "address": "; ".join(sorted(streets))}
    return {key: value for key, value in attrs.items() if value}


def to_networkx(rdf_graph: Graph, *, with_ontology: bool = True) -> nx.MultiDiGraph:
    """Agencies, reports, years, platforms and contacts as nodes (attributes ``kind``, ``label``).

    Edges (attribute ``kind``, also the edge key): agency -published-> report, report -year-> year,
    report -channel-> platform, report -contact-> contact, report -prev-> previous year's report.
    Node ids are the RDF IRIs (years: http://reference.data.gov.uk/id/year/YYYY). Platform labels
    missing from ``rdf_graph`` are read from the shipped ontology when ``with_ontology``.
    """
    g = rdf_graph
    out = nx.MultiDiGraph()
    reports = sorted({s for s in g.subjects(REPORT_YEAR, None) if isinstance(s, URIRef)}, key=str)
    agencies = {s for s in g.subjects(RDF.type, ORG.FormalOrganization) if isinstance(s, URIRef)}
    agencies |= {a for r in reports for a in g.objects(r, DCTERMS.publisher) if isinstance(a, URIRef)}
    for agency in sorted(agencies, key=str):
        out.add_node(str(agency), kind="agency", label=_zh_label(g, agency) or _tail(str(agency)))

    ontology: Graph | None = None
    report_set = set(reports)
    for report in reports:
        year_literal = _first(g, report, REPORT_YEAR)
        year = int(year_literal.toPython()) if isinstance(year_literal, Literal) else None
        title = _first(g, report, DCTERMS.title)
        fmt = _first(g, report, DCTERMS.conformsTo)
        attrs: dict[str, str | int] = {"kind": "report", "label": str(title) if title else f"{_tail(str(report))}"}
        if year is not None:
            attrs["year"] = year
        if fmt is not None:
            attrs["format"] = _tail(str(fmt))
        out.add_node(str(report), **attrs)
        for publisher in sorted(g.objects(report, DCTERMS.publisher), key=str):
            out.add_edge(str(publisher), str(report), key="published", kind="published")
        if year is not None:
            year_node = f"{YEAR_IRI}{year}"
            out.add_node(year_node, kind="year", label=str(year), year=year)
            out.add_edge(str(report), year_node, key="year", kind="year")
        for platform in sorted(g.objects(report, CHANNEL), key=str):
            if str(platform) not in out:
                label = _zh_label(g, platform)
                if label is None and with_ontology:
                    if ontology is None:
                        from kg import resources

                        ontology = resources.ontology_graph()
                    label = _zh_label(ontology, platform)
                notation = _first(g, platform, SKOS.notation) or _tail(str(platform))
                out.add_node(str(platform), kind="platform", label=label or str(notation), notation=str(notation))
            out.add_edge(str(report), str(platform), key="channel", kind="channel")
        for contact in sorted(g.objects(report, DCAT.contactPoint), key=str):
            details = _contact_attrs(g, contact)
            label = details.get("phone") or details.get("email") or details.get("address") or details.get("website") or "contact"
            out.add_node(str(contact), kind="contact", label=label.split("; ")[0], **details)
            out.add_edge(str(report), str(contact), key="contact", kind="contact")
        for previous in sorted(g.objects(report, DCAT_PREV), key=str):
            if previous in report_set:
                out.add_edge(str(report), str(previous), key="prev", kind="prev")
    return out


def write_graphml(graph: nx.MultiDiGraph, path: str | Path) -> None:
    """Write GraphML atomically (a temporary sibling file, then os.replace)."""
    with atomic_open(path, "wb") as handle:
        nx.write_graphml(graph, handle, encoding="utf-8")


# ----------------------------------------------------------------------------- drawing


def _has_chinese(path: str) -> bool:
    from matplotlib import ft2font

    try:
        font = ft2font.FT2Font(path)
        return all(font.get_char_index(ord(char)) for char in "机关报告")
    except Exception:  # noqa: BLE001 - an unreadable font file is simply not used
        return False


@lru_cache(maxsize=1)
def cjk_font_path() -> str | None:
    """A font file with Chinese glyphs: Noto Sans CJK from noto-cjk-sans-otc if installed, else a system font."""
    from matplotlib import font_manager

    spec = importlib.util.find_spec(PIP_FONT[0])
    if spec is not None and spec.origin:
        candidate = Path(spec.origin).parent / PIP_FONT[1]
        if candidate.is_file() and _has_chinese(str(candidate)):
            return str(candidate)
    by_name: dict[str, str] = {}
    for entry in font_manager.fontManager.ttflist:
        by_name.setdefault(entry.name, entry.fname)
    for name in CJK_FONT_NAMES:
        if name in by_name and _has_chinese(by_name[name]):
            return by_name[name]
    for name in sorted(by_name):
        if any(word in name for word in ("CJK", "Han Sans", "WenQuanYi", "Hei", "Fallback")) and _has_chinese(by_name[name]):
            return by_name[name]
    return None


def _ascii_label(node: str, data: dict) -> str:
    kind = data.get("kind")
    if kind == "report":
        return f"report {data.get('year', _tail(node))}"
    if kind == "platform":
        return str(data.get("notation", _tail(node)))
    if kind == "agency":
        return f"agency {_tail(node)[:8]}"
    if kind == "contact":
        phone = str(data.get("phone", "")).split("; ")[0]
        return phone if phone.isascii() and phone else "contact"
    return str(data.get("label", _tail(node)))


def _short_label(data: dict) -> str:
    kind, label = data.get("kind"), str(data.get("label", ""))
    if kind == "report":
        return f"{data['year']}年报" if "year" in data else label[:12]
    if kind == "year":
        return f"{label}年"
    return label if len(label) <= 24 else label[:23] + "…"


def _layout(graph: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Columns: agencies | reports (grouped by agency, by year) with contacts beside | years and platforms."""
    kind = {n: d.get("kind") for n, d in graph.nodes(data=True)}
    agencies = sorted((n for n in graph if kind[n] == "agency"), key=lambda n: (graph.nodes[n].get("label", ""), n))
    pos: dict[str, tuple[float, float]] = {}
    y = 0.0
    placed_reports: set[str] = set()
    for agency in agencies:
        mine = sorted((r for _, r, k in graph.out_edges(agency, keys=True) if k == "published"),
                      key=lambda r: (graph.nodes[r].get("year", 0), r))
        mine = [r for r in mine if r not in placed_reports]
        if not mine:
            pos[agency] = (0.0, -y)
            y += 1.0
            continue
        ys = []
        for report in mine:
            pos[report] = (1.0, -y)
            ys.append(-y)
            placed_reports.add(report)
            y += 1.0
        pos[agency] = (0.0, sum(ys) / len(ys))
        y += 0.6  # gap between agencies
    for report in sorted(n for n in graph if kind[n] == "report" and n not in placed_reports):
        pos[report] = (1.0, -y)
        y += 1.0
    height = max(y - 1.0, 1.0)
    for report in [n for n in graph if kind[n] == "report"]:
        contacts = [c for _, c, k in graph.out_edges(report, keys=True) if k == "contact"]
        for i, contact in enumerate(sorted(contacts)):
            pos[contact] = (1.45, pos[report][1] - 0.3 * i)
    years = sorted((n for n in graph if kind[n] == "year"), key=lambda n: graph.nodes[n].get("year", 0))
    platforms = sorted((n for n in graph if kind[n] == "platform"),
                       key=lambda n: (-graph.in_degree(n), graph.nodes[n].get("notation", n)))
    right = years + [None] + platforms if years and platforms else years + platforms
    step = height / max(len(right) - 1, 1)
    for i, node in enumerate(right):
        if node is not None:
            pos[node] = (2.6, -i * step if len(right) > 1 else -height / 2)
    for node in graph:  # anything else (none expected) goes below
        pos.setdefault(node, (2.6, -height - 1.0))
    return pos


def draw_png(graph: nx.MultiDiGraph, path: str | Path, *, title: str | None = None) -> str | None:
    """Draw ``graph`` to a PNG file (matplotlib, Agg), written atomically.

    Returns None, or a note when no Chinese font was found and nodes carry ASCII ids instead (a
    warning is also issued, once per process).
    """
    global _warned
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.lines import Line2D

    font_path = cjk_font_path()
    note = None
    if font_path is None:
        note = NO_FONT_NOTE
        if not _warned:
            warnings.warn(NO_FONT_NOTE, stacklevel=2)
            _warned = True
    font = FontProperties(fname=font_path) if font_path else FontProperties(family="DejaVu Sans")
    label_of = (lambda n, d: _short_label(d)) if font_path else _ascii_label

    pos = _layout(graph)
    reports = sum(1 for _, d in graph.nodes(data=True) if d.get("kind") == "report")
    rows = max(reports + 0.6 * sum(1 for _, d in graph.nodes(data=True) if d.get("kind") == "agency"), 4)
    height = min(max(3.5, 0.42 * rows + 1.8), 60)  # inches
    fig = Figure(figsize=(13, height), dpi=110)
    FigureCanvasAgg(fig)
    top = 1 - 0.85 / height  # room for the legend and the heading
    ax = fig.add_axes((0.02, 0.02, 0.96, top - 0.02))
    ax.set_axis_off()

    for kind in EDGE_KINDS:
        edges = [(u, v) for u, v, k in graph.edges(keys=True) if k == kind]
        if not edges:
            continue
        nx.draw_networkx_edges(
            graph, pos, edgelist=edges, ax=ax, edge_color=_EDGE_COLOURS[kind], alpha={"prev": 0.8, "channel": 0.3}.get(kind, 0.5),
            width=0.9 if kind != "prev" else 1.4, arrows=True, arrowsize=7, node_size=120,
            connectionstyle="arc3,rad=-0.6" if kind == "prev" else "arc3,rad=0.0",
            style="dashed" if kind == "prev" else "solid",
        )
    for kind in KINDS:
        nodes = [n for n, d in graph.nodes(data=True) if d.get("kind") == kind]
        if nodes:
            nx.draw_networkx_nodes(graph, pos, nodelist=nodes, ax=ax, node_color=_COLOURS[kind],
                                   node_size=60 if kind == "contact" else 120, edgecolors="white", linewidths=0.5)
    box = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8}
    for node, data in graph.nodes(data=True):
        x, y = pos[node]
        kind = data.get("kind")
        align = "right" if kind == "agency" else "left"
        dx = -0.04 if kind == "agency" else 0.04
        size = 7 if kind == "contact" else 9
        ax.text(x + dx, y, label_of(node, data), fontproperties=font, fontsize=size, ha=align, va="center",
                color="#222222", bbox=box, zorder=5)

    xs = [p[0] for p in pos.values()] or [0.0]
    ys = [p[1] for p in pos.values()] or [0.0]
    ax.set_xlim(min(xs) - 1.25, max(xs) + 0.9)
    ax.set_ylim(min(ys) - 0.8, max(ys) + 0.8)
    handles = [Line2D([], [], marker="o", linestyle="", color=_COLOURS[k],
                      label=_KIND_NAMES[k] if font_path else k) for k in KINDS]
    handles += [Line2D([], [], color=_EDGE_COLOURS[k], linestyle="--" if k == "prev" else "-", label=k) for k in EDGE_KINDS]
    legend_font = font.copy()
    legend_font.set_size(8)
    fig.legend(handles=handles, loc="upper center", ncol=len(handles), prop=legend_font, frameon=False,
               bbox_to_anchor=(0.5, 1.0))
    counts = {k: sum(1 for _, d in graph.nodes(data=True) if d.get("kind") == k) for k in KINDS}
    heading = title or ("政府信息公开工作年度报告 知识图谱" if font_path else "kg: annual reports on government information disclosure")
    fig.text(0.5, 1 - 0.6 / height, f"{heading}   ({counts['agency']} agencies, {counts['report']} reports)",
             ha="center", va="center", fontproperties=font, fontsize=11)
    with atomic_open(path, "wb") as handle:
        fig.savefig(handle, format="png")
    return note
