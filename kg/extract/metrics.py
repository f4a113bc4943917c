"""Metrics a report states about its own year, read from its sentences (docs/facts.md, Metrics).

Each rule describes how reports word a figure (``主动公开政府信息N条``, ``收到…申请N件``,
``未收到…申请`` for a zero) and keeps the sentence and the figure's offsets as evidence.
Rules never add figures up and never read a figure given for two metrics together
(``行政复议案、行政诉讼案…4起`` sets neither). Sentences in the section on problems and
plans are not read. In a standard-template report the tables hold the application,
reconsideration and litigation figures; what its prose says of them is kept apart (kg.extract).
"""

from __future__ import annotations

import re
from typing import Iterator

from kg.document import Document, Sentence, clause_before, clauses
from kg.lexicon import alternation, any_of, load
from kg.model import Stat

NUM = r"(?P<pre>约|近|超过|逾|将近)?(?P<n>\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?)(?P<post>余|多)?"
UNIT = r"(?P<unit>条|件|次|起|个|篇|份|期|项|宗)"
APPROX_TAIL = re.compile(r"^(?:以上|左右)")
NEG = r"(?:未|没有|无|不曾|尚未|不存在)"


def _re(pattern: str) -> re.Pattern:
    return re.compile(pattern.replace("{NUM}", NUM).replace("{UNIT}", UNIT).replace("{NEG}", NEG))


