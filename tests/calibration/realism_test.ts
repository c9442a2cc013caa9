import assert from "node:assert/strict";
import { compareRecords, realismSummary } from "../../lib/calibration/realism.ts";
import { factFigure, realismHtml } from "../../lib/calibration/realism_report.ts";
import { simulateRecords } from "../../lib/calibration/simulate.ts";

const ONE_REGIME = {
  names: ["one"],
  volMultipliers: [1],
  flowMultipliers: [1],
  rates: [[0]],
  initial: 0,
};
const BASE = { duration: 600, regimes: ONE_REGIME };
const OPTS = { blockSeconds: 60, resamples: 200 };

// The "real" market: the default book tier with one regime, 40 minutes.
const real = simulateRecords(BASE, { seconds: 2_400, seed: 1 });

Deno.test("realism: identical samples have distance 0 and pass every judged fact", () => {
  const r = compareRecords(real, real, OPTS);
  assert.equal(r.facts.length, 17);
  for (const f of r.facts) {
    assert.equal(f.distance, 0, f.name);
    assert.ok(f.pass !== false, f.name);
  }
  assert.ok(r.facts.filter((f) => f.pass === true).length >= 10);
});

Deno.test("realism: independent samples of the same market fail about 5 % of the facts (tolerances are sampling error, not zero)", () => {
  // each judged fact fails 5 % of the time under the null: over six pairs of independent
  // samples (the first the "real" market above), the share of failures stays near 5 %, and no
  // fact fails in most pairs (a tolerance too tight for its fact would)
  const PAIRS = 6;
  let judged = 0, failed = 0;
  const byFact: Record<string, number> = {};
  const lines: string[] = [];
  for (let k = 0; k < PAIRS; k++) {
    const a = k === 0 ? real : simulateRecords(BASE, { seconds: 2_400, seed: 2 * k + 1 });
    const b = simulateRecords(BASE, { seconds: 2_400, seed: 2 * k + 2 });
    const r = compareRecords(a, b, OPTS);
    assert.equal(r.facts.length, 17);
    for (const f of r.facts) {
      if (f.pass === null) continue;
      judged++;
      if (f.pass) continue;
      failed++;
      byFact[f.name] = (byFact[f.name] ?? 0) + 1;
      lines.push(`pair ${k}: ${f.name} ${f.distance} > ${f.tolerance}`);
    }
  }
  assert.ok(judged >= 11 * PAIRS);
  assert.ok(failed / judged <= 0.12, lines.join("; "));
  for (const [name, n] of Object.entries(byFact)) assert.ok(n <= 3, `${name}: ${n} of ${PAIRS}`);
});

Deno.test("realism: a market with another spread, volatility, sign memory or source of variance fails the facts that measure it", () => {
  const wide = simulateRecords({ ...BASE, flow: { placement: { minEdge: 3 } } }, {
    seconds: 2_400,
    seed: 2,
  });
  const byName = (rs: ReturnType<typeof compareRecords>) =>
    Object.fromEntries(rs.facts.map((f) => [f.name, f]));
  const a = byName(compareRecords(real, wide, OPTS));
  assert.equal(a.spread.pass, false);
  assert.ok(a.spread.distance > 0.5);
  // a failed distribution says where the two differ most
  const m = a.spread.note?.match(
    /^largest gap: ([\d.e-]+) of the real and ([\d.e-]+) of the simulated time lie below (\d+) \(spread\)$/,
  );
  assert.ok(m, a.spread.note);
  assert.ok(Math.abs(Math.abs(Number(m[1]) - Number(m[2])) - a.spread.distance) < 0.01);
  for (const f of Object.values(a)) {
    if (f.kind !== "distribution" && f.pass === false) assert.equal(f.note, undefined, f.name);
  }
  const volatile = simulateRecords({ ...BASE, volatility: 0.08 }, { seconds: 2_400, seed: 2 });
  const b = byName(compareRecords(real, volatile, OPTS));
  assert.equal(b.signaturePlot.pass, false);
  const iid = simulateRecords({ ...BASE, flow: { signs: { kind: "iid" } } }, {
    seconds: 2_400,
    seed: 2,
  });
  const c = byName(compareRecords(real, iid, OPTS));
  assert.equal(c.signAutocorrelation.pass, false);
  // the price moved by news, not by trades: volume and volatility come apart
  const news = simulateRecords(
    { ...BASE, flow: { fundamental: { impactShare: 0.02, privateShare: 0.01 } } },
    { seconds: 2_400, seed: 2 },
  );
  const d = byName(compareRecords(real, news, OPTS));
  assert.equal(d.volumeVolatility.pass, false);
  assert.ok(d.volumeVolatility.real[0] > d.volumeVolatility.sim[0] + 0.1);
  // … and a price moved by news jumps changes less often than one every trade moves
  assert.equal(d.midChanges.pass, false);
  assert.ok(d.midChanges.sim[0] > d.midChanges.real[0] + 0.02);
});

