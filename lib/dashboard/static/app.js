// ALPE dashboard (browser side). The server does the work (simulations and jobs in Deno
// Workers) and builds every figure with lib/viz; this page sends the controls' values over
// one WebSocket and draws what comes back with plotly.js (served by the same server).
// Test hooks: window.__alpe holds counters that the headless-browser test reads.
"use strict";

(() => {
  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
  const hooks = {
    liveRenders: [], // performance.now() of every live chart update
    renderMs: [], // duration of each live chart update, ms
    frames: 0, // live frames received
    lastStep: 0, // last live step drawn
    liveState: "idle",
    jobs: {}, // id -> "queued" | "running" | "done" | "error"
    validations: 0,
    wsOpen: false,
  };
  globalThis.__alpe = hooks;

  let meta = null;
  let ws = null;
  let jobCounter = 0;
  const activeJobs = {}; // kind -> id of the job running
  const latestJob = {}; // kind -> id of the last job started (its results are on screen)
  const jobKindOf = {}; // id -> kind

  // ------------------------------------------------------------------ helpers

  function el(tag, attrs = {}, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") e.className = v;
      else if (v === true) e.setAttribute(k, "");
      else e.setAttribute(k, String(v));
    }
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function fmt(v) {
    if (v === null || v === undefined || !Number.isFinite(v)) return "n/a";
    if (Number.isInteger(v)) return String(v);
    const a = Math.abs(v);
    if (a >= 1000) return v.toFixed(0);
    if (a >= 100) return v.toFixed(1);
    if (a >= 1) return v.toFixed(2);
    if (a >= 0.01 || a === 0) return v.toFixed(3);
    return v.toPrecision(2);
  }

  function send(msg) {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
  }

  function sidebarFields() {
    const out = {};
    for (const e of $$("#sidebar [name]")) out[e.name] = e.value;
    return out;
  }

  // ------------------------------------------------------------------ sidebar

  function fillAgentSelect(agents) {
    const sel = $("#f-agent");
    const keep = sel.value || "avellaneda-stoikov";
    sel.replaceChildren();
    for (const a of agents) {
      const o = el(
        "option",
        { value: a.id, disabled: !a.available, title: a.reason || "" },
        a.label,
      );
      sel.append(o);
    }
    sel.value = agents.some((a) => a.id === keep && a.available) ? keep : "avellaneda-stoikov";
    for (const ppoSel of $$(".ppo-select")) {
      const k = ppoSel.value || "ppo";
      ppoSel.replaceChildren();
      for (const a of agents.filter((x) => x.kind === "ppo")) {
        ppoSel.append(el("option", { value: a.id, disabled: !a.available }, a.label));
      }
      ppoSel.value = agents.some((a) => a.kind === "ppo" && a.id === k) ? k : "ppo";
    }
    const models = $("#model-select");
    const km = models.value;
    models.replaceChildren();
    for (const a of agents.filter((x) => x.modelDir)) {
      models.append(el("option", { value: a.modelDir, "data-agent": a.id }, a.modelDir));
    }
    if (km) models.value = km;
  }

  function buildSidebar() {
    fillAgentSelect(meta.agents);
    const market = $("#f-market");
    const groups = {
      simulator: "Simulator",
      preset: "Calibrated presets",
      stress: "Stress variants",
      replay: "Recorded data",
    };
    for (const [kind, label] of Object.entries(groups)) {
      const list = meta.markets.filter((m) => m.kind === kind);
      if (!list.length) continue;
      const g = el("optgroup", { label });
      for (const m of list) {
        g.append(
          el(
            "option",
            { value: m.id, disabled: !m.available, title: m.reason || m.description },
            m.label + (m.available ? "" : " (not available yet)"),
          ),
        );
      }
      market.append(g);
    }
    market.value = meta.defaults.market || "book";
    const box = $("#numeric-fields");
    for (const f of meta.fields) {
      const d = el("div", { class: "field" });
      const lab = el("label", { for: `f-${f.id}`, title: f.help }, f.label + " ");
      if (f.unit) lab.append(el("span", { class: "unit" }, `(${f.unit})`));
      const inp = el("input", {
        id: `f-${f.id}`,
        name: f.id,
        type: "text",
        inputmode: f.kind === "int" ? "numeric" : "decimal",
        value: String(f.value),
        title: `${f.help}; ${f.min} to ${f.max}`,
      });
      d.append(
        lab,
        inp,
        el("div", { class: "field-own", id: `own-${f.id}` }),
        el("div", { class: "field-error", id: `err-${f.id}`, role: "alert" }),
      );
      box.append(d);
    }
    let timer = 0;
    $("#sidebar").addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => send({ type: "validate", fields: sidebarFields() }), 150);
      updateMarketNote();
    });
    $("#sidebar").addEventListener("submit", (e) => e.preventDefault());
    updateMarketNote();
  }

  function updateMarketNote() {
    const m = meta.markets.find((x) => x.id === $("#f-market").value);
    $("#market-note").textContent = m ? m.description : "";
    for (const f of meta.fields) {
      const inp = $(`#f-${f.id}`);
      if (!inp) continue;
      inp.disabled = !!m && !m.fields.includes(f.id);
      // A field the market sets itself is greyed out: say so, with the market's value where it
      // is one number (a preset's price and volatility), so the greyed value is not read as its.
      const own = $(`#own-${f.id}`);
      if (own) own.textContent = inp.disabled ? ownValueText(m, f.id) : "";
    }
  }

  function ownValueText(m, id) {
    const key = { duration: "duration", price: "initialPrice", volatility: "volatility" }[id];
    const v = key && m.config ? m.config[key] : undefined;
    return typeof v === "number" ? `set by this market: ${v}` : "set by this market";
  }

  function showValidation(errors) {
    hooks.validations++;
    for (const e of $$("#sidebar .field-error")) {
      const id = e.id.replace(/^err-/, "");
      e.textContent = errors[id] || "";
      const inp = $(`#f-${id}`);
      if (inp) inp.setAttribute("aria-invalid", errors[id] ? "true" : "false");
    }
  }

  // ------------------------------------------------------------------ modes

  function setMode(mode) {
    for (const b of $$("nav.modes button")) b.classList.toggle("active", b.dataset.mode === mode);
    for (const s of $$("section.mode")) s.hidden = s.id !== `mode-${mode}`;
    // Plotly sizes hidden plots at 0 width: resize what became visible (and only that:
    // a plot that is still hidden, e.g. the ladder of a market without a book, is skipped).
    for (const p of $$(`#mode-${mode} .js-plotly-plot`)) {
      if (p.offsetParent !== null) Promise.resolve(Plotly.Plots.resize(p)).catch(() => {});
    }
  }

  // ------------------------------------------------------------------ live mode

  const live = {
    info: null,
    data: null, // everything received this episode, for the interactive figure
    dirty: false,
    ladder: null, // latest ladder data
    ladderFig: null, // latest ladder figure (Plotly JSON)
    metrics: null,
    raf: 0,
    frameTimes: [],
    lastFrame: null,
    episodeCanvas: null,
    ladderCanvas: null,
    interactive: false,
  };

  function emptyData() {
    return {
      t: [],
      mid: [],
      bid: [],
      ask: [],
      inventory: [],
      pnl: [],
      drawdown: [],
      bidFills: [],
      askFills: [],
    };
  }

  // The x and y arrays of trace i of the live figure (trace order: lib/viz LIVE_TRACES).
  function traceXY(i) {
    const d = live.data;
    switch (i) {
      case 0:
        return [d.t, d.mid];
      case 1:
        return [d.t, d.bid];
      case 2:
        return [d.t, d.ask];
      case 3:
        return [d.bidFills.map((f) => f.t), d.bidFills.map((f) => f.price)];
      case 4:
        return [d.askFills.map((f) => f.t), d.askFills.map((f) => f.price)];
      case 5:
        return [d.t, d.inventory];
      case 6:
        return [d.t, d.pnl];
      default:
        return [d.t, d.drawdown];
    }
  }

  function liveStatus(text) {
    $("#live-status").textContent = text;
  }

  function onLiveReady(info) {
    live.info = info;
    live.data = emptyData();
    live.ladder = null;
    live.ladderFig = info.figures.ladder;
    $("#live-error").textContent = "";
    live.episodeCanvas = new AlpeLiveCanvas.EpisodeCanvas(
      $("#live-episode-canvas"),
      info.figures.episode,
    );
    live.ladderCanvas = new AlpeLiveCanvas.LadderCanvas(
      $("#live-ladder-canvas"),
      info.figures.ladder,
    );
    $("#ladder-note").textContent = info.tier === "book"
      ? "Depth ladder of the simulated book now (bids left, asks right; ◆ our quotes)."
      : info.tier === "model"
      ? "The model tier has no order book: fills arrive with intensity A·e^(−kδ). Choose the order-book market for a ladder."
      : "A replay of a recorded tape: the price chart shows the recorded mid with our quotes and fills; the depth ladder is drawn for the simulator's book tier.";
    const params = info.params
      ? " · " + Object.entries(info.params).map(([k, v]) => `${k} = ${fmt(v)}`).join(", ")
      : "";
    $("#live-caption").textContent =
      `${info.agent} on ${info.market} (${info.tier} tier): ${info.duration} s in steps of ${info.dt} s; ` +
      `parameters: ${info.paramsNote}${params}. While the market runs the charts are drawn on a ` +
      "canvas; pause to zoom and hover.";
    $("#live-metrics").replaceChildren();
    hooks.lastStep = 0;
    showInteractive(false);
    live.dirty = true;
    schedule();
  }

  function append(d, f) {
    for (
      const k of ["t", "mid", "bid", "ask", "inventory", "pnl", "drawdown", "bidFills", "askFills"]
    ) {
      const src = f[k];
      for (let i = 0; i < src.length; i++) d[k].push(src[i]);
    }
  }

  function onLiveFrame(msg) {
    hooks.frames++;
    send({ type: "live.ack", seq: msg.seq });
    if (!live.data) return;
    append(live.data, msg.frame);
    live.lastFrame = msg.frame;
    if (msg.frame.ladder) live.ladder = msg.frame.ladder;
    if (msg.ladder) live.ladderFig = msg.ladder;
    if (msg.metrics) live.metrics = msg.metrics;
    if (msg.frame.t.length > 0) live.newPoints = true;
    live.dirty = true;
    schedule();
  }

  // Draw at most every MIN_DRAW_MS, on a timer rather than requestAnimationFrame (which a
  // busy machine throttles well below the frame rate the server sends); a hidden tab draws
  // nothing and catches up when it is shown again.
  const MIN_DRAW_MS = 30;
  function schedule() {
    if (live.raf || document.hidden) return;
    const wait = Math.max(0, MIN_DRAW_MS - (performance.now() - (live.lastDraw || 0)));
    live.raf = setTimeout(() => {
      live.raf = 0;
      live.lastDraw = performance.now();
      renderLive();
    }, wait);
  }
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && live.dirty) schedule();
  });

  // Paused, done or idle: the interactive Plotly figures; running: the fast canvases.
  function showInteractive(on) {
    live.interactive = on;
    const ladder = !!live.info && live.info.tier === "book"; // only the book tier has one
    $("#live-episode-canvas").hidden = on;
    $("#live-ladder-canvas").hidden = on || !ladder;
    $("#live-episode").hidden = !on;
    $("#live-ladder").hidden = !on || !ladder;
    if (!on) {
      Plotly.purge("live-episode");
      Plotly.purge("live-ladder");
    }
    live.dirty = true;
  }

  function drawInteractive() {
    const ep = live.info.figures.episode;
    const data = ep.data.map((t, i) => {
      const [x, y] = traceXY(i);
      return { ...t, x, y };
    });
    Plotly.react("live-episode", data, ep.layout, ep.config);
    if (live.ladderFig && live.info.tier === "book") {
      Plotly.react(
        "live-ladder",
        live.ladderFig.data,
        live.ladderFig.layout,
        live.ladderFig.config,
      );
    }
  }

  function renderLive() {
    if (!live.dirty || !live.info) return;
    live.dirty = false;
    const t0 = performance.now();
    if (live.interactive) drawInteractive();
    else {
      live.episodeCanvas.draw(traceXY);
      live.ladderCanvas.draw(live.ladder);
    }
    if (live.metrics) {
      renderMetrics(live.metrics);
      live.metrics = null;
    }
    const now = performance.now();
    hooks.renderMs.push(now - t0);
    if (hooks.renderMs.length > 2000) hooks.renderMs.splice(0, 1000);
    if (live.newPoints) {
      live.newPoints = false;
      hooks.liveRenders.push(now);
      if (hooks.liveRenders.length > 2000) hooks.liveRenders.splice(0, 1000);
      live.frameTimes.push(now);
    }
    while (live.frameTimes.length && now - live.frameTimes[0] > 2000) live.frameTimes.shift();
    const f = live.lastFrame;
    if (!f) return;
    hooks.lastStep = f.step;
    const fps = live.frameTimes.length / 2;
    const regime = live.info.regimes[f.regime] ?? f.regime;
    liveStatus(
      `${hooks.liveState} · t = ${
        f.time.toFixed(1)
      } / ${live.info.duration} s · step ${f.step} / ` +
        `${live.info.steps} · regime ${regime}` +
        (hooks.liveState === "running" ? ` · ${fps.toFixed(0)} chart updates/s` : ""),
    );
  }

  function renderMetrics(rows) {
    const t = el("table", { class: "alpe-sortable metrics-table" });
    t.append(
      el("caption", {}, "Running metrics (the library's summarizeEpisode on the episode so far)"),
    );
    const head = el("tr");
    for (const h of ["metric", "value", "unit"]) head.append(el("th", {}, h));
    t.append(el("thead"));
    t.tHead.append(head);
    const body = el("tbody");
    for (const r of rows) {
      const tr = el("tr");
      tr.append(
        el("td", {}, r.label),
        el("td", { class: "num" }, fmt(r.value)),
        el("td", {}, r.unit),
      );
      body.append(tr);
    }
    t.append(body);
    $("#live-metrics").replaceChildren(t);
  }

  function onLiveState(state, message) {
    hooks.liveState = state;
    if (state === "loading") liveStatus(message || "loading…");
    if (live.info) {
      const wantInteractive = state !== "running" && state !== "loading";
      if (wantInteractive !== live.interactive) showInteractive(wantInteractive);
      live.dirty = true;
      if (state === "done" || state === "paused") {
        // Draw the last frame now, so that "done" or "paused" never shows a step behind.
        if (live.raf) clearTimeout(live.raf);
        live.raf = 0;
        live.lastDraw = performance.now();
        renderLive();
      } else schedule();
    }
    $("#live-start").textContent = state === "paused"
      ? "Resume"
      : state === "done"
      ? "Run again"
      : "Start";
  }

  function bindLive() {
    const speed = $("#live-speed");
    for (const s of meta.speeds) {
      speed.append(el("option", { value: s }, s === 0 ? "as fast as possible" : `×${s}`));
    }
    speed.value = "1";
    $("#live-start").addEventListener("click", () => {
      if (hooks.liveState === "paused" || hooks.liveState === "done") send({ type: "live.resume" });
      else send({ type: "live.start", fields: sidebarFields(), speed: Number(speed.value) });
    });
    $("#live-pause").addEventListener("click", () => send({ type: "live.pause" }));
    $("#live-step").addEventListener("click", () => {
      if (hooks.liveState === "idle") send({ type: "live.step", fields: sidebarFields() });
      else send({ type: "live.step" });
    });
    $("#live-reset").addEventListener(
      "click",
      () => send({ type: "live.reset", fields: sidebarFields() }),
    );
    speed.addEventListener(
      "change",
      () => send({ type: "live.speed", speed: Number(speed.value) }),
    );
  }

  // ------------------------------------------------------------------ jobs

  const JOB_UI = {
    compare: "compare",
    analysis: "analysis",
    portfolio: "portfolio",
    train: "train",
    realdata: "realdata",
  };

  function startJob(kind, params) {
    const ui = JOB_UI[kind];
    const id = `${kind}-${++jobCounter}`;
    activeJobs[kind] = id;
    latestJob[kind] = id;
    jobKindOf[id] = kind;
    hooks.jobs[id] = "queued";
    $(`#${ui}-error`).textContent = "";
    for (const i of $$(`#mode-${kind === "train" ? "training" : kind} [aria-invalid]`)) {
      i.removeAttribute("aria-invalid");
    }
    const prog = $(`#${ui}-progress`);
    prog.hidden = false;
    prog.querySelector("progress").removeAttribute("value");
    prog.querySelector("span").textContent = "starting…";
    if (kind !== "train") $(`#${ui}-results`).replaceChildren();
    send({ type: "job.start", id, kind, fields: sidebarFields(), params });
    return id;
  }

  function cancelJob(kind) {
    const id = activeJobs[kind];
    if (!id) return;
    send({ type: "job.cancel", id });
    hooks.jobs[id] = "cancelled";
    $(`#${JOB_UI[kind]}-progress`).hidden = true;
    delete activeJobs[kind];
  }

  function jobUi(id) {
    const kind = id === "model" ? "model" : jobKindOf[id];
    if (!kind || (kind !== "model" && latestJob[kind] !== id)) return null;
    return { kind, ui: kind === "model" ? "model" : JOB_UI[kind] };
  }

  function renderBlocks(container, blocks) {
    const figs = $$(".js-plotly-plot", container);
    const sameShape = figs.length > 0 &&
      figs.length === blocks.filter((b) => b.figure).length &&
      container.childElementCount === blocks.length;
    if (sameShape) {
      // Update in place (training curves after every update): no flicker.
      let i = 0;
      blocks.forEach((b, k) => {
        const node = container.children[k];
        if (b.figure) {
          const f = b.figure;
          Plotly.react(figs[i++], f.data, f.layout, f.config);
        } else if (b.text !== undefined) node.textContent = b.text;
      });
      return;
    }
    for (const f of figs) Plotly.purge(f);
    container.replaceChildren();
    for (const b of blocks) {
      if (b.section !== undefined) container.append(el("h2", {}, b.section));
      else if (b.subsection !== undefined) container.append(el("h3", {}, b.subsection));
      else if (b.text !== undefined) {
        container.append(el("p", { class: b.note ? "note" : "" }, b.text));
      } else if (b.html !== undefined) {
        const d = el("div");
        d.innerHTML = b.html;
        container.append(d.childElementCount === 1 ? d.firstElementChild : d);
      } else if (b.figure) {
        const fig = el("figure");
        const div = el("div", { class: "alpe-plot" });
        fig.append(div);
        if (b.caption) fig.append(el("figcaption", {}, b.caption));
        container.append(fig);
        Plotly.newPlot(div, b.figure.data, b.figure.layout, b.figure.config);
      }
    }
  }

  function onJob(msg) {
    const j = jobUi(msg.id);
    if (!j) return;
    const prog = $(`#${j.ui}-progress`);
    switch (msg.type) {
      case "job.queued":
        hooks.jobs[msg.id] = "queued";
        if (prog) {
          prog.querySelector("span").textContent =
            `waiting for a free worker (position ${msg.position})`;
        }
        return;
      case "job.progress": {
        hooks.jobs[msg.id] = "running";
        if (!prog) return;
        const bar = prog.querySelector("progress");
        if (msg.total > 0) {
          bar.max = msg.total;
          bar.value = msg.done;
          prog.querySelector("span").textContent = `${msg.done} / ${msg.total} ${msg.label}`;
        } else prog.querySelector("span").textContent = msg.label;
        return;
      }
      case "job.blocks":
        renderBlocks($(`#${j.ui}-results`), msg.blocks);
        if (msg.final && j.kind === "portfolio") buildWeights();
        if (j.kind === "model") hooks.jobs.model = "done";
        return;
      case "job.error": {
        hooks.jobs[msg.id] = "error";
        if (prog) prog.hidden = true;
        const sidebarField = msg.field && $(`#err-${msg.field}`);
        if (sidebarField) sidebarField.textContent = msg.message;
        const own = msg.field && $(`#${j.ui}-${msg.field}`);
        if (own) own.setAttribute("aria-invalid", "true");
        $(`#${j.ui}-error`).textContent = msg.message;
        delete activeJobs[j.kind];
        return;
      }
      case "job.done":
        hooks.jobs[msg.id] = "done";
        if (prog) {
          prog.querySelector("progress").value = prog.querySelector("progress").max;
          prog.querySelector("span").textContent = `done in ${msg.seconds.toFixed(1)} s`;
        }
        delete activeJobs[j.kind];
        return;
    }
  }

  function checkedAgents(box) {
    return $$("input[type=checkbox]", box).filter((c) => c.checked).map((c) => c.value);
  }

  function buildAgentBoxes(box, exclude) {
    for (const id of meta.agentIds) {
      const lab = el("label");
      const c = el("input", { type: "checkbox", value: id, checked: !exclude.includes(id) });
      const sw = el("span", {
        class: "alpe-swatch",
        style: `background:${meta.colors[id] || "#999"}`,
      });
      lab.append(c, sw, document.createTextNode(id));
      box.append(lab);
    }
  }

  let portfolioNames = [];
  function buildWeights() {
    const box = $("#portfolio-weights");
    portfolioNames = checkedAgents($("#portfolio-agents"));
    box.replaceChildren(
      el("span", { class: "hint" }, "Your allocation (weights, normalized to 100%):"),
    );
    for (const n of portfolioNames) {
      const lab = el("label", { class: "weights" }, `${n} `);
      lab.append(
        el("input", {
          type: "number",
          min: 0,
          step: 0.05,
          value: (1 / portfolioNames.length).toFixed(2),
          "data-agent": n,
        }),
      );
      box.append(lab);
    }
    const b = el("button", { id: "portfolio-apply" }, "Apply allocation");
    b.addEventListener("click", () => {
      const w = $$("input", box).map((i) => Number(i.value));
      send({ type: "portfolio.weights", id: lastPortfolioId, weights: w });
    });
    box.append(b);
    box.hidden = false;
  }

  let lastPortfolioId = "";
  function bindJobs() {
    buildAgentBoxes($("#compare-agents"), []);
    buildAgentBoxes($("#portfolio-agents"), ["random"]);
    $("#compare-run").addEventListener("click", () =>
      startJob("compare", {
        agents: checkedAgents($("#compare-agents")),
        ppo: $("#compare-ppo").value,
        episodes: $("#compare-episodes").value,
      }));
    $("#compare-cancel").addEventListener("click", () => cancelJob("compare"));
    $("#analysis-run").addEventListener(
      "click",
      () => startJob("analysis", { episodes: $("#analysis-episodes").value }),
    );
    $("#analysis-cancel").addEventListener("click", () => cancelJob("analysis"));
    $("#portfolio-run").addEventListener("click", () => {
      $("#portfolio-weights").hidden = true;
      lastPortfolioId = startJob("portfolio", {
        agents: checkedAgents($("#portfolio-agents")),
        ppo: $("#portfolio-ppo").value,
        episodes: $("#portfolio-episodes").value,
      });
    });
    $("#portfolio-cancel").addEventListener("click", () => cancelJob("portfolio"));
    $("#train-run").addEventListener("click", () => {
      $("#train-results").replaceChildren();
      startJob("train", { timesteps: $("#train-timesteps").value, envs: $("#train-envs").value });
    });
    $("#train-cancel").addEventListener("click", () => cancelJob("train"));
    $("#model-load").addEventListener("click", () => {
      $("#model-error").textContent = "";
      hooks.jobs.model = "running";
      send({ type: "model.load", dir: $("#model-select").value });
    });
    $("#model-use").addEventListener("click", () => {
      const opt = $("#model-select").selectedOptions[0];
      if (!opt) return;
      $("#f-agent").value = opt.dataset.agent;
      send({ type: "validate", fields: sidebarFields() });
      setMode("live");
    });
    buildAgentBoxes(
      $("#realdata-agents"),
      meta.agentIds.filter((id) => !["avellaneda-stoikov", "glft", "touch"].includes(id)),
    );
    $("#realdata-view").addEventListener(
      "click",
      () => startJob("realdata", { action: "view", tape: $("#realdata-tape").value }),
    );
    $("#realdata-replay").addEventListener("click", () =>
      startJob("realdata", {
        action: "replay",
        tape: $("#realdata-tape").value,
        episodes: $("#realdata-episodes").value,
        agents: checkedAgents($("#realdata-agents")),
        ppo: $("#realdata-ppo").value,
      }));
    $("#realdata-cancel").addEventListener("click", () => cancelJob("realdata"));
  }

  function buildRealData() {
    const rd = meta.realData;
    const banner = $("#realdata-banner");
    banner.replaceChildren();
    if (!rd.available) {
      banner.append(el("b", {}, "Not available: "), document.createTextNode(`${rd.reason}.`));
    } else {
      banner.classList.add("ok");
      banner.append(el("b", {}, "Recorded data. "), document.createTextNode(`${rd.reason}.`));
    }
    const sel = $("#realdata-tape");
    if (rd.tapes.length === 0) sel.append(el("option", { value: "" }, "no tapes found"));
    for (const t of rd.tapes) sel.append(el("option", { value: t.id, title: t.source }, t.label));
  }

  // ------------------------------------------------------------------ connection

  function connect() {
    ws = new WebSocket(`ws://${location.host}/ws`);
    ws.onopen = () => {
      hooks.wsOpen = true;
      $("#conn").textContent = "connected";
      $("#conn").classList.remove("bad");
      send({ type: "validate", fields: sidebarFields() });
    };
    ws.onclose = () => {
      hooks.wsOpen = false;
      $("#conn").textContent = "disconnected: retrying…";
      $("#conn").classList.add("bad");
      setTimeout(connect, 2000);
    };
    ws.onmessage = (e) => {
      const msg = JSON.parse(e.data);
      switch (msg.type) {
        case "validation":
          return showValidation(msg.errors);
        case "live.ready":
          return onLiveReady(msg.info);
        case "live.frame":
          return onLiveFrame(msg);
        case "live.state":
          return onLiveState(msg.state, msg.message);
        case "live.error":
          if (msg.field && $(`#err-${msg.field}`)) $(`#err-${msg.field}`).textContent = msg.message;
          $("#live-error").textContent = msg.message;
          return;
        case "models":
          meta.agents = msg.agents;
          return fillAgentSelect(msg.agents);
        case "job.queued":
        case "job.progress":
        case "job.blocks":
        case "job.error":
        case "job.done":
          return onJob(msg);
      }
    };
  }

  async function init() {
    meta = await (await fetch("/api/meta")).json();
    buildSidebar();
    bindLive();
    bindJobs();
    buildRealData();
    for (const b of $$("nav.modes button")) {
      b.addEventListener("click", () => setMode(b.dataset.mode));
    }
    connect();
    setInterval(() => send({ type: "ping" }), 10_000);
  }

  init();
})();
