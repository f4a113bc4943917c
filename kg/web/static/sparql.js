// The SPARQL editor page: YASGUI (vendor/yasgui.min.js) against this server's /query, offline.
(function () {
  "use strict";

  var PREFIXES = [
    ["kg", "https://w3id.org/govinfo-kg/ontology#"],
    ["kgr", "https://w3id.org/govinfo-kg/record/"],
    ["kgm", "https://w3id.org/govinfo-kg/code/metric/"],
    ["kgid", "https://w3id.org/govinfo-kg/id/"],
    ["region", "https://w3id.org/govinfo-kg/id/region/"],
    ["schema", "https://schema.org/"],
    ["dcterms", "http://purl.org/dc/terms/"],
    ["dcat", "http://www.w3.org/ns/dcat#"],
    ["org", "http://www.w3.org/ns/org#"],
    ["skos", "http://www.w3.org/2004/02/skos/core#"],
    ["qb", "http://purl.org/linked-data/cube#"],
    ["sdmx-measure", "http://purl.org/linked-data/sdmx/2009/measure#"],
    ["prov", "http://www.w3.org/ns/prov#"],
    ["oa", "http://www.w3.org/ns/oa#"],
    ["rdfs", "http://www.w3.org/2000/01/rdf-schema#"],
    ["xsd", "http://www.w3.org/2001/XMLSchema#"]
  ];
  var HEADER = PREFIXES.map(function (p) { return "PREFIX " + p[0] + ": <" + p[1] + ">\n"; }).join("") + "\n";
  // the store's IRIs are served here at their path (…/govinfo-kg/id/… on this server)
  var BASE = "https://w3id.org/govinfo-kg/";

  var root = document.getElementById("yasgui");
  var examples = document.querySelectorAll(".examples button[data-query]");
  var endpoint = new URL(root.dataset.endpoint, window.location.href).href;

  // Only the completers that work offline: "property" and "class" ask lov.linkeddata.es.
  // Set on the defaults, not in the config: YASGUI merges arrays index by index, so a
  // shorter list given there would keep the defaults' tail.
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];

  var yasgui = new Yasgui(root, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    // one editor for this store: nothing kept in localStorage between visits (a query or a
    // result left from another store or another day would come back unasked), no query read
    // from the page's URL, no endpoint list naming outside servers
    persistenceId: null,
    populateFromUrl: false,
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    yasqe: { value: HEADER + examples[0].dataset.query, collapsePrefixesOnLoad: true, editorHeight: "260px" },
    yasr: { prefixes: Object.fromEntries(PREFIXES) }
  });

  function tab() { return yasgui.getTab(); }

  examples.forEach(function (button) {
    button.addEventListener("click", function () {
      tab().setQuery(HEADER + button.dataset.query);
      tab().getYasqe().collapsePrefixes(true);
      tab().query().catch(function () {});  // YASR shows the error
    });
  });

  // A result's IRI of this graph opens its page on this server rather than on w3id.org.
  root.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='" + BASE + "']");
    if (link && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      window.location.href = new URL(root.dataset.home + link.href.slice("https://w3id.org/".length), window.location.href).href;
    }
  });
})();
