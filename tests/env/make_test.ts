import assert from "node:assert/strict";
import { BookVecEnv } from "../../lib/env/book_env.ts";
import { parseEnvConfig } from "../../lib/env/config.ts";
import { makeEnv, makeVecEnv } from "../../lib/env/make.ts";
import { ModelVecEnv } from "../../lib/env/model_env.ts";
import { SingleEnv } from "../../lib/env/single_env.ts";
import { OBS_DIM } from "../../lib/env/types.ts";
import { ValidationError } from "../../lib/errors.ts";

Deno.test("makeVecEnv picks the tier from config.tier (book by default)", () => {
  const book = makeVecEnv({}, 2);
  assert.ok(book instanceof BookVecEnv);
  assert.equal(book.numEnvs, 2);
  assert.equal(book.config.tier, "book");
  const model = makeVecEnv({ tier: "model" }, 3);
  assert.ok(model instanceof ModelVecEnv);
  assert.equal(model.numEnvs, 3);
  // an already resolved config is accepted as is
  const cfg = parseEnvConfig({ tier: "model", duration: 42 });
  const again = makeVecEnv(cfg, 1);
  assert.ok(again instanceof ModelVecEnv);
  assert.equal(again.config.duration, 42);
});

Deno.test("makeVecEnv rejects bad configs and sizes with a named ValidationError", () => {
  assert.throws(
    () => makeVecEnv({ duration: 0 }, 1),
    (e: unknown) => e instanceof ValidationError && e.field === "duration",
  );
  assert.throws(
    () => makeVecEnv({ flow: { placement: { maxDistance: 0 } } }, 1),
    (e: unknown) => e instanceof ValidationError && e.field === "flow.placement.maxDistance",
  );
  assert.throws(() => makeVecEnv({}, 0), /numEnvs/);
  assert.throws(() => makeVecEnv({ tier: "model" }, 1.5), /numEnvs/);
});

Deno.test("makeEnv gives a Gymnasium-style env for both tiers", () => {
  for (const tier of ["book", "model"] as const) {
    const env = makeEnv({ tier, duration: 10, dt: 1 });
    assert.ok(env instanceof SingleEnv);
    const { observation, info } = env.reset(3);
    assert.equal(observation.length, OBS_DIM);
    assert.equal(info.step, 0);
    let last = env.step([1, 1, 1, 1]);
    for (let k = 1; k < 10; k++) last = env.step([1, 1, 1, 1]);
    assert.equal(last.terminated, true);
    assert.equal(last.truncated, false);
    assert.equal(last.info.step, 10);
    assert.ok(Number.isFinite(last.reward));
    assert.ok(last.observation.every(Number.isFinite));
    // same seed, same episode
    const a = env.reset(5).observation;
    const r1 = env.step([2, 2, 1, 1]);
    const b = env.reset(5).observation;
    const r2 = env.step([2, 2, 1, 1]);
    assert.deepEqual(a, b);
    assert.deepEqual(r1, r2);
  }
});
