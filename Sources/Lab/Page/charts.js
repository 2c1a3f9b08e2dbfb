// Small SVG charts for the lab: line charts (learning curves, run comparisons) and bar charts
// (the output layer's activations, each layer's learning speed).
"use strict";

/// Draws lines into `svg`: series = [{name, color, points: [[x, y], …]}]; y values may be null.
/// Each point is a circle with data-testid `${testid}-point`, data-series, data-x and data-value.
Lab.tick = v => v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5) ? v.toExponential(1) : String(Number(v.toPrecision(3)));
Lab.lineChart = function (svg, { series, xLabel = "epoch", yLabel = "", yFormat = Lab.tick, testid = "curve", yMin, yMax, xFromData = false, legend = false }) {
  const W = 420, H = 240, left = 62, right = legend ? 120 : 14, top = 14, bottom = 38;
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.replaceChildren();
  const { el } = Lab;
  const all = series.flatMap(s => s.points.filter(p => p[1] !== null && p[1] !== undefined && Number.isFinite(p[1])));
  const xs = all.map(p => p[0]), ys = all.map(p => p[1]);
  let x0 = xFromData && xs.length ? Math.min(...xs) : Math.min(0, ...xs), x1 = xFromData && xs.length ? Math.max(...xs) : Math.max(1, ...xs);
  if (x1 - x0 < 1e-12) { x0 -= 1; x1 += 1; }
  let y0 = yMin !== undefined ? yMin : Math.min(...ys), y1 = yMax !== undefined ? yMax : Math.max(...ys);
  if (!ys.length) { y0 = 0; y1 = 1; }
  if (y1 - y0 < 1e-12) { y0 -= 0.5 * (Math.abs(y0) || 1) * 0.1; y1 += 0.5 * (Math.abs(y1) || 1) * 0.1; }
  const px = x => left + (x - x0) / (x1 - x0) * (W - left - right);
  const py = y => H - bottom - (y - y0) / (y1 - y0) * (H - top - bottom);
  svg.append(el("rect", { x: left, y: top, width: W - left - right, height: H - top - bottom, class: "plot-area" }));
  for (let i = 0; i <= 4; i++) {
    const y = y0 + (y1 - y0) * i / 4;
    svg.append(el("line", { x1: left, x2: W - right, y1: py(y), y2: py(y), class: "grid" }),
               el("text", { x: left - 4, y: py(y) + 4, class: "tick", "text-anchor": "end" }, yFormat(y)));
  }
  if (xFromData) {
    for (let i = 0; i <= 4; i++) {
      const x = x0 + (x1 - x0) * i / 4;
      svg.append(el("text", { x: px(x), y: H - bottom + 14, class: "tick", "text-anchor": "middle" }, Lab.tick(x)));
    }
  } else {
    const step = Math.max(1, Math.ceil((x1 - x0) / 8));
    for (let x = Math.ceil(x0); x <= x1; x += step) {
      svg.append(el("text", { x: px(x), y: H - bottom + 14, class: "tick", "text-anchor": "middle" }, x));
    }
  }
  svg.append(el("text", { x: (left + W - right) / 2, y: H - 4, class: "axis-label", "text-anchor": "middle" }, xLabel),
             el("text", { x: 11, y: (top + H - bottom) / 2, class: "axis-label", "text-anchor": "middle",
                          transform: `rotate(-90 11 ${(top + H - bottom) / 2})` }, yLabel));
  series.forEach((s, index) => {
    const points = s.points.filter(p => p[1] !== null && p[1] !== undefined && Number.isFinite(p[1]));
    if (points.length > 1) {
      svg.append(el("polyline", { points: points.map(p => `${px(p[0])},${py(p[1])}`).join(" "), class: "curve", stroke: s.color }));
    }
    for (const p of points) {
      svg.append(el("circle", { cx: px(p[0]), cy: py(p[1]), r: 3, fill: s.color, "data-testid": `${testid}-point`,
                                "data-series": s.name, "data-x": p[0], "data-value": p[1] },
                    el("title", {}, `${s.name}: ${xLabel} ${p[0]}, ${yLabel} ${yFormat(p[1])}`)));
    }
    if (legend) {
      const y = top + 10 + index * 16;
      svg.append(el("rect", { x: W - right + 8, y: y - 8, width: 10, height: 10, fill: s.color }),
                 el("text", { x: W - right + 22, y: y + 1, class: "legend" }, s.name));
    }
  });
  if (!all.length) svg.append(el("text", { x: (left + W - right) / 2, y: H / 2, class: "empty", "text-anchor": "middle" }, "no points yet"));
};

/// Vertical bars with labels under them and values over them: bars = [{label, value, testid, highlight}].
Lab.barChart = function (svg, bars, { max, format = Lab.fmt, height = 180 } = {}) {
  const { el } = Lab;
  const W = Math.max(220, bars.length * 36 + 20), H = height, bottom = 22, top = 18;
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.replaceChildren();
  const top1 = max !== undefined ? max : Math.max(1e-12, ...bars.map(b => Math.abs(b.value)));
  const slot = (W - 20) / bars.length;
  svg.append(el("line", { x1: 10, x2: W - 10, y1: H - bottom, y2: H - bottom, class: "axis" }));
  bars.forEach((bar, i) => {
    const h = Math.max(0, Math.min(1, Math.abs(bar.value) / top1)) * (H - top - bottom);
    const x = 10 + i * slot + slot * 0.15;
    svg.append(el("rect", { x, y: H - bottom - h, width: slot * 0.7, height: h,
                            class: "bar" + (bar.highlight ? " highlight" : ""), "data-testid": bar.testid, "data-value": bar.value },
                  el("title", {}, `${bar.label}: ${bar.value}`)),
               el("text", { x: x + slot * 0.35, y: H - 6, class: "tick", "text-anchor": "middle" }, bar.label),
               el("text", { x: x + slot * 0.35, y: H - bottom - h - 4, class: "bar-value", "text-anchor": "middle" }, format(bar.value)));
  });
};
