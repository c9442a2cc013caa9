import assert from "node:assert/strict";
import { runScript, type ScriptRun } from "./_run.ts";

function ablation(args: string[]): Promise<ScriptRun> {
  return runScript("ablation", args);
}

Deno.test("ablation: the shipped PPO against its own GLFT base on held-out seeds", async () => {
  const r = await ablation(["--episodes", "2", "--seed", "3"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^ppo\s+-?\d/m);
  // The base may not trade in 2 episodes (Sharpe undefined, printed "-").
  assert.match(r.stdout, /^ppo-base \(glft\)\s+(-?\d|- )/m);
  assert.match(r.stdout, /ppo − ppo-base sharpe: /);
  assert.match(r.stdout, /0 of them among the model's \d+ training seeds/);
  // compare's default market, which the shipped model trained in
  assert.match(r.stdout, /market btcusdt-lump .*market seen in training/);
});

Deno.test("ablation: a held-out market is named as such; replay and unknown markets fail", async () => {
  const r = await ablation(["--episodes", "1", "--seed", "3", "--market", "btcusdt+coarse-tick"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /market btcusdt\+coarse-tick .*market NOT seen in training/);
  for (const m of ["no-such-market", "replay:data/real/binance/spot_btcusdt_20240808.gz"]) {
    const bad = await ablation(["--episodes", "1", "--market", m]);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /^error: .*--market/m);
    assert.doesNotMatch(bad.stderr, /\n\s+at /);
  }
});

Deno.test("ablation: bad flags and a non-residual model fail with one line naming the field", async () => {
  const bad = await ablation(["--episodes", "0"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^error: .*--episodes.*0/m);
  assert.doesNotMatch(bad.stderr, /\n\s+at /);
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/checkpoint.json`, JSON.stringify({ config: {} }));
  const notResidual = await ablation(["--episodes", "1", "--model", dir]);
  assert.equal(notResidual.code, 2);
  assert.match(notResidual.stderr, /--model/);
});
