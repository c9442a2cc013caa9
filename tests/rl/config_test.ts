import assert from "node:assert/strict";
import { ValidationError } from "../../lib/errors.ts";
import { DEFAULT_STAGES, parseTrainConfig } from "../../lib/rl/config.ts";
import { stageEnvConfig, stageIndexAt, stageName } from "../../lib/rl/curriculum.ts";

function field(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ValidationError, String(e));
    return e.field;
  }
  throw new Error("no error");
}

Deno.test("train config: defaults and errors naming the field", () => {
  const cfg = parseTrainConfig();
  assert.equal(cfg.totalTimesteps, 1_000_000);
  assert.equal(cfg.ppo.numEnvs * cfg.ppo.nSteps % cfg.ppo.minibatchSize, 0);
  assert.deepEqual(cfg.ppo.hiddenSizes, [64, 64]);
  assert.equal(cfg.curriculum.stages.length, 3);
  assert.equal(field(() => parseTrainConfig({ ppo: { clipRange: 0 } })), "ppo.clipRange");
  assert.equal(
    field(() => parseTrainConfig({ ppo: { minibatchSize: 1000 } })),
    "ppo.minibatchSize",
  );
  assert.equal(field(() => parseTrainConfig({ env: { duration: 0 } })), "env.duration");
  assert.equal(field(() => parseTrainConfig({ seed: -1 })), "seed");
  // Typos are errors, not silently ignored.
  assert.equal(field(() => parseTrainConfig({ ppo: { gama: 0.9 } as never })), "ppo.gama");
  assert.match(
    (() => {
      try {
        parseTrainConfig({ ppo: { gama: 0.9 } as never });
      } catch (e) {
        return (e as Error).message;
      }
      return "";
    })(),
    /did you mean "gamma"/,
  );
  assert.equal(field(() => parseTrainConfig(null as never)), "(config)");
  const bad = structuredClone(DEFAULT_STAGES);
  bad[1].env = { latency: { order: { kind: "constant", ms: -3 } } };
  assert.equal(
    field(() => parseTrainConfig({ curriculum: { stages: bad } })),
    "curriculum.stages.1.env.latency.order.ms",
  );
  const unordered = structuredClone(DEFAULT_STAGES);
  unordered[1].until = 0.1;
  assert.equal(
    field(() => parseTrainConfig({ curriculum: { stages: unordered } })),
    "curriculum.stages.1.until",
  );
  const short = structuredClone(DEFAULT_STAGES).slice(0, 2);
  assert.equal(
    field(() => parseTrainConfig({ curriculum: { stages: short } })),
    "curriculum.stages.1.until",
  );
});

Deno.test("curriculum: calm → normal → full by timestep fraction, with rising latency and impact", () => {
  const cfg = parseTrainConfig({ totalTimesteps: 1000, env: { duration: 60 } });
  assert.deepEqual([0, 199, 200, 499, 500, 999, 5000].map((t) => stageIndexAt(cfg, t)), [
    0,
    0,
    1,
    1,
    2,
    2,
    2,
  ]);
  assert.deepEqual([0, 1, 2].map((i) => stageName(cfg, i)), ["calm", "normal", "full"]);
  const [calm, normal, full] = [0, 1, 2].map((i) => stageEnvConfig(cfg, i));
  for (const e of [calm, normal, full]) assert.equal(e.duration, 60); // base env kept
  assert.equal(calm.regimes.initial, 0);
  assert.ok(calm.regimes.rates.flat().every((r) => r === 0));
  assert.equal(calm.impact.model, "none");
  assert.deepEqual(calm.latency.order, { kind: "constant", ms: 0 });
  assert.equal(normal.regimes.initial, 1);
  assert.equal(normal.impact.model, "almgren-chriss");
  assert.ok(normal.impact.permanent < full.impact.permanent);
  assert.equal(full.regimes.initial, "stationary");
  assert.ok(full.regimes.rates.flat().some((r) => r > 0));
  const ms = (e: typeof calm) => (e.latency.order as { ms: number }).ms;
  assert.ok(ms(calm) < ms(normal) && ms(normal) < ms(full));
  const off = parseTrainConfig({ curriculum: { enabled: false } });
  assert.equal(stageIndexAt(off, 0), 0);
  assert.equal(stageName(off, 0), "base");
  assert.equal(stageEnvConfig(off, 0).regimes.initial, "stationary");
});
