import assert from "node:assert/strict";
import fc from "npm:fast-check@4.10.2";
import { atLot } from "../../lib/calibration/finer_lot.ts";
import { parseEnvConfig } from "../../lib/env/config.ts";
import { resolveMarket } from "../../lib/env/markets.ts";
import { createCancellationModel } from "../../lib/market/cancellation.ts";
import { ValidationError } from "../../lib/errors.ts";

Deno.test("atLot: a shipped preset restated in a finer lot is a valid config with every quantity in lots scaled, nothing else", async () => {
  const amzn = (await resolveMarket("amzn")).config;
  const input = structuredClone(amzn) as unknown as Record<string, unknown>;
  const fine = atLot(input, 1);
  const cfg = parseEnvConfig(fine);
  assert.equal(cfg.lotSize, 1);
  assert.equal(cfg.flow.initialDepth, amzn.flow.initialDepth * 100);
  assert.equal(cfg.flow.snipers.maxLots, amzn.flow.snipers.maxLots * 100);
  assert.equal(cfg.flow.informed.maxLots, amzn.flow.informed.maxLots * 100);
  assert.ok(Math.abs(cfg.flow.sizes.marketMean - amzn.flow.sizes.marketMean * 100) < 1e-9);
  assert.equal(cfg.flow.sizes.marketMax, amzn.flow.sizes.marketMax * 100);
  assert.ok(Math.abs(cfg.flow.sizes.limitMean - amzn.flow.sizes.limitMean * 100) < 1e-9);
  // the cancellation hazards' size is pinned at the old mean market order, restated
  assert.equal(amzn.flow.cancellation.depletionSize, undefined);
  assert.ok(
    Math.abs(cfg.flow.cancellation.depletionSize! - amzn.flow.sizes.marketMean * 100) < 1e-9,
  );
  // nothing else moves: ticks, rates, seconds
  const strip = (c: typeof cfg) => ({
    ...c,
    lotSize: 0,
    flow: {
      ...c.flow,
      initialDepth: 0,
      sizes: { ...c.flow.sizes, marketMean: 0, marketMax: 0, limitMean: 0 },
      snipers: { ...c.flow.snipers, maxLots: 0 },
      informed: { ...c.flow.informed, maxLots: 0 },
      cancellation: { ...c.flow.cancellation, depletionSize: undefined },
    },
  });
  assert.deepEqual(strip(cfg), strip(amzn));
  assert.deepEqual(input, structuredClone(amzn)); // the input is left as it was
});

Deno.test("atLot: the restated market's cancellation hazards are the coarse market's at the same depth, whatever law its sizes are then given", async () => {
  const amzn = (await resolveMarket("amzn")).config;
  const coarse = createCancellationModel(amzn.flow.cancellation, amzn.flow.sizes.marketMean);
  const fineCfg = parseEnvConfig(
    atLot(structuredClone(amzn) as unknown as Record<string, unknown>, 1),
  );
  for (const mean of [fineCfg.flow.sizes.marketMean, 7, 5_000]) {
    // the sizes refitted in shares (another mean) must not move the hazards
    const fine = createCancellationModel(fineCfg.flow.cancellation, mean);
    for (const lots of [0.5, 1, 2, 5, 20]) {
      for (const ahead of [0, 0.5]) {
        const h0 = coarse.hazard(ahead, lots, true, 0),
          h1 = fine.hazard(ahead, lots * 100, true, 0);
        assert.ok(Math.abs(h1 / h0 - 1) < 1e-12, `${lots} lots: ${h1} against ${h0}`);
      }
      assert.ok(Math.abs(fine.touchBound(lots * 100) / coarse.touchBound(lots) - 1) < 1e-12);
    }
  }
  // without the pin the hazard follows the size law's mean: a thin touch's depletion term
  const loose = createCancellationModel(amzn.flow.cancellation, 5_000);
  assert.ok(loose.hazard(0, 100, true, 0) > coarse.hazard(0, 1, true, 0) * 1.1);
});

Deno.test("atLot (property): a mixture's medians scale with the lot, back and forth; bounds hold", () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0.01, max: 1e4, noNaN: true }),
      fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
      fc.double({ min: 1, max: 100, noNaN: true }),
      (median, lot, ratio) => {
        const c = {
          lotSize: lot,
          flow: {
            sizes: {
              marketMean: 3,
              components: [{ weight: 1, median, logSd: 1 }],
              limitComponents: [{ weight: 1, median, logSd: 0.5 }],
            },
          },
        };
        const fine = atLot(c, lot / ratio);
        const m = fine.flow.sizes.components[0].median;
        const want = Math.min(1e7, median * ratio);
        assert.ok(Math.abs(m / want - 1) < 1e-12, `${m} against ${want}`);
        assert.equal(fine.flow.sizes.limitComponents[0].median, m);
        const back = atLot(fine, lot);
        if (median * ratio <= 1e7) {
          const r = back.flow.sizes.components[0].median / median;
          assert.ok(Math.abs(r - 1) < 1e-12, `${r}`);
        }
      },
    ),
    { numRuns: 200, seed: 5 },
  );
  assert.equal(
    atLot({ lotSize: 1, flow: { sizes: { marketMax: 1e6 } } }, 0.001).flow.sizes.marketMax,
    1e7,
  );
  assert.equal(atLot({ lotSize: 1, flow: { initialDepth: 5e4 } }, 0.01).flow.initialDepth, 100_000);
});

Deno.test("atLot: a lot that is not a positive number is named", () => {
  assert.throws(
    () => atLot({ lotSize: 1 }, 0),
    (e: unknown) => e instanceof ValidationError && e.field === "lotSize",
  );
  assert.throws(
    () => atLot({ lotSize: "1" }, 1),
    (e: unknown) => e instanceof ValidationError && e.field === "lotSize",
  );
});
