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

Bounds (:mod:`kg.limits`): a page whose elements nest more than ``nesting`` deep is refused,
before parsing when its block elements (div, ul, blockquote, …: lexbor's tree building is
quadratic in their depth) already open four times that deep, else right after; a page of
more than ``text_chars`` characters of text is refused before the container is looked for;
a table whose grid, spans expanded, passes ``table_cells`` positions refuses the page (its
spans clamped instead would put figures in the wrong columns). The page is rendered with an
explicit stack, not by recursion.
"""

from __future__ import annotations

import codecs
import re
from itertools import accumulate

from selectolax.lexbor import LexborHTMLParser, LexborNode

from kg.errors import InputError
from kg.limits import limits
from kg.readers.base import GridCell, SourceText, TextBuilder, check_length, clean_cell, table_too_large

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
# start tags that make lexbor look through the open elements (closing a <p> in scope)
NESTING_TAG = re.compile(
    r"<(/?)(?:div|ul|ol|dl|blockquote|section|article|aside|main|nav|header|footer|center|form|fieldset|"
    r"figure|figcaption|details|summary|dialog|dir|menu|address|hgroup|search)[\s/>]",
    re.IGNORECASE,
)
BEFORE_PARSING = 4  # the estimate before parsing counts unclosed tags too: it refuses at this many times the limit


def read_html(data: bytes, shown: str, sha256: str) -> SourceText:
    text, encoding = decode_html(data, shown)
    nesting = limits().nesting
    if _open_depth(text) > BEFORE_PARSING * nesting:
        raise _too_deep(shown)
    tree = LexborHTMLParser(text)
    if tree.root is not None and tree.root.css_first(" > ".join(["*"] * (nesting + 1))) is not None:
        raise _too_deep(shown)
    title_tag = tree.css_first("title")
    page_title = title_tag.text() if title_tag is not None else ""
    for node in tree.css(DROP):
        node.decompose()
    body = tree.body or tree.root
    if body is None:
        raise InputError(shown, "HTML page with no body")
    check_length(len(body.text()), shown)
    container = _main(body)
    out = TextBuilder(shown)
    title, issued = _header(body, container, page_title)
    if title:
        out.line(f"标题: {title}")
    if issued:
        out.line(f"发布时间: {issued}")
    _Renderer(out, shown).render(container)
    if not out.length:
        raise InputError(shown, "HTML page with no text")
    return out.build(shown, sha256, MEDIA_TYPE, encoding)


def _open_depth(text: str) -> int:
    """How deep the page's block elements open, counted from their tags (an unclosed one counts as open)."""
    steps = [-1 if close else 1 for close in NESTING_TAG.findall(text)]
    return max(accumulate(steps, lambda depth, step: max(depth + step, 0), initial=0))


def _too_deep(shown: str) -> InputError:
    return InputError(shown, f"refused: elements nested more than {limits().nesting} deep; raise KG_NESTING to read it")


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


def _within(node: LexborNode | None, ancestor: LexborNode) -> bool:
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

    def __init__(self, out: TextBuilder, shown: str):
        self.out = out
        self.shown = shown
        self.line: list[str] = []

    def flush(self) -> None:
        text = SPACES.sub(" ", "".join(self.line)).strip()
        self.line = []
        if text:
            self.out.line(text)

    def render(self, container: LexborNode) -> None:
        """Text gathers into the current line; a block element flushes the line before and
        after its content. An explicit stack of nodes still to visit (and of block ends, as
        None) replaces recursion, so no depth of nesting can exhaust Python's stack."""
        stack: list[LexborNode | None] = [None] if container.tag in BLOCKS else []
        stack += reversed(list(container.iter(include_text=True)))
        while stack:
            node = stack.pop()
            if node is None:
                self.flush()
                continue
            tag = node.tag
            if tag == "-text":
                self.line.append(node.text(deep=False))
                continue
            if tag in ("-comment", "#comment"):
                continue
            if tag == "table" and not _holds_table(node):
                self.flush()
                self.out.table(_grid(node, self.shown))
                continue
            if tag in BLOCKS:
                if tag in ("div", "p", "li", "ul", "ol", "span", "section") and _is_chrome(node):
                    continue
                self.flush()
                stack.append(None)
            stack += reversed(list(node.iter(include_text=True)))


def _grid(table: LexborNode, shown: str) -> list[list[GridCell]]:
    """The table's rows with rowspan and colspan expanded (a merged cell repeated)."""
    rows = [tr for tr in table.css("tr") if _owner(tr) == table.mem_id]
    limit = limits().table_cells
    size = 0  # grid positions the cells placed so far cover
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
            size += rowspan * colspan
            if size > limit:
                raise table_too_large(shown)
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
    if width * len(grid) > limit:
        raise table_too_large(shown)
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
