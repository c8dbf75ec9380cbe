// claimgraph network page: filters, search and the claims panel.
// Document text is only ever set with textContent, never parsed as markup.
// On large graphs, labels are handed to vis-network only for what is on screen once the
// view is zoomed in far enough to read them: measuring tens of thousands of labels
// would double the time to the first frame, and they are unreadable when zoomed out.
(function () {
  "use strict";
  var timing = { start: performance.now(), parsed: null, network: null, firstDraw: null };
  function json(id) { return JSON.parse(document.getElementById(id).textContent); }
  var DATA = json("cg-data");
  var NODES = json("cg-nodes");
  var EDGES = json("cg-edges");
  var OPTIONS = json("cg-options");
  var LAZY = DATA.lazyLabels;  // null, or { scale: zoom from which labels are added }
  timing.parsed = performance.now();
  var SHAPE_SYMBOL = { dot: "\u25cf", hexagon: "\u2b22", square: "\u25a0", diamond: "\u25c6",
    triangle: "\u25b2", star: "\u2605" };
  var DIM = "rgba(200,200,200,0.35)";
  var MAX_LISTED = 200;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  // Filter keys of every node and edge: the sources and modalities of its claims.
  function keysOf(claimIds) {
    var sources = {}, modalities = {};
    claimIds.forEach(function (c) {
      var claim = DATA.claims[c];
      sources[claim.source] = true;
      modalities[claim.modality] = true;
    });
    return { sources: Object.keys(sources).map(Number), modalities: Object.keys(modalities) };
  }
  // Computed when a filter is first turned off: nothing is hidden before.
  var nodeKeys = null, edgeKeys = null;

  var state = {
    kind: {}, relation: {}, modality: {}, source: {},
    highlighted: null, allShown: true
  };
  DATA.kinds.forEach(function (k) { state.kind[k.name] = true; });
  DATA.relations.forEach(function (r) { state.relation[r.name] = true; });
  DATA.modalities.forEach(function (m) { state.modality[m] = true; });
  DATA.sources.forEach(function (s, i) { state.source[i] = true; });

  function passes(keys) {
    var okSource = keys.sources.length === 0 || keys.sources.some(function (s) { return state.source[s]; });
    var okModality = keys.modalities.length === 0 ||
      keys.modalities.some(function (m) { return state.modality[m]; });
    return okSource && okModality;
  }
  function nodeVisible(id) {
    return state.allShown ||
      (state.kind[DATA.nodeInfo[id].kind] === true && passes(nodeKeys[id]));
  }
  function edgeVisible(id) {
    if (state.allShown) { return true; }
    var e = EDGES[id];
    return state.relation[DATA.edgeInfo[id].relation] === true && passes(edgeKeys[id]) &&
      nodeVisible(e.from) && nodeVisible(e.to);
  }

  // vis-network items: without labels on large graphs (see labelInView).
  function unlabelled(item) {
    var copy = {}, k;
    for (k in item) { if (k !== "label") { copy[k] = item[k]; } }
    return copy;
  }
  var nodes = new vis.DataSet(LAZY ? NODES.map(unlabelled) : NODES);
  var edges = new vis.DataSet(LAZY ? EDGES.map(unlabelled) : EDGES);
  var nodeView = new vis.DataView(nodes, { filter: function (n) { return nodeVisible(n.id); } });
  var edgeView = new vis.DataView(edges, { filter: function (e) { return edgeVisible(e.id); } });
  var container = document.getElementById("mynetwork");
  var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, OPTIONS);
  timing.network = performance.now();
  network.once("afterDrawing", function () { timing.firstDraw = performance.now(); });

  function refresh() {
    var all = true;
    ["kind", "relation", "modality", "source"].forEach(function (group) {
      Object.keys(state[group]).forEach(function (k) { all = all && state[group][k]; });
    });
    if (!all && nodeKeys === null) {
      nodeKeys = DATA.nodeInfo.map(function (info) { return keysOf(info.claims); });
      edgeKeys = DATA.edgeInfo.map(function (info) { return keysOf(info.claims); });
    }
    state.allShown = all;
    nodeView.refresh();
    edgeView.refresh();
  }

  // Labels of the actors on screen and of their edges, once zoomed in to LAZY.scale.
  var labelled = LAZY ? { nodes: new Uint8Array(NODES.length), edges: new Uint8Array(EDGES.length) } : null;
  function labelInView() {
    if (!LAZY || network.getScale() < LAZY.scale) { return; }
    var margin = 100;
    var low = network.DOMtoCanvas({ x: -margin, y: -margin });
    var high = network.DOMtoCanvas({ x: container.clientWidth + margin, y: container.clientHeight + margin });
    var positions = network.getPositions();
    var onScreen = new Uint8Array(NODES.length), nodeLabels = [], edgeLabels = [];
    NODES.forEach(function (n) {
      var p = positions[n.id];
      if (p && p.x >= low.x && p.x <= high.x && p.y >= low.y && p.y <= high.y) {
        onScreen[n.id] = 1;
        if (!labelled.nodes[n.id]) { labelled.nodes[n.id] = 1; nodeLabels.push({ id: n.id, label: n.label }); }
      }
    });
    EDGES.forEach(function (e) {
      if (!labelled.edges[e.id] && (onScreen[e.from] || onScreen[e.to])) {
        labelled.edges[e.id] = 1;
        edgeLabels.push({ id: e.id, label: e.label });
      }
    });
    if (nodeLabels.length) { nodes.update(nodeLabels); }
    if (edgeLabels.length) { edges.update(edgeLabels); }
  }
  if (LAZY) {
    network.on("zoom", labelInView);
    network.on("dragEnd", labelInView);
    network.on("animationFinished", labelInView);
  }

  // Summary of what is shown and what was left out.
  (function summary() {
    var s = DATA.summary, box = document.getElementById("cg-summary");
    var text = s.actorsShown + " actors, " + s.edgesShown + " relationships shown.";
    if (s.actorsLeftOut > 0) {
      text += " " + s.actorsLeftOut + " of " + s.actors + " actors (the least connected) and " +
        s.edgesLeftOut + " relationships are left out here; the full graph is in the RDF export.";
      box.className = "cg-truncated";
    }
    box.textContent = text;
  })();

  // Legend and filters.
  function addFilter(boxId, group, value, labelText, swatch) {
    var label = el("label");
    var input = el("input");
    input.type = "checkbox";
    input.checked = true;
    input.value = String(value);
    input.setAttribute("data-filter", group);
    input.addEventListener("change", function () {
      state[group][value] = input.checked;
      refresh();
    });
    label.appendChild(input);
    if (swatch) { label.appendChild(swatch); }
    label.appendChild(el("span", null, labelText));
    label.title = labelText;
    document.getElementById(boxId).appendChild(label);
  }
  DATA.kinds.forEach(function (k) {
    var sw = el("span", "cg-swatch", SHAPE_SYMBOL[k.shape] || "\u25cf");
    sw.style.color = k.color;
    addFilter("cg-filter-kind", "kind", k.name, k.name || "(unknown)", sw);
  });
  DATA.relations.forEach(function (r) {
    var sw = el("span", "cg-line");
    sw.style.background = r.color;
    addFilter("cg-filter-relation", "relation", r.name, r.name + (r.symmetric ? " (symmetric)" : ""), sw);
  });
  DATA.modalities.forEach(function (m) { addFilter("cg-filter-modality", "modality", m, m); });
  DATA.sources.forEach(function (s, i) { addFilter("cg-filter-source", "source", i, s.title); });

  // Side panel.
  var panel = document.getElementById("cg-panel");
  function claimItem(claim) {
    var li = el("li", "cg-claim");
    li.appendChild(el("blockquote", null, claim.text));
    var meta = el("div", "cg-meta");
    meta.appendChild(el("span", "cg-modality", claim.modality));
    if (claim.speaker) { meta.appendChild(el("span", "cg-speaker", "speaker: " + claim.speaker)); }
    meta.appendChild(el("span", "cg-section", claim.section));
    if (claim.heading) { meta.appendChild(el("span", "cg-heading", claim.heading)); }
    li.appendChild(meta);
    var src = DATA.sources[claim.source];
    var line = el("div", "cg-meta");
    var title = el(src.url ? "a" : "span", "cg-source", src.title);
    if (src.url) { title.href = src.url; title.target = "_blank"; title.rel = "noopener noreferrer"; }
    line.appendChild(title);
    if (claim.link) {
      var t = Number(claim.time) || 0;
      var stamp = Math.floor(t / 3600) + ":" + String(Math.floor(t / 60) % 60).padStart(2, "0") +
        ":" + String(t % 60).padStart(2, "0");
      var video = el("a", "cg-video", "\u25b6 " + stamp);
      video.href = claim.link; video.target = "_blank"; video.rel = "noopener noreferrer";
      line.appendChild(video);
    }
    li.appendChild(line);
    return li;
  }
  function showClaims(title, subtitle, claimIds) {
    document.getElementById("cg-panel-title").textContent = title;
    document.getElementById("cg-panel-subtitle").textContent =
      subtitle + " \u2014 " + claimIds.length + (claimIds.length === 1 ? " claim" : " claims");
    var list = document.getElementById("cg-claims");
    list.replaceChildren();
    function fill(from, to) {
      for (var i = from; i < to; i++) { list.appendChild(claimItem(DATA.claims[claimIds[i]])); }
    }
    fill(0, Math.min(MAX_LISTED, claimIds.length));
    if (claimIds.length > MAX_LISTED) {
      var more = el("button", "cg-more", "Show " + (claimIds.length - MAX_LISTED) + " more");
      more.type = "button";
      more.addEventListener("click", function () { more.remove(); fill(MAX_LISTED, claimIds.length); });
      list.after(more);
    }
    panel.hidden = false;
  }
  function clearMore() { document.querySelectorAll(".cg-more").forEach(function (b) { b.remove(); }); }
  function showNode(id) {
    clearMore();
    var info = DATA.nodeInfo[id];
    showClaims(NODES[id].label, info.kind + " \u00b7 claims that mention it", info.claims);
  }
  function showEdge(id) {
    clearMore();
    var e = EDGES[id], info = DATA.edgeInfo[id];
    showClaims(NODES[e.from].label + " " + info.relation + " " + NODES[e.to].label,
      "relationship \u00b7 supporting claims", info.claims);
  }
  document.getElementById("cg-panel-close").addEventListener("click", function () { panel.hidden = true; });
  network.on("click", function (params) {
    if (params.nodes.length > 0) { showNode(params.nodes[0]); }
    else if (params.edges.length > 0) { showEdge(params.edges[0]); }
  });

  // Search: focus an actor and highlight its neighbourhood.
  // The suggestions are filled when the search box is first used, not at startup.
  var names = document.getElementById("cg-names");
  function fillNames() {
    if (names.childElementCount > 0) { return; }
    var all = document.createDocumentFragment();
    NODES.forEach(function (n) { var o = el("option"); o.value = n.label; all.appendChild(o); });
    names.appendChild(all);
  }
  ["focus", "input"].forEach(function (ev) {
    document.getElementById("cg-search").addEventListener(ev, fillNames);
  });
  function find(query) {
    var q = query.trim().toLowerCase();
    if (!q) { return null; }
    var i, hit = null;
    for (i = 0; i < NODES.length; i++) { if (NODES[i].label.toLowerCase() === q) { return i; } }
    for (i = 0; i < NODES.length; i++) {
      if (DATA.nodeInfo[i].aliases.some(function (a) { return a.toLowerCase() === q; })) { return i; }
    }
    for (i = 0; i < NODES.length && hit === null; i++) {
      if (NODES[i].label.toLowerCase().indexOf(q) === 0) { hit = i; }
    }
    for (i = 0; i < NODES.length && hit === null; i++) {
      if (NODES[i].label.toLowerCase().indexOf(q) >= 0) { hit = i; }
    }
    return hit;
  }
  function unhighlight() {
    if (state.highlighted === null) { return; }
    nodes.update(NODES.map(function (n) { return { id: n.id, color: n.color }; }));
    edges.update(EDGES.map(function (e) { return { id: e.id, color: e.color }; }));
    state.highlighted = null;
  }
  function highlight(id) {
    unhighlight();
    var keep = {};
    keep[id] = true;
    var edgeIds = {};
    EDGES.forEach(function (e) {
      if (e.from === id || e.to === id) { keep[e.from] = true; keep[e.to] = true; edgeIds[e.id] = true; }
    });
    nodes.update(NODES.map(function (n) { return { id: n.id, color: keep[n.id] ? n.color : DIM }; }));
    edges.update(EDGES.map(function (e) { return { id: e.id, color: edgeIds[e.id] ? e.color : DIM }; }));
    state.highlighted = { node: id, nodes: Object.keys(keep).map(Number) };
  }
  var status = document.getElementById("cg-search-status");
  function focusActor(query) {
    var id = find(query);
    if (id === null) { status.textContent = "No actor matches \u201c" + query + "\u201d."; return null; }
    status.textContent = nodeVisible(id) ? "" : "\u201c" + NODES[id].label + "\u201d is hidden by the filters.";
    highlight(id);
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: false });
    labelInView();
    showNode(id);
    return id;
  }
  document.getElementById("cg-search-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    focusActor(document.getElementById("cg-search").value);
  });
  document.getElementById("cg-clear").addEventListener("click", function () {
    unhighlight();
    network.unselectAll();
    status.textContent = "";
    document.getElementById("cg-search").value = "";
  });

  window.claimgraph = {
    network: network, nodes: nodes, edges: edges, nodeView: nodeView, edgeView: edgeView,
    state: state, timing: timing, focusActor: focusActor, refresh: refresh,
    labelInView: labelInView
  };
})();
