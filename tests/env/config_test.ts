import assert from "node:assert/strict";
import {
  type EnvConfigInput,
  parseEnvConfig,
  SECONDS_PER_DAY,
  sigmaPerSqrtSecond,
  stepsPerEpisode,
} from "../../lib/env/config.ts";
import { ValidationError } from "../../lib/errors.ts";

function rejects(input: Record<string, unknown>, field: string, valueText: string): void {
  assert.throws(
    () => parseEnvConfig(input as unknown as EnvConfigInput),
    (e: unknown) =>
      e instanceof ValidationError && e.field === field && e.message.includes(valueText),
  );
}

Deno.test("defaults are the documented seed ranges' defaults", () => {
  const c = parseEnvConfig();
  assert.equal(c.tier, "book");
  assert.ok(c.duration >= 10 && c.duration <= 500);
  assert.ok(c.initialPrice >= 50 && c.initialPrice <= 200);
  assert.ok(c.volatility >= 0.01 && c.volatility <= 0.1);
  assert.equal(stepsPerEpisode(c), Math.round(c.duration / c.dt));
  assert.equal(c.regimes.names.length, c.regimes.volMultipliers.length);
});

Deno.test("volatility unit: daily relative vol over a 23,400 s day", () => {
  const c = parseEnvConfig({ volatility: 0.04, initialPrice: 150 });
  // σ over one day in dollars = 0.04 × 150 = 6; per √s it is 6/√23400.
  assert.equal(sigmaPerSqrtSecond(c) * Math.sqrt(SECONDS_PER_DAY), 0.04 * 150);
});

Deno.test("the library accepts real markets beyond the command line's ranges", () => {
  const btc = parseEnvConfig({
    initialPrice: 61_000,
    lotSize: 1e-5,
    volatility: 0.3,
    duration: 3600,
  });
  assert.equal(btc.lotSize, 1e-5);
  assert.equal(btc.initialPrice, 61_000);
});

Deno.test("an unknown key is rejected with the closest valid name", () => {
  rejects({ volatilty: 0.05 } as never, "volatilty", 'did you mean "volatility"');
  rejects({ impact: { permanant: 1e-4 } } as never, "impact.permanant", 'did you mean "permanent"');
  rejects(null as never, "(config)", "object");
});

Deno.test("out-of-range fields are named with their value and allowed range", () => {
  rejects({ duration: 0.001 }, "duration", "got 0.001");
  rejects({ duration: 1e6 }, "duration", "<= 604800");
  rejects({ initialPrice: -20 }, "initialPrice", "> 0");
  rejects({ volatility: 50 }, "volatility", "got 50");
  rejects({ lotSize: 0 }, "lotSize", "> 0");
  rejects({ volatility: Number.NaN }, "volatility", "NaN");
  rejects({ tier: "lob" }, "tier", '"book"');
  rejects({ impact: { halfLife: -1 } }, "impact.halfLife", "-1");
  rejects({ latency: { order: { kind: "constant", ms: -3 } } }, "latency.order.ms", "-3");
  rejects({ regimes: { volMultipliers: [1, 2] } }, "regimes.volMultipliers", "3 entries");
  rejects({ dt: 10, duration: 10 }, "dt", "less than duration");
});
