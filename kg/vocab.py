"""RDF namespaces kg writes: its own (closed kg:, code lists, ids) and those rdflib lacks."""

from __future__ import annotations

import re

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, QB, RDF, RDFS, SH, SKOS, XSD, DefinedNamespace

BASE = "https://w3id.org/govinfo-kg/"
ONTOLOGY = BASE + "ontology"  # the ontology's IRI, and the graph a store keeps it in
NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')  # characters an IRI may not hold (RFC 3987, SPARQL's IRIREF)


class KG(DefinedNamespace):
    """kg's ontology terms (ontology/kg.ttl); a misspelt term raises AttributeError."""

    _NS = Namespace(BASE + "ontology#")
    _fail = True

    # classes and individuals
    ReportFormat: URIRef
    NarrativeFormat: URIRef
    StandardTemplate: URIRef
    Template2019: URIRef
    Template2021: URIRef
    disclosureStats: URIRef
    disclosureStatsStructure: URIRef
    applicantStats: URIRef
    applicantStatsStructure: URIRef
    textFigures: URIRef
    reportSlice: URIRef
    applicantSlice: URIRef
    MetricScheme: URIRef
    ApplicantScheme: URIRef
    PlatformScheme: URIRef
    UnitScheme: URIRef
    # properties
    reportYear: URIRef
    disclosureChannel: URIRef
    sourcePath: URIRef
    contactPerson: URIRef
    agency: URIRef
    metric: URIRef
    applicantType: URIRef
    approximate: URIRef
    sourceReport: URIRef
    rule: URIRef
    valueStart: URIRef
    valueEnd: URIRef
    tableIndex: URIRef
    tableRow: URIRef
    tableColumn: URIRef
    channelCount: URIRef
    mappedBy: URIRef
    recordFigureCount: URIRef
    # agencies and the divisions they belong to
    agencyName: URIRef
    regionInYear: URIRef
    divisionLevel: URIRef
    AgencyKindScheme: URIRef
    Government: URIRef
    Department: URIRef
    Township: URIRef
    StreetOffice: URIRef
    OtherAgency: URIRef
    # consistency checks (kg.checks)
    CheckFailure: URIRef
    ConsistencyCheck: URIRef
    CheckScheme: URIRef
    OutcomesAddUp: URIRef
    ColumnsAddUp: URIRef
    ApplicationsBalance: URIRef
    AppealsAddUp: URIRef
    TextAgreesWithTables: URIRef
    CarryOverFollowsLastYear: URIRef
    check: URIRef
    checkedPart: URIRef
    leftValue: URIRef
    rightValue: URIRef
    comparedFigure: URIRef
    recordMetric: URIRef


KGID = Namespace(BASE + "id/")
KGM = Namespace(BASE + "code/metric/")
KGP = Namespace(BASE + "code/platform/")
KGU = Namespace(BASE + "code/unit/")
KGA = Namespace(BASE + "code/applicant/")
REGION = Namespace(BASE + "id/region/")  # GB/T 2260 divisions (kgid:region/320813)
KGR = Namespace(BASE + "record/")  # a report's record figures as direct properties (kgr:applications_received)

DCAT = Namespace("http://www.w3.org/ns/dcat#")  # rdflib's DCAT lacks DCAT 3 (DatasetSeries, inSeries, prev...)
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
OA = Namespace("http://www.w3.org/ns/oa#")
DQV = Namespace("http://www.w3.org/ns/dqv#")
SDMX_DIM = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SDMX_ATTR = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
SCHEMA = Namespace("https://schema.org/")
YEAR = Namespace("http://reference.data.gov.uk/id/year/")
IANA = Namespace("https://www.iana.org/assignments/media-types/")
RFC3778 = URIRef("http://tools.ietf.org/rfc/rfc3778")

PREFIXES: dict[str, Namespace] = {  # DefinedNamespaces by their _NS
    "kg": KG._NS,
    "kgid": KGID,
    "kgm": KGM,
    "kgp": KGP,
    "kgu": KGU,
    "kga": KGA,
    "kgr": KGR,
    "region": REGION,
    "dcat": DCAT,
    "dcterms": DCTERMS._NS,
    "dqv": DQV,
    "org": ORG._NS,
    "owl": OWL._NS,
    "prov": PROV._NS,
    "qb": QB._NS,
    "rdf": RDF._NS,
    "rdfs": RDFS._NS,
    "schema": SCHEMA,
    "sdmx-attribute": SDMX_ATTR,
    "sdmx-dimension": SDMX_DIM,
    "sdmx-measure": SDMX_MEASURE,
    "sh": SH._NS,
    "skos": SKOS._NS,
    "oa": OA,
    "vcard": VCARD,
    "xsd": XSD._NS,
    "year": YEAR,
}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind kg's prefixes on ``graph`` (replacing rdflib's defaults of the same name)."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, Namespace(str(namespace)), override=True, replace=True)
    return graph
