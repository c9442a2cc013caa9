import assert from "node:assert/strict";
import {
  correlationHeatmapFigure,
  correlationMatrix,
  cumulative,
  depthHeatmapFigure,
  depthMatrix,
  distributionFigure,
  episodeFigure,
  equityCurvesFigure,
  executionFrontierFigure,
  intervalLinesFigure,
  markoutCurveFigure,
  metricBarsFigure,
  parseMetricsJsonl,
  plotlyBundle,
  pnlDrawdownFigure,
  policyMapFigure,
  priceQuotesFigure,
  regimeShapes,
  riskReturnFigure,
  trainingCurvesFigure,
  trajectoriesFigure,
} from "../../lib/viz/mod.ts";

const ep = {
  time: [0.1, 0.2, 0.3, 0.4],
  mid: [100, 100.01, 100.02, 100.01],
  bidQuote: [99.99, 100, NaN, 100],
  askQuote: [100.01, 100.02, 100.03, 100.02],
  bidFilled: [0, 2, 0, 1],
  askFilled: [0, 0, 3, 0],
  bidFillPrice: [NaN, 100, NaN, 100],
  askFillPrice: [NaN, NaN, 100.03, NaN],
  inventory: [0, 2, -1, 0],
  pnl: [0, 1, 3, 2],
  regime: [0, 0, 2, 2],
};

Deno.test("priceQuotesFigure: mid, quotes with gaps, fills only where filled", () => {
  const fig = priceQuotesFigure(ep);
  const byName = new Map(fig.data.map((t) => [t.name, t]));
  assert.deepEqual(byName.get("mid")?.y, [100, 100.01, 100.02, 100.01]);
  assert.deepEqual(byName.get("our bid")?.y, [99.99, 100, null, 100]);
  const buys = byName.get("bid fills (we buy)")!;
  assert.deepEqual(buys.x, [0.2, 0.4]);
  assert.deepEqual(buys.y, [100, 100]);
  assert.deepEqual(buys.text, ["2 lots", "1 lots"]);
  const sells = byName.get("ask fills (we sell)")!;
  assert.deepEqual(sells.x, [0.3]);
  assert.equal(sells.marker?.symbol, "triangle-down");
});

Deno.test("priceQuotesFigure thins long lines but keeps the last point and all fills", () => {
  const n = 10_000;
  const time = Array.from({ length: n }, (_, i) => i);
  const fills = time.map((i) => (i === 4321 ? 1 : 0));
  const fig = priceQuotesFigure(
    { time, mid: time, bidFilled: fills, bidFillPrice: time, askFilled: [], askFillPrice: [] },
    { maxPoints: 100 },
  );
  const mid = fig.data[0];
  assert.ok(mid.x!.length <= 101);
  assert.equal(mid.x![mid.x!.length - 1], n - 1);
  assert.deepEqual(fig.data.find((t) => t.name?.startsWith("bid fills"))?.x, [4321]);
});

Deno.test("pnlDrawdownFigure: drawdown from the running peak, drawn as negative", () => {
  const fig = pnlDrawdownFigure(ep);
  assert.deepEqual(fig.data[1].y, [-0, -0, -0, -1]);
  assert.equal(fig.data[1].yaxis, "y2");
});

Deno.test("episodeFigure stacks price, inventory and P&L and shades regimes", () => {
  const fig = episodeFigure(ep, { regimeNames: ["calm", "normal", "stressed"] });
  assert.deepEqual(fig.data.map((t) => t.yaxis), ["y", "y", "y", "y", "y", "y2", "y3"]);
  assert.equal(fig.layout.shapes?.length, 2);
  assert.deepEqual(regimeShapes(ep.time, ep.regime).map((s) => [s.x0, s.x1]), [[0, 0.2], [
    0.2,
    0.4,
  ]]);
});

