import assert from "node:assert/strict";
import fc from "npm:fast-check@4.10.2";
import { atLot } from "../../lib/calibration/finer_lot.ts";
import { parseEnvConfig } from "../../lib/env/config.ts";
import { resolveMarket } from "../../lib/env/markets.ts";
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
    },
  });
  assert.deepEqual(strip(cfg), strip(amzn));
  assert.deepEqual(input, structuredClone(amzn)); // the input is left as it was
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
