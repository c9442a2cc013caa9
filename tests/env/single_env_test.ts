import assert from "node:assert/strict";
import { parseEnvConfig } from "../../lib/env/config.ts";
import { ModelVecEnv } from "../../lib/env/model_env.ts";
import { SingleEnv } from "../../lib/env/single_env.ts";
import { OBS_DIM } from "../../lib/env/types.ts";
import { ValidationError } from "../../lib/errors.ts";

Deno.test("SingleEnv: Gymnasium-style reset/step shapes, copies at the edge", () => {
  const cfg = parseEnvConfig({ tier: "model", duration: 10, dt: 0.5 });
  const env = new SingleEnv(new ModelVecEnv(cfg, 1));
  assert.equal(env.config, cfg);
  const r0 = env.reset(3);
  assert.ok(r0.observation instanceof Float64Array && r0.observation.length === OBS_DIM);
  assert.equal(r0.info.step, 0);
  assert.equal(r0.info.pnl, 0);
  const first = r0.observation.slice();
  let last = env.step([1, 1, 1, 1]);
  assert.deepEqual(r0.observation, first); // not overwritten by the step
  assert.equal(typeof last.reward, "number");
  assert.equal(last.terminated, false);
  assert.equal(last.truncated, false);
  assert.equal(last.info.step, 1);
  let steps = 1;
  while (!last.terminated) {
    last = env.step([1, 1, 1, 1]);
    steps++;
  }
  assert.equal(steps, 20);
  assert.deepEqual(Object.keys(last.info.rewardTerms).sort(), [
    "impact",
    "inventory",
    "pnl",
    "volatility",
  ]);
  // Same seed, same episode.
  const again = env.reset(3);
  assert.deepEqual(again.observation, first);
  assert.throws(
    () => env.step([1, 1, 1]),
    (e: unknown) => e instanceof ValidationError && e.field === "action.length",
  );
  assert.throws(() => new SingleEnv(new ModelVecEnv(cfg, 2)), ValidationError);
});
