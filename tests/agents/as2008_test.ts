import assert from "node:assert/strict";
import {
  AS2008_PUBLISHED,
  as2008Config,
  as2008SpreadTerm,
  compareAs2008,
  moments,
  reproduceAs2008,
} from "../../lib/agents/as2008.ts";
import { parseEnvConfig, sigmaPerSqrtSecond, stepsPerEpisode } from "../../lib/env/config.ts";

/**
 * Figures of the paper we do not reproduce, with the reason (docs/as2008.md): Table 3's
 * inventory strategy earns 33.92 in the paper and ≈ 47.6 here (its P&L spread 4.72 vs ≈ 5.8),
 * and Table 2's inventory strategy has a final-inventory spread of 4.70 against ≈ 5.3 here.
 */
const KNOWN_DISAGREEMENTS = new Set([
  "0.5 inventory profit",
  "0.5 inventory stdProfit",
  "0.01 inventory stdFinalQ",
]);

/** A bound on |z| for 24 comparisons: P(|z| > 3.5) ≈ 5·10⁻⁴ each when they agree. */
const Z_BOUND = 3.5;

Deno.test("the config expresses the paper's simulation exactly", () => {
  const cfg = parseEnvConfig(as2008Config());
  assert.equal(stepsPerEpisode(cfg), 200);
  assert.ok(Math.abs(sigmaPerSqrtSecond(cfg) - 2) < 1e-12);
  assert.equal(cfg.initialPrice, 100);
  assert.equal(cfg.model.A, 140);
  assert.equal(cfg.model.k, 1.5);
  assert.equal(cfg.model.priceModel, "binomial");
  assert.equal(cfg.model.allowCrossing, true);
  // The tables' "Spread" column is (2/γ)·ln(1 + γ/k).
  for (const row of AS2008_PUBLISHED) {
    assert.ok(Math.abs(as2008SpreadTerm(row.gamma) - row.spread) < 0.005, `${row.gamma}`);
  }
});

Deno.test("the paper's tables, 1,000 paths: every figure within sampling error but three", () => {
  const rows = reproduceAs2008({ paths: 1000, seed: 2008 });
  assert.equal(rows.length, 6);
  const cmp = compareAs2008(rows);
  assert.equal(cmp.length, 24);
  for (const c of cmp) {
    const key = `${c.gamma} ${c.strategy} ${c.figure}`;
    const msg = `${key}: published ${c.published}, reproduced ${c.reproduced.toFixed(3)}, ` +
      `z = ${c.z.toFixed(2)}`;
    if (KNOWN_DISAGREEMENTS.has(key)) assert.ok(Math.abs(c.z) > Z_BOUND, `now agrees: ${msg}`);
    else assert.ok(Math.abs(c.z) < Z_BOUND, msg);
  }
  // The paper's finding: the inventory strategy has less P&L and inventory risk.
  for (let i = 0; i < rows.length; i += 2) {
    assert.ok(rows[i].stdProfit < rows[i + 1].stdProfit);
    assert.ok(rows[i].stdFinalQ < rows[i + 1].stdFinalQ);
  }
});

Deno.test("fills measured from the mid at placement ('start') miss the published profits", () => {
  const zs = (fillReference: "start" | "end") =>
    compareAs2008(reproduceAs2008({ paths: 1000, seed: 7, fillReference }))
      .filter((c) =>
        c.figure === "profit" && !KNOWN_DISAGREEMENTS.has(`${c.gamma} ${c.strategy} profit`)
      )
      .map((c) => c.z);
  const start = zs("start"), end = zs("end");
  // "start" fills more often and never pays for the move: every profit is above the paper's.
  assert.ok(start.every((z) => z > 0), `${start}`);
  assert.ok(start.some((z) => z > Z_BOUND), `${start}`);
  assert.ok(end.every((z) => Math.abs(z) < Z_BOUND), `${end}`);
});

Deno.test("crossing quotes matter at high risk aversion", () => {
  const [cross] = reproduceAs2008({ paths: 400, gammas: [1], allowCrossing: true });
  const [clip] = reproduceAs2008({ paths: 400, gammas: [1], allowCrossing: false });
  // Clipping at the mid keeps the quote out of the crossed region, where it would fill at a
  // loss to shed inventory: the clipped strategy earns more and carries more P&L risk.
  assert.ok(clip.profit - cross.profit > 5 * Math.hypot(clip.se.profit, cross.se.profit));
  assert.ok(clip.stdProfit > cross.stdProfit);
});

Deno.test("moments: mean, sd and their standard errors", () => {
  const m = moments([1, 2, 3, 4]);
  assert.equal(m.mean, 2.5);
  assert.ok(Math.abs(m.sd - Math.sqrt(5 / 3)) < 1e-12);
  assert.ok(Math.abs(m.seMean - Math.sqrt(5 / 3) / 2) < 1e-12);
  assert.ok(m.seSd > 0);
});
