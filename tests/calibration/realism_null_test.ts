import assert from "node:assert/strict";
import { parseEnvConfig } from "../../lib/env/config.ts";
import { recordSeconds } from "../../lib/calibration/record.ts";
import { simulateRecords } from "../../lib/calibration/simulate.ts";
import { NULL_WARMUP_SECONDS, nullTapeRecords } from "../../lib/calibration/realism_null.ts";
import { runRealism } from "../../lib/calibration/realism.ts";
import { loadTapeSync } from "../../lib/data/load.ts";
import { ValidationError } from "../../lib/errors.ts";

const config = parseEnvConfig({ tier: "book", duration: 60 });

Deno.test("nullTapeRecords: one stand-in per record, as long and observed as it was, after a warm-up, deterministic for a seed", () => {
  const real = [
    ...simulateRecords(config, { seconds: 60, seed: 4, quoteInterval: 0.1 }),
    ...simulateRecords({ ...config, duration: 30 }, { seconds: 30, seed: 5, timeResolution: 1e-3 }),
  ];
  const a = nullTapeRecords(config, real, 1);
  assert.equal(a.length, 2);
  a.forEach((s, i) => {
    assert.equal(s.quoteInterval, real[i].quoteInterval);
    assert.equal(s.timeResolution ?? 0, real[i].timeResolution ?? 0);
    assert.equal(recordSeconds(s), recordSeconds(real[i]));
    // the record starts after the warm-up: its own times, not the episode's first seconds
    assert.equal(s.segments[0][0], NULL_WARMUP_SECONDS);
    assert.ok(s.moTime.every((t) => t >= NULL_WARMUP_SECONDS));
  });
  assert.deepEqual(nullTapeRecords(config, real, 1), a);
  assert.notDeepEqual(nullTapeRecords(config, real, 2)[0].moTime, a[0].moTime);
  assert.throws(
    () => simulateRecords(config, { seconds: 60, recordFrom: 60 }),
    (e) => e instanceof ValidationError && e.field === "recordFrom",
  );
});

Deno.test("runRealism with null: the tapes' records are replaced by the stand-ins (the run still returns the tapes' records)", () => {
  const tape = loadTapeSync("data/real/binance/spot_btcusdt_20240808.gz");
  const btc = { tickSize: 0.01, lotSize: 0.001, initialPrice: 61_700, duration: 60 };
  const opts = { seconds: 120, episodeSeconds: 60, resamples: 20, seed: 3 };
  const plain = runRealism(btc, [tape], opts);
  const nul = runRealism(btc, [tape], { ...opts, null: true, real: plain.real });
  assert.equal(nul.real, plain.real);
  // the same simulation, another "real" side: other real values, the same simulated ones
  const spread = (r: typeof plain) => r.result.facts.find((f) => f.name === "spread")!;
  assert.deepEqual(spread(nul).sim, spread(plain).sim);
  assert.notDeepEqual(spread(nul).real, spread(plain).real);
  const stand = nullTapeRecords(parseEnvConfig({ ...btc, tier: "book" }), plain.real, 3);
  assert.equal(nul.result.seconds.real, stand.reduce((s, r) => s + recordSeconds(r), 0));
});
