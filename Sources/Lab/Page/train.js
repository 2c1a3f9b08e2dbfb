// "Train": the settings form, the controls (start, pause, resume, one mini-batch, one epoch,
// stop), and the live view of a training run from the WebSocket /api/train/live (polling
// /api/train/status every 500 ms when the socket cannot be used): learning curves, the first
// layer's weights as images, each layer's learning speed ‖δˡ‖ and saturation, progress.
"use strict";

Lab.train = { status: null, socket: null, polling: null };

/// The form's settings as POST /api/train wants them; empty fields are left to the server's defaults.
Lab.train.settings = function () {
  const form = document.getElementById("train-form"), settings = {};
  for (const field of form.elements) {
    if (!field.name || field.value === "") continue;
    if (field.type === "checkbox") settings[field.name] = field.checked;
    else if (field.name === "layers") settings.layers = field.value.split(/[\s,]+/).filter(Boolean).map(Number);
    else if (field.type === "number") settings[field.name] = Number(field.value);
    else settings[field.name] = field.value;
  }
  return settings;
};

Lab.train.start = async function () {
  try {
    const status = await Lab.api("POST", "/api/train", Lab.train.settings());
    Lab.clearError();
    Lab.train.update(status);
  } catch (e) { Lab.showError(e, "train"); }
};

Lab.train.control = async function (action) {
  try {
    Lab.train.update(await Lab.api("POST", "/api/train/control", { action }));
    Lab.clearError();
  } catch (e) { Lab.showError(e, action); }
};

// ---- Live status: the WebSocket, or polling when it fails.

Lab.train.connect = function () {
  let opened = false, socket;
  try {
    socket = new WebSocket(`${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/api/train/live`);
  } catch (_) { Lab.train.poll(); return; }
  Lab.train.socket = socket;
  socket.addEventListener("open", () => { opened = true; Lab.train.stopPolling(); document.body.dataset.live = "socket"; });
  socket.addEventListener("message", event => {
    try { Lab.train.update(JSON.parse(event.data)); } catch (e) { Lab.showError(e, "live status"); }
  });
  socket.addEventListener("close", () => {
    Lab.train.socket = null;
    Lab.train.poll();
    if (opened) setTimeout(Lab.train.connect, 2000);   // the socket worked once: try it again
  });
};

Lab.train.poll = function () {
  if (Lab.train.polling) return;
  document.body.dataset.live = "polling";
  const tick = async () => {
    try { Lab.train.update(await Lab.api("GET", "/api/train/status")); } catch (_) { /* the next tick tries again */ }
  };
  tick();
  Lab.train.polling = setInterval(tick, 500);
};
Lab.train.stopPolling = function () { clearInterval(Lab.train.polling); Lab.train.polling = null; };

// ---- Showing a status.

Lab.train.active = state => state === "running" || state === "paused";

Lab.train.update = function (status) {
  if (!status || !status.state) return;
  const previous = Lab.train.status;
  if (previous && previous.version !== undefined && status.version !== undefined && status.version < previous.version && previous.run === status.run) return;
  Lab.train.status = status;
  Lab.train.render(status);
  const was = previous && Lab.train.active(previous.state);
  // A run that ends (or finishes an epoch) changes the lab's network: show the new one.
  if ((was && !Lab.train.active(status.state)) ||
      (previous && previous.run === status.run && (previous.history || []).length !== (status.history || []).length)) {
    Lab.loadNetwork().catch(e => Lab.showError(e, "network"));
    Lab.emit("runs-changed");
  }
  Lab.emit("status", status);
};

