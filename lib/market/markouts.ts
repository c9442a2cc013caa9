/**
 * Markouts of passive fills by flow type: how the mid moved after a resting order was
 * executed, split by who took the liquidity (an uninformed market order, an informed
 * trader, the agent's crossing order).
 *
 * The markout at horizon h of a fill of q lots at price p, resting on the buy side, is
 * mid(t + h) − p ticks per lot (p − mid(t + h) on the sell side): positive when the maker
 * gained, measured against the mid in force h seconds after the fill (h = 0: just after
 * it). At h = 0 it is the half-spread earned, minus the mid move the fill itself caused.
 * Means are per lot (volume-weighted). Across episodes, the mean pools every fill and its
 * 95 % confidence interval treats each episode as one independent cluster (the ratio
 * estimator's standard error, normal quantile), because fills within an episode overlap
 * in time and are not independent.
 *
 * @module
 */
import { ValidationError } from "../errors.ts";
import { FLOW_TYPE, MAKER, type MarketTape } from "./tape.ts";

/** Default markout horizons, seconds. */
export const PASSIVE_MARKOUT_HORIZONS: readonly number[] = [0, 0.1, 1, 5, 10, 30, 60];

/** The flow types markouts are split by, in {@linkcode PassiveMarkouts} order. */
export const MARKOUT_TYPES = ["uninformed", "informed", "agent"] as const;

/** One flow type's name. */
export type MarkoutType = typeof MARKOUT_TYPES[number];

/** Options of {@linkcode passiveMarkouts}. */
export interface MarkoutOptions {
  /** Horizons, seconds (default {@linkcode PASSIVE_MARKOUT_HORIZONS}). */
  horizons?: readonly number[];
  /** Whose passive fills: "background", "agent" or "all" (default "all"). */
  maker?: "background" | "agent" | "all";
  /** Fills after this time (s) are left out (default: none). */
  from?: number;
  /** Last time the mid is known, s (default the tape's last record); later horizons are left out. */
  end?: number;
  /**
   * "mid" (default): against the mid; "reference": against the simulator's reference price
   * recorded on the tape (what the price is worth, free of the bid–ask bounce).
   */
  against?: "mid" | "reference";
}

/** Sums of one episode's markouts, by flow type and horizon. */
export interface PassiveMarkouts {
  /** Horizons, seconds. */
  horizons: number[];
  /** Σ lots·markout (ticks·lots), index `type · H + h` (types in {@linkcode MARKOUT_TYPES} order). */
  sum: Float64Array;
  /** Σ lots counted, same index. */
  lots: Float64Array;
  /** Number of fills counted, same index. */
  fills: Float64Array;
}

/**
 * The markout sums of the passive fills on `tape` (see the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FLOW_TYPE, MAKER, MarketTape } from "./tape.ts";
 * import { passiveMarkouts, summarizeMarkouts } from "./markouts.ts";
 * const tape = new MarketTape();
 * tape.quote(0, 99, 100, 5, 5);
 * tape.trade(1, 99, 2, 1, FLOW_TYPE.UNINFORMED, MAKER.BACKGROUND, 0); // a sell hits the bid
 * tape.quote(1, 98, 99, 5, 5); // the mid falls one tick
 * tape.quote(20, 98, 99, 5, 5);
 * const m = passiveMarkouts(tape, { horizons: [0, 10] });
 * const s = summarizeMarkouts([m]);
 * assert.equal(s.uninformed.mean[0], -0.5); // bought at 99, mid 98.5 right after
 * ```
 */
