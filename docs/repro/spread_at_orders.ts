/**
 * At which spreads a preset's market orders come, against the tape's (docs/calibration.md,
 * "Stop 58"; measured at stop 58).
 *
 * 1. The spread just before each market order over the time-weighted spread, split into a part
 *    between bins of B seconds (the bins' time-weighted spreads weighted by their orders: do
 *    busy bins have wide spreads?) and a part within them (do the orders come at the bin's
 *    narrow moments?); with the correlation over bins of the number of orders and the spread.
 * 2. The takers who answer an improvement (`fitImprovementTakers`): the share of improvements
 *    answered beyond chance, the answers' delay and how often they, and the other orders, have
 *    the sign of the order before them.
 *
 * Both on the tape and on the preset simulated for as long (realism seed 0).
 *
 * Usage, from the repository root:
 * `deno run -A docs/repro/spread_at_orders.ts PRESET DATA…` (a preset's name or file; a few
 * seconds for the AMZN day).
 *
 * @module
 */
import {
  fitImprovementTakers,
  loadTapeSync,
  type MarketRecord,
  quoteIndexAt,
  resolveMarket,
  runRealism,
  timeWeightedSpread,
} from "../../mod.ts";

/** Spread at orders over the mean, its between-bin and within-bin factors, corr(orders, spread). */
function decompose(recs: readonly MarketRecord[], bin: number): number[] {
  const spread: number[] = [],
    seconds: number[] = [],
    orders: number[] = [],
    atOrders: number[] = [];
  for (const r of recs) {
    let i = 0; // the next market order (bins and segments come in time order)
    for (const [a, b] of r.segments) {
      for (let t0 = a; t0 + bin <= b; t0 += bin) {
        if (quoteIndexAt(r, t0) < 0) continue;
        const [mean, tw] = timeWeightedSpread(r, t0, t0 + bin);
        let n = 0, sum = 0;
        while (i < r.moTime.length && r.moTime[i] < t0) i++;
        for (; i < r.moTime.length && r.moTime[i] < t0 + bin; i++) {
          const tm = r.moTime[i];
          const kb = quoteIndexAt(r, tm - 1e-7);
          const s = kb < 0 ? NaN : r.ask[kb] - r.bid[kb];
          if (s === s) {
            n++;
            sum += s;
          }
        }
        if (tw > 0) {
          spread.push(mean);
          seconds.push(tw);
          orders.push(n);
          atOrders.push(sum);
        }
      }
    }
  }
  const total = (xs: number[]) => xs.reduce((x, y) => x + y, 0);
  const N = total(orders);
  const mean = total(spread.map((s, i) => s * seconds[i])) / total(seconds);
  const between = total(spread.map((s, i) => s * orders[i])) / N / mean;
  const at = total(atOrders) / N / mean;
  const mo = total(orders) / orders.length, ms = total(spread) / spread.length;
  let c = 0, vo = 0, vs = 0;
  for (let i = 0; i < orders.length; i++) {
    c += (orders[i] - mo) * (spread[i] - ms);
    vo += (orders[i] - mo) ** 2;
    vs += (spread[i] - ms) ** 2;
  }
  return [at, between, at / between, c / Math.sqrt(vo * vs)];
}

const [presetPath, ...data] = Deno.args;
if (presetPath === undefined || data.length === 0) {
  console.error("usage: deno run -A docs/repro/spread_at_orders.ts PRESET DATA…");
  Deno.exit(2);
}
const market = await resolveMarket(presetPath, "preset");
const run = runRealism(market.config, data.map((d) => loadTapeSync(d)), { seed: 0, resamples: 20 });
const f = (x: number) => x.toFixed(3);
for (const [name, recs] of [["tape", run.real], ["simulation", run.sim]] as const) {
  for (const bin of [10, 60]) {
    const [at, between, within, corr] = decompose(recs, bin);
    console.log(
      `${name}, ${bin}-s bins: spread at orders / mean ${f(at)} = between ${f(between)} × ` +
        `within ${f(within)}; corr(orders, spread) ${f(corr)}`,
    );
  }
  const tk = fitImprovementTakers(recs);
  console.log(
    tk === null
      ? `${name}: the takers are not identified`
      : `${name}: ${tk.improvements} improvements, answered beyond chance ${f(tk.probability)} ± ` +
        `${f(tk.probabilitySe)}, median delay ${tk.medianMs.toFixed(2)} ms (σ ${f(tk.sigma)}); ` +
        `answers ${f(tk.share)} of the orders; same sign as the order before: answers ` +
        `${f(tk.sameSign)}, the others ${f(tk.sameSignOthers)}`,
  );
}
