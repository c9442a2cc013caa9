/** Sweep specs: strict schema, named errors, market resolution; fuzzed input only ever gives a ValidationError. */
import assert from "node:assert/strict";
import fc from "npm:fast-check@4.10.2";
import { ValidationError } from "../../lib/errors.ts";
import { parseSweepSpec } from "../../lib/sweep/spec.ts";
import {
  alpeMarketResolver,
  type MarketResolver,
  namedMarketResolver,
  resolveMarkets,
} from "../../lib/sweep/markets.ts";
import { parseEnvConfig } from "../../lib/env/config.ts";
import { planSweep } from "../../lib/sweep/plan.ts";

const CODE = "0".repeat(64);

function fieldOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    assert.ok(err instanceof ValidationError, String(err));
    return err.field;
  }
  assert.fail("expected a ValidationError");
}

async function fieldOfAsync(f: () => Promise<unknown>): Promise<string> {
  try {
    await f();
  } catch (err) {
    assert.ok(err instanceof ValidationError, String(err));
    return `${err.field}: ${err.message}`;
  }
  assert.fail("expected a ValidationError");
}

Deno.test("spec: defaults, and errors that name the field", () => {
  const s = parseSweepSpec({ agents: [{ id: "glft" }] });
  assert.equal(s.name, "sweep");
  assert.deepEqual(s.markets, ["default"]);
  assert.equal(s.attempts, 3);
  assert.equal(fieldOf(() => parseSweepSpec({})), "agents");
  assert.equal(fieldOf(() => parseSweepSpec({ agents: [] })), "agents");
  assert.equal(
    fieldOf(() => parseSweepSpec({ agents: [{ id: "glft" }], episodes: 0 })),
    "episodes",
  );
  assert.equal(fieldOf(() => parseSweepSpec({ agents: [{ id: "glft" }], seed: -1 })), "seed");
  assert.equal(fieldOf(() => parseSweepSpec({ agents: [{ id: "glft" }], name: "a b" })), "name");
  assert.equal(
    fieldOf(() => parseSweepSpec({ agents: [{ id: "glft", grid: { gamma: [] } }] })),
    "agents.0.grid.gamma",
  );
  assert.throws(() => parseSweepSpec({ agnets: [] }), /did you mean "agents"/);
  assert.throws(
    () => parseSweepSpec({ agents: [{ id: "glft", tnue: true }] }),
    /did you mean "tune"/,
  );
  assert.throws(
    () => parseSweepSpec({ agents: [{ id: "ppo", train: { seeds: [1], perMarkt: true } }] }),
    /perMarket/,
  );
});

Deno.test("spec: planning names bad agents, parameters and markets", async () => {
  const plan = (spec: Record<string, unknown>) =>
    planSweep({ agents: [{ id: "glft" }], ...spec }, { code: CODE });
  assert.match(
    await fieldOfAsync(() => plan({ agents: [{ id: "glfd" }] })),
    /^agents\[0\]\.id: .*one of random/,
  );
  assert.match(
    await fieldOfAsync(() =>
      plan({ agents: [{ id: "avellaneda-stoikov", params: { gamma: -1 } }] })
    ),
    /^agents\[0\]\.params\.gamma/,
  );
  assert.match(
    await fieldOfAsync(() => plan({ agents: [{ id: "glft", grid: { gama: [1] } }] })),
    /^agents\[0\]\.params\.gama/,
  );
  assert.match(
    await fieldOfAsync(() => plan({ agents: [{ id: "random", tune: true }] })),
    /^agents\[0\]\.tune/,
  );
  assert.match(
    await fieldOfAsync(() => plan({ agents: [{ id: "ppo", params: { x: 1 } }] })),
    /^agents\[0\]\.params/,
  );
  assert.match(
    await fieldOfAsync(() => plan({ agents: [{ id: "ppo", model: "no/such/dir" }] })),
    /^agents\[0\]\.model: .*trained model/,
  );
  assert.match(
    await fieldOfAsync(() => plan({ agents: [{ id: "glft" }, { id: "glft" }] })),
    /^agents\[1\]\.label: .*distinct from agents\[0\]/,
  );
  assert.match(
    await fieldOfAsync(() =>
      plan({ agents: [{ id: "x", module: "tests/sweep/fixtures/none.ts" }] })
    ),
    /^agents\[0\]\.module/,
  );
  assert.match(
    await fieldOfAsync(() => plan({ markets: ["nowhere"] })),
    /^markets\[0\]: .*default, replay:FILE/,
  );
  assert.match(
    await fieldOfAsync(() => plan({ markets: ["default+no-such-stress"] })),
    /^markets\[0\]: .*variant/,
  );
  assert.match(
    await fieldOfAsync(() => plan({ markets: [{ name: "v", config: { volatilty: 0.1 } }] })),
    /^markets\[0\]\.config\.volatilty: .*did you mean "volatility"/,
  );
  assert.match(
    await fieldOfAsync(() => plan({ markets: [{ name: "v", config: { duration: -1 } }] })),
    /^markets\[0\]\.config\.duration/,
  );
  assert.match(
    await fieldOfAsync(() => plan({ markets: ["default", "default"] })),
    /^markets\[1\]: .*not used before/,
  );
  assert.match(
    await fieldOfAsync(() => plan({ env: { tier: "fast" } })),
    /^markets\[0\] \(default\) with env\.tier: .*"book"/,
  );
  assert.match(
    await fieldOfAsync(() =>
      plan({ agents: [{ id: "ppo", train: { seeds: [1], config: { ppo: { numEnvs: 0 } } } }] })
    ),
    /^agents\[0\]\.train\.config\.ppo\.numEnvs/,
  );
});