# 主动公开政府信息N条 / 主动公开我区各级单位政府信息N条 / 累计主动公开信息150余条
PROACTIVE = _re(r"主动(?:公开|发布)(?:了)?[^\d。；;，,、]{0,12}?(?:信息|文件)(?:数|数量|总数|总量)?(?:共|达到?|为|计|共计|合计)?\s*{NUM}\s*(?P<unit>条|件)")
# in the section on proactive disclosure: 新增公开发布信息数达N条 (counted only when it is the one figure)
PROACTIVE_WEAK = _re(r"(?:公开|发布)[^\d。；;，,、]{0,6}?信息(?:数|数量)?(?:共|达到?|为|计)?\s*{NUM}\s*(?P<unit>条)")
LEX = load("metrics")
APPLICATION_VERB = _re(
    r"(?:收到|受理|接收到?|接到)(?P<gap>[^。；;\d]{0,24}?){NUM}\s*(?P<unit>件|条|个|份)"
    r"(?P<after>[^。；;，,\d]{0,%d}?申请)?" % LEX["application_after"]["max_gap"]
)
APPLICATION_ZERO = _re(r"{NEG}(?:收到|受理|接到|接收到?|发生)(?P<gap>[^。；;\d]{0,24}?)申请")
COMPLETED = _re(r"(?:办结|答复|回复)(?:了)?(?P<gap>[^。；;，,:：\d]{0,8}?){NUM}\s*(?P<unit>件|条)")
DISCLOSED = _re(r"(?:同意公开|予以公开|全部公开)(?:的)?(?P<gap>[^\d。；;]{0,4}?){NUM}\s*(?P<unit>件|条)")
PARTIAL = _re(r"(?<!及)(?<!和)部分公开(?:的)?(?P<gap>[^\d。；;]{0,4}?){NUM}\s*(?P<unit>件|条)")
FEES_ZERO = _re(
    r"{NEG}(?!按)(?:任何)?[^。；;\d]{0,16}?(?:收取|收费)|未产生[^。；;\d]{0,6}?费|"
    + alternation(LEX["fees_not_charged"]["words"])
)
FEES_FIGURE = _re(r"(?:收取[^。；;\d]{0,10}?费(?:用)?|收费(?:金额|总额)?)(?:共|合计|共计|为)?\s*(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>元|万元)")
RECON_FIGURE = _re(r"行政复议(?:案件|申请|案)?(?P<gap>[^。；;，,\d]{0,8}?){NUM}\s*(?P<unit>件|起|宗|次)")
LITIG_FIGURE = _re(r"行政诉讼(?:案件|案)?(?P<gap>[^。；;，,\d]{0,8}?){NUM}\s*(?P<unit>件|起|宗|次)")
APPEALS_NEG = _re(r"{NEG}(?:发生|收到|出现|接到|受理|被提起|提起|被申请)?(?P<gap>[^。；;\d]{0,30}?)(?P<what>行政复议|行政诉讼)")
# 人大代表建议, or with the session between them: 十一届全国人大五次会议代表建议186件
SESSION = r"(?:[^。；;，,、\d]{0,16}?会议)?"
NPC_FIGURE = _re(r"(?:人大代表建议|人大建议|人大代表提出的建议|人大代表的建议|人大" + SESSION + r"代表建议)(?P<gap>[^。；;\d]{0,6}?){NUM}\s*(?P<unit>件)")
CPPCC_HANDLED = (
    _re(r"(?:承办|办理|负责办理|立案)(?:了)?(?P<gap>[^。；;，,\d]{0,10}?)提案(?:共)?{NUM}\s*(?P<unit>件)"),
    _re(r"提案(?P<gap>[^。；;，,\d]{0,8}?)(?:立案|承办|办理)(?:了)?{NUM}\s*(?P<unit>件)"),
    _re(r"(?:经审查|审查后)?立案(?P<gap>)(?:了)?(?:共)?{NUM}\s*(?P<unit>件)"),
)
CPPCC_FIGURE = _re(r"(?:政协委员提案|政协提案|政协委员的提案|政协" + SESSION + r"(?:委员)?提案)(?P<gap>[^。；;\d]{0,6}?){NUM}\s*(?P<unit>件)")
PROPOSALS_ZERO = _re(r"{NEG}(?:收到|承办|办理|接到|涉及)?(?P<gap>[^。；;\d]{0,12}?)(?P<what>建议|提案)")
# 人大代表建议和政协提案分别为245件和312件: two figures, in the order the metrics are named
PROPOSALS_RESPECTIVELY = _re(
    r"人大(?:代表)?建议(?:和|及|与|、)[^。；;，,\d]{0,6}?政协(?:委员)?提案[^。；;\d]{0,8}?分别(?:为|是)?"
    r"(?P<n>\d+)件?(?:和|、|及|与)(?P<n2>\d+)件"
)
# 行政复议、行政诉讼均为零: one zero stated for both
APPEALS_BOTH_ZERO = _re(r"行政复议(?:案件)?(?:和|、|及|与)(?:行政)?诉讼(?:案件)?(?:数量?)?(?:均为|都为|均是|皆为)(?:零|0)(?![\d.])")
TOTAL_AFTER = _re(r"[^。；;]*?(?:共计|合计|总计)\s*(?P<n>\d+)\s*件")

CATEGORY_BEFORE = re.compile(r"应$|其他$|其他应$|类$")


def _words(key: str) -> re.Pattern:
    return any_of(LEX[key]["words"])


NOT_APPLICATION = _words("not_application")
APPEALS_CONTEXT = _words("appeals_context")
APPEALS_OTHER_MATTERS = _words("appeals_other_matters")
NOT_FEES = _words("not_fees")
APPEAL_WORD = re.compile("复议|诉讼")
OUTCOME = _words("completed_not_outcome")
OUTCOME_BEFORE = any_of(LEX["completed_not_outcome"]["before"])
RUNNING_SINCE = any_of(LEX["running_total"]["since"])
RUNNING_WORD = _words("running_total")
CHANNEL = _words("proactive_channels")
CHANNEL_COUNT = _re(
    "(?:" + CHANNEL.pattern + r")[^。；;，,\d]{0,20}?(?:" + alternation(LEX["proactive_channels"]["verbs"])
    + r")[^。；;，,\d]{0,12}?{NUM}\s*(?:条|篇|期|次)"
)
COMBINED_PROPOSALS = re.compile("建议(?:" + alternation(LEX["combined_proposals"]["joiners"]) + r")[^。；;，,\d]{0,8}?提案")
APPLICATION_CONTEXT = re.compile(r"信息公开|依申请|公开申请")
FEES_CONTEXT = re.compile(r"信息公开|依申请|信息处理费|检索|复制|邮寄")
NOT_APPEALS_NONE = re.compile(r"纠错|败诉|纠正|撤销")


