// Shared helpers for the lab's page: the JSON API, element building, number formatting,
// colour scales, 28×28 images, base64url bytes and the coalescing of live requests.
"use strict";

const Lab = window.Lab = { state: {}, listeners: {} };

/// Calls the lab's JSON interface; a reply with `error` (or a non-2xx status) rejects with its message.
Lab.api = async function (method, path, body) {
  const options = { method, headers: {} };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let reply;
  try {
    reply = await fetch(path, options);
  } catch (e) {
    throw Object.assign(new Error(`${method} ${path}: the lab does not answer (${e.message})`), { status: 0 });
  }
  let data = null;
  const text = await reply.text();
  try { data = text ? JSON.parse(text) : null; } catch (_) { data = null; }
  if (!reply.ok || (data && typeof data === "object" && !Array.isArray(data) && "error" in data && reply.status >= 400)) {
    const message = data && data.error ? data.error : `${reply.status} ${reply.statusText}`;
    throw Object.assign(new Error(message), { status: reply.status, path });
  }
  return data;
};

/// Shows a server's (or the page's) error in the banner at the top until dismissed or replaced.
Lab.showError = function (error, where) {
  const banner = document.getElementById("error");
  const text = (where ? where + ": " : "") + (error && error.message ? error.message : String(error));
  banner.querySelector(".text").textContent = text;
  banner.hidden = false;
};
Lab.clearError = function () { document.getElementById("error").hidden = true; };

/// A tiny event bus: modules listen for "network", "input", "forward", "trace", "status", "tab".
Lab.on = function (name, fn) { (Lab.listeners[name] = Lab.listeners[name] || []).push(fn); };
Lab.emit = function (name, value) { (Lab.listeners[name] || []).forEach(fn => fn(value)); };

/// Builds an element: el("td", {class: "num", "data-value": 3}, "text", child…).
Lab.el = function (tag, attrs, ...children) {
  const svgTags = Lab.el.svgTags;
  const node = svgTags.has(tag) ? document.createElementNS("http://www.w3.org/2000/svg", tag) : document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
};
Lab.el.svgTags = new Set(["svg", "g", "line", "circle", "rect", "path", "polyline", "text", "image", "title", "tspan"]);

/// A number for reading: six significant digits, exponents for the very small or large.
Lab.fmt = function (v, digits = 6) {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a < 1e-4 || a >= 1e6) return v.toExponential(digits - 1).replace("e", "×10^").replace(/\^\+?(-?\d+)/, (_, e) => Lab.superscript(e));
  return Number(v.toPrecision(digits)).toString();
};
Lab.superscript = s => String(s).replace(/[-0-9]/g, c => "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"["-0123456789".indexOf(c)]);
Lab.subscript = s => String(s).replace(/[0-9]/g, c => "₀₁₂₃₄₅₆₇₈₉"[c]);
Lab.percent = v => (v === null || v === undefined) ? "–" : (100 * v).toFixed(2) + "%";

/// A span showing a number, carrying its full-precision value for tests and tooltips.
Lab.num = function (v, testid, digits) {
  return Lab.el("span", { class: "num", "data-testid": testid, "data-value": String(v), title: String(v) }, Lab.fmt(v, digits));
};

/// Colours: positive blue, negative red, through white; `t` in −1…1.
Lab.diverging = function (t) {
  t = Math.max(-1, Math.min(1, t || 0));
  const [r, g, b] = t >= 0 ? [255 - 222 * t, 255 - 153 * t, 255 - 83 * t] : [255 + 77 * t, 255 + 231 * t, 255 + 213 * t];
  return `rgb(${r | 0},${g | 0},${b | 0})`;
};
Lab.divergingRGB = function (t) {
  t = Math.max(-1, Math.min(1, t || 0));
  return t >= 0 ? [255 - 222 * t, 255 - 153 * t, 255 - 83 * t] : [255 + 77 * t, 255 + 231 * t, 255 + 213 * t];
};
/// Activation shading: 0 white, 1 dark ink.
Lab.grey = a => { const v = Math.round(255 * (1 - Math.max(0, Math.min(1, a)))); return `rgb(${v},${v},${v})`; };
Lab.maxAbs = values => values.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
Lab.palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"];

/// Paints 784 values as a 28×28 image on a canvas: grey (0…1, ink dark) or diverging (scaled by `scale`).
Lab.paintImage = function (canvas, values, { diverging = false, scale = 1, side = 28 } = {}) {
  canvas.width = side; canvas.height = side;
  const context = canvas.getContext("2d");
  const image = context.createImageData(side, side);
  for (let i = 0; i < side * side; i++) {
    const v = values[i] || 0;
    const [r, g, b] = diverging ? Lab.divergingRGB(v / scale) : [255 * (1 - v), 255 * (1 - v), 255 * (1 - v)];
    image.data.set([r, g, b, 255], 4 * i);
  }
  context.putImageData(image, 0, 0);
  return canvas;
};
Lab.imageURL = function (values, options) {
  return Lab.paintImage(document.createElement("canvas"), values, options).toDataURL();
};

/// Bytes ↔ base64url (RFC 4648 §5, no padding), for inputs kept in the URL.
Lab.toBase64url = function (bytes) {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
};
Lab.fromBase64url = function (text) {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, c => c.charCodeAt(0));
};
/// An input of 0…1 values as bytes (v·255 rounded) and back; MNIST's own pixels survive exactly.
Lab.quantize = values => Uint8Array.from(values, v => Math.round(255 * Math.max(0, Math.min(1, v))));
Lab.dequantize = bytes => Array.from(bytes, b => b / 255);

/// Runs `task(args)` with at most one call in flight; calls made meanwhile collapse into the
/// latest, which runs when the current one ends. Returns a function taking the args.
Lab.coalesce = function (task) {
  let running = false, pending = null, hasPending = false;
  const run = async args => {
    running = true;
    try { await task(args); } catch (e) { Lab.showError(e); }
    running = false;
    if (hasPending) { hasPending = false; const next = pending; pending = null; run(next); }
  };
  return args => { if (running) { pending = args; hasPending = true; } else run(args); };
};

/// The activation a of layer l (1 = the input) from a trace or forward result.
Lab.activationOf = function (result, l) {
  if (l === 1) return result.input;
  const layer = result.layers.find(x => x.layer === l);
  return layer ? layer.a : null;
};
