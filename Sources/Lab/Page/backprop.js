// "Backprop steps": the desired digit, the steps (forward, BP1 at the output, BP2 once per layer
// going back, BP3, BP4), the diagram coloured by what each step has computed, and the step's
// equation with its numbers filled in for the chosen or hovered neuron or weight.
// The tables and gradient images are in backprop-numbers.js. Every number comes from /api/trace.
"use strict";

Lab.bp = { hover: null, weight: null };
const sup = l => l === "L" ? "ᴸ" : Lab.superscript(l), sub = Lab.subscript;

/// The steps for the current network: forward, BP1, BP2 for layers L−1 … 2, BP3, BP4.
Lab.bp.steps = function () {
  const L = Lab.network.layerSizes.length;
  const steps = [{ kind: "forward", name: "Forward: z = wa + b, a = σ(z)" },
                 { kind: "bp1", layer: L, name: `BP1: δ${sup(L)} at the output` }];
  for (let l = L - 1; l >= 2; l--) steps.push({ kind: "bp2", layer: l, name: `BP2: δ${sup(l)} from δ${sup(l + 1)}` });
  steps.push({ kind: "bp3", name: "BP3: ∂C/∂b = δ" }, { kind: "bp4", name: "BP4: ∂C/∂w = aδ" });
  return steps;
};
Lab.bp.layer = (trace, l) => trace.layers.find(x => x.layer === l);
Lab.bp.currentStep = function () {
  const steps = Lab.bp.steps();
  Lab.state.step = Math.max(0, Math.min(steps.length - 1, Lab.state.step || 0));
  return steps[Lab.state.step];
};
/// Whether δ of layer l has been computed by the time of `step`.
Lab.bp.known = (step, l) => step.kind === "bp3" || step.kind === "bp4" || ((step.kind === "bp1" || step.kind === "bp2") && l >= step.layer);

/// The neuron the equation is about: the hovered one, else the chosen one, else the largest |δ|.
Lab.bp.focus = function (step, trace) {
  const L = Lab.network.layerSizes.length, wanted = step.layer || null;
  for (const t of [Lab.bp.hover, Lab.state.neuron]) {
    if (t && t.layer >= 2 && t.layer <= L && t.j < Lab.network.layerSizes[t.layer - 1] && (!wanted || t.layer === wanted)) return { layer: t.layer, j: t.j };
  }
  const l = wanted || L, delta = Lab.bp.layer(trace, l).delta;
  let j = 0;
  delta.forEach((v, i) => { if (Math.abs(v) > Math.abs(delta[j])) j = i; });
  return { layer: l, j };
};
/// The weight BP4's equation is about: the hovered or clicked edge, else the focus neuron's largest gradient.
Lab.bp.focusWeight = function (trace, focus) {
  const w = (Lab.bp.hover && Lab.bp.hover.k !== undefined) ? Lab.bp.hover : Lab.bp.weight;
  if (w) return w;
  const row = Lab.bp.layer(trace, focus.layer).nablaW[focus.j];
  let k = 0;
  row.forEach((v, i) => { if (Math.abs(v) > Math.abs(row[k])) k = i; });
  return { layer: focus.layer, j: focus.j, k };
};

// ---- Equations, with a tooltip for every symbol.

