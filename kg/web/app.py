"""The pages of ``kg serve``: overview, search, divisions, agencies, reports, figures, checks, queries.

Every resource page is found at its IRI's path (see :mod:`kg.web`) and negotiated: HTML for a
browser, Turtle, JSON-LD or N-Triples for a machine (``Accept``, or ``?format=``). Everything a
report says is shown as text: Jinja2 escapes every value, and pages carry a Content Security
Policy that runs only the server's own scripts, so a title holding ``<script>`` stays a title.
"""

from __future__ import annotations

import re
from collections import OrderedDict, defaultdict
from collections.abc import Awaitable, Callable, Iterable
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import anyio
from jinja2 import Environment, PackageLoader, select_autoescape
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from kg.base import DEFAULT as DEFAULT_BASE
from kg.catalog import describe, serialize
from kg.engine import Engine, media_ranges
from kg.errors import KgError, first_line
from kg.manifest import file_sha256
from kg.query import bound_text, format_rows, list_queries
from kg.resources import ontology_graph
from kg.vocab import KG, NOT_IN_IRI
from kg.web import layout
from kg.web.data import PageError, Reader

KG_NS = str(KG)
RDF_FORMATS = {  # ?format= and the media types a machine may ask for
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
}
MEDIA_TYPES = tuple(RDF_FORMATS.values())
HTML_TYPES = ("text/html", "application/xhtml+xml")
# Only the server's own scripts run (no inline script, no other origin); charts set inline styles.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
LEVEL_LABELS = {"province": "省级", "city": "地级", "county": "县级"}
CONTACT_LABELS = {"address": "地址", "postcode": "邮编", "phone": "电话", "fax": "传真", "email": "电子邮箱",
                  "website": "网站", "person": "联系人", "channel": "公开渠道"}
MAIN_FIGURES = (  # the agency page's chart and table: (column of agency-reports.rq, label)
    ("applications_received", "收到申请"),
    ("applications_completed", "办结申请"),
    ("disclosed", "予以公开"),
    ("partially_disclosed", "部分公开"),
    ("reconsideration_total", "行政复议"),
    ("litigation_total", "行政诉讼"),
    ("proactive_total", "主动公开"),
)
REPORT_PATH = re.compile(r"report/(?:file-[0-9a-f]{16}|[0-9a-f]{16}/(?:\d{4}|file-[0-9a-f]{16}))")
FIGURE_PATH = re.compile(REPORT_PATH.pattern + r"/(?:obs|text)/[A-Za-z0-9_]+(?:/[A-Za-z0-9_]+)?")
TEXT_WINDOW = 1500  # characters of the source shown on each side of a figure's sentence
KEPT = 64  # answers kept in memory while serving read-only (the whole-store ones, recent filtered ones)


def local(iri: object) -> str:
    """The part of an IRI after its last ``#`` or ``/`` (a code's key)."""
    text = str(iri or "")
    return re.split(r"[#/]", text)[-1]


@lru_cache(maxsize=256)
def _ontology_label(iri: str) -> str | None:
    labels = ontology_graph().objects(URIRef(iri), RDFS.label)
    return next((str(text) for text in labels if isinstance(text, Literal) and text.language == "zh"), None)


def label(iri: object) -> str:
    """The ontology's Chinese label of one of its terms (a format, an agency kind), else the term's key."""
    return _ontology_label(str(iri)) or local(iri) if iri else ""


def format_label(iri: object) -> str:
    """A report's format (kg:Template2021…) as the ontology names it; a report of no known format."""
    return label(iri) if iri else "未识别"


