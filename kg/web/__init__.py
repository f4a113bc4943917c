"""kg's web front end: pages for people over a served store, and its IRIs dereferenced.

The pages are the store's resources: a region, agency, report or observation IRI under the
store's base is also the path of its page on the server (``https://w3id.org/govinfo-kg/id/agency/…``
is served at ``/govinfo-kg/id/agency/…``), so a portal that proxies its own domain to kg serve
has every IRI dereference. A browser gets HTML, a machine Turtle, JSON-LD or N-Triples
(``Accept``). Every page reads the store through SPARQL files in ``kg/web/queries`` run by the
server's worker processes, under the same time limit as /query.
"""
