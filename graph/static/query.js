// The offline query page: no libraries, and every value from the server is
// written with textContent, never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
let ready = [];

function show(node) {
  const box = $("results");
  box.replaceChildren(node);
}

function cell(tag, text) {
  const el = document.createElement(tag);
  el.textContent = text;
  return el;
}

function termText(term) {
  if (!term) return "";
  if (term.type === "literal" && term["xml:lang"]) return term.value + " @" + term["xml:lang"];
  if (term.type === "bnode") return "_:" + term.value;
  return term.value;
}

function table(data) {
  const vars = data.head.vars || [];
  const tbl = document.createElement("table");
  const head = document.createElement("tr");
  vars.forEach((v) => head.appendChild(cell("th", v)));
  tbl.appendChild(head);
  data.results.bindings.forEach((row) => {
    const tr = document.createElement("tr");
    vars.forEach((v) => tr.appendChild(cell("td", termText(row[v]))));
    tbl.appendChild(tr);
  });
  return tbl;
}

async function run() {
  const started = performance.now();
  $("status").textContent = "running…";
  try {
    const response = await fetch("/sparql", {
      method: "POST",
      headers: {
        "Content-Type": "application/sparql-query",
        "Accept": "application/sparql-results+json, text/turtle;q=0.9",
      },
      body: $("query").value,
    });
    const type = response.headers.get("Content-Type") || "";
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    if (!response.ok) {
      const body = type.includes("json") ? await response.json() : { message: await response.text() };
      $("status").textContent = "HTTP " + response.status + " after " + seconds + " s";
      const message = cell("p", body.message || body.error || "error");
      message.className = "error";
      show(message);
      return;
    }
    const truncated = response.headers.get("X-Result-Truncated") === "true";
    if (type.startsWith("application/sparql-results+json")) {
      const data = await response.json();
      if ("boolean" in data) {
        show(cell("p", String(data.boolean)));
        $("status").textContent = "ASK in " + seconds + " s";
      } else {
        show(table(data));
        $("status").textContent = data.results.bindings.length + " rows in " + seconds + " s" +
          (truncated ? " (truncated at " + response.headers.get("X-Result-Limit") + ")" : "");
      }
    } else {
      show(cell("pre", await response.text()));
      $("status").textContent = "graph in " + seconds + " s" + (truncated ? " (truncated)" : "");
    }
  } catch (err) {
    $("status").textContent = "request failed";
    const message = cell("p", String(err));
    message.className = "error";
    show(message);
  }
}

async function loadReady() {
  try {
    const response = await fetch("/queries.json");
    ready = await response.json();
  } catch (err) {
    return;
  }
  ready.forEach((q) => {
    const option = cell("option", q.name + " — " + q.title);
    option.value = q.name;
    $("ready").appendChild(option);
  });
}

$("ready").addEventListener("change", () => {
  const chosen = ready.find((q) => q.name === $("ready").value);
  $("answers").textContent = chosen ? chosen.answers : "";
  if (chosen) $("query").value = chosen.query;
});
$("run").addEventListener("click", run);
$("query").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) run();
});
loadReady();
