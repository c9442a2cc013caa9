import assert from "node:assert/strict";
import {
  fitShareSizes,
  SHARE_MEDIANS,
  SHARE_SIGMAS,
} from "../../lib/calibration/fit_share_sizes.ts";
import { simulateRecords } from "../../lib/calibration/simulate.ts";

// snipers who race often to quotes left stale by news, in a market whose own orders are small
const market = (m: number, s: number) => ({
  duration: 600,
  flow: {
    sizes: { marketMean: 2 },
    fundamental: { impactShare: 0.2, privateShare: 0.6, privateRate: 2, revealRate: 0.5 },
    snipers: {
      rate: 50,
      threshold: 1,
      maxLots: 1_000,
      sizes: "share" as const,
      shareMedian: m,
      sizeSigma: s,
    },
  },
});

Deno.test("share sizes: recovers the snipers' median share within a factor 2 and their log-sd within 1 on simulated tapes, and improves on the market started elsewhere", () => {
  for (const truth of [[0.16, 1], [0.04, 1.5]]) {
    const tape = simulateRecords(market(truth[0], truth[1]), { seconds: 1_800, seed: 11 });
    const fit = fitShareSizes(tape, market, {
      quoteInterval: 0,
      seconds: 1_800,
      seed: 5,
      replicates: 0,
      before: market(0.005, 0.5),
    });
    assert.equal(fit.points.length, SHARE_MEDIANS.length * SHARE_SIGMAS.length);
    const m = fit.median.value, s = fit.sigma.value;
    assert.ok(m >= truth[0] / 2 && m <= truth[0] * 2, `median ${m} (truth ${truth[0]})`);
    assert.ok(Math.abs(s - truth[1]) <= 1, `log-sd ${s} (truth ${truth[1]})`);
    assert.ok(fit.objective < fit.objectiveBefore, `${fit.objective} vs ${fit.objectiveBefore}`);
    assert.ok(fit.median.se > 0 && fit.sigma.se > 0);
    assert.match(fit.median.method, /share of market orders below/);
    // the least point of the grid is the estimate
    const least = fit.points.reduce((a, b) => b[2] < a[2] ? b : a);
    assert.deepEqual([least[0], least[1]], [m, s]);
  }
});
