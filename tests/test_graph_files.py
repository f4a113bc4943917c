"""Graph files are input too: kg validate / query --graph / graph read them fetching nothing and
expanding nothing, as a user runs kg (tests.hostile.run_kg), against a real server on 127.0.0.1
that records whether anything asked it for a context or a DTD."""

from __future__ import annotations

import json
import os

import pytest

from tests.hostile import Handler, local_server, run_kg

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
<!ENTITY lol0 "lollollollollollollollollollol">
{entities}
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
  <rdf:Description rdf:about="http://example.org/a"><ex:p>&lol9;</ex:p></rdf:Description>
</rdf:RDF>
""".format(entities="\n".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)))

TURTLE = """@prefix ex: <http://example.org/> .
ex:a ex:p "x" .
"""


class Records(Handler):
    """Answers every GET with a JSON-LD context (what a fetch would want) and records the path."""

    def do_GET(self):  # noqa: N802 - http.server's naming
        self.server.hits.append(self.path)
        self.answer(200, json.dumps({"@context": {"name": "http://example.org/name"}}).encode(), Content_Type="application/ld+json")


@pytest.fixture()
def server():
    with local_server(Records, hits=[]) as httpd:
        yield httpd


def one_line_failure(run, path) -> str:
    assert "Traceback" not in run.stderr, run.stderr[-2000:]
    assert run.returncode == 2, (run.returncode, run.stderr)
    assert run.stderr.count("\n") == 1 and run.errors and run.errors[0].startswith(f"kg: {path}: "), run.stderr
    return run.errors[0]


@pytest.mark.parametrize("context", [
    "http://127.0.0.1:{port}/ctx",  # the document's context by URL
    ["http://127.0.0.1:{port}/ctx"],  # in a list
    {"@import": "http://127.0.0.1:{port}/ctx"},  # imported into an inline context
    {"knows": {"@id": "http://example.org/knows", "@context": "http://127.0.0.1:{port}/ctx"}},  # a term's scoped context
])
def test_a_json_ld_context_by_reference_is_refused_and_not_fetched(tmp_path, server, context):
    port = server.server_address[1]
    context = json.loads(json.dumps(context).replace("{port}", str(port)))
    path = tmp_path / "remote.jsonld"
    path.write_text(json.dumps({"@context": context, "@id": "http://example.org/a", "name": "x"}), encoding="utf-8")
    run = run_kg("validate", path, timeout=60)
    assert "context" in one_line_failure(run, path)
    assert server.hits == []
    query = run_kg("query", "applications-per-year", "--graph", path, timeout=60)
    one_line_failure(query, path)
    assert server.hits == []


def test_a_json_ld_context_given_inline_is_read(tmp_path):
    path = tmp_path / "inline.jsonld"
    path.write_text(json.dumps({"@context": {"ex": "http://example.org/"}, "@id": "ex:a", "ex:p": "x"}), encoding="utf-8")
    run = run_kg("validate", path, timeout=60)
    assert run.returncode == 0 and "conforms" in run.stdout, run.stderr


def test_billion_laughs_is_refused_at_once(tmp_path):
    path = tmp_path / "laughs.rdf"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    run = run_kg("validate", path, timeout=60)
    assert "entity" in one_line_failure(run, path)
    assert run.seconds < 10, run.seconds


def test_an_external_dtd_is_not_fetched(tmp_path, server):
    port = server.server_address[1]
    path = tmp_path / "dtd.rdf"
    path.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF SYSTEM "http://127.0.0.1:{port}/rdf.dtd">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
  <rdf:Description rdf:about="http://example.org/a"><ex:p>x</ex:p></rdf:Description>
</rdf:RDF>
""", encoding="utf-8")
    run = run_kg("validate", path, timeout=60)
    assert run.returncode == 0, run.stderr
    assert server.hits == []


def test_rdf_xml_and_turtle_without_entities_still_validate(tmp_path):
    turtle = tmp_path / "plain.ttl"
    turtle.write_text(TURTLE, encoding="utf-8")
    xml = tmp_path / "plain.rdf"
    xml.write_text("""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
  <rdf:Description rdf:about="http://example.org/a"><ex:p>x</ex:p></rdf:Description>
</rdf:RDF>
""", encoding="utf-8")
    for path in (turtle, xml):
        run = run_kg("validate", path, timeout=60)
        assert run.returncode == 0 and "conforms" in run.stdout, run.stderr


def test_a_fifo_or_a_device_is_not_a_regular_file(tmp_path):
    fifo = tmp_path / "graph.ttl"
    os.mkfifo(fifo)
    for path in (fifo, "/dev/zero"):
        run = run_kg("validate", path, timeout=30)
        assert one_line_failure(run, path).endswith("not a regular file")


def test_a_graph_file_over_the_limit_is_refused(tmp_path):
    path = tmp_path / "big.ttl"
    path.write_text(TURTLE + "# " + "x" * (2 << 20) + "\n", encoding="utf-8")
    run = run_kg("validate", path, timeout=60, env={"KG_GRAPH_MB": "1"})
    assert "KG_GRAPH_MB" in one_line_failure(run, path)
    assert run_kg("validate", path, timeout=60, env={"KG_GRAPH_MB": "3"}).returncode == 0


@pytest.mark.parametrize("name, text, reason", [
    ("string.ttl", '@prefix ex: <http://example.org/> .\nex:a ex:p "x" .\n\nex:b ex:p "unterminated .\nex:c ex:p "y" .\n', "newline found in string literal"),
    ("prefix.ttl", "@prefix ex: <http://example.org/> .\nex:a ex:p ex:b .\nex:c ex:p ex:d .\nex:e ex:p nope:f .\n", 'Prefix "nope:" not bound'),
    ("graph.trig", '@prefix ex: <http://example.org/> .\nex:g {\n  ex:a ex:p ex:b .\n  ex:c ex:p ex:d ex:e .\n}\n', "expected '.' or '}' or ']' at end of statement"),
    ("tags.rdf", '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n<rdf:Description rdf:about="http://example.org/a">\n</rdf:RDF>\n', "mismatched tag"),
    ("comma.jsonld", '{"@id": "http://example.org/a",\n "http://example.org/p":\n\n  [1,,2]}\n', "Expecting value"),
])
def test_a_broken_graph_file_names_the_line_and_the_parser_reason(tmp_path, name, text, reason):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    run = run_kg("validate", path, timeout=60)
    assert one_line_failure(run, f"{path}:4").endswith(f"graph: {reason}")
