"""Contact facts: the address, postcode, phone, fax, e-mail and person given for questions.

Reports print them as labelled fields, usually in the opening paragraph
(``如对本报告有任何疑问，请与…联系（地址：…；邮编：…；电话：…）``). A field counts only
inside such a cluster of labels, or in a sentence that says it is for contact
(联系/疑问/咨询), so that addresses quoted elsewhere are not taken. Websites count where
the report gives its own site's address (``门户网站（www.…）``, ``网址：…``).
"""

from __future__ import annotations

import re

from kg.document import Document
from kg.model import Contact, Fact

LABEL = re.compile(
    r"(?P<label>联系地址|通讯地址|通信地址|办公地址|地址|邮政编码|邮编|联系电话|咨询电话|办公电话|电话[/、及和]传真|电话\(传真\)|"
    r"电话|传真|电子邮箱|电子邮件|电子信箱|邮箱|E-?mail|联系人)(?:号码)?\s*[:：]",
    re.I,
)
KIND = {
    "地址": "address", "联系地址": "address", "通讯地址": "address", "通信地址": "address", "办公地址": "address",
    "邮编": "postcode", "邮政编码": "postcode",
    "电话": "phone", "联系电话": "phone", "咨询电话": "phone", "办公电话": "phone",
    "传真": "fax",
    "电子邮箱": "email", "电子邮件": "email", "电子信箱": "email", "邮箱": "email", "email": "email", "e-mail": "email",
    "联系人": "person",
}
PHONE = re.compile(r"(?<![\d-])(?:\(0\d{2,3}\)|0\d{2,3}-?)?[1-9]\d{6,7}(?:(?:-|转)\d{1,5})?(?![\d@])|(?<!\d)1[3-9]\d{9}(?!\d)")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
POSTCODE = re.compile(r"(?<!\d)\d{6}(?!\d)")
PERSON = re.compile(r"[\u4e00-\u9fff]{2,4}(?=$|[\s,，;；。)）(（])")
VALUE_END = re.compile(r"[;；。\n]|,(?=\s*\S{0,6}[:：])")
URL = r"(?P<url>(?:https?://)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\.(?:cn|com|net|org|gov)(?:/[A-Za-z0-9_./?=&%#-]*)?)"
WEBSITE = re.compile(r"(?:网址|网站|网页|门户)[”\"]?上?\s*(?:[:：]\s*|[(（]\s*(?:网址\s*[:：]\s*)?)" + URL)
CLUSTER_GAP = 80
CONTACT_CUE = re.compile(r"联系|疑问|咨询|意见")


def extract_contact(doc: Document) -> Contact:
    contact = Contact()
    text = doc.text
    labels = list(LABEL.finditer(text, doc.body_start))
    for group in _clusters(labels):
        kinds = {KIND.get(_kind_key(m.group("label")), "phone+fax") for m in group}
        sentence = doc.sentence_at(group[0].start())
        if len(kinds) < 2 and not (sentence and CONTACT_CUE.search(sentence.text)):
            continue
        for k, m in enumerate(group):
            end = group[k + 1].start() if k + 1 < len(group) else len(text)
            stop = VALUE_END.search(text, m.end(), end)
            value_end = stop.start() if stop else min(end, m.end() + 60)
            _add_field(doc, contact, m, m.end(), value_end, sentence)
        break
    contact.website = _websites(doc)
    return contact


def _kind_key(label: str) -> str:
    return label.lower() if label.lower() in ("email", "e-mail") else label


def _clusters(labels: list[re.Match]) -> list[list[re.Match]]:
    groups: list[list[re.Match]] = []
    for m in labels:
        if groups and m.start() - groups[-1][-1].end() <= CLUSTER_GAP:
            groups[-1].append(m)
        else:
            groups.append([m])
    return groups


def _add_field(doc: Document, contact: Contact, label: re.Match, start: int, end: int, sentence) -> None:
    kind = KIND.get(_kind_key(label.group("label")), "phone+fax")
    segment = doc.text[start:end]
    s_start, s_end = (sentence.start, sentence.end) if sentence else (label.start(), end)
    s_end = max(s_end, end)

    def fact(value: str, v_start: int, v_end: int, rule: str) -> Fact[str]:
        return Fact(value, doc.evidence(s_start, s_end, v_start, v_end, rule))

    if kind == "address":
        raw = segment.rstrip(" ,，、)）")
        if raw.count("(") < raw.count(")") or raw.count("（") < raw.count("）"):
            raw = raw[: max(raw.rfind(")"), raw.rfind("）"))]
        if len(raw.strip()) >= 4 and contact.address is None:
            o_start, o_end = doc.norm.to_source(start, start + len(raw))
            printed = re.sub(r"\s+", "", doc.source.text[o_start:o_end])
            contact.address = fact(printed, start, start + len(raw), "contact.address")
    elif kind == "postcode":
        m = POSTCODE.search(segment)
        if m and contact.postcode is None:
            contact.postcode = fact(m.group(), start + m.start(), start + m.end(), "contact.postcode")
    elif kind == "email":
        for m in EMAIL.finditer(segment):
            if m.group() not in [f.value for f in contact.email]:
                contact.email.append(fact(m.group(), start + m.start(), start + m.end(), "contact.email"))
    elif kind == "person":
        m = PERSON.match(segment.strip())
        if m and contact.person is None:
            lead = len(segment) - len(segment.lstrip())
            contact.person = fact(m.group(), start + lead, start + lead + m.end(), "contact.person")
    else:
        targets = ("phone", "fax") if kind == "phone+fax" else (kind,)
        for m in PHONE.finditer(segment):
            value = m.group().replace("(", "").replace(")", "-") if m.group().startswith("(") else m.group()
            for target in targets:
                facts = getattr(contact, target)
                if value not in [f.value for f in facts]:
                    facts.append(fact(value, start + m.start(), start + m.end(), f"contact.{target}"))


def _websites(doc: Document) -> list[Fact[str]]:
    found: list[Fact[str]] = []
    seen = set()
    for m in WEBSITE.finditer(doc.text, doc.body_start):
        url = m.group("url").rstrip("./")
        key = re.sub(r"^https?://", "", url.lower())
        if key in seen:
            continue
        seen.add(key)
        sentence = doc.sentence_at(m.start("url"))
        s_start, s_end = (sentence.start, sentence.end) if sentence else (m.start(), m.end())
        found.append(Fact(url, doc.evidence(s_start, s_end, m.start("url"), m.end("url"), "contact.website")))
    return found
