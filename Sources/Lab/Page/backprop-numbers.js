// The numbers of each backpropagation step as tables (every cell carries data-testid such as
// "delta-3-5" and the full-precision value in data-value) and the first layer's ∂C/∂w as one
// 28×28 image per neuron, whose pixels can be hovered for BP4's numbers.
"use strict";

Lab.bp.maxTiles = 100;

Lab.bp.renderNumbers = function (step, trace, focus, L) {
  const { el } = Lab;
  const box = document.getElementById("bp-numbers");
  const cell = (v, id) => el("td", {}, Lab.num(v, id));
  const chosen = (l, j) => Lab.state.neuron && Lab.state.neuron.layer === l && Lab.state.neuron.j === j;
  const row = (l, j, cells, k) => el("tr", { "data-layer": l, "data-j": j, "data-k": k, class: (k === undefined && chosen(l, j)) ? "chosen" : null },
                                     el("th", { scope: "row" }, k === undefined ? j : k), cells);
  // Long tables scroll inside their box; the caption says how many rows there are.
  const table = (caption, headers, rows) => el("table", { class: "numbers" },
    el("caption", {}, caption, rows.length > 12 ? el("span", { class: "note" }, ` (${rows.length} rows; scroll)`) : null),
    el("thead", {}, el("tr", {}, headers.map(h => el("th", { scope: "col" }, h)))), el("tbody", {}, rows));
  const layer = l => Lab.bp.layer(trace, l), s = Lab.superscript;
  const tables = [];

  if (step.kind === "forward") {
    for (let l = 2; l <= L; l++) {
      const x = layer(l);
      tables.push(table(`Layer ${l}`, ["j", `z${s(l)}ⱼ`, `a${s(l)}ⱼ`, `σ′(z${s(l)}ⱼ)`],
        x.z.map((z, j) => row(l, j, [cell(z, `z-${l}-${j}`), cell(x.a[j], `a-${l}-${j}`), cell(x.sigmaPrime[j], `sigmaprime-${l}-${j}`)]))));
    }
  } else if (step.kind === "bp1") {
    const x = layer(L);
    tables.push(table(`BP1 at layer ${L}`, ["j", `a${s(L)}ⱼ`, "yⱼ", "∂C/∂aᴸⱼ", `σ′(z${s(L)}ⱼ)`, `δ${s(L)}ⱼ`],
      x.delta.map((d, j) => row(L, j, [cell(x.a[j], `a-${L}-${j}`), el("td", {}, trace.target[j]),
        cell(Lab.bp.costGradient(x.a[j], trace.target[j]), `grad-a-${L}-${j}`),
        cell(x.sigmaPrime[j], `sigmaprime-${L}-${j}`), cell(d, `delta-${L}-${j}`)]))));
  } else if (step.kind === "bp2") {
    const l = step.layer, x = layer(l), up = layer(l + 1), w = Lab.weights[l + 1];
    const full = w && w.length === up.delta.length;
    tables.push(table(`BP2 at layer ${l}`, ["j", `((w${s(l + 1)})ᵀδ${s(l + 1)})ⱼ`, `σ′(z${s(l)}ⱼ)`, `δ${s(l)}ⱼ`],
      x.delta.map((d, j) => row(l, j, [
        full ? cell(up.delta.reduce((sum, dk, k) => sum + w[k][j] * dk, 0), `wtdelta-${l}-${j}`) : el("td", {}, "–"),
        cell(x.sigmaPrime[j], `sigmaprime-${l}-${j}`), cell(d, `delta-${l}-${j}`)]))));
  } else if (step.kind === "bp3") {
    for (let l = L; l >= 2; l--) {
      const x = layer(l);
      tables.push(table(`BP3 at layer ${l}`, ["j", `δ${s(l)}ⱼ`, `∂C/∂b${s(l)}ⱼ`],
        x.nablaB.map((g, j) => row(l, j, [cell(x.delta[j], `delta-${l}-${j}`), cell(g, `nablab-${l}-${j}`)]))));
    }
  } else {
    for (let l = L; l >= 3; l--) {
      const x = layer(l), prev = Lab.activationOf(trace, l - 1);
      let j = focus.layer === l ? focus.j : 0;
      if (focus.layer !== l) x.delta.forEach((d, i) => { if (Math.abs(d) > Math.abs(x.delta[j])) j = i; });
      tables.push(table([`BP4 at layer ${l}, neuron j = ${j}, δ${s(l)}ⱼ = `, Lab.num(x.delta[j], `delta-${l}-${j}`)],
        ["k", `a${s(l - 1)}ₖ`, `∂C/∂w${s(l)}ⱼₖ = a${s(l - 1)}ₖ δ${s(l)}ⱼ`],
        x.nablaW[j].slice(0, 100).map((g, k) => row(l, j, [cell(prev[k], `aprev-${l}-${k}`), cell(g, `nablaw-${l}-${j}-${k}`)], k))));
    }
  }
  box.replaceChildren(...tables);
  Lab.bp.renderTiles(step, trace);
};