const sym = (text, tip) => Lab.el("span", { class: "sym", "data-tip": tip, tabindex: 0 }, text);
const eqNum = (v, id) => Lab.num(v, "eq-" + id);
Lab.bp.equation = function (step, l) {
  const L = Lab.network.layerSizes.length, s = sup(l);
  switch (step.kind) {
  case "forward": return [sym(`z${s}`, `z${s}: the weighted inputs of layer ${l}`), " = ", sym(`w${s}`, `w${s}: the weights into layer ${l}; w${s}ⱼₖ joins neuron k of layer ${l - 1} to neuron j`),
    sym(`a${sup(l - 1)}`, `a${sup(l - 1)}: the activations of layer ${l - 1}`), " + ", sym(`b${s}`, `b${s}: the biases of layer ${l}`), ",  ",
    sym(`a${s}`, `a${s}: the activations of layer ${l}`), " = ", sym(`σ(z${s})`, "σ: the activation function, applied to each neuron")];
  case "bp1": return [sym(`δ${sup("L")}`, `δᴸ: the error of the output layer (L = ${L}), ∂C/∂zᴸ`), " = ",
    sym("∇ₐC", "∇ₐC: how fast the cost changes with each output activation, ∂C/∂aᴸⱼ"), " ⊙ ",
    sym(`σ′(z${sup("L")})`, "σ′(zᴸ): how fast σ changes at the output's weighted inputs"), "   ",
    sym("(BP1)", "⊙ multiplies element by element (the Hadamard product)")];
  case "bp2": return [sym(`δ${s}`, `δ${s}: the error of layer ${l}, ∂C/∂z${s}`), " = ((",
    sym(`w${sup(l + 1)}`, `w${sup(l + 1)}: the weights from layer ${l} into layer ${l + 1}`), ")ᵀ ",
    sym(`δ${sup(l + 1)}`, `δ${sup(l + 1)}: the error one layer up, already known`), ") ⊙ ",
    sym(`σ′(z${s})`, `σ′(z${s}): how fast σ changes at layer ${l}'s weighted inputs`), "   ",
    sym("(BP2)", "the transpose moves the error back through the weights; ⊙ multiplies element by element")];
  case "bp3": return [sym(`∂C/∂b${s}ⱼ`, `how fast the cost changes with the bias of neuron j in layer ${l}`), " = ",
    sym(`δ${s}ⱼ`, `δ${s}ⱼ: the error of that neuron`), "   ", sym("(BP3)", "the error is the bias gradient")];
  default: return [sym(`∂C/∂w${s}ⱼₖ`, `how fast the cost changes with the weight from neuron k of layer ${l - 1} to neuron j of layer ${l}`), " = ",
    sym(`a${sup(l - 1)}ₖ`, `a${sup(l - 1)}ₖ: the activation at the weight's input end`), " ",
    sym(`δ${s}ⱼ`, `δ${s}ⱼ: the error at the weight's output end`), "   ", sym("(BP4)", "a weight learns slowly when its input is small")];
  }
};

/// ∇ₐC for output neuron j, by the cost's formula (δ itself is always the trace's).
Lab.bp.costGradient = function (a, y) {
  switch (Lab.network.cost) {
  case "quadratic": return a - y;
  case "cross-entropy": return (a - y) / (a * (1 - a));
  case "log-likelihood": return y ? -1 / a : 0;
  default: return null;
  }
};

/// The equation of the step with the focus neuron's (or weight's) numbers in it.
Lab.bp.filled = function (step, trace, f) {
  const { layer: l, j } = f, layer = Lab.bp.layer(trace, l), s = sup(l), jj = sub(j);
  switch (step.kind) {
  case "forward": return [`z${s}${jj} = `, eqNum(layer.z[j], "z"), `,  a${s}${jj} = σ(z${s}${jj}) = `, eqNum(layer.a[j], "a"),
    `,  σ′(z${s}${jj}) = `, eqNum(layer.sigmaPrime[j], "sigmaprime")];
  case "bp1": {
    const y = trace.target[j], grad = Lab.bp.costGradient(layer.a[j], y);
    return [`δ${s}${jj} = ∂C/∂a${s}${jj} · σ′(z${s}${jj}) = `, grad === null ? "∇ₐC" : eqNum(grad, "grad-a"), " · ",
      eqNum(layer.sigmaPrime[j], "sigmaprime"), " = ", eqNum(layer.delta[j], "delta"),
      Lab.el("span", { class: "note" }, `  (a${s}${jj} = ${Lab.fmt(layer.a[j])}, y${jj} = ${y}, cost ${Lab.network.cost})`)];
  }
  case "bp2": {
    const up = Lab.bp.layer(trace, l + 1), w = Lab.weights[l + 1];
    const full = w && w.length === up.delta.length;
    const back = full ? up.delta.reduce((sum, d, k) => sum + w[k][j] * d, 0) : null;
    return [`δ${s}${jj} = (Σₖ w${sup(l + 1)}ₖ${jj} δ${sup(l + 1)}ₖ) · σ′(z${s}${jj}) = `, back === null ? "(wᵀδ)ⱼ" : eqNum(back, "wtdelta"),
      " · ", eqNum(layer.sigmaPrime[j], "sigmaprime"), " = ", eqNum(layer.delta[j], "delta")];
  }
  case "bp3": return [`∂C/∂b${s}${jj} = δ${s}${jj} = `, eqNum(layer.nablaB[j], "nablab")];
  default: {
    const w = Lab.bp.focusWeight(trace, f), wl = Lab.bp.layer(trace, w.layer), prev = Lab.activationOf(trace, w.layer - 1);
    return [`∂C/∂w${sup(w.layer)}${sub(w.j)},${sub(w.k)} = a${sup(w.layer - 1)}${sub(w.k)} · δ${sup(w.layer)}${sub(w.j)} = `,
      eqNum(prev[w.k], "a-prev"), " · ", eqNum(wl.delta[w.j], "delta"), " = ", eqNum(wl.nablaW[w.j][w.k], "nablaw")];
  }
  }
};