class _Collector:
    def __init__(self, doc: Document):
        self.doc = doc
        self.stats: dict[str, Stat] = {}
        # a later statement of a metric that disagrees with the first (六 says no fees where the
        # text named an amount): kept for the consistency checks, never in the record
        self.restated: dict[str, Stat] = {}

    def add(self, metric: str, sentence: Sentence, m: re.Match, rule: str, *, value=None, group="n", unit=None,
            approx=None, restatement: bool = False) -> None:
        if metric in self.stats and not restatement:
            return
        if restatement and (metric not in self.stats or metric in self.restated):
            return
        if value is None:
            value = _number(m.group(group))
        if approx is None:
            approx = _approx(m, sentence)
        if unit is None:
            unit = _group(m, "unit")
        use = group if (group == 0 or group in m.re.groupindex) and m.group(group) is not None else 0
        ev = self.doc.sentence_evidence(sentence, m, use, rule)
        stat = Stat(metric, value, approx, unit, ev)
        if not restatement:
            self.stats[metric] = stat
        elif value != self.stats[metric].value:
            self.restated[metric] = stat


def _group(m: re.Match, name: str) -> str | None:
    return m.group(name) if name in m.re.groupindex else None


def _number(text: str) -> int | float:
    text = text.replace(",", "")
    value = float(text)
    return int(value) if value.is_integer() and "." not in text else value


def _approx(m: re.Match, sentence: Sentence) -> bool:
    if _group(m, "pre") or _group(m, "post"):
        return True
    return bool(APPROX_TAIL.match(sentence.text[m.end():]))


def _readable(doc: Document) -> Iterator[Sentence]:
    for s in doc.sentences:
        if s.section is not None and s.section.kind == "problems":
            continue
        yield s


def extract_metrics(doc: Document) -> tuple[dict[str, Stat], list[Stat]]:
    """The metrics the report's sentences state, and later statements that disagree with them."""
    out = _Collector(doc)
    sentences = list(_readable(doc))
    _proactive(doc, sentences, out)
    _fees(sentences, out)
    _proposals(sentences, out)
    _applications(sentences, out)
    _appeals(sentences, out)
    return out.stats, [out.restated[m] for m in sorted(out.restated)]


def _proactive(doc: Document, sentences: list[Sentence], out: _Collector) -> None:
    for s in sentences:
        for m in PROACTIVE.finditer(s.text):
            if CATEGORY_BEFORE.search(s.text[max(0, m.start() - 4): m.start()]):
                continue  # 其他应主动公开政府信息N条 names a category, not the total
            clause = clause_before(s.text, m.start())
            if RUNNING_WORD.search(clause + m.group()) and RUNNING_SINCE.search(s.text[: m.start()]):
                continue  # 截至2015年底，累计主动公开…: a running total, not the year's
            if _channel_among_others(sentences, s, m):
                return  # one channel's count among others: no total is stated
            out.add("proactive_total", s, m, "proactive.stated_total")
            return
    weak = [(s, m) for s in sentences if s.section and s.section.kind == "proactive" for m in PROACTIVE_WEAK.finditer(s.text)]
    if len(weak) == 1 and not _channel_among_others(sentences, *weak[0]):
        s, m = weak[0]
        out.add("proactive_total", s, m, "proactive.only_figure_in_section")


def _channel_among_others(sentences: list[Sentence], s: Sentence, m: re.Match) -> bool:
    """Whether the figure ``m`` counts one channel (its clause names it) while another
    channel's count gives a different figure."""
    if not CHANNEL.search(clause_before(s.text, m.start())):
        return False
    value = _number(m.group("n"))
    return any(_number(c.group("n")) != value for t in sentences for c in CHANNEL_COUNT.finditer(t.text))


