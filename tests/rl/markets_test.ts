import assert from "node:assert/strict";
import { makeVecEnv } from "../../lib/env/make.ts";
import type { EnvConfig } from "../../lib/env/config.ts";
import type { VecEnv } from "../../lib/env/types.ts";
import { parseTrainConfig } from "../../lib/rl/config.ts";
import { stageEnvConfig, trainingEnvConfigs } from "../../lib/rl/curriculum.ts";
import { PpoTrainer } from "../../lib/rl/trainer.ts";
import { ValidationError } from "../../lib/errors.ts";

const CALM = { tier: "model", duration: 10, volatility: 0.01 };
const WILD = { tier: "model", duration: 10, volatility: 0.08 };

Deno.test("domain randomization: episode batches cycle through a stage's markets, calm to stressed", async () => {
  const seen: number[] = [];
  const factory = (cfg: EnvConfig, n: number): VecEnv => {
    const env = makeVecEnv(cfg, n);
    const reset = env.reset.bind(env);
    env.reset = (seeds) => {
      seen.push(cfg.volatility);
      return reset(seeds);
    };
    return env;
  };
  const t = await PpoTrainer.create({
    seed: 5,
    env: CALM,
    totalTimesteps: 8 * 100 * 8,
    residual: { enabled: false },
    curriculum: {
      stages: [
        { name: "calm", until: 0.5, markets: [CALM] },
        { name: "stressed", until: 1, markets: [CALM, WILD] },
      ],
    },
    ppo: { numEnvs: 8, nSteps: 100, minibatchSize: 200, epochs: 1 },
  }, { envFactory: factory });
  await t.train();
  t.dispose();
  // 8 batches of one 100-step episode: the first half calm only, then batch b trades in
  // market b mod 2 of the stressed stage.
  assert.deepEqual(seen.slice(0, 8), [0.01, 0.01, 0.01, 0.01, 0.01, 0.08, 0.01, 0.08]);
});

Deno.test("stage markets: every market the run trains in, and length checks", () => {
  const cfg = parseTrainConfig({
    env: CALM,
    curriculum: {
      stages: [
        { name: "a", until: 0.5, env: { volatility: 0.02 } },
        { name: "b", until: 1, markets: [CALM, WILD] },
      ],
    },
  });
  assert.deepEqual(trainingEnvConfigs(cfg).map((c) => c.volatility), [0.02, 0.01, 0.08]);
  assert.equal(stageEnvConfig(cfg, 1, 3).volatility, 0.08); // 3 mod 2
  assert.throws(
    () =>
      parseTrainConfig({
        env: CALM,
        curriculum: { stages: [{ name: "a", until: 1, markets: [{ ...WILD, duration: 20 }] }] },
      }),
    (e: unknown) =>
      e instanceof ValidationError && e.field === "curriculum.stages.0.markets.0.duration",
  );
});
