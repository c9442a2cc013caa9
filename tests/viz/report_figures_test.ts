import assert from "node:assert/strict";
import {
  AGENT_COLORS,
  agentColor,
  depthLadderFigure,
  distributionFigure,
  forestFigure,
  inventoryMultiplesFigure,
  LIVE_TRACES,
  liveEpisodeFigure,
  reportPage,
  sampleEpisodeFigure,
  smallMultiplesFigure,
  sortableTableHtml,
} from "../../lib/viz/mod.ts";

Deno.test("agentColor: one colour per agent, stable, and distinct for the shipped agents", () => {
  const ids = Object.keys(AGENT_COLORS);
  assert.equal(new Set(ids.map(agentColor)).size, ids.length);
  assert.equal(agentColor("Avellaneda–Stoikov"), AGENT_COLORS["avellaneda-stoikov"]);
  assert.equal(agentColor(" GLFT "), AGENT_COLORS.glft);
  for (const name of ["ppo:data/models/ppo_low_inventory", "my agent", "x"]) {
    assert.match(agentColor(name), /^#[0-9A-F]{6}$/i);
    assert.equal(agentColor(name), agentColor(name));
    assert.ok(!Object.values(AGENT_COLORS).includes(agentColor(name)));
  }
});

Deno.test("figure builders colour agents by name, whatever their order", () => {
  const a = distributionFigure([{ name: "glft", values: [1] }, { name: "ppo", values: [2] }]);
  const b = distributionFigure([{ name: "ppo", values: [2] }, { name: "glft", values: [1] }]);
  const color = (f: typeof a, n: string) =>
    (f.data.find((t) => t.name === n)?.marker as { color: string }).color;
  assert.equal(color(a, "glft"), color(b, "glft"));
  assert.equal(color(a, "glft"), AGENT_COLORS.glft);
});

Deno.test("smallMultiplesFigure: one panel (own axes) per sample, non-finite values dropped", () => {
  const fig = smallMultiplesFigure([
    { name: "random", values: [-1000, 2000, NaN] },
    { name: "glft", values: [1, 2, 3] },
    { name: "ppo", values: [70, 71] },
    { name: "static-spread", values: [0] },
  ], { columns: 3 });
  const hist = fig.data.filter((t) => t.type === "histogram");
  assert.deepEqual(hist.map((t) => t.xaxis), ["x", "x2", "x3", "x4"]);
  assert.deepEqual(hist[0].x, [-1000, 2000]);
  // Panels do not overlap: the fourth sits below the first.
  const d1 = (fig.layout.yaxis as { domain: number[] }).domain;
  const d4 = (fig.layout.yaxis4 as { domain: number[] }).domain;
  assert.ok(d4[1] < d1[0]);
});

Deno.test("forestFigure: agents in the same order in every panel, whiskers from the CI", () => {
  const est = (name: string, v: number) => ({ name, value: v, lo: v - 1, hi: v + 2 });
  const fig = forestFigure([
    { title: "Sharpe", estimates: [est("glft", 5), est("ppo", 9)] },
    { title: "P&L", estimates: [est("glft", 1), est("ppo", NaN)] },
  ]);
  assert.deepEqual(fig.data[0].y, ["glft", "ppo"]);
  assert.deepEqual(fig.data[1].x, [1, null]);
  const err = fig.data[0].error_x as { array: number[]; arrayminus: number[] };
  assert.deepEqual(err.array, [2, 2]);
  assert.deepEqual(err.arrayminus, [1, 1]);
});

Deno.test("inventoryMultiplesFigure: shares of steps sum to 1, trimmed to visited values", () => {
  const fig = inventoryMultiplesFigure([{
    name: "glft",
    lots: [-2, -1, 0, 1, 2],
    counts: [0, 1, 2, 1, 0],
  }]);
  assert.deepEqual(fig.data[0].x, [-1, 0, 1]);
  assert.deepEqual(fig.data[0].y, [0.25, 0.5, 0.25]);
});

Deno.test("sampleEpisodeFigure: zooms on the window with y fitted to it", () => {
  const n = 1000;
  const time = Array.from({ length: n }, (_, i) => (i + 1) * 0.1);
  const mid = time.map((t) => (t <= 60 ? 100 : 150));
  const fig = sampleEpisodeFigure("glft", { time, mid, pnl: time.map(() => 0) }, { window: 60 });
  assert.deepEqual((fig.layout.xaxis as { range: number[] }).range, [0, 60]);
  const yr = (fig.layout.yaxis as { range: number[] }).range;
  assert.ok(yr[1] < 101 && yr[0] > 99, `price range ${yr} ignores the later jump`);
});

Deno.test("liveEpisodeFigure / depthLadderFigure: fixed trace order, bids left, asks right", () => {
  const fig = liveEpisodeFigure({ agent: "ppo", duration: 30 });
  assert.equal(fig.data[LIVE_TRACES.mid].name, "mid");
  assert.equal(fig.data[LIVE_TRACES.drawdown].name, "drawdown");
  assert.equal((fig.data[LIVE_TRACES.pnl].line as { color: string }).color, AGENT_COLORS.ppo);
  const l = depthLadderFigure({
    bids: [{ price: 99.99, lots: 3 }, { price: 99.98, lots: 5 }],
    asks: [{ price: 100.01, lots: 4 }],
    ourBid: 99.98,
    ourAsk: null,
  });
  assert.deepEqual(l.data[0].x, [-3, -5]);
  assert.deepEqual(l.data[1].x, [4]);
  assert.deepEqual(l.data[2].text, ["our bid"]);
  assert.equal(depthLadderFigure(null).data[0].x?.length, 0);
});

Deno.test("sortableTableHtml escapes text and keeps numeric sort keys; reportPage is deterministic", () => {
  const html = sortableTableHtml({
    columns: ["agent <b>", "P&L"],
    rows: [[{ text: "<script>", swatch: "#000000" }, { text: "1.0", sort: 1, sub: "[0, 2]" }], [
      "x",
      { text: "n/a", sort: null },
    ]],
  });
  assert.ok(!html.includes("<script>"));
  assert.ok(html.includes("&lt;script&gt;"));
  assert.ok(html.includes('data-sort="1"'));
  assert.ok(html.includes('data-sort=""'));
  const page = () =>
    reportPage("T", [{ section: "A" }, { section: "A" }, {
      figure: { data: [], layout: {} },
    }], { plotly: { src: "plotly.js" } });
  assert.equal(page(), page());
  assert.ok(page().includes('id="a-2"'));
  assert.ok(!page().includes("Plotly.newPlot(document")); // drawn by figureHtml's script
});
