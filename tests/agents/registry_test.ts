import assert from "node:assert/strict";
import {
  AGENT_IDS,
  agentDefinition,
  agentIds,
  BASELINE_AGENT_IDS,
  createAgent,
  isAgentId,
  registerAgent,
  registerAgentFactory,
} from "../../lib/agents/registry.ts";
import { ACT_DIM } from "../../lib/env/types.ts";
import { StaticSpreadAgent } from "../../lib/agents/static_spread.ts";
import { NotAvailableError, ValidationError } from "../../lib/errors.ts";

Deno.test("registry: ids and construction", () => {
  assert.deepEqual([...AGENT_IDS], [
    "random",
    "static-spread",
    "adaptive-spread",
    "touch",
    "touch-skew",
    "avellaneda-stoikov",
    "glft",
    "ppo",
  ]);
  assert.equal(BASELINE_AGENT_IDS.length, 7);
  for (const id of BASELINE_AGENT_IDS) assert.equal(createAgent(id).id, id);
  assert.ok(isAgentId("glft") && !isAgentId("GLFT"));
});

Deno.test("registry: unknown id names the field and lists the allowed ids", () => {
  assert.throws(() => createAgent("market-maker"), (e: unknown) => {
    assert.ok(e instanceof ValidationError);
    assert.equal(e.field, "agent");
    assert.equal(e.value, "market-maker");
    assert.match(
      e.message,
      /random, static-spread, adaptive-spread, touch, touch-skew, avellaneda-stoikov, glft, ppo/,
    );
    return true;
  });
});

Deno.test("registry: per-agent parameter validation", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["avellaneda-stoikov", { gamma: -1 }, "avellaneda-stoikov.gamma"],
    ["avellaneda-stoikov", { gama: 0.1 }, "avellaneda-stoikov.gama"],
    ["glft", { xi: -0.01 }, "glft.xi"],
    ["glft", { sigma: "high" }, "glft.sigma"],
    ["static-spread", { halfSpreadTicks: NaN }, "static-spread.halfSpreadTicks"],
    ["adaptive-spread", { inventorySkew: -1 }, "adaptive-spread.inventorySkew"],
    ["random", { seed: 3 }, "random.seed"],
    ["touch", { backoffTicks: -1 }, "touch.backoffTicks"],
    ["touch-skew", { skewTicksPerLot: "x" }, "touch-skew.skewTicksPerLot"],
  ];
  for (const [id, params, field] of cases) {
    assert.throws(() => createAgent(id, params), (e: unknown) => {
      assert.ok(e instanceof ValidationError, `${id} ${JSON.stringify(params)}`);
      assert.equal(e.field, field);
      return true;
    });
  }
  assert.throws(() => createAgent("glft", [] as never), ValidationError);
  const a = createAgent("static-spread", { halfSpreadTicks: 4 });
  assert.ok(a instanceof StaticSpreadAgent && a.params.halfSpreadTicks === 4);
});

Deno.test("registry: ppo is not available until registered", () => {
  assert.throws(() => createAgent("ppo"), NotAvailableError);
  registerAgentFactory("ppo", (p) => new StaticSpreadAgent(p));
  assert.equal(createAgent("ppo", { halfSpreadTicks: 1 }).id, "static-spread");
});

Deno.test("registry: an agent defined outside the library registers with its capabilities", () => {
  registerAgent({
    id: "test-outside",
    name: "Outside",
    description: "Quotes one lot three ticks from the mid.",
    kind: "baseline",
    create: (p) => ({
      id: "test-outside",
      name: "Outside",
      reset() {},
      act(_o, _v, out) {
        const off = typeof p.offset === "number" ? p.offset : 3;
        for (let i = 0; i < out.length / ACT_DIM; i++) out.set([off, off, 1, 1], i * ACT_DIM);
      },
    }),
    tuning: { calibrated: false, grid: { offset: [1, 2, 3] } },
  });
  assert.ok(isAgentId("test-outside") && agentIds().includes("test-outside"));
  assert.deepEqual(agentDefinition("test-outside").tuning?.grid.offset, [1, 2, 3]);
  assert.equal(createAgent("test-outside").id, "test-outside");
  // Ids are checked, and an id cannot be taken twice without `replace`.
  assert.throws(
    () => registerAgent({ ...agentDefinition("test-outside") }),
    (e: unknown) => e instanceof ValidationError && e.field === "agent.id",
  );
  assert.throws(
    () => registerAgent({ ...agentDefinition("test-outside"), id: "Bad Id" }),
    ValidationError,
  );
  assert.throws(
    () =>
      registerAgent({
        ...agentDefinition("test-outside"),
        id: "test-bad-grid",
        tuning: { calibrated: false, grid: { offset: [] } },
      }),
    (e: unknown) => e instanceof ValidationError && e.field === "test-bad-grid.tuning.grid.offset",
  );
});

Deno.test("registry: every built-in declares what the tools need", () => {
  for (const id of AGENT_IDS) {
    const d = agentDefinition(id);
    assert.equal(d.id, id);
    assert.ok(d.name && d.description, id);
    if (d.kind === "model-based") assert.equal(d.tuning?.calibrated, true, id);
    if (d.kind === "learned") assert.ok(d.modelDir && !d.tuning, id);
  }
});
