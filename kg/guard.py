"""What ``kg serve`` refuses to run: SPARQL that makes the server fetch a URL.

``SERVICE <url> {…}`` (a federated query) and ``LOAD <url>`` make Oxigraph, pyoxigraph
included, send an HTTP request to any address the query names: a request to the server
becomes a request from the server's machine (server-side request forgery, into the local
network or to a cloud metadata address). pyoxigraph has no switch to turn federation off and
does not expose the parsed query, so the text is checked.

The check is lexical and errs on the side of refusing: comments, strings, IRIs ``<…>``,
variable names and the local part of prefixed names (``kgm:other_services_change``) are
blanked out, and any ``SERVICE`` or ``LOAD`` left, in any case and whatever precedes or
follows it, refuses the query. A word that merely contains one of them outside those places
(a prefix named ``service:``, ``?s ?p truesErvice``) is refused too: a harmless false refusal,
which writing the name in full (``<http://…>``) avoids. Why not "a keyword not preceded by a
name character": Oxigraph reads ``?s ?p 1SERVICE <url> {…}`` and ``trueSERVICE`` as a literal
followed by SERVICE, and ``SERVICE:x`` as SERVICE followed by the prefixed name ``:x``; all
three fetched the URL in a test. Why not rdflib's SPARQL parser: it took 20-250 ms per
query (kg.store measured it), longer than most queries take, and a second parser that reads
some text differently from Oxigraph's would be a way round the check rather than a check.

Codepoint escapes (``\\u0053ERVICE``) are decoded and the decoded text checked as well, for a
parser that decodes them before reading the query, as the SPARQL grammar describes.
"""

from __future__ import annotations

import re

# Scanned left to right as the parser reads tokens: at each position the first of these that
# starts there is one token. Long strings come before short ones ('"""a""" SERVICE' is a long
# string then code). A comment is '#' not escaped ('ex:a\#b' is a name in Oxigraph).
_HIDDEN = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r"|<[^<>\"{}|^`\\\x00-\x20]*>"
    r"|(?<!\\)#[^\n\r]*"
    # a variable's name; and the local part of a prefixed name or blank node label, the prefix
    # kept in view ('SERVICE:x' is the keyword and ':x' for Oxigraph). ASCII only: a character
    # the parser might end a name at is left in view, never hidden.
    r"|(?<=[?$])[A-Za-z0-9_]+"
    r"|(?<=:)(?:[A-Za-z0-9_\-]|\.(?=[A-Za-z0-9_\-:])|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]|:)+",
    re.S,
)
_FETCHING = re.compile(r"SERVICE|LOAD", re.I)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _visible(text: str) -> str:
    return _HIDDEN.sub(lambda m: " " * len(m.group(0)), text)


def _decoded(text: str) -> str:
    def char(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code < 0x110000 and not 0xD800 <= code < 0xE000 else " "

    return _ESCAPE.sub(char, text)


def fetching_keyword(text: str) -> str | None:
    """``"SERVICE"`` or ``"LOAD"`` if the query or update may fetch a URL, else None."""
    for candidate in (text, _decoded(text)) if "\\" in text else (text,):
        found = _FETCHING.search(_visible(candidate))
        if found:
            return found.group(0).upper()
    return None
