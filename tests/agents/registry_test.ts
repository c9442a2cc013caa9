import assert from "node:assert/strict";
import {
  AGENT_IDS,
  BASELINE_AGENT_IDS,
  createAgent,
  isAgentId,
  registerAgentFactory,
} from "../../lib/agents/registry.ts";
import { StaticSpreadAgent } from "../../lib/agents/static_spread.ts";
import { NotAvailableError, ValidationError } from "../../lib/errors.ts";

Deno.test("registry: ids and construction", () => {
  assert.deepEqual([...AGENT_IDS], [
    "random",
    "static-spread",
    "adaptive-spread",
    "avellaneda-stoikov",
    "glft",
    "ppo",
  ]);
  assert.equal(BASELINE_AGENT_IDS.length, 5);
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
      /random, static-spread, adaptive-spread, avellaneda-stoikov, glft, ppo/,
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