def number(value: object) -> str:
    """A figure as printed: integers with no decimals, decimals as stored."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


class Site:
    """The pages of one served store (its instance IRIs under ``base``)."""

    def __init__(self, engine: Engine, *, base: str = DEFAULT_BASE, writable: bool = False, store: str | None = None):
        self.engine = engine
        self.base = base
        self.writable = writable
        self.store = store  # the store's directory: the catalogue reads its statistics there
        self.prefix = urlsplit(base).path or "/"
        self.reader = Reader(engine, base)
        self._cached: OrderedDict[tuple, Any] = OrderedDict()
        self.templates = Environment(loader=PackageLoader("kg.web", "templates"), autoescape=select_autoescape(default=True),
                                     trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.do"])
        # chart data goes through tojson: a sum of decimal figures (fees) is a Decimal
        self.templates.policies["json.dumps_kwargs"] = {"default": float, "sort_keys": True}
        self.templates.globals.update(static=lambda name: f"/static/{name}", home="/", link=self.link, local=local,
                                      number=number, seconds=f"{engine.seconds:g}", format_label=format_label,
                                      kind_label=label,
                                      level_label=lambda level: LEVEL_LABELS.get(str(level), str(level or "")))

    # ----------------------------------------------------------------- helpers

    def link(self, iri: object) -> str:
        """Where an IRI is shown: its path on this server when it lies under the store's base."""
        text = str(iri or "")
        return self.prefix + text[len(self.base):] if text.startswith(self.base) else text

    def render(self, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = self.templates.get_template(name).render(**context)
        return HTMLResponse(html, status, headers={"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                                                   "Referrer-Policy": "same-origin"})

    async def select(self, name: str, **params: Any) -> list[dict[str, Any]]:
        return await self.reader.select(name, **params)

    async def together(self, *queries: tuple[str, dict[str, Any]]) -> list[list[dict[str, Any]]]:
        """Several page queries at once (each on a free worker), their rows in the order asked."""
        answers: list[list[dict[str, Any]]] = [[] for _ in queries]
        failed: list[Exception] = []

        async def run(i: int, name: str, params: dict[str, Any]) -> None:
            try:
                answers[i] = await self.select(name, **params)
            except Exception as error:  # raised below as itself, not in an exception group
                failed.append(error)

        async with anyio.create_task_group() as group:
            for i, (name, params) in enumerate(queries):
                group.start_soon(run, i, name, params)
        if failed:
            raise failed[0]
        return answers

    async def cached(self, key: tuple, make: Callable[[], Awaitable[Any]]) -> Any:
        """What ``make`` returns, kept while the store cannot change (read-only serving): the last
        :data:`KEPT` answers, so that no run of requests with ever new parameters fills the memory."""
        if self.writable:
            return await make()
        if key in self._cached:
            self._cached.move_to_end(key)
            return self._cached[key]
        answer = self._cached[key] = await make()
        while len(self._cached) > KEPT:
            self._cached.popitem(last=False)
        return answer

    async def warm(self) -> None:
        """Make what the overview, the checks page and search read once, before anyone asks
        (seconds on a store of tens of thousands of reports; then kept: the store is read-only)."""
        if self.writable:
            return
        try:
            await self.cached(("overview",), self._overview_rows)
            await self._check_kinds()
            await self.cached(("checks", None, None, None), lambda: self.select("checks"))
            await self.cached(("names",), lambda: self.select("names"))
        except (PageError, OSError):
            pass  # the page that needs it will say what failed

    async def _overview_rows(self) -> tuple:
        return (await self.select("overview-counts"), await self.select("overview-years"),
                await self.select("overview-provinces"))

    async def _check_kinds(self) -> list[dict[str, Any]]:
        return await self.cached(("overview-checks",), lambda: self.select("overview-checks"))

    # ----------------------------------------------------------------- pages

    async def overview(self, request: Request) -> Response:
        counts, years, provinces = await self.cached(("overview",), self._overview_rows)
        checks = await self._check_kinds()
        by_year: dict[object, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        formats, medias = set(), set()
        for row in years:
            fmt = format_label(row["format"])
            media = local(row["media"]) or "?"
            by_year[row["year"]][fmt] += row["reports"]
            by_year[row["year"]]["media:" + media] += row["reports"]
            formats.add(fmt)
            medias.add(media)
        chart = {"kind": "bar", "x": [str(y) for y in by_year],
                 "series": [{"name": f, "values": [by_year[y].get(f, 0) for y in by_year]} for f in sorted(formats)]}
        return self.render("overview.html", title="概览", counts=counts[0] if counts else {}, by_year=by_year,
                           formats=sorted(formats), medias=sorted(medias), provinces=provinces, checks=checks, chart=chart)

    async def search(self, request: Request) -> Response:
        q = request.query_params.get("q", "").strip()[:50]
        found = []
        if q:
            names = await self.cached(("names",), lambda: self.select("names"))
            seen = set()
            for row in names:
                if row["thing"] in seen:
                    continue
                if q in str(row["name"]) or (row["label"] and q in str(row["label"])) or (row["place_name"] and q in str(row["place_name"])):
                    seen.add(row["thing"])
                    found.append(row)
            found.sort(key=lambda r: (r["kind"] != "region", len(str(r["name"])), str(r["name"])))
        return self.render("search.html", title=f"搜索 {q}" if q else "搜索", q=q, found=found[:300], more=len(found) > 300)

    async def region(self, iri: str) -> Response:
        info = await self.select("region", region=iri)
        if not info:
            raise HTTPException(404, f"no division {iri} in this store")
        divisions, division_years, agencies, reports, years = await self.together(
            *(("region-" + part, {"region": iri}) for part in ("divisions", "division-years", "agencies", "reports", "years")))
        above = sorted({(r["above"], r["above_name"], r["above_level"]) for r in info if r["above"]},
                       key=lambda a: ["province", "city", "county"].index(a[2]) if a[2] in ("province", "city", "county") else 9)
        grid_years = sorted({r["year"] for r in reports + division_years if r["year"] is not None})
        under: dict[str, dict[int, int]] = defaultdict(dict)
        for r in division_years:
            under[r["division"]][r["year"]] = r["reports"]
        published: dict[str, dict[int, str]] = defaultdict(dict)
        for r in reports:
            published[r["agency"]][r["year"]] = r["report"]
        rows: dict[str, dict] = {}
        for a in agencies:
            rows.setdefault(a["agency"], a)
        grid = sorted(rows.values(), key=lambda a: str(a["name"]))
        chart = {"kind": "line", "x": [str(r["year"]) for r in years], "series": [
            {"name": "收到申请", "values": [r["applications_received"] for r in years]},
            {"name": "行政复议", "values": [r["reconsideration_total"] for r in years]},
            {"name": "行政诉讼", "values": [r["litigation_total"] for r in years]},
        ]}
        return self.render("region.html", title=info[0]["name"], iri=iri, info=info[0], above=above, divisions=divisions,
                           grid=grid, grid_years=grid_years, published=published, under=under,
                           years=years, chart=chart)

    async def agency(self, iri: str) -> Response:
        info = await self.select("agency", agency=iri)
        if not info:
            raise HTTPException(404, f"no agency {iri} in this store")
        reports, contacts = await self.together(("agency-reports", {"agency": iri}), ("contacts", {"agency": iri}))
        failing = [("report-failures", {"report": r["report"]}) for r in reports if r["failures"]]
        failures = [row for rows in await self.together(*failing) for row in rows]
        first = info[0]
        names = {r["alt"] for r in info if r["alt"]}
        above = []
        for r in info:
            if r["above"] and (r["above"], r["above_name"]) not in above:
                above.append((r["above"], r["above_name"]))
        above.sort(key=lambda a: str(a[0]))
        years = [str(r["year"]) for r in reports]
        charts = [  # requests and appeals in one, the proactive total (hundreds of times larger) in another
            {"kind": "line", "x": years, "series": [{"name": label, "values": [r[key] for r in reports]}
                                                    for key, label in MAIN_FIGURES if key != "proactive_total"]},
            {"kind": "bar", "x": years, "series": [{"name": "主动公开", "values": [r["proactive_total"] for r in reports]}]},
        ]
        return self.render("agency.html", title=first["name"], iri=iri, info=first, names=sorted(names), above=above,
                           reports=reports, figures=MAIN_FIGURES, charts=charts, failures=_failures(failures),
                           contacts=_contacts(contacts), contact_labels=CONTACT_LABELS)

    async def report(self, iri: str) -> Response:
        info = await self.select("report", report=iri)
        if not info:
            raise HTTPException(404, f"no report {iri} in this store")
        head = info[0]
        figures, failures, contacts = await self.together(
            ("report-figures", {"report": iri}), ("report-failures", {"report": iri}), ("contacts", {"report": iri}))
        table_cells: dict[tuple[str, str | None], dict] = {}
        text_figures, record = [], []
        for f in figures:
            key, applicant, dataset = local(f["metric"]), local(f["applicant"]) or None, local(f["dataset"])
            f["key"] = key
            if dataset == "textFigures":
                text_figures.append(f)
            else:
                table_cells[(key, applicant)] = f
                if applicant is None:
                    record.append(f)
        edition = "2021" if local(head["format"]) == "Template2021" else "2019" if local(head["format"]) == "Template2019" else None
        compared = {str(fig) for fail in failures for fig in [fail["figure"]] if fig}
        tables = None
        if edition:
            tables = {"表二": layout.table2(edition), "表三": layout.table3(), "表四": layout.table4()}
            placed = {cell.metric for _, rows in tables.values() for row in rows for cell in row.cells if cell}
            record = [f for f in record if f["key"] not in placed]  # the text's figures beside the tables
        return self.render("report.html", title=head["title"] or head["printed"] or "年度报告", iri=iri, head=head,
                           tables=tables, cells=table_cells, record=sorted(record, key=lambda f: f["key"]),
                           text_figures=text_figures, failures=_failures(failures), compared=compared,
                           contacts=_contacts(contacts), contact_labels=CONTACT_LABELS, applicants=layout.applicant_columns(),
                           blocks=layout.TABLE4_BLOCKS)

    async def figure(self, iri: str) -> Response:
        rows = await self.select("observation", obs=iri)
        if not rows:
            raise HTTPException(404, f"no figure {iri} in this store")
        f = rows[0]
        context = await anyio.to_thread.run_sync(source_window, f["path"], f["sha256"], f["quote"], f["start"], f["end"],
                                                 f["value_start"], f["value_end"])
        return self.render("figure.html", title=f"{f['metric_label'] or local(f['metric'])} = {number(f['value'])}", iri=iri,
                           f=f, source=context, page=str(f["page"] or "").removeprefix("page="))

    async def checks(self, request: Request) -> Response:
        params = request.query_params
        check = params.get("check") or None
        region = params.get("region") or None
        year = params.get("year") or None
        if check and not re.fullmatch(r"[A-Za-z]+", check):
            raise HTTPException(400, "check: a check's name, e.g. AppealsAddUp")
        if region and not re.fullmatch(r"\d{6}", region):
            raise HTTPException(400, "region: a six-digit GB/T 2260 code, e.g. 320800")
        if year and not re.fullmatch(r"\d{4}", year):
            raise HTTPException(400, "year: four digits, e.g. 2023")
        args = {"check": KG_NS + check if check else None, "region": self.base + "region/" + region if region else None,
                "year": int(year) if year else None}
        key = ("checks", check, region, year)
        rows = await self.cached(key, lambda: self.select("checks", **args))
        rows = sorted(rows, key=lambda r: (str(r["agency_name"] or ""), r["year"] or 0, str(r["where"])))
        kinds = await self._check_kinds()
        return self.render("checks.html", title="核查：未通过的一致性检查", rows=rows, kinds=kinds, check=check or "",
                           region=region or "", year=year or "", limited=len(rows) >= 500)

    async def queries(self, request: Request) -> Response:
        return self.render("queries.html", title="查询", queries=list_queries())

    async def run_query(self, request: Request) -> Response:
        name = request.path_params["name"]
        known = {q.name: q for q in list_queries()}
        if name not in known:
            raise HTTPException(404, f"no shipped query named {name}")
        info = known[name]
        given = {key: value.strip() for key, value in request.query_params.items() if key in dict(info.parameters) and value.strip()}
        fmt = request.query_params.get("format", "html")
        if fmt not in ("html", "csv", "json"):
            raise HTTPException(400, "format: html, csv or json")
        try:
            text = bound_text(name, given)
        except KgError as error:
            raise HTTPException(400, first_line(error)) from None
        columns, rows = await self.cached(("query", name, tuple(sorted(given.items()))), lambda: self.reader.table(text))
        table = [[row[c] for c in columns] for row in rows]
        if fmt != "html":
            media = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
            return Response(format_rows(columns, table, fmt), media_type=media,
                            headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})
        return self.render("query.html", title=info.title, info=info, given=given, columns=columns, rows=table,
                           downloads={f: "?" + urlencode({**given, "format": f}) for f in ("csv", "json")})

    async def sparql(self, request: Request) -> Response:
        return self.render("sparql.html", title="SPARQL")

    async def catalog(self, request: Request) -> Response:
        """The dataset as a DCAT catalogue with its VoID description (:mod:`kg.catalog`)."""
        origin = f"{request.url.scheme}://{request.url.netloc}"
        graph = await self.cached(("catalog", origin), lambda: anyio.to_thread.run_sync(self._describe, origin))
        media = negotiate(request)
        if media is None:
            figures = {local(p): o for p, o in graph.predicate_objects(URIRef(self.base + "dataset"))
                       if isinstance(o, Literal)}
            return self.render("catalog.html", title="数据目录 Catalogue", figures=figures, endpoint=origin + "/query",
                               turtle=serialize(graph, "turtle"))
        fmt = {"text/turtle": "turtle", "application/ld+json": "jsonld", "application/n-triples": "ntriples"}[media]
        return Response(serialize(graph, fmt), media_type=media + ("; charset=utf-8" if media.startswith("text/") else ""),
                        headers={"Vary": "Accept", "Access-Control-Allow-Origin": "*"})

    def _describe(self, origin: str) -> Graph:
        import pyoxigraph as ox

        if self.store is None:
            raise PageError(404, "this server was started without a store directory: no catalogue")
        try:
            db = ox.Store.read_only(self.store)
        except OSError as error:
            raise PageError(503, f"cannot read the store: {first_line(error)}") from None
        return describe(db, base=self.base, endpoint=origin + "/query", dump=origin + "/store")

    # ----------------------------------------------------------------- resources

    async def resource(self, request: Request) -> Response:
        rest = request.path_params["rest"]
        iri = self.base + rest
        if not rest or NOT_IN_IRI.search(iri):
            raise HTTPException(404, "no such resource")
        if re.fullmatch(r"file/[0-9a-f]{64}", rest) and "download" in request.query_params:
            return await self.download(iri)
        media = negotiate(request)
        if media is not None:
            return await self.rdf(iri, rest, media)
        if re.fullmatch(r"region/\d{6}", rest):
            return await self.region(iri)
        if re.fullmatch(r"agency/[0-9a-f]{16}", rest):
            return await self.agency(iri)
        if REPORT_PATH.fullmatch(rest):
            return await self.report(iri)
        if FIGURE_PATH.fullmatch(rest):
            return await self.figure(iri)
        return await self.thing(iri, rest)

    async def thing(self, iri: str, rest: str) -> Response:
        rows = await self.select("describe", thing=iri)
        if not rows:
            raise HTTPException(404, f"nothing in this store is named {iri}")
        report = REPORT_PATH.match(rest)
        return self.render("thing.html", title=iri.removeprefix(self.base), iri=iri, rows=rows,
                           report=self.base + report.group(0) if report else None,
                           download=rest.startswith("file/"))

    async def download(self, iri: str) -> Response:
        rows = await self.select("file", file=iri)
        if not rows:
            raise HTTPException(404, f"no file {iri} in this store")
        path, sha256 = str(rows[0]["path"]), str(rows[0]["sha256"])
        if not await anyio.to_thread.run_sync(_same_file, path, sha256):
            raise HTTPException(410, f"the file {Path(path).name} is no longer as it was read (moved, changed or deleted)")
        # an attachment, never rendered here: a report's own HTML must not run on this origin
        return FileResponse(path, media_type="application/octet-stream", filename=Path(path).name,
                            headers={"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox"})

    async def rdf(self, iri: str, rest: str, media: str) -> Response:
        report = REPORT_PATH.match(rest)
        if report and report.group(0) == rest:
            body = await self.reader.graph(media, "graph-report", report=iri)
        elif report:
            body = await self.reader.graph(media, "graph-part", report=self.base + report.group(0), part=iri, under=iri + "/")
        else:
            body = await self.reader.graph(media, "graph-thing", thing=iri)
        if not body.strip() or body.strip() in (b"[]", b"{}"):
            raise HTTPException(404, f"nothing in this store is named {iri}")
        return Response(body, media_type=media + ("; charset=utf-8" if media.startswith("text/") else ""),
                        headers={"Vary": "Accept", "Access-Control-Allow-Origin": "*"})

    # ----------------------------------------------------------------- routes

    def routes(self, extra: Iterable[BaseRoute] = ()) -> list[BaseRoute]:
        return [
            Route("/", self.overview, methods=["GET"]),
            Route("/search", self.search, methods=["GET"]),
            Route("/checks", self.checks, methods=["GET"]),
            Route("/queries", self.queries, methods=["GET"]),
            Route("/queries/{name}", self.run_query, methods=["GET"]),
            Route("/sparql", self.sparql, methods=["GET"]),
            Route("/catalog", self.catalog, methods=["GET"]),
            Route("/.well-known/void", self.catalog, methods=["GET"]),
            Mount("/static", app=StaticFiles(packages=[("kg.web", "static")]), name="static"),
            *extra,
            Route(self.prefix + "{rest:path}", self.resource, methods=["GET"]),
        ]

    def error_page(self, request: Request, status: int, message: str) -> Response:
        """An error as a page for a browser (one that asks for HTML first), as a line of text otherwise."""
        accepted = media_ranges(request.headers.get("accept", ""))
        if accepted and accepted[0] in HTML_TYPES:
            return self.render("error.html", status, title=f"{status}", code=status, message=message)
        return Response(message + "\n", status, media_type="text/plain; charset=utf-8")


def negotiate(request: Request) -> str | None:
    """The RDF media type a request asks for (``?format=`` first, then ``Accept``), or None for HTML.

    A browser names text/html; a client that takes anything (``*/*``) or says nothing is taken
    for a machine and gets Turtle."""
    fmt = request.query_params.get("format")
    if fmt in RDF_FORMATS:
        return RDF_FORMATS[fmt]
    if fmt == "html":
        return None
    for media in media_ranges(request.headers.get("accept", "")):
        if media in HTML_TYPES:
            return None
        if media in MEDIA_TYPES:
            return media
        if media == "application/json":
            return "application/ld+json"
        if media == "*/*":
            break
    return "text/turtle"


def _failures(rows: list[dict]) -> list[dict]:
    """Failure rows (one per compared figure) folded into one per failure, figures as a list."""
    folded: dict[str, dict] = {}
    for row in rows:
        failure = folded.setdefault(row["failure"], {**row, "figures": []})
        if row.get("figure") and row["figure"] not in failure["figures"]:
            failure["figures"].append(row["figure"])
    return list(folded.values())


def _contacts(rows: list[dict]) -> dict[str, dict[str, list]]:
    """Contact and channel rows as {kind: {value as shown: [years stated]}}."""
    by_kind: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        shown = str(row["label"] or row["value"]).removeprefix("tel:").removeprefix("mailto:")
        years = by_kind[row["kind"]][shown]
        if row["year"] not in years:
            years.append(row["year"])
    return by_kind


def _same_file(path: str, sha256: str) -> bool:
    try:
        return file_sha256(path) == sha256
    except OSError:
        return False


@lru_cache(maxsize=16)
def _texts(path: str, sha256: str) -> tuple[str, ...]:
    """The texts kg read from a report file, if the file is still as it was: the document's
    (normalised) text, then the text as the reader printed it (a table row's offsets count in it)."""
    from kg.document import build_document
    from kg.readers import read_source

    try:
        source = read_source(path)
    except (KgError, OSError, ValueError):
        return ()
    if source.sha256 != sha256:
        return ()
    return build_document(source).text, source.text


def source_window(path: object, sha256: object, quote: object, start: object, end: object, value_start: object,
                  value_end: object) -> dict | None:
    """The source text around a sentence, split so the page can mark the sentence and the value in it;
    None when the file is gone or changed, or the sentence is not where the evidence says."""
    if not path or not sha256 or not isinstance(start, int) or not isinstance(end, int):
        return None
    text = next((t for t in _texts(str(path), str(sha256)) if t[start:end] == quote), None)
    if text is None:
        return None
    lo, hi = max(0, start - TEXT_WINDOW), min(len(text), end + TEXT_WINDOW)
    vs = value_start if isinstance(value_start, int) and start <= value_start <= end else None
    ve = value_end if isinstance(value_end, int) and vs is not None and vs <= value_end <= end else None
    if vs is not None and ve is None:  # not stored when it is the start plus the printed integer's length
        match = re.match(r"[0-9]+", text[vs:end])
        ve = vs + len(match.group(0)) if match else vs
    parts = {"before": text[lo:start], "after": text[end:hi], "cut_before": lo > 0, "cut_after": hi < len(text)}
    if vs is not None and ve is not None:
        parts.update(sentence_before=text[start:vs], value=text[vs:ve], sentence_after=text[ve:end])
    else:
        parts.update(sentence_before=text[start:end], value="", sentence_after="")
    return parts