/// Redraws the equation panel and the hover panel (cheap; runs on every hover).
Lab.bp.renderFocus = function () {
  const trace = Lab.trace;
  if (!trace || !Lab.network) return;
  const step = Lab.bp.currentStep(), f = Lab.bp.focus(step, trace);
  const panel = document.getElementById("bp-equation");
  const w = step.kind === "bp4" ? Lab.bp.focusWeight(trace, f) : null;
  const shownLayer = w ? w.layer : f.layer;
  Object.assign(panel.dataset, { layer: shownLayer, j: w ? w.j : f.j, k: w ? w.k : "", step: step.kind });
  panel.replaceChildren(Lab.el("div", { class: "general" }, Lab.bp.equation(step, shownLayer)),
                        Lab.el("div", { class: "filled" }, Lab.bp.filled(step, trace, f)));
  Lab.bp.renderHover(trace);
};

Lab.bp.renderHover = function (trace) {
  const box = document.getElementById("bp-hover"), t = Lab.bp.hover;
  const num = (v, id) => Lab.num(v, "hover-" + id);
  if (!t) { box.textContent = "Hover a neuron for its z, a, σ′(z) and δ; a weight (or a pixel of a gradient image) for aˡ⁻¹ₖ · δˡⱼ = ∂C/∂wˡⱼₖ; click to choose."; return; }
  const layer = Lab.bp.layer(trace, t.layer);
  if (!layer) { box.textContent = ""; return; }
  const s = sup(t.layer), jj = sub(t.j);
  if (t.k === undefined) {
    box.replaceChildren(`layer ${t.layer}, neuron ${t.j}: z${s}${jj} = `, num(layer.z[t.j], "z"), `, a${s}${jj} = `, num(layer.a[t.j], "a"),
      `, σ′(z${s}${jj}) = `, num(layer.sigmaPrime[t.j], "sigmaprime"), `, δ${s}${jj} = `, num(layer.delta[t.j], "delta"));
  } else {
    const prev = Lab.activationOf(trace, t.layer - 1), kk = sub(t.k);
    const weight = Lab.weights[t.layer] && Lab.weights[t.layer][t.j] ? Lab.weights[t.layer][t.j][t.k] : null;
    box.replaceChildren(`a${sup(t.layer - 1)}${kk} · δ${s}${jj} = `, num(prev[t.k], "a-prev"), " · ", num(layer.delta[t.j], "delta"),
      ` = ∂C/∂w${s}${jj},${kk} = `, num(layer.nablaW[t.j][t.k], "nablaw"), weight === null ? "" : `   (w${s}${jj},${kk} = ${Lab.fmt(weight)})`);
  }
};

