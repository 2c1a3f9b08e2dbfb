// "Demon": the book's demon adds Δz to one neuron's weighted input and the cost changes by about
// δ·Δz (POST /api/demon); nudging one weight or bias by Δw changes it by about ∂C/∂w·Δw
// (POST /api/nudge). Both update live as the sliders move, and plot measured against predicted.
"use strict";

Lab.demon = { points: [], nudgePoints: [] };

Lab.on("ready", () => {
  const $ = id => document.getElementById(id);
  const link = (slider, box, run) => {
    slider.addEventListener("input", () => { box.value = slider.value; run(); });
    box.addEventListener("input", () => { if (box.value !== "" && Number.isFinite(+box.value)) { slider.value = box.value; run(); } });
  };
  const demon = Lab.coalesce(async () => {
    if (!Lab.input || Lab.state.target === null) return;
    const request = { input: Lab.input, target: Lab.state.target, layer: +$("demon-layer").value, neuron: +$("demon-neuron").value, dz: +$("demon-dz-value").value };
    const key = `${Lab.version}/${request.target}/${request.layer}/${request.neuron}`;
    const reply = await Lab.api("POST", "/api/demon", request);
    if (Lab.demon.key !== key) { Lab.demon.key = key; Lab.demon.points = []; }
    Lab.demon.points.push([request.dz, reply.measured, reply.predicted]);
    Lab.demon.show(reply, request);
  });
  const nudge = Lab.coalesce(async () => {
    if (!Lab.input || Lab.state.target === null) return;
    const request = { input: Lab.input, target: Lab.state.target, layer: +$("nudge-layer").value, j: +$("nudge-j").value, dw: +$("nudge-dw-value").value };
    if ($("nudge-k").value !== "") request.k = +$("nudge-k").value;
    const key = `${Lab.version}/${request.target}/${request.layer}/${request.j}/${request.k}`;
    const reply = await Lab.api("POST", "/api/nudge", request);
    if (Lab.demon.nudgeKey !== key) { Lab.demon.nudgeKey = key; Lab.demon.nudgePoints = []; }
    Lab.demon.nudgePoints.push([request.dw, reply.measured, reply.predicted]);
    Lab.demon.showNudge(reply, request);
  });
  Lab.demon.run = demon; Lab.demon.runNudge = nudge;
  link($("demon-dz"), $("demon-dz-value"), demon);
  link($("nudge-dw"), $("nudge-dw-value"), nudge);
  for (const id of ["demon-layer", "demon-neuron"]) $(id).addEventListener("change", () => { Lab.demon.limits(); demon(); Lab.demon.renderDiagram(); });
  for (const id of ["nudge-layer", "nudge-j", "nudge-k"]) $(id).addEventListener("change", () => { Lab.demon.limits(); nudge(); Lab.demon.renderDiagram(); });
});

/// Keeps the neuron and weight fields inside the network's layers.
Lab.demon.limits = function () {
  const $ = id => document.getElementById(id), sizes = Lab.network.layerSizes, L = sizes.length;
  for (const id of ["demon-layer", "nudge-layer"]) {
    const select = $(id), value = select.value;
    if (select.options.length !== L - 1) {
      select.replaceChildren(...sizes.slice(1).map((_, i) => Lab.el("option", { value: i + 2 }, `layer ${i + 2}${i + 2 === L ? " (output)" : ""}`)));
      select.value = value && +value <= L ? value : (id === "nudge-layer" ? L : 2);
    }
  }
  $("demon-neuron").max = sizes[$("demon-layer").value - 1] - 1;
  $("nudge-j").max = sizes[$("nudge-layer").value - 1] - 1;
  $("nudge-k").max = sizes[$("nudge-layer").value - 2] - 1;
  for (const id of ["demon-neuron", "nudge-j", "nudge-k"]) {
    const box = $(id);
    if (box.value !== "" && +box.value > +box.max) box.value = box.max;
  }
};

Lab.demon.show = function (reply, request) {
  const { el } = Lab, s = Lab.superscript(request.layer), j = Lab.subscript(request.neuron);
  document.getElementById("demon-results").replaceChildren(
    el("p", {}, `C = `, Lab.num(reply.cost, "demon-cost"), `,  C(z${s}${j} + Δz) = `, Lab.num(reply.nudgedCost, "demon-nudged")),
    el("p", { class: "big" }, "ΔC measured = ", Lab.num(reply.measured, "demon-measured"), "  ≈  δ", s, j, " · Δz = ",
       Lab.num(reply.delta, "demon-delta"), " · ", Lab.fmt(request.dz), " = ", Lab.num(reply.predicted, "demon-predicted")),
    el("p", { class: "note" }, Lab.demon.agreement(reply.measured, reply.predicted)));
  Lab.demon.plot("demon-chart", Lab.demon.points, "Δz");
};

