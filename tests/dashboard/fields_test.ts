import assert from "node:assert/strict";
import fc from "npm:fast-check@4.10.2";
import { listAgents } from "../../lib/dashboard/agents.ts";
import {
  fieldOfConfigPath,
  SIDEBAR_FIELDS,
  type SidebarInput,
  validateSidebar,
} from "../../lib/dashboard/fields.ts";
import { BUILTIN_MARKETS, listMarkets, type MarketEntry } from "../../lib/dashboard/markets.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const agents = await listAgents(ROOT);
const markets = await listMarkets(ROOT);
const ok: SidebarInput = {
  agent: "glft",
  market: "book",
  duration: "60",
  price: "120",
  volatility: "0.05",
  seed: "9",
  latency: "12",
  params: "defaults",
};

Deno.test("validateSidebar: a valid sidebar gives the composed, validated env config", () => {
  const r = validateSidebar(ok, agents, markets);
  assert.ok(r.ok);
  if (!r.ok) return;
  const c = r.values.config;
  assert.equal(c.tier, "book");
  assert.equal(c.duration, 60);
  assert.equal(c.initialPrice, 120);
  assert.equal(c.volatility, 0.05);
  assert.deepEqual(c.latency.order, { kind: "constant", ms: 12 });
  assert.deepEqual(c.latency.cancel, { kind: "constant", ms: 12 });
  assert.equal(r.values.seed, 9);
});

Deno.test("validateSidebar: every bad field gets the library's message, all at once", () => {
  const r = validateSidebar(
    { ...ok, duration: "9", price: "abc", volatility: "0.5", seed: "1.5", latency: "-1" },
    agents,
    markets,
  );
  assert.ok(!r.ok);
  if (r.ok) return;
  assert.equal(r.errors.duration, 'duration: expected a number in [10, 500], got "9"');
  assert.equal(r.errors.price, 'price: expected a number in [50, 200], got "abc"');
  assert.equal(r.errors.volatility, 'volatility: expected a number in [0.01, 0.1], got "0.5"');
  assert.match(r.errors.seed!, /^seed: expected an integer in \[0, 4294967295\]/);
  assert.match(r.errors.latency!, /^latency: expected a number in \[0, 10000\]/);
});

Deno.test("validateSidebar: unknown agent or market are named; a tape's replay validates", () => {
  const r = validateSidebar({ ...ok, agent: "nope", market: "nowhere" }, agents, markets);
  assert.ok(!r.ok);
  if (r.ok) return;
  assert.match(r.errors.agent!, /^agent: expected one of random, /);
  assert.match(r.errors.market!, /^market: expected one of book, model, /);
  const replay = validateSidebar(
    { ...ok, market: "replay:data/real/lobster/AMZN_2012-06-21_34200000_57600000_message_1.csv" },
    agents,
    markets,
  );
  assert.ok(replay.ok);
  if (replay.ok) {
    assert.equal(replay.values.config.tier, "replay");
    assert.equal(replay.values.config.duration, 60);
  }
});

Deno.test("validateSidebar: a library error deep in the market config maps to its field", () => {
  const bad: MarketEntry = {
    ...BUILTIN_MARKETS[0],
    id: "bad",
    config: { tier: "book", flow: { bogus: 1 } } as unknown as MarketEntry["config"],
  };
  const r = validateSidebar({ ...ok, market: "bad" }, agents, [bad]);
  assert.ok(!r.ok);
  if (r.ok) return;
  assert.match(r.errors.market!, /^flow/);
  assert.equal(fieldOfConfigPath("latency.order.ms"), "latency");
  assert.equal(fieldOfConfigPath("initialPrice"), "price");
  assert.equal(fieldOfConfigPath("dt"), "duration");
});

Deno.test("validateSidebar: the model tier ignores latency (not one of its fields)", () => {
  const r = validateSidebar({ ...ok, market: "model", latency: "99" }, agents, markets);
  assert.ok(r.ok);
  if (r.ok) assert.deepEqual(r.values.config.latency.order, { kind: "constant", ms: 5 });
});

Deno.test("validateSidebar (fuzz): any input gives a result or field errors, never a throw", () => {
  const ids = SIDEBAR_FIELDS.map((f) => f.id);
  fc.assert(
    fc.property(
      fc.record(Object.fromEntries(ids.map((id) => [id, fc.string({ maxLength: 12 })]))),
      fc.constantFrom("glft", "ppo", "", "x"),
      fc.constantFrom("book", "model", "book+high-latency", "replay", ""),
      (nums, agent, market) => {
        const r = validateSidebar({ ...nums, agent, market }, agents, markets);
        if (r.ok) {
          assert.ok(r.values.duration >= 10 && r.values.duration <= 500);
        } else {
          for (const [k, v] of Object.entries(r.errors)) {
            assert.equal(typeof v, "string");
            assert.ok(v!.length > 0, k);
          }
        }
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("listAgents: every registry agent, and one entry per shipped PPO model", () => {
  const ids = agents.map((a) => a.id);
  for (const id of ["random", "static-spread", "adaptive-spread", "avellaneda-stoikov", "glft"]) {
    assert.ok(ids.includes(id), id);
  }
  const ppo = agents.find((a) => a.id === "ppo");
  assert.ok(ppo?.available && ppo.modelDir === "data/models/ppo");
  assert.ok(ids.includes("ppo:data/models/ppo_low_inventory"));
});
