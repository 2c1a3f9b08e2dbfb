// The lab's core: the state kept in the URL's hash, the tabs, the network being inspected, the
// current input and its forward pass and trace (fetched once, shared by every view), start-up.
"use strict";

Lab.tabs = ["draw", "backprop", "demon", "train", "runs"];
Lab.state = { tab: "draw", run: null, split: "test", index: 0, drawn: null, target: null, step: 0, neuron: null };
Lab.network = null;       // GET /api/network
Lab.weights = {};         // layer → rows of weights (first rows only for big layers)
Lab.input = null;         // the 784 values the network sees
Lab.label = null;         // the example's label, null for a drawing
Lab.forward = null;       // POST /api/forward for Lab.input
Lab.trace = null;         // POST /api/trace for Lab.input and the target
Lab.version = 0;          // bumped whenever the network or the input changes

// ---- The URL's hash: tab, run, split & index or x (the drawn input as base64url bytes), target, step, neuron.

Lab.readHash = function () {
  const params = new URLSearchParams(location.hash.slice(1));
  const s = { tab: "draw", run: null, split: "test", index: 0, drawn: null, target: null, step: 0, neuron: null, hasInput: false };
  if (Lab.tabs.includes(params.get("tab"))) s.tab = params.get("tab");
  if (/^\d+$/.test(params.get("run") || "")) s.run = +params.get("run");
  if (["training", "validation", "test"].includes(params.get("split"))) { s.split = params.get("split"); s.hasInput = true; }
  if (/^\d+$/.test(params.get("index") || "")) { s.index = +params.get("index"); s.hasInput = true; }
  if (params.get("x")) {
    try { const bytes = Lab.fromBase64url(params.get("x")); if (bytes.length === 784) { s.drawn = bytes; s.hasInput = true; } } catch (_) { /* ignore a damaged link */ }
  }
  if (/^\d$/.test(params.get("target") || "")) s.target = +params.get("target");
  if (/^\d+$/.test(params.get("step") || "")) s.step = +params.get("step");
  const neuron = /^(\d+),(\d+)$/.exec(params.get("neuron") || "");
  if (neuron) s.neuron = { layer: +neuron[1], j: +neuron[2] };
  return s;
};

Lab.writeHash = function () {
  const s = Lab.state, params = new URLSearchParams();
  params.set("tab", s.tab);
  if (s.run !== null) params.set("run", s.run);
  if (s.drawn) params.set("x", Lab.toBase64url(s.drawn));
  else { params.set("split", s.split); params.set("index", s.index); }
  if (s.target !== null) params.set("target", s.target);
  if (s.step) params.set("step", s.step);
  if (s.neuron) params.set("neuron", `${s.neuron.layer},${s.neuron.j}`);
  const hash = "#" + params.toString().replace(/%2C/g, ",");
  if (location.hash !== hash) history.replaceState(null, "", hash);
};

// ---- Tabs.

Lab.showTab = function (name) {
  Lab.state.tab = name;
  for (const tab of Lab.tabs) {
    document.getElementById("tab-" + tab).hidden = tab !== name;
    const button = document.querySelector(`nav [data-tab="${tab}"]`);
    button.setAttribute("aria-selected", String(tab === name));
  }
  Lab.writeHash();
  Lab.emit("tab", name);
};

// ---- The network.

/// Asks for the lab's network (and its weights beyond the first layer, for the diagram).
Lab.loadNetwork = async function (info) {
  Lab.network = info || await Lab.api("GET", "/api/network");
  Lab.state.run = Lab.network.run !== undefined && Lab.network.run !== null ? Lab.network.run : null;
  const sizes = Lab.network.layerSizes;
  Lab.weights = {};
  for (let l = 3; l <= sizes.length; l++) {
    const rows = sizes[l - 1], columns = sizes[l - 2];
    const limit = rows * columns <= 200000 ? rows : Lab.shownNeurons;
    const reply = await Lab.api("GET", `/api/network/weights?layer=${l}&limit=${limit}`);
    Lab.weights[l] = reply.weights;
  }
  Lab.version++;
  Lab.trace = null;
  Lab.showNetwork();
  Lab.writeHash();
  Lab.emit("network", Lab.network);
  if (Lab.input) await Lab.runForward();
};

/// Makes a stored run's model the lab's network.
Lab.loadRun = async function (id) {
  const info = await Lab.api("POST", `/api/runs/${id}/load`);
  await Lab.loadNetwork(info);
};

Lab.showNetwork = function () {
  const n = Lab.network, box = document.getElementById("network-info");
  box.dataset.run = n.run !== undefined && n.run !== null ? n.run : "";
  box.dataset.layers = n.layerSizes.join(",");
  box.replaceChildren(
    Lab.el("strong", {}, `[${n.layerSizes.join(", ")}]`), " ",
    `σ: ${(n.activations || []).join(", ")}; cost ${n.cost}; ${Number(n.parameterCount || 0).toLocaleString("en")} parameters`,
    n.source ? ` — ${n.source}` : "",
    n.run !== undefined && n.run !== null && !/\brun\b/.test(n.source || "") ? ` — run ${n.run}` : "");
};