Deno.test("markets: pluggable resolvers tried in order, ALPE's names last, env over every market", async () => {
  const calls: string[] = [];
  const tapes: MarketResolver = {
    accepts: "tape:NAME",
    resolve(ref) {
      calls.push(ref);
      if (!ref.startsWith("tape:")) return undefined;
      return { name: ref, config: parseEnvConfig({ tier: "model" }), files: ["deno.json"] };
    },
  };
  const resolvers = [
    namedMarketResolver({ calm: { volatility: 0.01 } }),
    tapes,
    alpeMarketResolver(),
  ];
  const ms = await resolveMarkets(
    [
      "calm",
      { name: "x", base: "calm", config: { volatility: 0.03 } },
      "default+coarse-tick",
      "tape:a",
    ],
    { duration: 40 },
    resolvers,
  );
  assert.deepEqual(
    ms.map((m) => [m.name, m.config.volatility, m.config.tickSize, m.config.duration]),
    [
      ["calm", 0.01, 0.01, 40],
      ["x", 0.03, 0.01, 40],
      ["default+coarse-tick", 0.02, 0.05, 40],
      ["tape:a", 0.02, 0.01, 40],
    ],
  );
  assert.deepEqual(ms[3].files, ["deno.json"]);
  assert.deepEqual(calls, ["default+coarse-tick", "tape:a"]); // "calm" was known first
  await assert.rejects(
    resolveMarkets(["tape"], {}, [namedMarketResolver({ calm: {} }), tapes]),
    /markets\[0\]: expected a market name \("calm"; tape:NAME\)/,
  );
  await assert.rejects(
    resolveMarkets([{ name: "y", base: "nowhere" }], {}, resolvers),
    /markets\[0\]\.base: expected default, replay:FILE/,
  );
});

Deno.test("spec: fuzzed specs are accepted or rejected with a ValidationError, never anything else", async () => {
  const value = fc.oneof(
    fc.constant(undefined),
    fc.integer({ min: -5, max: 5 }),
    fc.double(),
    fc.string({ maxLength: 8 }),
    fc.constantFrom("default", "glft", "ppo", "random", "static-spread", "model", "book"),
    fc.array(fc.integer({ min: -2, max: 3 }), { maxLength: 3 }),
  );
  const agent = fc.record({
    id: fc.constantFrom("glft", "avellaneda-stoikov", "random", "static-spread", "nope", 3),
    params: fc.option(fc.dictionary(fc.constantFrom("gamma", "spreadTicks", "x"), value), {
      nil: undefined,
    }),
    grid: fc.option(
      fc.dictionary(fc.constantFrom("gamma", "y"), fc.array(value, { maxLength: 2 })),
      { nil: undefined },
    ),
    tune: fc.option(fc.boolean(), { nil: undefined }),
  }, { requiredKeys: ["id"] });
  const spec = fc.record({
    episodes: fc.option(fc.integer({ min: -1, max: 3 }), { nil: undefined }),
    chunkSize: fc.option(fc.integer({ min: -1, max: 3 }), { nil: undefined }),
    seed: fc.option(value, { nil: undefined }),
    env: fc.option(
      fc.record({
        tier: fc.constantFrom("model", "book", "x"),
        duration: fc.constantFrom(1, 5, -1),
      }),
      { nil: undefined },
    ),
    markets: fc.option(
      fc.array(
        fc.oneof(
          fc.constantFrom("default", "other"),
          fc.record({
            name: fc.string({ maxLength: 3 }),
            config: fc.constant({ volatility: 0.5 }),
          }),
        ),
        { maxLength: 2 },
      ),
      { nil: undefined },
    ),
    agents: fc.array(agent, { maxLength: 3 }),
    extra: fc.option(value, { nil: undefined }),
  });
  await fc.assert(
    fc.asyncProperty(spec, async (s) => {
      try {
        const plan = await planSweep(s, { code: CODE });
        assert.ok(plan.jobs.length >= 1);
      } catch (err) {
        assert.ok(
          err instanceof ValidationError,
          `${(err as Error).name}: ${(err as Error).message}`,
        );
      }
    }),
    { numRuns: 150, seed: 17 },
  );
});
