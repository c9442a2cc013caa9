import assert from "node:assert/strict";
import { parseEnvConfig } from "../../lib/env/config.ts";
import { parseTrainConfig } from "../../lib/rl/config.ts";
import {
  claimRunDir,
  dashboardTrainConfig,
  modelBlocks,
  RUNS_DIR,
} from "../../lib/dashboard/training.ts";

const ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

Deno.test("claimRunDir: concurrent claims get distinct folders, never an existing one", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${root}/${RUNS_DIR}/run-1`, { recursive: true });
    const dirs = await Promise.all([1, 2, 3, 4].map(() => claimRunDir(root)));
    assert.equal(new Set(dirs).size, 4);
    assert.ok(!dirs.includes(`${RUNS_DIR}/run-1`));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("dashboardTrainConfig: a valid training config for every envs count", () => {
  const env = parseEnvConfig({ tier: "model", duration: 20 });
  for (let envs = 1; envs <= 64; envs++) {
    const cfg = parseTrainConfig(dashboardTrainConfig(env, 4096, envs, 3));
    assert.equal(cfg.ppo.numEnvs, envs);
    assert.equal((cfg.ppo.numEnvs * cfg.ppo.nSteps) % cfg.ppo.minibatchSize, 0);
    assert.equal(cfg.seed, 3);
  }
});

Deno.test("modelBlocks: a shipped model's settings and training curves", async () => {
  const blocks = await modelBlocks(ROOT, "data/models/ppo");
  const table = blocks.find((b) => "table" in b);
  assert.ok(table && "table" in table);
  const rows = table.table.rows.map((r) => r[0]);
  assert.ok(rows.includes("training seed"));
  assert.ok(blocks.some((b) => "figure" in b));
  await assert.rejects(() => modelBlocks(ROOT, "data/models/nope"), /checkpoint\.json/);
});