/// Redraws the whole view for the current step.
Lab.bp.render = async function () {
  if (Lab.state.tab !== "backprop" || !Lab.network) return;
  if (!await Lab.ensureInput()) return;   // the example's arrival renders again
  Lab.bp.renderTargets();
  let trace;
  try { trace = await Lab.getTrace(); } catch (e) { Lab.showError(e, "trace"); return; }
  if (!trace || Lab.state.tab !== "backprop") return;
  const steps = Lab.bp.steps(), step = Lab.bp.currentStep(), L = Lab.network.layerSizes.length;
  document.getElementById("bp-steps").replaceChildren(...steps.map((s, i) => Lab.el("li", {},
    Lab.el("button", { type: "button", "data-step": i, "aria-current": i === Lab.state.step ? "step" : null,
                       onclick: () => Lab.bp.go(i) }, s.name))));
  const cost = document.getElementById("bp-cost");
  cost.replaceChildren(`C = `, Lab.num(trace.cost, "cost"), ` for desired digit ${Lab.state.target}`);
  const scales = {};
  for (const layer of trace.layers) scales[layer.layer] = Lab.maxAbs(layer.delta);
  const f = Lab.bp.focus(step, trace);
  Lab.drawDiagram(document.getElementById("bp-diagram"), {
    layerSizes: Lab.network.layerSizes, input: trace.input, selected: Lab.state.neuron || f, selectedEdge: Lab.bp.weight,
    fill: (l, j) => Lab.bp.known(step, l) ? Lab.diverging(Lab.bp.layer(trace, l).delta[j] / scales[l]) : Lab.grey(0.35 * Lab.bp.layer(trace, l).a[j]),
    highlight: l => step.kind === "bp3" ? l >= 2 : step.kind === "bp4" ? l >= 1 : step.kind === "forward" ? false : l === step.layer,
    edge: (l, j, k) => step.kind === "bp4" ? Lab.bp.layer(trace, l).nablaW[j][k] : (Lab.weights[l] && Lab.weights[l][j] ? Lab.weights[l][j][k] : null),
    edgeHighlight: l => step.kind === "bp4" || (step.kind === "bp2" && l === step.layer + 1),
    outputLabel: j => `${j}: y = ${trace.target[j]}`,
    onHover: t => { Lab.bp.hover = t; Lab.bp.renderFocus(); },
    onClick: t => {
      if (t.k !== undefined) Lab.bp.weight = t; else { Lab.state.neuron = { layer: t.layer, j: t.j }; Lab.bp.weight = null; }
      Lab.writeHash(); Lab.bp.render();
    },
  });
  document.getElementById("bp-legend").textContent = step.kind === "forward"
    ? "Circles: activations a (darker = larger). Edges: weights (blue positive, red negative, width ∝ |w|)."
    : step.kind === "bp4" ? "Circles: δ (blue positive, red negative). Edges: ∂C/∂w, width ∝ |∂C/∂w|."
    : `Circles: δ where known (blue positive, red negative, each layer scaled to its largest |δ|); grey: not yet computed. Edges: weights.`;
  Lab.bp.renderFocus();
  Lab.bp.renderNumbers(step, trace, f, L);
  document.getElementById("bp-prev").disabled = Lab.state.step === 0;
  document.getElementById("bp-next").disabled = Lab.state.step === steps.length - 1;
};

Lab.bp.go = function (i) {
  Lab.state.step = Math.max(0, Math.min(Lab.bp.steps().length - 1, i));
  Lab.bp.hover = null;
  Lab.writeHash();
  Lab.bp.render();
};

Lab.bp.renderTargets = function () {
  const box = document.getElementById("target-buttons");
  box.replaceChildren(...Array.from({ length: Lab.network.layerSizes.at(-1) }, (_, d) => Lab.el("button", {
    type: "button", "data-digit": d, "aria-pressed": String(d === Lab.state.target),
    class: d === Lab.label ? "label" : null, title: d === Lab.label ? "the image's label" : null,
    onclick: () => Lab.setTarget(d) }, d)));
  document.getElementById("target-note").textContent = Lab.label !== null ? `The image's label is ${Lab.label}.` : "Your drawing has no label: choose the digit it should be.";
};

Lab.on("ready", () => {
  document.getElementById("bp-prev").addEventListener("click", () => Lab.bp.go(Lab.state.step - 1));
  document.getElementById("bp-next").addEventListener("click", () => Lab.bp.go(Lab.state.step + 1));
  document.addEventListener("keydown", e => {
    if (Lab.state.tab !== "backprop" || e.target.matches("input, select, textarea")) return;
    if (e.key === "ArrowRight") Lab.bp.go(Lab.state.step + 1);
    if (e.key === "ArrowLeft") Lab.bp.go(Lab.state.step - 1);
  });
});
for (const name of ["tab", "forward", "target", "network"]) Lab.on(name, () => Lab.bp.render());
