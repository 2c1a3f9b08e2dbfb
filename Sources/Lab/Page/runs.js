// "Runs": every recorded training run (GET /api/runs); ticked runs' learning curves overlaid,
// one colour each (chapter 3's comparisons); "load" makes a run's model the network inspected.
"use strict";

Lab.runs = { list: [], ticked: new Set(), details: new Map() };

Lab.runs.refresh = async function () {
  try {
    Lab.runs.list = await Lab.api("GET", "/api/runs");
  } catch (e) { Lab.showError(e, "runs"); return; }
  Lab.runs.renderTable();
  await Lab.runs.renderCurves();
};

Lab.runs.renderTable = function () {
  const { el } = Lab, current = Lab.network ? Lab.network.run : null;
  const rows = Lab.runs.list.map(run => el("tr", { "data-run": run.id, class: run.id === current ? "current" : null },
    el("td", {}, el("input", { type: "checkbox", "data-testid": `run-compare-${run.id}`, "aria-label": `compare run ${run.id}`,
                               checked: Lab.runs.ticked.has(run.id), onchange: e => Lab.runs.tick(run.id, e.target.checked) })),
    el("td", {}, run.id),
    el("td", {}, run.started ? new Date(run.started).toLocaleString() : "–"),
    el("td", { class: "command", title: run.command || "" }, run.command || ""),
    el("td", {}, `[${(run.layerSizes || []).join(", ")}]`),
    el("td", {}, run.status || ""),
    el("td", {}, run.epochs ?? "–"),
    el("td", {}, Lab.percent(run.bestAccuracy)),
    el("td", {}, run.model
      ? el("button", { type: "button", "data-testid": `run-load-${run.id}`, onclick: () => Lab.runs.load(run.id) }, run.id === current ? "loaded" : "load")
      : el("span", { class: "note" }, "no model"))));
  document.getElementById("runs-body").replaceChildren(...rows);
  document.getElementById("runs-empty").hidden = rows.length > 0;
};

Lab.runs.tick = function (id, on) {
  if (on) Lab.runs.ticked.add(id); else Lab.runs.ticked.delete(id);
  Lab.runs.renderCurves();
};

Lab.runs.load = async function (id) {
  try {
    await Lab.loadRun(id);
    Lab.clearError();
    document.getElementById("runs-message").textContent = `Run ${id}'s network is now the one the other views inspect.`;
  } catch (e) { Lab.showError(e, `load run ${id}`); }
  Lab.runs.renderTable();
};

/// One line per ticked run, the same colour in both charts and the legend.
Lab.runs.renderCurves = async function () {
  const ids = [...Lab.runs.ticked].filter(id => Lab.runs.list.some(r => r.id === id));
  for (const id of ids) {
    const run = Lab.runs.list.find(r => r.id === id);
    const cached = Lab.runs.details.get(id);
    if (!cached || cached.run.status !== run.status || cached.epochs.length !== run.epochs) {
      try { Lab.runs.details.set(id, await Lab.api("GET", `/api/runs/${id}`)); } catch (e) { Lab.showError(e, `run ${id}`); }
    }
  }
  const series = field => ids.filter(id => Lab.runs.details.has(id)).map(id => {
    const detail = Lab.runs.details.get(id), colour = Lab.palette[[...Lab.runs.ticked].indexOf(id) % Lab.palette.length];
    return { name: `run ${id} [${(detail.run.layerSizes || []).join(",")}]`, color: colour,
             points: detail.epochs.map(e => [e.epoch, e[field] ?? null]) };
  });
  Lab.lineChart(document.getElementById("runs-accuracy"), { series: series("accuracy"), yLabel: "accuracy (evaluation)",
    yFormat: v => (100 * v).toFixed(1) + "%", testid: "runs-accuracy", legend: true });
  Lab.lineChart(document.getElementById("runs-cost"), { series: series("cost"), yLabel: "cost (evaluation)", testid: "runs-cost", legend: true });
  const training = series("trainingAccuracy");
  document.getElementById("runs-training-accuracy").parentElement.hidden = !training.some(s => s.points.some(p => p[1] !== null));
  Lab.lineChart(document.getElementById("runs-training-accuracy"), { series: training, yLabel: "accuracy (training)",
    yFormat: v => (100 * v).toFixed(1) + "%", testid: "runs-training-accuracy", legend: true });
};

Lab.on("ready", () => document.getElementById("runs-refresh").addEventListener("click", Lab.runs.refresh));
Lab.on("tab", tab => { if (tab === "runs") Lab.runs.refresh(); });
Lab.on("runs-changed", () => { if (Lab.state.tab === "runs") Lab.runs.refresh(); });
Lab.on("network", () => { if (Lab.state.tab === "runs") Lab.runs.renderTable(); });
