// The network diagram (SVG): the input as its 28×28 image, each later layer as a column of
// circles (at most Lab.shownNeurons per layer), edges from layer 3 on with width ∝ |value| and
// colour by sign. Hover and click reach the caller through data-layer/data-j/data-k attributes.
"use strict";

Lab.shownNeurons = 30;

/// Redraws `svg` as the network. Options:
///  layerSizes; input (784 values for the picture);
///  fill(l, j) → colour of neuron j of layer l; highlight(l) → true for the layers a step works on;
///  edge(l, j, k) → the number an edge shows (its weight or gradient), or null for none;
///  edgeHighlight(l) → true to stress the edges into layer l; selected {layer, j}; selectedEdge {layer, j, k};
///  outputLabel(j) → text beside output neuron j; onHover(target|null), onClick(target).
Lab.drawDiagram = function (svg, options) {
  const { el } = Lab;
  const { layerSizes, input, fill = () => "#fff", highlight = () => false, edge = () => null,
          edgeHighlight = () => false, selected, selectedEdge, outputLabel } = options;
  const W = 760, H = 450, top = 34, bottom = 30;
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.replaceChildren();
  svg.diagramOptions = options;
  if (!svg.diagramListening) {
    svg.diagramListening = true;
    const target = event => {
      const node = event.target.closest("[data-layer]");
      if (!node) return null;
      const t = { layer: +node.dataset.layer, j: +node.dataset.j };
      if (node.dataset.k !== undefined) t.k = +node.dataset.k;
      return t;
    };
    svg.addEventListener("pointerover", e => svg.diagramOptions.onHover && svg.diagramOptions.onHover(target(e)));
    svg.addEventListener("pointerleave", () => svg.diagramOptions.onHover && svg.diagramOptions.onHover(null));
    svg.addEventListener("click", e => { const t = target(e); if (t && svg.diagramOptions.onClick) svg.diagramOptions.onClick(t); });
  }
  const L = layerSizes.length;
  const imageSide = 150, imageX = 14, imageY = (H - imageSide) / 2;
  const columnX = l => 250 + (l - 2) * (W - 330) / Math.max(1, L - 2);
  const shown = l => Math.min(layerSizes[l - 1], Lab.shownNeurons);
  const spacing = l => Math.min(30, (H - top - bottom) / shown(l));
  const radius = l => Math.max(3, Math.min(11, spacing(l) * 0.38));
  const neuronY = (l, j) => (top + H - bottom) / 2 + (j - (shown(l) - 1) / 2) * spacing(l);
  const position = (l, j) => l === 1 ? [imageX + imageSide, imageY + imageSide / 2] : [columnX(l), neuronY(l, j)];

  const edges = el("g", { class: "edges" });
  svg.append(edges);
  for (let l = 2; l <= L; l++) {
    const stressed = edgeHighlight(l);
    if (l === 2) {
      for (let j = 0; j < shown(2); j++) {
        const [x, y] = position(2, j);
        edges.append(el("line", { x1: imageX + imageSide + 2, y1: imageY + imageSide / 2, x2: x - radius(2), y2: y, class: "bundle" + (stressed ? " stressed" : "") }));
      }
      continue;
    }
    const values = [];
    for (let j = 0; j < shown(l); j++) for (let k = 0; k < shown(l - 1); k++) values.push([j, k, edge(l, j, k)]);
    const scale = Lab.maxAbs(values.filter(v => v[2] !== null).map(v => v[2]));
    for (const [j, k, v] of values) {
      if (v === null || v === undefined) continue;
      const [x1, y1] = position(l - 1, k), [x2, y2] = position(l, j);
      const chosen = selectedEdge && selectedEdge.layer === l && selectedEdge.j === j && selectedEdge.k === k;
      edges.append(el("line", {
        x1: x1 + radius(l - 1), y1, x2: x2 - radius(l), y2, "data-layer": l, "data-j": j, "data-k": k, "data-value": v,
        class: "edge" + (stressed ? " stressed" : "") + (chosen ? " chosen" : ""),
        stroke: v >= 0 ? "#2166ac" : "#b2182b", "stroke-width": (0.25 + 3.5 * Math.abs(v) / scale).toFixed(2),
      }));
    }
  }

  svg.append(el("image", { x: imageX, y: imageY, width: imageSide, height: imageSide, href: Lab.imageURL(input || []),
                           class: "input-image", preserveAspectRatio: "none", "image-rendering": "pixelated" }),
             el("rect", { x: imageX, y: imageY, width: imageSide, height: imageSide, class: "input-frame" + (highlight(1) ? " stressed" : "") }),
             el("text", { x: imageX + imageSide / 2, y: imageY - 10, class: "layer-label", "text-anchor": "middle" }, "layer 1: input a¹ (28×28)"));

  for (let l = 2; l <= L; l++) {
    const g = el("g", { class: "layer" + (highlight(l) ? " stressed" : "") });
    const name = l === L ? `layer ${l} (L): output` : `layer ${l}`;
    g.append(el("text", { x: columnX(l), y: top - 16, class: "layer-label", "text-anchor": "middle" }, name));
    for (let j = 0; j < shown(l); j++) {
      const [x, y] = position(l, j);
      const chosen = selected && selected.layer === l && selected.j === j;
      g.append(el("circle", { cx: x, cy: y, r: radius(l), fill: fill(l, j), "data-layer": l, "data-j": j,
                              "data-testid": `neuron-${l}-${j}`, class: "neuron" + (chosen ? " chosen" : "") },
                  el("title", {}, `neuron ${j} of layer ${l}`)));
      if (l === L && outputLabel) g.append(el("text", { x: x + radius(l) + 6, y: y + 4, class: "output-label" }, outputLabel(j)));
    }
    const hidden = layerSizes[l - 1] - shown(l);
    if (hidden > 0) {
      g.append(el("text", { x: columnX(l), y: H - 8, class: "more", "text-anchor": "middle" },
                  `${shown(l)} of ${layerSizes[l - 1]} shown (${hidden} more)`));
    }
    svg.append(g);
  }
};