Deno.test("depthMatrix puts bids positive and asks negative on a tick grid", () => {
  const m = depthMatrix([
    {
      time: 0,
      bidPrice: [99, 98],
      bidQty: [5, 7],
      askPrice: [101, NaN],
      askQty: [4, 0],
      askLevels: 1,
    },
    { time: 1, bidPrice: [100], bidQty: [2], askPrice: [102], askQty: [3] },
  ], 0.5);
  assert.deepEqual(m.price, [49, 49.5, 50, 50.5, 51]);
  assert.deepEqual(m.z, [[7, null], [5, null], [null, 2], [-4, null], [null, -3]]);
  const fig = depthHeatmapFigure(m, { mid: [50, 50.5] });
  assert.equal(fig.data[0].type, "heatmap");
  assert.equal(fig.data[0].zmax, 7);
  assert.deepEqual(fig.data[1].y, [50, 50.5]);
});

Deno.test("distributionFigure: one trace per sample, NaN dropped", () => {
  const s = [{ name: "a", values: [1, NaN, 3] }, { name: "b", values: [2] }];
  const v = distributionFigure(s);
  assert.deepEqual(v.data.map((t) => [t.type, t.y]), [["violin", [1, 3]], ["violin", [2]]]);
  const h = distributionFigure(s, { kind: "histogram" });
  assert.deepEqual(h.data[0].x, [1, 3]);
  assert.equal(h.layout.barmode, "overlay");
});

Deno.test("metricBarsFigure: asymmetric error bars from the interval", () => {
  const fig = metricBarsFigure([{ name: "a", value: 1, lo: 0.5, hi: 2 }]);
  assert.deepEqual(fig.data[0].error_y?.array, [1]);
  assert.deepEqual(fig.data[0].error_y?.arrayminus, [0.5]);
});

Deno.test("trainingCurvesFigure: a panel per numeric metric, parsed from JSONL", () => {
  const rows = parseMetricsJsonl(
    '{"iteration":1,"reward":-2,"tag":"x"}\n\n{"iteration":2,"reward":-1}\n{bad',
  );
  assert.equal(rows.length, 2);
  const fig = trainingCurvesFigure(rows);
  assert.deepEqual(fig.data.map((t) => [t.name, t.x, t.y]), [["reward", [1, 2], [-2, -1]]]);
  const two = trainingCurvesFigure([{ a: 1, b: 2 }, { a: 2, b: 3 }]);
  assert.deepEqual(two.data.map((t) => t.yaxis), ["y", "y2"]);
  assert.ok("yaxis2" in two.layout);
});

Deno.test("policy, equity, correlation, risk/return and impact figures", () => {
  const p = policyMapFigure([{
    name: "AS",
    inventory: [-1, 0, 1],
    bid: [3, 2, 1],
    ask: [1, 2, 3],
  }]);
  assert.deepEqual(p.data.map((t) => t.name), ["AS bid", "AS ask"]);
  assert.equal(p.data[1].line?.dash, "dash");
  assert.deepEqual(Array.from(cumulative([1, NaN, 2])), [1, 1, 3]);
  const e = equityCurvesFigure([{ name: "a", values: [1, 3] }]);
  assert.deepEqual(e.data[0].x, [1, 2]);
  const c = correlationMatrix([[1, 2, 3], [2, 4, 6], [3, 2, 1]]);
  assert.ok(Math.abs(c[0][1] - 1) < 1e-12 && Math.abs(c[0][2] + 1) < 1e-12);
  const h = correlationHeatmapFigure(["a", "b", "c"], c);
  assert.equal((h.data[0].text as string[][])[0][2], "-1.00");
  const r = riskReturnFigure([{ name: "x", risk: 1, ret: 2 }], {
    frontier: { risk: [1, 2], ret: [1, 3] },
  });
  assert.deepEqual(r.data.map((t) => t.name), ["efficient frontier", "x"]);
  const t = trajectoriesFigure([{ name: "λ=0", time: [0, 1], holdings: [10, 0] }]);
  assert.deepEqual(t.data[0].y, [10, 0]);
  const f = executionFrontierFigure([{ variance: 2e12, expectation: 3e6 }]);
  assert.deepEqual([f.data[0].x, f.data[0].y], [[2], [3]]);
});

