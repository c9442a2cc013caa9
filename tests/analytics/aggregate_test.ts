import assert from "node:assert/strict";
import { aggregate, flattenMetrics, metricColumns } from "../../lib/analytics/aggregate.ts";
import { episodesPerYear, perEpisodeSharpe } from "../../lib/analytics/episode_stats.ts";
import { summarizeEpisode } from "../../lib/analytics/summary.ts";
import { Rng } from "../../lib/rng/rng.ts";
import { handRecord } from "./_fixture.ts";

const close = (a: number, b: number, tol = 1e-12) =>
  assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

Deno.test("flattenMetrics / metricColumns: dotted keys, NaN for missing", () => {
  const f = flattenMetrics({ a: 1, b: { "1s": 2, c: { d: 3 } }, s: "x", arr: [1] });
  assert.deepEqual(f, { a: 1, "b.1s": 2, "b.c.d": 3 });
  const cols = metricColumns([{ a: 1 }, { a: 2, b: 5 }]);
  assert.deepEqual([...cols.keys()], ["a", "b"]);
  assert.deepEqual(Array.from(cols.get("a")!), [1, 2]);
  assert.ok(Number.isNaN(cols.get("b")![0]));
});

Deno.test("aggregate: mean, std, n against hand values; NaN skipped", () => {
  const rows = [
    { pnl: 1, fills: 3, m: { "1s": -1 } },
    { pnl: 3, fills: 5, m: { "1s": 1 } },
    { pnl: 2, fills: NaN, m: { "1s": 0 } },
    { pnl: 6, fills: Infinity, m: { "1s": 0 } },
  ];
  const agg = aggregate(rows, 42);
  // pnl: mean 12/4 = 3; deviations −2, 0, −1, 3 → Σ² 14 / 3 → sd √(14/3)
  close(agg.pnl.mean, 3);
  close(agg.pnl.std, Math.sqrt(14 / 3));
  assert.equal(agg.pnl.n, 4);
  assert.ok(agg.pnl.ci95[0] >= 1 && agg.pnl.ci95[1] <= 6 && agg.pnl.ci95[0] < 3);
  // fills: only 3 and 5 are finite → mean 4, sd √2
  assert.equal(agg.fills.n, 2);
  close(agg.fills.mean, 4);
  close(agg.fills.std, Math.SQRT2);
  close(agg["m.1s"].mean, 0);
  const none = aggregate([{ x: NaN }], 1);
  assert.equal(none.x.n, 0);
  assert.ok(Number.isNaN(none.x.mean));
});

Deno.test("aggregate: deterministic, and each metric's CI independent of the others", () => {
  const rng = new Rng("agg-det");
  const rows = Array.from({ length: 50 }, () => ({ a: rng.normal(), b: rng.normal(5, 2) }));
  const x = aggregate(rows, 9);
  const y = aggregate(rows, 9);
  assert.deepEqual(x, y);
  const onlyB = aggregate(rows.map((r) => ({ b: r.b })), 9);
  assert.deepEqual(onlyB.b, x.b);
  const z = aggregate(rows, 10);
  assert.notDeepEqual(z.a.ci95, x.a.ci95);
});

Deno.test("aggregate: 6 agents × 50 episodes of full summaries is fast", () => {
  const base = summarizeEpisode(handRecord(), { capitalBase: 1_000 });
  const rng = new Rng("agg-speed");
  const agents = Array.from({ length: 6 }, () =>
    Array.from({ length: 50 }, () => {
      const row: Record<string, number> = {};
      for (const [k, v] of Object.entries(flattenMetrics(base))) row[k] = v + rng.normal();
      return row;
    }));
  const t0 = performance.now();
  for (let i = 0; i < agents.length; i++) aggregate(agents[i], i);
  const ms = performance.now() - t0;
  // ~25 metrics × 6 agents × 2,000 resamples × 50 draws ≈ 15M draws; well under a second
  assert.ok(ms < 2_000, `aggregate took ${ms.toFixed(0)} ms`);
});

Deno.test("perEpisodeSharpe and episodesPerYear", () => {
  // [1, 2, 3]: mean 2, sample sd 1
  close(perEpisodeSharpe([1, 2, 3]), 2);
  close(perEpisodeSharpe([1, 2, 3], 4), 4);
  // [−1, 1, 3, 5]: mean 2, deviations −3, −1, 1, 3 → Σ² 20 / 3 → sd √(20/3)
  close(perEpisodeSharpe([-1, 1, 3, 5]), 2 / Math.sqrt(20 / 3));
  assert.ok(Number.isNaN(perEpisodeSharpe([2])));
  assert.ok(Number.isNaN(perEpisodeSharpe([2, 2])));
  // 300-second episodes: 252 × 23,400 / 300 = 19,656 per year
  close(episodesPerYear(300), 19_656);
});
