"""HTML pages saved from government portals: decode, find the report, drop the furniture.

Decoding follows the byte-order mark, then ``<meta charset>`` or the http-equiv
content type (GB2312 and GBK are read as their superset GB18030), else UTF-8, else
GB18030. The page is parsed with selectolax's lexbor backend. Script, style, nav,
header and footer elements are dropped; the main content container is the element
that scores best on report words (the report title, the template's section titles,
tables) against portal words (首页, 网站地图, 打印本页, 版权所有, ICP备, …) and link
density. A title or 发布时间 printed outside that container becomes a leading header
line (``标题: …``, ``发布时间: YYYY-MM-DD``), as kg.document reads them. Tables become
grids with rowspan and colspan expanded; a table holding other tables is layout and is
read as blocks.
"""

from __future__ import annotations

import codecs
import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from kg.errors import InputError
from kg.readers.base import GridCell, SourceText, TextBuilder, clean_cell

MEDIA_TYPE = "text/html"
DROP = "script, style, noscript, template, iframe, nav, header, footer, select, button, input, textarea, svg, object, embed"
BLOCKS = {
    "p", "div", "section", "article", "main", "aside", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol",
    "dl", "dt", "dd", "blockquote", "pre", "center", "form", "hr", "br", "tr", "td", "th", "table", "tbody",
    "thead", "tfoot", "caption", "address", "figure", "figcaption", "body", "html",
}
REPORT_TITLE = re.compile(r"(?:政府|政务)?信息公开(?:工作)?(?:年度)?(?:报告|年报)")
SECTION_WORDS = ("总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请", "行政复议", "存在的主要问题", "其他需要报告的事项")
CHROME_WORDS = (
    "首页", "网站地图", "打印本页", "关闭窗口", "分享到", "版权所有", "主办单位", "ICP备", "联系我们",
    "设为首页", "加入收藏", "无障碍", "网站标识码", "公网安备", "【打印】", "【关闭】", "当前位置", "您的位置",
)
CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
DATE = re.compile(r"(?:发布时间|发布日期|发文日期|成文日期|日期|时间)\s*[:：]\s*((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
TITLE_SEPARATORS = re.compile(r"\s*(?:[-_|—–]+|::)\s*")
SPACES = re.compile(r"\s+")


def read_html(data: bytes, shown: str, sha256: str) -> SourceText:
    text, encoding = decode_html(data, shown)
    tree = LexborHTMLParser(text)
    title_tag = tree.css_first("title")
    page_title = title_tag.text() if title_tag is not None else ""
    for node in tree.css(DROP):
        node.decompose()
    body = tree.body or tree.root
    if body is None:
        raise InputError(shown, "HTML page with no body")
    container = _main(body)
    out = TextBuilder(shown)
    title, issued = _header(body, container, page_title)
    if title:
        out.line(f"标题: {title}")
    if issued:
        out.line(f"发布时间: {issued}")
    _Renderer(out).block(container)
    if not out.length:
        raise InputError(shown, "HTML page with no text")
    return out.build(shown, sha256, MEDIA_TYPE, encoding)


def decode_html(data: bytes, shown: str) -> tuple[str, str]:
    """Decode a page: BOM, then the declared charset, then UTF-8, then GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    if b"\x00" in data[:4096]:
        raise InputError(shown, "binary file, not an HTML page")
    m = CHARSET.search(data[:8192])
    declared = _codec(m.group(1).decode("ascii", "replace")) if m else None
    tried = [c for c in (declared, "utf-8", "gb18030") if c]
    for codec in tried:
        try:
            return data.decode(codec), codec
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("gb18030", errors="replace"), "gb18030"


def _codec(name: str) -> str | None:
    name = name.strip().lower().replace("_", "-")
    if name in ("gb2312", "gbk", "x-gbk", "gb-2312", "gb2312-80", "cp936", "gb18030", "euc-cn"):
        return "gb18030"
    if name in ("utf8", "utf-8"):
        return "utf-8"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _score(node: LexborNode) -> float:
    text = node.text(separator=" ")
    size = len(text.strip())
    if size < 20:
        return -1e9
    sections = sum(1 for word in SECTION_WORDS if word in text)
    title = 1 if REPORT_TITLE.search(text) else 0
    tables = min(len(node.css("table")), 4)
    chrome = sum(1 for word in CHROME_WORDS if word in text)
    links = sum(len(a.text(separator=" ").strip()) for a in node.css("a"))
    return 10 * sections + 5 * title + 2 * tables + min(size / 500, 6) - 6 * chrome - 20 * links / size


def _main(body: LexborNode) -> LexborNode:
    """The element most likely to hold the report (deepest one on a tie)."""
    best, best_score = body, _score(body)
    for node in body.css("div, td, article, section, main"):
        score = _score(node)
        if score >= best_score:
            best, best_score = node, score
    return best


def _header(body: LexborNode, container: LexborNode, page_title: str) -> tuple[str | None, str | None]:
    """A report title and a publication date printed on the page outside the container."""
    inside = container.text(separator="\n")
    outside = body.text(separator="\n").replace(inside, "\n", 1) if container is not body else ""
    title = None
    for selector in ("h1, h2, h3", "[class*=title], [id*=title], [class*=Title], [id*=Title]"):
        found = [
            text
            for node in body.css(selector)
            if not _within(node, container)
            for text in [SPACES.sub(" ", node.text(separator=" ")).strip()]
            if 4 <= len(text) <= 80 and REPORT_TITLE.search(text)
        ]
        if found:
            title = min(found, key=len)
            break
    if title is None and container is not body:
        for part in TITLE_SEPARATORS.split(page_title.strip()):
            if REPORT_TITLE.search(part) and len(part) <= 80:
                title = part.strip()
                break
    m = DATE.search(outside)
    issued = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else None
    return title, issued


def _within(node: LexborNode, ancestor: LexborNode) -> bool:
    while node is not None:
        if node.mem_id == ancestor.mem_id:
            return True
        node = node.parent
    return False


def _holds_table(node: LexborNode) -> bool:
    """Whether a table (other than the node itself) is inside the node."""
    return any(table.mem_id != node.mem_id for table in node.css("table"))


def _is_chrome(node: LexborNode) -> bool:
    """A short block inside the container that is page furniture (a share or print bar)."""
    if node.tag in ("table", "tr", "td", "th", "tbody") or _holds_table(node):
        return False
    text = node.text(separator=" ").strip()
    return len(text) <= 60 and any(word in text for word in CHROME_WORDS)


class _Renderer:
    """Writes a container's text, one block per line, tables as grids."""

    def __init__(self, out: TextBuilder):
        self.out = out
        self.line: list[str] = []

    def flush(self) -> None:
        text = SPACES.sub(" ", "".join(self.line)).strip()
        self.line = []
        if text:
            self.out.line(text)

    def block(self, node: LexborNode) -> None:
        for child in node.iter(include_text=True):
            tag = child.tag
            if tag == "-text":
                self.line.append(child.text(deep=False))
            elif tag in ("-comment", "#comment"):
                continue
            elif tag == "table" and not _holds_table(child):
                self.flush()
                self.out.table(_grid(child))
            elif tag in BLOCKS:
                if tag in ("div", "p", "li", "ul", "ol", "span", "section") and _is_chrome(child):
                    continue
                self.flush()
                self.block(child)
                self.flush()
            else:
                self.block(child)
        if node.tag in BLOCKS:
            self.flush()


def _grid(table: LexborNode) -> list[list[GridCell]]:
    """The table's rows with rowspan and colspan expanded (a merged cell repeated)."""
    rows = [tr for tr in table.css("tr") if _owner(tr) == table.mem_id]
    grid: list[list[GridCell]] = []
    pending: dict[tuple[int, int], GridCell] = {}
    for r, tr in enumerate(rows):
        row: list[GridCell] = []
        c = 0
        cells = [td for td in tr.iter() if td.tag in ("td", "th")]
        for td in cells:
            while (r, c) in pending:
                row.append(pending.pop((r, c)))
                c += 1
            text = clean_cell(td.text(separator="\n"))
            cell: GridCell = (td.mem_id, text)
            rowspan = _span(td.attributes.get("rowspan"), len(rows) - r)
            colspan = _span(td.attributes.get("colspan"), 100)
            for dc in range(colspan):
                row.append(cell)
                for dr in range(1, rowspan):
                    pending[(r + dr, c + dc)] = cell
            c += colspan
        while (r, c) in pending:
            row.append(pending.pop((r, c)))
            c += 1
        grid.append(row)
    width = max((len(row) for row in grid), default=0)
    for row in grid:  # a row that ends early is padded with empty positions
        row.extend([(None, "")] * (width - len(row)))
    return [row for row in grid if row]


def _owner(tr: LexborNode) -> int | None:
    node = tr.parent
    while node is not None and node.tag != "table":
        node = node.parent
    return node.mem_id if node is not None else None


def _span(value: str | None, limit: int) -> int:
    try:
        return max(1, min(int(str(value).strip()), max(limit, 1)))
    except (TypeError, ValueError):
        return 1