Deno.test("intervalLinesFigure: a band (upper, lower filled to it) before each line", () => {
  const fig = intervalLinesFigure([
    { name: "a", x: [0, 1], y: [1, NaN], lo: [0.5, 1], hi: [1.5, 2] },
    { name: "b", x: [0, 1], y: [2, 3] },
  ]);
  assert.deepEqual(fig.data.map((t) => t.name), ["a upper", "a lower", "a", "b"]);
  assert.deepEqual(fig.data[0].y, [1.5, 2]);
  assert.equal(fig.data[1].fill, "tonexty");
  assert.equal(fig.data[1].showlegend, false);
  assert.deepEqual(fig.data[2].y, [1, null]);
  assert.equal(fig.data[3].fill, undefined);
  assert.equal(fig.layout.shapes, undefined);
  assert.equal(fig.layout.yaxis?.type, undefined);
  const log = intervalLinesFigure([{ name: "a", x: [1, 10], y: [0.9, 0.01] }], { logY: true });
  assert.equal(log.layout.yaxis?.type, "log");
});

Deno.test("markoutCurveFigure: horizon axis, zero line, options override the defaults", () => {
  const fig = markoutCurveFigure([{ name: "AS", x: [0, 5], y: [1, -1] }], { title: "t" });
  assert.equal(fig.layout.title?.text, "t");
  assert.equal(fig.layout.xaxis?.title?.text, "horizon after the fill (s)");
  assert.equal(fig.layout.yaxis?.title?.text, "markout (ticks per share)");
  assert.deepEqual(fig.layout.shapes?.map((s) => [s.y0, s.y1]), [[0, 0]]);
});

Deno.test("riskReturnFigure thins a huge cloud to a small output with the same range", () => {
  // Like notebook 05's grid of allocations: 142 506 points gave a 10.5 MB output.
  const n = 142_506;
  const risk = Array.from({ length: n }, (_, i) => 1 + Math.abs(Math.sin(i * 0.37)) * 3);
  const ret = Array.from({ length: n }, (_, i) => risk[i] * Math.cos(i * 0.11));
  risk[777] = NaN; // non-finite points are left out
  const fig = riskReturnFigure([{ name: "x", risk: 1, ret: 2 }], { cloud: { risk, ret } });
  const cloud = fig.data[0];
  const xs = cloud.x as number[], ys = cloud.y as number[];
  assert.ok(xs.length <= 10_000 && xs.length > 500, `${xs.length} points`);
  assert.match(String(cloud.name), new RegExp(`^random portfolios, ${xs.length} of ${n} shown$`));
  const finite = (a: number[], b: number[]) => a.filter((_, i) => Number.isFinite(b[i]));
  const fx = finite(risk, risk), fy = finite(ret, risk);
  const lo = (a: number[]) => a.reduce((m, v) => Math.min(m, v), Infinity);
  const hi = (a: number[]) => a.reduce((m, v) => Math.max(m, v), -Infinity);
  assert.deepEqual([lo(xs), hi(xs), lo(ys), hi(ys)], [lo(fx), hi(fx), lo(fy), hi(fy)]);
  assert.ok(JSON.stringify(plotlyBundle(fig)).length < 1_000_000);
  // Small clouds are drawn whole.
  const small = riskReturnFigure([], { cloud: { risk: [1, 2, 3], ret: [3, 2, 1], name: "c" } });
  assert.deepEqual([small.data[0].x, small.data[0].y, small.data[0].name], [
    [1, 2, 3],
    [3, 2, 1],
    "c",
  ]);
});
