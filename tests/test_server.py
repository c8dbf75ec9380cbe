"""Tests of graph.server: the real endpoint on a free loopback port, over HTTP.

Clients are the ones users have: httpx, SPARQLWrapper and a raw http.client
connection (for paths that clients would normalise before sending).
"""

from __future__ import annotations

import csv
import http.client
import io
import json
import os
import shutil
import threading
import time
import xml.etree.ElementTree as ET
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import rdflib
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from graph.errors import ReadError
from graph.query import ready_queries
from graph.server import start_server

MINI = Path(__file__).resolve().parent / "fixtures" / "sparql" / "mini.ttl"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SECRET = "top secret, outside the served folder"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    (root / "secret.txt").write_text(SECRET)
    exports = root / "exports"
    exports.mkdir()
    shutil.copy(MINI, exports / "graph.ttl")
    (exports / "graph.html").write_text("<html><body>network view</body></html>")
    running = start_server(exports, timeout=2.0, max_results=50, workers=2)
    yield running
    running.stop()


@pytest.fixture
def client(server):
    with httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


def _raw_get(server, path: str) -> tuple[int, bytes]:
    host, port = server.httpd.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=30)
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def test_server_binds_to_loopback_by_default(server):
    assert server.httpd.server_address[0] == "127.0.0.1"


def test_server_get_query_returns_sparql_results_json(client):
    response = client.get("/sparql", params={"query": COUNT})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    assert response.json()["results"]["bindings"][0]["n"]["value"] == "379"


