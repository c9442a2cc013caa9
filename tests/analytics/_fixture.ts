/**
 * A small hand-built episode used by the analytics tests. Every number that the tests
 * derive from it is computed by hand in the tests' comments.
 *
 * @module
 */
import type { EpisodeRecord } from "../../lib/env/types.ts";

const N = NaN;

/**
 * dt = 0.5 s, 10 steps (5 one-second periods), lotSize 100, tickSize 0.01.
 * Fills: step 1 bid 2 lots @ 99.99; step 2 ask 1 @ 100.04; step 4 bid 1 @ 99.98;
 * step 7 ask 3 @ 100.05.
 */
export function handRecord(): EpisodeRecord {
  const f = (xs: number[]) => Float64Array.from(xs);
  const steps = 10;
  return {
    seed: 7,
    agentId: "hand",
    steps,
    dt: 0.5,
    lotSize: 100,
    tickSize: 0.01,
    time: f([0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5]),
    mid: f([100, 100.01, 100.02, 100.0, 99.99, 100.0, 100.03, 100.02, 100.04, 100.05]),
    cash: new Float64Array(steps),
    inventory: f([0, 2, 1, 1, 2, 2, 2, -1, -1, -1]),
    pnl: f([1, 2, 1, 3, 0, -2, 1, 4, 4, 6]),
    bidQuote: new Float64Array(steps).fill(99.99),
    askQuote: new Float64Array(steps).fill(100.04),
    bidPosted: f([2, 0, 0, 1, 1, 0, 1, 0, 0, 0]),
    askPosted: f([1, 0, 1, 0, 0, 0, 3, 0, 0, 0]),
    bidFilled: f([0, 2, 0, 0, 1, 0, 0, 0, 0, 0]),
    askFilled: f([0, 0, 1, 0, 0, 0, 0, 3, 0, 0]),
    bidFillPrice: f([N, 99.99, N, N, 99.98, N, N, N, N, N]),
    askFillPrice: f([N, N, 100.04, N, N, N, N, 100.05, N, N]),
    impact: new Float64Array(steps),
    reward: new Float64Array(steps),
    rewardPnl: new Float64Array(steps),
    rewardInventory: new Float64Array(steps),
    rewardVolatility: new Float64Array(steps),
    rewardImpact: f([0, 0.2, 0.1, 0, 0.1, 0, 0, 0.3, 0, 0]),
    regime: new Int32Array(steps),
  };
}