Lab.demon.showNudge = function (reply, request) {
  const { el } = Lab, s = Lab.superscript(request.layer), j = Lab.subscript(request.j);
  const what = request.k === undefined ? `b${s}${j}` : `w${s}${j},${Lab.subscript(request.k)}`;
  document.getElementById("nudge-results").replaceChildren(
    el("p", {}, `C = `, Lab.num(reply.cost, "nudge-cost"), `,  C(${what} + Δ) = `, Lab.num(reply.nudgedCost, "nudge-nudged")),
    el("p", { class: "big" }, "ΔC measured = ", Lab.num(reply.measured, "nudge-measured"), `  ≈  ∂C/∂${what} · Δ = `,
       Lab.num(reply.gradient, "nudge-gradient"), " · ", Lab.fmt(request.dw), " = ", Lab.num(reply.predicted, "nudge-predicted")),
    el("p", { class: "note" }, Lab.demon.agreement(reply.measured, reply.predicted)));
  Lab.demon.plot("nudge-chart", Lab.demon.nudgePoints, request.k === undefined ? "Δb" : "Δw");
};

Lab.demon.agreement = function (measured, predicted) {
  if (measured === 0 && predicted === 0) return "No change: this neuron does not reach the cost here.";
  const ratio = predicted === 0 ? Infinity : measured / predicted;
  return `measured / predicted = ${Lab.fmt(ratio, 4)}: the first-order estimate is ${Math.abs(ratio - 1) < 0.01 ? "very close" : Math.abs(ratio - 1) < 0.1 ? "close" : "off: the change is too large for a straight line"}.`;
};

/// Measured ΔC at each Δz tried against the straight line of the gradient.
Lab.demon.plot = function (id, points, x) {
  const sorted = [...new Map(points.map(p => [p[0], p])).values()].sort((a, b) => a[0] - b[0]);
  Lab.lineChart(document.getElementById(id), {
    series: [{ name: "ΔC measured", color: "#d62728", points: sorted.map(p => [p[0], p[1]]) },
             { name: "gradient · Δ", color: "#1f77b4", points: sorted.map(p => [p[0], p[2]]) }],
    xLabel: x, yLabel: "ΔC", testid: id, legend: true, xFromData: true });
};

Lab.demon.renderDiagram = async function () {
  if (Lab.state.tab !== "demon" || !Lab.network) return;
  Lab.demon.limits();
  if (!await Lab.ensureInput()) return;
  let trace;
  try { trace = await Lab.getTrace(); } catch (e) { Lab.showError(e, "trace"); return; }
  if (!trace) { document.getElementById("demon-results").textContent = "Pick an image or draw a digit first."; return; }
  const $ = id => document.getElementById(id), scales = {};
  for (const layer of trace.layers) scales[layer.layer] = Lab.maxAbs(layer.delta);
  const nudgeK = $("nudge-k").value === "" ? undefined : +$("nudge-k").value;
  Lab.drawDiagram($("demon-diagram"), {
    layerSizes: Lab.network.layerSizes, input: trace.input,
    selected: { layer: +$("demon-layer").value, j: +$("demon-neuron").value },
    selectedEdge: nudgeK === undefined ? null : { layer: +$("nudge-layer").value, j: +$("nudge-j").value, k: nudgeK },
    fill: (l, j) => Lab.diverging(Lab.bp.layer(trace, l).delta[j] / scales[l]),
    edge: (l, j, k) => Lab.weights[l] && Lab.weights[l][j] ? Lab.weights[l][j][k] : null,
    outputLabel: j => `${j}: y = ${trace.target[j]}`,
    onClick: t => {
      if (t.k !== undefined) {
        $("nudge-layer").value = t.layer; Lab.demon.limits(); $("nudge-j").value = t.j; $("nudge-k").value = t.k; Lab.demon.runNudge();
      } else {
        $("demon-layer").value = t.layer; Lab.demon.limits(); $("demon-neuron").value = t.j;
        Lab.state.neuron = { layer: t.layer, j: t.j }; Lab.writeHash(); Lab.demon.run();
      }
      Lab.demon.renderDiagram();
    },
    onHover: t => {
      const box = $("demon-hover");
      if (!t) { box.textContent = "Click a neuron to set the demon on it, or a weight to nudge it."; return; }
      const layer = Lab.bp.layer(trace, t.layer);
      box.textContent = t.k === undefined
        ? `layer ${t.layer}, neuron ${t.j}: δ = ∂C/∂z = ${Lab.fmt(layer.delta[t.j])}`
        : `w${Lab.superscript(t.layer)}${Lab.subscript(t.j)},${Lab.subscript(t.k)}: ∂C/∂w = ${Lab.fmt(layer.nablaW[t.j][t.k])}`;
    },
  });
  $("demon-target").textContent = `Desired digit ${Lab.state.target} (choose it under Backprop steps); cost C = ${Lab.fmt(trace.cost)}.`;
};

Lab.on("tab", tab => {
  if (tab !== "demon" || !Lab.network) return;
  const n = Lab.state.neuron, $ = id => document.getElementById(id);
  Lab.demon.limits();
  if (n && n.layer >= 2 && n.layer <= Lab.network.layerSizes.length) { $("demon-layer").value = n.layer; Lab.demon.limits(); $("demon-neuron").value = n.j; }
  Lab.demon.renderDiagram();
  Lab.demon.run(); Lab.demon.runNudge();
});
for (const name of ["forward", "target", "network"]) Lab.on(name, () => {
  if (Lab.state.tab !== "demon") return;
  Lab.demon.renderDiagram(); Lab.demon.run(); Lab.demon.runNudge();
});