Lab.train.render = function (status) {
  const $ = id => document.getElementById(id), { el } = Lab;
  const state = $("train-state");
  state.textContent = status.state;
  state.dataset.state = status.state;
  const message = $("train-message");
  message.textContent = status.message || "";
  message.classList.toggle("error", status.state === "failed");
  document.getElementById("header-training").textContent = Lab.train.active(status.state)
    ? `training run ${status.run}: ${status.state}` : "";
  const active = Lab.train.active(status.state);
  $("train-start").disabled = active;
  $("train-pause").disabled = status.state !== "running";
  for (const id of ["train-resume", "train-step-batch", "train-step-epoch"]) $(id).disabled = status.state !== "paused";
  $("train-stop").disabled = !active;
  const progress = $("train-progress");
  progress.max = status.examplesTotal || 1;
  progress.value = status.examplesDone || 0;
  $("train-progress-text").textContent = status.epochs
    ? `epoch ${status.epoch ?? 0} of ${status.epochs}: ${(status.examplesDone || 0).toLocaleString("en")} / ${(status.examplesTotal || 0).toLocaleString("en")} images, ${(status.miniBatches || 0).toLocaleString("en")} mini-batches` +
      (status.run !== undefined && status.run !== null ? `, run ${status.run}` : "")
    : "";

  const history = status.history || [];
  Lab.lineChart($("train-accuracy"), { series: [{ name: "accuracy", color: "#1f77b4", points: history.map(h => [h.epoch, h.accuracy]) }],
    yLabel: "accuracy (evaluation)", yFormat: v => (100 * v).toFixed(1) + "%", testid: "accuracy" });
  Lab.lineChart($("train-cost"), { series: [{ name: "cost", color: "#d62728", points: history.map(h => [h.epoch, h.cost]) }],
    yLabel: "cost (evaluation)", testid: "cost" });
  $("train-history-count").dataset.value = history.length;
  $("train-history-count").textContent = history.length ? `${history.length} epoch${history.length > 1 ? "s" : ""} done; best ${Lab.percent(Math.max(...history.map(h => h.accuracy ?? 0)))}` : "no epoch finished yet";

  const first = status.firstLayer;
  if (first && first.weights && first.columns === 784) {
    $("train-first-layer").replaceChildren(...first.weights.map((row, j) => el("figure", {},
      Lab.paintImage(el("canvas", { class: "tile", "data-testid": `first-layer-${j}` }), row, { diverging: true, scale: Lab.maxAbs(row) }),
      el("figcaption", {}, `j = ${j}`))));
  }
  const speed = status.learningSpeed;
  if (speed && speed.biasGradientNorms) {
    const name = i => `‖δ${Lab.superscript(i + 2)}‖`;
    Lab.barChart($("train-speed"), speed.biasGradientNorms.map((v, i) => ({ label: name(i), value: v, testid: `speed-${i + 2}` })), { height: 150 });
    if (speed.saturatedShare) {
      Lab.barChart($("train-saturation"), speed.saturatedShare.map((v, i) => ({ label: `layer ${i + 2}`, value: v, testid: `saturated-${i + 2}` })),
                   { max: 1, format: v => (100 * v).toFixed(0) + "%", height: 150 });
    }
  }
  if (status.settings && !Lab.train.filled) Lab.train.fill(status.settings);
};

/// Puts a run's settings into the form (once, so that the user's edits stay).
Lab.train.fill = function (settings) {
  Lab.train.filled = true;
  const form = document.getElementById("train-form");
  for (const [key, value] of Object.entries(settings)) {
    const field = form.elements[key];
    if (!field || field.type === "checkbox" || value === null || value === undefined) continue;
    field.value = Array.isArray(value) ? value.join(",") : value;
  }
};

Lab.on("ready", () => {
  const $ = id => document.getElementById(id);
  $("train-form").addEventListener("submit", e => { e.preventDefault(); Lab.train.start(); });
  const actions = { "train-pause": "pause", "train-resume": "resume", "train-step-batch": "step-batch", "train-step-epoch": "step-epoch", "train-stop": "stop" };
  for (const [id, action] of Object.entries(actions)) $(id).addEventListener("click", () => Lab.train.control(action));
  Lab.api("GET", "/api/train/status").then(status => {
    Lab.train.filled = status.state === "idle";   // the form keeps its defaults until a run exists
    Lab.train.update(status);
  }).catch(() => {}).finally(Lab.train.connect);
});