// ---- The input, its forward pass and its trace.

/// Makes `values` the input every view shows. source: {split, index, label} for an MNIST image, {drawing: true} else.
Lab.setInput = async function (values, source, { keepTarget = false } = {}) {
  Lab.input = values;
  Lab.version++;
  Lab.trace = null;
  if (source.drawing) {
    Lab.state.drawn = Lab.quantize(values);
    Lab.label = null;
  } else {
    Lab.state.drawn = null;
    Lab.state.split = source.split; Lab.state.index = source.index;
    Lab.label = source.label;
    if (!keepTarget) Lab.state.target = source.label;
  }
  if (!keepTarget) Lab.state.step = 0;
  Lab.writeHash();
  Lab.emit("input", values);
  await Lab.runForward();
};

/// Loads MNIST image `index` of `split` as the input.
Lab.loadExample = async function (split, index, options) {
  const example = await Lab.api("GET", `/api/example?split=${encodeURIComponent(split)}&index=${index}`);
  await Lab.setInput(example.input, { split: example.split, index: example.index, label: example.label, count: example.count }, options);
  Lab.emit("example", example);
};

Lab.runForward = async function () {
  const version = Lab.version;
  const reply = await Lab.api("POST", "/api/forward", { input: Lab.input });
  if (version !== Lab.version) return;
  Lab.forward = reply;
  if (Lab.state.target === null) { Lab.state.target = reply.prediction; Lab.writeHash(); }
  Lab.emit("forward", reply);
};

/// The trace for the current input and target, fetched once per input, target and network.
Lab.getTrace = async function () {
  if (!Lab.input || Lab.state.target === null) return null;
  const key = `${Lab.version}/${Lab.state.target}`;
  if (Lab.trace && Lab.trace.key === key) return Lab.trace;
  if (Lab.tracePending && Lab.tracePending.key === key) return Lab.tracePending.promise;
  const promise = Lab.api("POST", "/api/trace", { input: Lab.input, target: Lab.state.target }).then(reply => {
    reply.key = key;
    if (key === `${Lab.version}/${Lab.state.target}`) { Lab.trace = reply; Lab.emit("trace", reply); }
    return reply;
  }).finally(() => { if (Lab.tracePending && Lab.tracePending.key === key) Lab.tracePending = null; });
  Lab.tracePending = { key, promise };
  return promise;
};

/// For the views that need an input: when there is none yet, MNIST's first test image (once).
Lab.ensureInput = async function () {
  if (Lab.input) return true;
  if (Lab.triedDefault) return false;
  Lab.triedDefault = true;
  try { await Lab.loadExample("test", 0); } catch (e) { Lab.showError(e, "no input yet: draw a digit under Draw & forward, or"); }
  return false;
};

Lab.setTarget = function (digit) {
  if (digit === Lab.state.target) return;
  Lab.state.target = digit;
  Lab.trace = null;
  Lab.writeHash();
  Lab.emit("target", digit);
};

// ---- Start-up: reopen the view the hash describes.

Lab.applyHash = async function () {
  const wanted = Lab.readHash();
  Object.assign(Lab.state, { step: wanted.step, neuron: wanted.neuron });
  try {
    const info = await Lab.api("GET", "/api/network");
    if (wanted.run !== null && info.run !== wanted.run) await Lab.loadRun(wanted.run);
    else await Lab.loadNetwork(info);
  } catch (e) { Lab.showError(e, "network"); }
  Lab.state.target = wanted.target;
  try {
    if (wanted.drawn) await Lab.setInput(Lab.dequantize(wanted.drawn), { drawing: true }, { keepTarget: true });
    else if (wanted.hasInput) await Lab.loadExample(wanted.split, wanted.index, { keepTarget: wanted.target !== null });
  } catch (e) { Lab.showError(e, "input"); }
  Object.assign(Lab.state, { step: wanted.step, neuron: wanted.neuron });
  if (wanted.target !== null) Lab.state.target = wanted.target;
  Lab.showTab(wanted.tab);
};

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("nav [data-tab]").forEach(b => b.addEventListener("click", () => Lab.showTab(b.dataset.tab)));
  document.querySelector("#error .dismiss").addEventListener("click", Lab.clearError);
  Lab.emit("ready");
  Lab.applyHash().finally(() => { document.body.dataset.ready = "true"; });
  // writeHash uses replaceState, which fires no hashchange: this is a link pasted or edited by hand.
  window.addEventListener("hashchange", () => Lab.applyHash());
});