def _applications(sentences: list[Sentence], out: _Collector) -> None:
    for s in sentences:
        in_context = (APPLICATION_CONTEXT.search(s.text) or (s.section and s.section.kind == "applications")
                      or "申请" in s.topic)
        if not in_context:
            continue
        for m in APPLICATION_ZERO.finditer(s.text):
            if not NOT_APPLICATION.search(m.group("gap")):
                out.add("applications_received", s, m, "applications.none_received", value=0, approx=False, group=0)
        for m in APPLICATION_VERB.finditer(s.text):
            if NOT_APPLICATION.search(m.group("gap")):
                continue
            if "申请" in m.group("gap") or m.group("after"):
                out.add("applications_received", s, m, "applications.received")
        if s.section and s.section.kind == "applications" or "申请" in s.text:
            for m in COMPLETED.finditer(s.text):
                if NOT_APPLICATION.search(m.group("gap")) or OUTCOME.search(m.group("gap")):
                    continue
                if not OUTCOME_BEFORE.search(s.text[max(0, m.start() - 6): m.start()]):
                    out.add("applications_completed", s, m, "applications.completed")
            for m in DISCLOSED.finditer(s.text):
                if not re.search(r"及|和|与", m.group("gap")):
                    out.add("disclosed", s, m, "applications.disclosed")
            for m in PARTIAL.finditer(s.text):
                out.add("partially_disclosed", s, m, "applications.partially_disclosed")


def _fees(sentences: list[Sentence], out: _Collector) -> None:
    for s in sentences:
        in_section = s.section is not None and s.section.kind in ("fees", "other")
        if not (in_section or FEES_CONTEXT.search(s.text)) or "费" not in s.text or NOT_FEES.search(s.text):
            continue
        m = FEES_FIGURE.search(s.text)
        if m:
            value = _number(m.group("n"))
            if m.group("unit") == "万元":
                value = round(value * 10000, 2)
                value = int(value) if float(value).is_integer() else value
            out.add("fees_yuan", s, m, "fees.charged", value=value, approx=False, unit="元", restatement="fees_yuan" in out.stats)
            continue
        m = FEES_ZERO.search(s.text)
        if m and not re.search(r"\d", s.text[m.end(): m.end() + 6]):
            out.add("fees_yuan", s, m, "fees.none_charged", value=0, approx=False, group=0, unit=None,
                    restatement="fees_yuan" in out.stats)


def _appeal_about_disclosure(text: str, at: int) -> bool:
    """Whether the appeal figure at ``at`` is said to be about disclosure: in its own clause, or
    in an earlier one joined to it by clauses that all speak of appeals
    (因政府信息公开申请行政复议3件，提起行政诉讼1件), not by a clause about something else
    (…办理政府信息公开申请26件，办理行政复议案件12件)."""
    parts = clauses(text[:at])
    parts[-1] += text[at: at + 12]
    for k, clause in enumerate(reversed(parts)):
        if k and not APPEAL_WORD.search(clause):
            return False
        if APPEALS_CONTEXT.search(clause):
            return True
    return False