export function passiveMarkouts(tape: MarketTape, options: MarkoutOptions = {}): PassiveMarkouts {
  const horizons = [...(options.horizons ?? PASSIVE_MARKOUT_HORIZONS)];
  horizons.forEach((h, i) => {
    if (!(h >= 0) || !Number.isFinite(h)) {
      throw new ValidationError(`horizons[${i}]`, h, "a finite number of seconds >= 0");
    }
  });
  const maker = options.maker ?? "all";
  const from = options.from ?? -Infinity;
  const end = options.end ?? tape.endTime;
  const useRef = options.against === "reference";
  const nh = horizons.length;
  const nt = MARKOUT_TYPES.length;
  const sum = new Float64Array(nt * nh);
  const lots = new Float64Array(nt * nh);
  const fills = new Float64Array(nt * nh);
  for (let k = 0; k < tape.trades; k++) {
    const m = tape.maker[k];
    if (maker === "background" && m !== MAKER.BACKGROUND) continue;
    if (maker === "agent" && m !== MAKER.AGENT) continue;
    const t = tape.tradeTime[k];
    if (t < from) continue;
    const agg = tape.aggressor[k];
    const type = agg === FLOW_TYPE.UNINFORMED ? 0 : agg === FLOW_TYPE.INFORMED ? 1 : 2;
    const q = tape.qty[k];
    const p = tape.price[k];
    // the maker sits on the side opposite the aggressor: aggressor sells (1) → maker bought
    const dir = tape.side[k] === 1 ? 1 : -1;
    for (let h = 0; h < nh; h++) {
      const at = t + horizons[h];
      if (at > end) continue;
      const mid = useRef ? tape.referenceAt(at) : tape.midAt(at);
      if (mid !== mid) continue;
      const i = type * nh + h;
      sum[i] += q * dir * (mid - p);
      lots[i] += q;
      fills[i]++;
    }
  }
  return { horizons, sum, lots, fills };
}

/** Pooled markout curve of one flow type across episodes, with 95 % CIs. */
export interface MarkoutCurve {
  /** Horizons, seconds. */
  horizons: number[];
  /** Mean markout per lot, ticks (NaN when no fill). */
  mean: Float64Array;
  /** Lower end of the 95 % CI, ticks. */
  ciLow: Float64Array;
  /** Upper end of the 95 % CI, ticks. */
  ciHigh: Float64Array;
  /** Lots counted. */
  lots: Float64Array;
  /** Fills counted. */
  fills: Float64Array;
  /** Episodes with at least one counted fill (per horizon). */
  episodes: Float64Array;
}

/** Markout curves by flow type, and over all flow types. */
export type MarkoutSummary = Record<MarkoutType | "all", MarkoutCurve>;

/**
 * Pools the markouts of several episodes (same horizons) into curves by flow type with
 * cluster-robust 95 % CIs (see the module doc); a CI needs at least two episodes (NaN
 * otherwise).
 */
export function summarizeMarkouts(episodes: readonly PassiveMarkouts[]): MarkoutSummary {
  if (episodes.length === 0) throw new ValidationError("episodes", 0, "at least one episode");
  const horizons = episodes[0].horizons;
  const nh = horizons.length;
  for (const e of episodes) {
    if (e.horizons.length !== nh || e.horizons.some((h, i) => h !== horizons[i])) {
      throw new ValidationError("episodes", e.horizons, `the same horizons (${horizons})`);
    }
  }
  const curve = (pick: (e: PassiveMarkouts, h: number) => [number, number, number]) => {
    const c: MarkoutCurve = {
      horizons: [...horizons],
      mean: new Float64Array(nh),
      ciLow: new Float64Array(nh),
      ciHigh: new Float64Array(nh),
      lots: new Float64Array(nh),
      fills: new Float64Array(nh),
      episodes: new Float64Array(nh),
    };
    for (let h = 0; h < nh; h++) {
      let s = 0, l = 0, f = 0, n = 0;
      for (const e of episodes) {
        const [es, el, ef] = pick(e, h);
        s += es;
        l += el;
        f += ef;
        if (el > 0) n++;
      }
      const m = l > 0 ? s / l : NaN;
      c.mean[h] = m;
      c.lots[h] = l;
      c.fills[h] = f;
      c.episodes[h] = n;
      let se = NaN;
      if (n >= 2 && l > 0) {
        const lbar = l / episodes.length;
        let ss = 0;
        for (const e of episodes) {
          const [es, el] = pick(e, h);
          const r = (es - m * el) / lbar;
          ss += r * r;
        }
        const k = episodes.length;
        se = Math.sqrt(ss / (k * (k - 1)));
      }
      c.ciLow[h] = m - 1.959963984540054 * se;
      c.ciHigh[h] = m + 1.959963984540054 * se;
    }
    return c;
  };
  const out = {} as MarkoutSummary;
  MARKOUT_TYPES.forEach((name, type) => {
    out[name] = curve((
      e,
      h,
    ) => [e.sum[type * nh + h], e.lots[type * nh + h], e.fills[type * nh + h]]);
  });
  out.all = curve((e, h) => {
    let s = 0, l = 0, f = 0;
    for (let type = 0; type < MARKOUT_TYPES.length; type++) {
      s += e.sum[type * nh + h];
      l += e.lots[type * nh + h];
      f += e.fills[type * nh + h];
    }
    return [s, l, f];
  });
  return out;
}
