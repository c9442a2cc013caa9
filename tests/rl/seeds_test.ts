import assert from "node:assert/strict";
import { evaluationSeeds } from "../../lib/backtest/seeds.ts";
import { ppoHeldOut } from "../../lib/backtest/compare.ts";
import { parseEnvConfig } from "../../lib/env/config.ts";
import { parseTrainConfig } from "../../lib/rl/config.ts";
import { episodeSeed, residualCalibrationSeeds, trainingSeeds } from "../../lib/rl/seeds.ts";
import { childSeed } from "../../lib/rng/streams.ts";

Deno.test("training seeds: episode seeds by batch and env, plus the calibration seeds", () => {
  const cfg = parseTrainConfig({ seed: 3, ppo: { numEnvs: 4 } });
  assert.equal(episodeSeed(cfg, 2, 1), childSeed(3, 1 + 2 * 4 + 1));
  const seeds = trainingSeeds(cfg, 3);
  assert.equal(seeds.length, 3 * 4 + 16);
  assert.deepEqual(seeds.slice(12), residualCalibrationSeeds(cfg));
  assert.equal(new Set(seeds).size, seeds.length);
  const off = parseTrainConfig({ seed: 3, ppo: { numEnvs: 4 }, residual: { enabled: false } });
  assert.equal(trainingSeeds(off, 3).length, 12);
});

Deno.test("ppoHeldOut counts evaluation seeds the model trained on", async () => {
  const dir = await Deno.makeTempDir();
  const write = (seed: number, episodeBatch: number) =>
    Deno.writeTextFile(
      `${dir}/checkpoint.json`,
      JSON.stringify({ config: { seed, ppo: { numEnvs: 16 } }, episodeBatch }),
    );
  // Trained with seed 0, batch 0 and 1 started: childSeed(0, 1..32) — evaluation seeds
  // childSeed(0, e) for e = 1..32 of a root-0 evaluation are among them.
  await write(0, 1);
  const held = await ppoHeldOut(dir, evaluationSeeds(0, 50));
  assert.equal(held.trainingSeeds, 32 + 16);
  assert.equal(held.evaluationSeedsSeenInTraining, 32);
  assert.equal(held.marketSeenInTraining, true); // no market given: not checked
  await write(1, 1);
  assert.equal((await ppoHeldOut(dir, evaluationSeeds(0, 50))).evaluationSeedsSeenInTraining, 0);
});

Deno.test("ppoHeldOut says whether the evaluation market is one the model trained in", async () => {
  const dir = await Deno.makeTempDir();
  const env = { tier: "model" as const, duration: 10, volatility: 0.02 };
  await Deno.writeTextFile(
    `${dir}/checkpoint.json`,
    JSON.stringify({
      config: { seed: 0, env, marketNames: ["calm"], ppo: { numEnvs: 4 } },
      episodeBatch: 0,
    }),
  );
  const seen = await ppoHeldOut(dir, [], parseEnvConfig(env));
  assert.equal(seen.marketSeenInTraining, true);
  assert.deepEqual(seen.trainingMarkets, ["calm"]);
  // The episode length and reward do not make a market new; its dynamics do.
  assert.equal(
    (await ppoHeldOut(dir, [], parseEnvConfig({ ...env, duration: 60 }))).marketSeenInTraining,
    true,
  );
  assert.equal(
    (await ppoHeldOut(dir, [], parseEnvConfig({ ...env, volatility: 0.05 }))).marketSeenInTraining,
    false,
  );
});