/// ∂C/∂w of layer 2 (the first with weights), one 28×28 image per neuron, one colour scale for all.
Lab.bp.renderTiles = function (step, trace) {
  const { el } = Lab;
  const section = document.getElementById("bp-tiles-section"), box = document.getElementById("bp-tiles");
  const first = Lab.bp.layer(trace, 2);
  section.hidden = step.kind !== "bp4" || !first || first.nablaW[0].length !== 784;
  if (section.hidden) return;
  const rows = first.nablaW.slice(0, Lab.bp.maxTiles);
  const scale = Math.max(1e-300, ...rows.map(r => Lab.maxAbs(r)));
  document.getElementById("bp-tiles-note").textContent =
    `∂C/∂w²ⱼₖ = a¹ₖ δ²ⱼ for each neuron j of layer 2 (${rows.length} of ${first.nablaW.length}), pixel k at its place in the image; ` +
    `blue positive, red negative, one scale (largest |∂C/∂w| = ${Lab.fmt(scale)}). Each image is the input times one δ²ⱼ.`;
  box.replaceChildren(...rows.map((r, j) => {
    const canvas = Lab.paintImage(el("canvas", { class: "tile", "data-testid": `grad-tile-${j}`, "data-j": j }), r, { diverging: true, scale });
    return el("figure", {}, canvas, el("figcaption", {}, `j = ${j}`));
  }));
};

Lab.on("ready", () => {
  const numbers = document.getElementById("bp-numbers");
  numbers.addEventListener("pointerover", e => {
    const tr = e.target.closest("tr[data-layer]");
    if (!tr) return;
    const t = { layer: +tr.dataset.layer, j: +tr.dataset.j };
    if (tr.dataset.k !== undefined) t.k = +tr.dataset.k;
    Lab.bp.hover = t; Lab.bp.renderFocus();
  });
  numbers.addEventListener("pointerleave", () => { Lab.bp.hover = null; Lab.bp.renderFocus(); });
  numbers.addEventListener("click", e => {
    const tr = e.target.closest("tr[data-layer]");
    if (!tr) return;
    if (tr.dataset.k !== undefined) Lab.bp.weight = { layer: +tr.dataset.layer, j: +tr.dataset.j, k: +tr.dataset.k };
    else { Lab.state.neuron = { layer: +tr.dataset.layer, j: +tr.dataset.j }; Lab.bp.weight = null; }
    Lab.writeHash(); Lab.bp.render();
  });
  const tiles = document.getElementById("bp-tiles");
  const pixel = e => {
    const canvas = e.target.closest("canvas.tile");
    if (!canvas) return null;
    const r = canvas.getBoundingClientRect();
    const x = Math.min(27, Math.floor((e.clientX - r.left) / r.width * 28)), y = Math.min(27, Math.floor((e.clientY - r.top) / r.height * 28));
    return { layer: 2, j: +canvas.dataset.j, k: 28 * y + x };
  };
  tiles.addEventListener("pointermove", e => { const t = pixel(e); if (t) { Lab.bp.hover = t; Lab.bp.renderFocus(); } });
  tiles.addEventListener("pointerleave", () => { Lab.bp.hover = null; Lab.bp.renderFocus(); });
  tiles.addEventListener("click", e => { const t = pixel(e); if (t) { Lab.bp.weight = t; Lab.bp.renderFocus(); } });
});