Deno.test("realism: takers who pay a tick more a side fail the effective spread; a batched feed leaves it unjudged", () => {
  // the same market, every order filled one tick further from the mid on average
  const dearer = real.map((r) => ({
    ...r,
    moPrice: r.moPrice.map((p, i) => p + r.moSign[i]),
  }));
  const byName = (rs: ReturnType<typeof compareRecords>) =>
    Object.fromEntries(rs.facts.map((f) => [f.name, f]));
  const a = byName(compareRecords(real, dearer, OPTS)).effectiveSpread;
  assert.equal(a.pass, false);
  // 2 ticks more per order over the same quoted spread
  const quoted = 2 / (a.sim[0] - a.real[0]);
  assert.ok(quoted > 1 && quoted < 20, `${quoted}`);
  assert.equal(byName(compareRecords(real, real, OPTS)).effectiveSpread.pass, true);
  // observed every 100 ms, the mid before an order is not seen: not judged, with the reason
  const batched = real.map((r) => ({ ...r, quoteInterval: 0.1 }));
  const b = byName(compareRecords(batched, batched, OPTS)).effectiveSpread;
  assert.equal(b.pass, null);
  assert.match(b.note ?? "", /^not judged: .*batched feed/);
});

Deno.test("realism: a book whose spread stays wider for a second after each market order fails spreadByTradeAge", () => {
  // the same market, its book 4 ticks wider (2 a side) from each order until 1 s after it
  const widened = real.map((r) => {
    const times = [...new Set([...r.qTime, ...r.moTime, ...r.moTime.map((t) => t + 1)])]
      .filter((t) => t >= r.qTime[0])
      .sort((a, b) => a - b);
    const qTime = Float64Array.from(times);
    const bid = new Float64Array(times.length), ask = new Float64Array(times.length);
    const bidQty = new Float64Array(times.length), askQty = new Float64Array(times.length);
    let k = 0, m = 0;
    times.forEach((t, i) => {
      while (k + 1 < r.qTime.length && r.qTime[k + 1] <= t) k++;
      while (m < r.moTime.length && r.moTime[m] <= t) m++;
      const w = m > 0 && t < r.moTime[m - 1] + 1 ? 2 : 0;
      [bid[i], ask[i], bidQty[i], askQty[i]] = [
        r.bid[k] - w,
        r.ask[k] + w,
        r.bidQty[k],
        r.askQty[k],
      ];
    });
    return { ...r, qTime, bid, ask, bidQty, askQty };
  });
  const byName = (rs: ReturnType<typeof compareRecords>) =>
    Object.fromEntries(rs.facts.map((f) => [f.name, f]));
  const a = byName(compareRecords(real, widened, OPTS)).spreadByTradeAge;
  assert.equal(a.pass, false);
  // within a second of an order the book is wider than its mean; later, narrower
  assert.ok(a.sim[0] > a.real[0] + 0.1 && a.sim[1] > a.real[1] + 0.1, `${a.sim} vs ${a.real}`);
  assert.ok(a.sim[2] < a.real[2] - 0.1, `${a.sim} vs ${a.real}`);
  assert.equal(byName(compareRecords(real, real, OPTS)).spreadByTradeAge.pass, true);
});

Deno.test("realism: orders below one lot on the tape are said to be beyond a simulation in whole lots", () => {
  // the same market measured in a lot ten times coarser: its sizes are tenths of a lot
  const tenths = real.map((r) => ({ ...r, moQty: r.moQty.map((q) => q / 10) }));
  const size = compareRecords(tenths, real, OPTS).facts.find((f) => f.name === "orderSize")!;
  assert.equal(size.pass, false);
  const below = tenths.flatMap((r) => Array.from(r.moQty)).filter((q) => q < 1).length /
    tenths.reduce((n, r) => n + r.moQty.length, 0);
  const said = /(\S+) of the real orders are smaller than one lot/.exec(size.note ?? "");
  assert.ok(said, size.note);
  assert.ok(Math.abs(Number(said[1]) - below) < 0.01, `${said[1]} vs ${below}`);
  assert.ok(size.distance >= Number(said[1]) - 0.01);
  // nothing below one lot: nothing said
  const same = compareRecords(real, real, OPTS).facts.find((f) => f.name === "orderSize")!;
  assert.equal(same.note, undefined);
});

Deno.test("realism: a short real sample is not judged on what it cannot measure; the summary has the documented shape", () => {
  const short = simulateRecords({ ...BASE, duration: 240 }, { seconds: 240, seed: 3 });
  const r = compareRecords(short, real, { blockSeconds: 20, resamples: 50 });
  const k60 = r.facts.find((f) => f.name === "kurtosis60s")!;
  assert.equal(k60.pass, null);
  assert.match(k60.note!, /not judged: the real data hold \d samples/);
  const s = realismSummary(r) as { facts: Record<string, Record<string, unknown>> };
  for (const f of Object.values(s.facts)) {
    for (const key of ["real", "sim", "distance", "tolerance", "pass"]) assert.ok(key in f, key);
    // counts of samples, whole numbers (the signature plot's is a sum of intervals over h)
    const n = f.samples as { real: number; sim: number };
    assert.ok(Number.isInteger(n.real) && Number.isInteger(n.sim), JSON.stringify(n));
  }
  assert.equal(typeof s.facts.depthInOrders.real, "number");
  assert.ok(Array.isArray(s.facts.signAutocorrelation.real));
  // the mid's changes on log axes: empty bins left out, bands stopped above zero
  const changes = factFigure(r.facts.find((f) => f.name === "midChanges")!);
  assert.equal(changes.layout.yaxis?.type, "log");
  assert.equal(changes.layout.xaxis?.type, "log");
  for (const t of changes.data) {
    for (const y of t.y as (number | null)[]) assert.ok(y === null || y > 0, `${t.name}: ${y}`);
  }
  const html = realismHtml(r, { title: "t", preset: "p", data: ["d"] });
  assert.equal((html.match(/<figure>/g) ?? []).length, 17);
  assert.throws(() => compareRecords([], real), /at least one real record/);
});
