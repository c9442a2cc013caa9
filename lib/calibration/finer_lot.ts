/**
 * A book-tier market config restated in a finer lot: the same market in instrument units,
 * every quantity counted in lots multiplied by the ratio of the lots. The simulator does not
 * depend on the lot beyond its whole-lot grid (measured: the shipped AMZN preset restated in
 * shares passes as many realism facts as in lots of 100 shares, docs/calibration.md), so the
 * calibration can fit the market's dynamics in the tape's natural lot and its order sizes in
 * a finer one (`calibrate --size-lot`).
 *
 * The quantities in lots: `flow.initialDepth`, `flow.informed.maxLots`,
 * `flow.snipers.maxLots`, `flow.cancellation.depletionSize` and, in `flow.sizes`,
 * `marketMean`, `marketMax`, `limitMean` and the medians of `components` and
 * `limitComponents`. The cancellation hazard's depletion term is measured in the market
 * orders' mean size; its size is pinned (`depletionSize`, the old mean restated) so that the
 * hazards stay those of the coarse market when the sizes are given another law in the finer
 * lot. Assumes nothing else of the config is
 * in lots (ticks, seconds and rates are not). Ignores the whole-lot grid: a law of whole
 * coarse lots (the Lomax, the Poisson) restated keeps its mean, not its spikes at multiples
 * of the ratio — fit the sizes again in the finer lot (the calibration does).
 *
 * @module
 */
import { ValidationError } from "../errors.ts";

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * `config` restated in lots of `lotSize` (instrument units): a deep copy with `lotSize` set
 * and every quantity in lots multiplied by `config.lotSize / lotSize`, each kept within its
 * model's range (`marketMax` at most 10⁷, `initialDepth` at most 10⁵).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { atLot } from "./finer_lot.ts";
 * const coarse = {
 *   lotSize: 100,
 *   flow: { initialDepth: 2, sizes: { marketMean: 2.5, limitMean: 1.3 }, snipers: { maxLots: 2 } },
 * };
 * const fine = atLot(coarse, 1);
 * assert.equal(fine.lotSize, 1);
 * assert.deepEqual(fine.flow, {
 *   initialDepth: 200,
 *   sizes: { marketMean: 250, limitMean: 130 },
 *   snipers: { maxLots: 200 },
 *   cancellation: { depletionSize: 250 }, // the hazards' size, pinned
 * });
 * assert.equal(coarse.flow.initialDepth, 2); // the input is left as it was
 * ```
 */
export function atLot<T extends Record<string, unknown>>(config: T, lotSize: number): T {
  const from = config.lotSize;
  if (typeof from !== "number" || !(from > 0) || !Number.isFinite(from)) {
    throw new ValidationError("lotSize", from, "the config's lot size, a positive number");
  }
  if (!(lotSize > 0) || !Number.isFinite(lotSize)) {
    throw new ValidationError("lotSize", lotSize, "a positive lot size in instrument units");
  }
  const k = from / lotSize;
  const out = structuredClone(config) as Obj;
  out.lotSize = lotSize;
  const flow = out.flow;
  if (!isObj(flow)) return out as T;
  const scale = (o: unknown, key: string, max = Infinity, integer = false) => {
    if (!isObj(o) || typeof o[key] !== "number") return;
    const v = (o[key] as number) * k;
    o[key] = Math.min(max, integer ? Math.max(1, Math.round(v)) : v);
  };
  const sizes = flow.sizes;
  // the depletion term's v̄ (the mean market-order size unless set) pinned before the sizes
  // are restated: a law fitted again in the finer lot must not move the hazards
  if (isObj(sizes) && typeof sizes.marketMean === "number") {
    const cancel = isObj(flow.cancellation) ? flow.cancellation : (flow.cancellation = {});
    if (typeof cancel.depletionSize !== "number") cancel.depletionSize = sizes.marketMean;
  }
  scale(flow.cancellation, "depletionSize", 1e7);
  scale(flow, "initialDepth", 100_000, true);
  scale(flow.informed, "maxLots", 1e7);
  scale(flow.snipers, "maxLots", 1e9);
  if (isObj(sizes)) {
    scale(sizes, "marketMean", 1e6);
    scale(sizes, "marketMax", 1e7, true);
    scale(sizes, "limitMean", 1e6);
    for (const key of ["components", "limitComponents"]) {
      const list = sizes[key];
      if (Array.isArray(list)) { for (const c of list) scale(c, "median", 1e7); }
    }
  }
  return out as T;
}
