// "Draw & forward": a canvas to draw a digit on (mouse, touch or pen, through Pointer Events),
// the MNIST picker, and the forward pass: the input the network sees, every layer's
// activations and the output layer as a bar chart with the prediction.
"use strict";

Lab.draw = {};

Lab.on("ready", () => {
  const canvas = document.getElementById("draw-canvas");
  const context = canvas.getContext("2d");
  const small = document.createElement("canvas");
  const side = 56;                      // the drawing is sent as side × side pixels
  small.width = side; small.height = side;
  let drawing = false, last = null, dirty = false, inked = false, timer = null;

  const clear = () => {
    context.fillStyle = "#000"; context.fillRect(0, 0, canvas.width, canvas.height);
    inked = false;
  };
  clear();

  /// The drawing as the API wants it: side × side values, 0 background, 1 ink.
  const pixels = () => {
    const c = small.getContext("2d");
    c.imageSmoothingEnabled = true; c.imageSmoothingQuality = "high";
    c.drawImage(canvas, 0, 0, side, side);
    const data = c.getImageData(0, 0, side, side).data, values = new Array(side * side);
    for (let i = 0; i < side * side; i++) values[i] = Math.round(1000 * data[4 * i] / 255) / 1000;
    return { width: side, height: side, pixels: values };
  };

  // Live requests while drawing: one in flight at most, the latest drawing wins.
  const send = Lab.coalesce(async final => {
    if (!inked) return;
    const reply = await Lab.api("POST", "/api/forward", { drawing: pixels() });
    if (final) {
      // What the network saw becomes the input every view uses (as bytes, as the URL keeps it).
      await Lab.setInput(Lab.dequantize(Lab.quantize(reply.input)), { drawing: true }, { keepTarget: true });
    } else {
      Lab.draw.render(reply);
    }
  });

  const point = event => {
    const r = canvas.getBoundingClientRect();
    return [(event.clientX - r.left) * canvas.width / r.width, (event.clientY - r.top) * canvas.height / r.height];
  };
  const stroke = (from, to, pressure) => {
    context.strokeStyle = "#fff"; context.lineCap = "round"; context.lineJoin = "round";
    context.lineWidth = canvas.width / 14 * (0.7 + 0.6 * (pressure || 0.5));
    context.beginPath(); context.moveTo(...from); context.lineTo(...to); context.stroke();
    inked = true; dirty = true;
  };
  canvas.addEventListener("pointerdown", event => {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    drawing = true; last = point(event);
    stroke(last, last, event.pressure);
    if (!timer) timer = setInterval(() => { if (dirty) { dirty = false; send(false); } }, 100);
  });
  canvas.addEventListener("pointermove", event => {
    if (!drawing) return;
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    for (const e of events.length ? events : [event]) { const p = point(e); stroke(last, p, e.pressure); last = p; }
  });
  const end = () => {
    if (!drawing) return;
    drawing = false; dirty = false;
    clearInterval(timer); timer = null;
    send(true);
  };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  document.getElementById("draw-clear").addEventListener("click", clear);

  // The MNIST picker.
  const split = document.getElementById("pick-split"), index = document.getElementById("pick-index");
  const pick = async i => {
    index.value = Math.max(0, i);
    try { await Lab.loadExample(split.value, +index.value); Lab.clearError(); } catch (e) { Lab.showError(e, "example"); }
  };
  document.getElementById("pick-show").addEventListener("click", () => pick(+index.value));
  document.getElementById("pick-prev").addEventListener("click", () => pick(+index.value - 1));
  document.getElementById("pick-next").addEventListener("click", () => pick(+index.value + 1));
  document.getElementById("pick-random").addEventListener("click", () => {
    const count = Lab.draw.count || (split.value === "test" || split.value === "validation" ? 10000 : 50000);
    pick(Math.floor(Math.random() * count));
  });
  index.addEventListener("keydown", e => { if (e.key === "Enter") pick(+index.value); });
});

Lab.on("example", example => {
  Lab.draw.count = example.count;
  document.getElementById("pick-split").value = example.split;
  document.getElementById("pick-index").value = example.index;
  const label = document.getElementById("example-label");
  label.dataset.value = example.label;
  label.textContent = `${example.split} image ${example.index} of ${example.count.toLocaleString("en")}: a ${example.label}`;
});
Lab.on("input", () => {
  if (Lab.label === null) document.getElementById("example-label").textContent = "your drawing";
});
Lab.on("forward", reply => Lab.draw.render(reply));
Lab.on("network", () => { if (Lab.forward) Lab.draw.render(Lab.forward); });

/// Shows a forward pass: the input, the diagram coloured by activation, every layer's a as a strip, the outputs.
Lab.draw.render = function (reply) {
  const { el } = Lab;
  Lab.paintImage(document.getElementById("seen-image"), reply.input);
  const output = reply.output;
  const prediction = document.getElementById("prediction");
  prediction.textContent = reply.prediction;
  prediction.dataset.value = reply.prediction;
  Lab.barChart(document.getElementById("output-bars"),
               output.map((v, j) => ({ label: j, value: v, testid: `output-${j}`, highlight: j === reply.prediction })),
               { max: Math.max(1, ...output.map(Math.abs)), format: v => v.toFixed(2) });
  if (!Lab.network) return;
  const a = l => l === 1 ? reply.input : reply.layers.find(x => x.layer === l).a;
  Lab.drawDiagram(document.getElementById("forward-diagram"), {
    layerSizes: Lab.network.layerSizes, input: reply.input,
    fill: (l, j) => Lab.grey(a(l)[j]),
    edge: (l, j, k) => Lab.weights[l] && Lab.weights[l][j] ? Lab.weights[l][j][k] : null,
    outputLabel: j => `${j}: ${output[j].toFixed(3)}`,
    onHover: t => {
      const info = document.getElementById("forward-hover");
      if (!t) { info.textContent = "Hover a neuron to read its z and a."; return; }
      const layer = reply.layers.find(x => x.layer === t.layer);
      if (t.k !== undefined) info.textContent = `w${Lab.superscript(t.layer)}${Lab.subscript(t.j)},${Lab.subscript(t.k)} = ${Lab.fmt(Lab.weights[t.layer][t.j][t.k])}`;
      else info.textContent = `layer ${t.layer}, neuron ${t.j}: z = ${Lab.fmt(layer.z[t.j])}, a = σ(z) = ${Lab.fmt(layer.a[t.j])}`;
    },
  });
  const strips = document.getElementById("activation-strips");
  strips.replaceChildren(...reply.layers.map(layer => {
    const c = el("canvas", { class: "strip", title: `a of layer ${layer.layer}` });
    c.width = layer.a.length; c.height = 1;
    const image = c.getContext("2d").createImageData(layer.a.length, 1);
    layer.a.forEach((v, j) => { const g = 255 * (1 - Math.max(0, Math.min(1, v))); image.data.set([g, g, g, 255], 4 * j); });
    c.getContext("2d").putImageData(image, 0, 0);
    return el("div", { class: "strip-row" }, el("span", {}, `a${Lab.superscript(layer.layer)} (${layer.a.length})`), c);
  }));
};
