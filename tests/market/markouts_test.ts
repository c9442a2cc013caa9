import assert from "node:assert/strict";
import { FLOW_TYPE, MAKER, MarketTape } from "../../lib/market/tape.ts";
import { passiveMarkouts, summarizeMarkouts } from "../../lib/market/markouts.ts";

/** Quotes 99/100 until t = 2, then 101/102 (the mid jumps 2 ticks up); references 99.5 → 101.7. */
function tape(): MarketTape {
  const t = new MarketTape();
  t.quote(0, 99, 100, 5, 5, 99.5);
  t.trade(1, 100, 2, 0, FLOW_TYPE.UNINFORMED, MAKER.BACKGROUND, 1); // a buy lifts our ask at 100
  t.trade(1.5, 99, 1, 1, FLOW_TYPE.INFORMED, MAKER.AGENT, 2); // a sell hits the agent's bid
  t.trade(1.5, 98, 1, 1, FLOW_TYPE.INFORMED, MAKER.BACKGROUND, 2); // …and walks one level
  t.quote(2, 101, 102, 5, 5, 101.7);
  t.quote(50, 101, 102, 4, 5, 101.7);
  return t;
}

Deno.test("markouts: per flow type and horizon, volume-weighted, maker's sign", () => {
  const m = passiveMarkouts(tape(), { horizons: [0, 1, 10] });
  const s = summarizeMarkouts([m]);
  // uninformed: the maker sold 2 lots at 100; mid 99.5 at +0 s, 101.5 at +1 s and +10 s
  assert.deepEqual(Array.from(s.uninformed.mean), [0.5, -1.5, -1.5]);
  // informed: the makers bought 1 lot at 99 and 1 at 98; mid 99.5 then 101.5
  assert.deepEqual(Array.from(s.informed.mean), [1, 3, 3]);
  assert.deepEqual(Array.from(s.informed.fills), [2, 2, 2]);
  assert.equal(s.agent.lots[0], 0); // the agent never took liquidity here
  // all: (2·0.5 + 1·0.5 + 1·1.5) / 4 at +0 s
  assert.equal(s.all.mean[0], (1 + 0.5 + 1.5) / 4);
  // one episode: no CI
  assert.ok(Number.isNaN(s.all.ciLow[0]));
});

Deno.test("markouts: maker filter, reference price, horizons past the end left out", () => {
  const agentOnly = summarizeMarkouts([
    passiveMarkouts(tape(), { maker: "agent", horizons: [0, 60] }),
  ]);
  assert.equal(agentOnly.informed.mean[0], 0.5); // bought at 99, mid 99.5
  assert.equal(agentOnly.informed.lots[1], 0); // 1.5 + 60 > 50: unknown
  assert.equal(agentOnly.uninformed.lots[0], 0);
  const ref = summarizeMarkouts([
    passiveMarkouts(tape(), { horizons: [0, 1], against: "reference" }),
  ]);
  assert.ok(Math.abs(ref.uninformed.mean[0] - (100 - 99.5)) < 1e-12);
  assert.ok(Math.abs(ref.uninformed.mean[1] - (100 - 101.7)) < 1e-12);
  assert.throws(() => passiveMarkouts(tape(), { horizons: [-1] }), /horizons\[0\]/);
});

Deno.test("markouts: the cross-episode CI is the cluster (ratio) standard error", () => {
  const a = passiveMarkouts(tape(), { horizons: [1] });
  const b = passiveMarkouts(tape(), { horizons: [1] });
  b.sum[0] = 2 * 1.5; // a second episode where the uninformed fill gained 1.5 per lot
  const s = summarizeMarkouts([a, b]).uninformed;
  assert.equal(s.mean[0], 0); // (−3 + 3) / 4 lots
  // residuals (S_e − m·L_e)/L̄ = ∓1.5; se = √((2.25 + 2.25)/(2·1)) = 1.5
  assert.ok(Math.abs(s.ciHigh[0] - 1.959963984540054 * 1.5) < 1e-12);
  assert.ok(Math.abs(s.ciLow[0] + 1.959963984540054 * 1.5) < 1e-12);
  assert.throws(() => summarizeMarkouts([]), /episodes/);
  assert.throws(
    () => summarizeMarkouts([a, passiveMarkouts(tape(), { horizons: [2] })]),
    /same horizons/,
  );
});
