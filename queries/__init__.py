"""Cross-report SPARQL queries (*.rq), shipped as package data (kg.queries)."""