def test_server_post_sparql_query_body(client):
    response = client.post("/sparql", content="ASK { ?s cg:suppliesTo ?o }",
                           headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 200 and response.json()["boolean"] is True


def test_server_answers_sparqlwrapper_get_and_post(server):
    for method in ("GET", POST):
        wrapper = SPARQLWrapper(server.url + "/sparql")
        wrapper.setMethod(method)
        wrapper.setReturnFormat(JSON)
        wrapper.setQuery(ready_queries()["depends-on"].text)
        rows = wrapper.query().convert()["results"]["bindings"]
        assert [(r["dependentLabel"]["value"], r["dependencyLabel"]["value"]) for r in rows] == [
            ("Russia", "China")]


def test_server_sparqlwrapper_construct_as_turtle(server):
    wrapper = SPARQLWrapper(server.url + "/sparql")
    wrapper.setReturnFormat(TURTLE)
    wrapper.setQuery("CONSTRUCT WHERE { ?a cg:dependsOn ?b }")
    graph = rdflib.Graph().parse(data=wrapper.query().convert(), format="turtle")
    assert len(graph) == 1


@pytest.mark.parametrize(("accept", "media"), [
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("text/html, */*;q=0.1", "application/sparql-results+json"),
])
def test_server_negotiates_select_formats(client, accept, media):
    query = 'SELECT ?l WHERE { ?a a cg:Country ; rdfs:label ?l } ORDER BY ?l'
    response = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    if media == "text/csv":
        assert next(iter(csv.reader(io.StringIO(response.text)))) == ["l"]
        assert "Kazakhstan" in response.text
    elif media.endswith("xml"):
        assert len(ET.fromstring(response.content).findall(
            ".//{http://www.w3.org/2005/sparql-results#}result")) == 5


@pytest.mark.parametrize(("accept", "syntax"), [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"),
    ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml"),
])
def test_server_negotiates_graph_formats(client, accept, syntax):
    query = "CONSTRUCT WHERE { ?a cg:suppliesTo ?b }"
    response = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == accept
    assert len(rdflib.Graph().parse(data=response.text, format=syntax)) == 2


def test_server_answers_406_when_no_offered_type_fits(client):
    response = client.get("/sparql", params={"query": COUNT}, headers={"Accept": "text/turtle"})
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.json()["message"]


def test_server_malformed_query_is_400_with_parser_message(client):
    response = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "malformed query" and body["line"] == 1
    assert "expected" in body["parser"]


def test_server_malformed_query_raises_querybadformed_in_sparqlwrapper(server):
    wrapper = SPARQLWrapper(server.url + "/sparql")
    wrapper.setQuery("SELECT * WHERE { ?s ?p }")
    with pytest.raises(QueryBadFormed, match="expected"):
        wrapper.query()


@pytest.mark.parametrize("request_kwargs", [
    {"method": "POST", "data": {"update": "DROP ALL"}},
    {"method": "GET", "params": {"update": "CLEAR DEFAULT"}},
    {"method": "POST", "content": "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
     "headers": {"Content-Type": "application/sparql-update"}},
    {"method": "GET", "params": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
    {"method": "POST", "data": {"query": "LOAD <http://127.0.0.1:9/x.ttl>"}},
    {"method": "GET", "params": {"query": "SELECT * { SERVICE <http://127.0.0.1:9/> {?s ?p ?o} }"}},
])
def test_server_refuses_updates_and_service_with_403(client, request_kwargs):
    kwargs = dict(request_kwargs)
    response = client.request(kwargs.pop("method"), "/sparql", **kwargs)
    assert response.status_code == 403
    assert response.json()["error"] == "refused"
    assert client.get("/sparql", params={"query": COUNT}).json()[
        "results"]["bindings"][0]["n"]["value"] == "379"


def test_server_cuts_a_runaway_query_with_503_and_keeps_serving(client):
    response = client.get("/sparql", params={"query": RUNAWAY})
    assert response.status_code == 503
    assert response.json()["error"] == "timeout"
    after = client.get("/sparql", params={"query": COUNT})
    assert after.status_code == 200


def test_server_truncates_results_over_the_limit_with_headers(client):
    response = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert response.status_code == 200
    assert response.headers["x-result-truncated"] == "true"
    assert response.headers["x-result-limit"] == "50"
    assert len(response.json()["results"]["bindings"]) == 50


def test_server_does_not_flag_results_within_the_limit(client):
    response = client.get("/sparql", params={"query": COUNT})
    assert "x-result-truncated" not in response.headers


def test_server_rejects_missing_query_and_unknown_post_type(client):
    assert client.get("/sparql").status_code == 400
    response = client.post("/sparql", content="x", headers={"Content-Type": "text/plain"})
    assert response.status_code == 415


def test_server_root_serves_the_network_html(client):
    response = client.get("/")
    assert response.status_code == 200 and "network view" in response.text


def test_server_query_page_is_offline_and_escapes_results(client):
    page = client.get("/query")
    script = client.get("/static/query.js")
    assert page.status_code == 200 and script.status_code == 200
    assert "http://" not in page.text and "https://" not in page.text
    assert "textContent" in script.text and "innerHTML" not in script.text
    assert page.headers["content-security-policy"] == "default-src 'self'"
    names = [q["name"] for q in client.get("/queries.json").json()]
    assert "conflicting-figures" in names


@pytest.mark.parametrize("path", [
    "/../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E%2Fsecret.txt",
    "/static/../../../secret.txt",
    "/static/%2e%2e/%2e%2e/server.py",
    "//etc/passwd",
    "/%2Fetc%2Fpasswd",
    "/..%5Csecret.txt",
])
def test_server_static_files_cannot_escape_the_served_folder(server, path):
    status, body = _raw_get(server, path)
    assert status == 404
    assert SECRET.encode() not in body and b"root:" not in body


def test_server_serves_other_files_beside_the_html(server):
    status, body = _raw_get(server, "/graph.ttl")
    assert status == 200 and b"schema:Claim" in body


def _hammer(server, clients: int, seconds: float) -> Counter[tuple[int, str]]:
    """``clients`` threads cycling through the ready queries for ``seconds``; statuses seen."""
    queries = [q.text for q in ready_queries().values()]
    stop_at = time.monotonic() + seconds
    statuses: Counter[tuple[int, str]] = Counter()
    lock = threading.Lock()

    def client_loop(index: int) -> None:
        with httpx.Client(base_url=server.url, timeout=30) as c:
            turn = index
            while time.monotonic() < stop_at:
                query = queries[turn % len(queries)]
                response = (c.post("/sparql", data={"query": query}) if turn % 2
                            else c.get("/sparql", params={"query": query}))
                error = response.json().get("error", "") if response.status_code != 200 else ""
                with lock:
                    statuses[(response.status_code, error)] += 1
                turn += 1

    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(client_loop, range(clients)))
    return statuses


def _server_errors(statuses: Counter[tuple[int, str]]) -> dict:
    """Every answer that is neither 200 nor a 503 for a timeout or a busy pool."""
    return {k: n for k, n in statuses.items()
            if k[0] != 200 and not (k[0] == 503 and k[1] in ("timeout", "busy"))}


def test_server_burst_of_concurrent_clients_gets_no_server_errors(server):
    statuses = _hammer(server, clients=20, seconds=3.0)
    assert sum(statuses.values()) >= 20
    assert _server_errors(statuses) == {}
    assert statuses[(200, "")] > 0


def test_server_error_bodies_are_json(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert json.loads(response.text)["error"] == "not found"


def test_server_serves_from_an_on_disk_store(tmp_path):
    with start_server(MINI, store_dir=tmp_path / "db", workers=1) as running:
        response = httpx.get(running.url + "/sparql", params={"query": COUNT}, timeout=30)
    assert response.json()["results"]["bindings"][0]["n"]["value"] == "379"
    assert (tmp_path / "db" / "claimgraph-loaded.json").is_file()


def test_start_server_reports_unparsable_data_as_read_error(tmp_path):
    bad = tmp_path / "graph.ttl"
    bad.write_text("<urn:a> <urn:p> .\n")
    with pytest.raises(ReadError, match="not valid Turtle"):
        start_server(bad, workers=1)


def test_server_refuses_a_foreign_host_header(server):
    # A DNS-rebinding page would reach 127.0.0.1 under its own domain name.
    response = httpx.get(server.url + "/sparql", params={"query": "ASK { ?s ?p ?o }"},
                         headers={"Host": "evil.example:7878"})
    assert response.status_code == 421
    assert "loopback" in response.json()["message"]
    ok = httpx.get(server.url + "/sparql", params={"query": "ASK { ?s ?p ?o }"},
                   headers={"Host": "localhost"})
    assert ok.status_code == 200


def test_server_sends_graph_html_with_a_no_network_policy(server):
    response = httpx.get(server.url + "/")
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "connect-src 'none'" in policy


def _tree_rss_mb(root: int) -> float:
    """Resident memory of ``root`` and its descendants, from /proc."""
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            continue
        rss = next((line.split()[1] for line in status.splitlines()
                    if line.startswith("VmRSS:")), "0")
        total += int(rss)
        stack.extend(int(c) for c in children)
    return total / 1024


@pytest.mark.slow
def test_server_load_of_50_clients_for_20_seconds_gives_no_5xx_and_no_memory_blow_up(server):
    httpx.post(server.url + "/sparql", data={"query": "ASK { ?s ?p ?o }"}, timeout=30)
    before = _tree_rss_mb(os.getpid())
    statuses = _hammer(server, clients=50, seconds=20.0)
    after = _tree_rss_mb(os.getpid())
    assert _server_errors(statuses) == {}
    assert statuses[(200, "")] >= 50
    assert after - before < 300, f"memory grew from {before:.0f} MB to {after:.0f} MB"