def _appeals(sentences: list[Sentence], out: _Collector) -> None:
    for s in sentences:
        if "复议" not in s.text and "诉讼" not in s.text or APPEALS_OTHER_MATTERS.search(s.text):
            continue
        in_section = s.section is not None and s.section.kind == "appeals"
        if not (in_section or APPEALS_CONTEXT.search(s.text)):
            continue

        def about(m: re.Match) -> bool:
            return in_section or _appeal_about_disclosure(s.text, m.start())

        for m in APPEALS_BOTH_ZERO.finditer(s.text):
            if about(m):
                out.add("reconsideration_total", s, m, "appeals.both_zero", value=0, approx=False, group=0, unit=None)
                out.add("litigation_total", s, m, "appeals.both_zero", value=0, approx=False, group=0, unit=None)
        for m in RECON_FIGURE.finditer(s.text):
            if "诉讼" not in m.group("gap") and about(m):
                out.add("reconsideration_total", s, m, "appeals.reconsideration")
        for m in LITIG_FIGURE.finditer(s.text):
            if not about(m):
                continue
            if "复议" not in m.group("gap") and "复议" not in s.text[max(0, m.start() - 6): m.start()]:
                out.add("litigation_total", s, m, "appeals.litigation")
        if NOT_APPEALS_NONE.search(s.text):
            continue
        for m in APPEALS_NEG.finditer(s.text):
            if re.search(r"\d", m.group("gap")):
                continue
            tail = s.text[m.end(): m.end() + 16]
            both = re.match(r"^[^。；;\d]{0,8}?(?:诉讼|复议)", tail)
            if both and not re.search(r"\d", tail[: both.end() + 3]):
                out.add("reconsideration_total", s, m, "appeals.none", value=0, approx=False, group="what", unit=None)
                out.add("litigation_total", s, m, "appeals.none", value=0, approx=False, group="what", unit=None)
            elif not re.search(r"\d", tail[:8]):
                metric = "reconsideration_total" if m.group("what") == "行政复议" else "litigation_total"
                out.add(metric, s, m, "appeals.none_of_one", value=0, approx=False, group="what", unit=None)


def _proposals(sentences: list[Sentence], out: _Collector) -> None:
    for s in sentences:
        if "建议" not in s.text and "提案" not in s.text:
            continue
        for m in PROPOSALS_RESPECTIVELY.finditer(s.text):
            out.add("npc_suggestions", s, m, "proposals.respectively", value=int(m.group("n")), approx=False, unit="件")
            out.add("cppcc_proposals", s, m, "proposals.respectively", value=int(m.group("n2")), approx=False, unit="件",
                    group="n2")
        for m in NPC_FIGURE.finditer(s.text):
            if "提案" in m.group("gap"):
                continue  # 人大代表建议和政协提案N件: one figure for two metrics
            proposals = s.text.find("提案", m.end())  # the total must come before the proposals' part
            total = TOTAL_AFTER.match(s.text, m.end(), proposals if proposals >= 0 else len(s.text))
            if total:
                out.add("npc_suggestions", s, total, "proposals.npc_total", value=int(total.group("n")), approx=False, unit="件")
            else:
                out.add("npc_suggestions", s, m, "proposals.npc")
        for pattern in CPPCC_HANDLED if "提案" in s.text else ():
            for m in pattern.finditer(s.text):
                if "建议" not in m.group("gap") and not _combined_before(s.text, m.start()):
                    out.add("cppcc_proposals", s, m, "proposals.cppcc_handled")
        for m in CPPCC_FIGURE.finditer(s.text):
            if "建议" not in m.group("gap") and not _combined_before(s.text, m.start()):
                out.add("cppcc_proposals", s, m, "proposals.cppcc")
        for m in PROPOSALS_ZERO.finditer(s.text):
            if re.search(r"\d", s.text[m.start(): m.end() + 12]):
                continue
            rest = s.text[m.end(): m.end() + 12]
            whats = {m.group("what")} | ({"提案"} if "提案" in rest else set())
            if "建议" in whats and "人大" in s.text[m.start(): m.end() + 2] + m.group("gap") or "建议" in whats and "代表" in m.group("gap"):
                out.add("npc_suggestions", s, m, "proposals.none", value=0, approx=False, group="what", unit=None)
            if "提案" in whats and "政协" in s.text[m.start(): m.end() + 12]:
                out.add("cppcc_proposals", s, m, "proposals.none", value=0, approx=False, group="what", unit=None)


def _combined_before(text: str, start: int) -> bool:
    """Whether the 提案 matched at ``start`` ends a noun phrase that names 建议 too (建议政协提案)."""
    before = clauses(text[max(0, start - 16): start])[-1]
    return bool(COMBINED_PROPOSALS.search(before + text[start: start + 8]))
