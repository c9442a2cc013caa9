import assert from "node:assert/strict";
import { marketsMatrixText, runCompareMarkets } from "../../lib/backtest/markets_compare.ts";
import { ValidationError } from "../../lib/errors.ts";
import { resolveMarket } from "../../lib/env/markets.ts";

Deno.test("compare across markets: one comparison per market and a matrix against each best rival", async () => {
  const opts = {
    markets: ["default", "default+coarse-tick"],
    overrides: { tier: "model" as const, duration: 10 },
    episodes: 6,
    calibrationEpisodes: 2,
    agents: ["static-spread", "touch", "avellaneda-stoikov"],
    rivals: ["touch", "avellaneda-stoikov"],
  };
  const r = await runCompareMarkets({ ...opts, workers: 0 });
  assert.equal(r.runs.length, 2);
  assert.equal(r.markets[1].config.tickSize, 0.05);
  for (let m = 0; m < 2; m++) {
    const best = r.bestRival[m]!;
    assert.ok(["touch", "avellaneda-stoikov"].includes(best));
    // The best rival has the highest mean P&L among the rivals.
    const pnl = (id: string) =>
      r.runs[m].backtest!.agents.find((a) => a.id === id)!.aggregate.totalPnl.mean;
    assert.ok(pnl(best) >= pnl(best === "touch" ? "avellaneda-stoikov" : "touch"));
    assert.equal(r.matrix.totalPnl[best][m], null); // not paired with itself
    const cell = r.matrix.totalPnl["static-spread"][m]!;
    assert.equal(cell.rival, best);
    const verdict = cell.ci95[0] > 0 ? "win" : cell.ci95[1] < 0 ? "loss" : "tie";
    assert.equal(cell.verdict, verdict);
  }
  assert.match(marketsMatrixText(r), /default\+coarse-tick \(vs /);
  // Deterministic whatever the worker count.
  const again = await runCompareMarkets({ ...opts, workers: 2 });
  assert.deepEqual(again.matrix, r.matrix);
});

Deno.test("compare across markets: bad market lists are named errors", async () => {
  await assert.rejects(() => runCompareMarkets({ markets: [] }), ValidationError);
  await assert.rejects(() => runCompareMarkets({ markets: ["default", "default"] }), /distinct/);
  await assert.rejects(() => runCompareMarkets({ markets: ["nowhere"] }), /markets/);
  await assert.rejects(() => runCompareMarkets({ markets: ["default+bogus"] }), /variant/);
});

Deno.test("runCompareMarkets checks every market's plan before any market runs", async () => {
  const btc = "replay:data/real/binance/spot_btcusdt_20240808.gz";
  assert.equal((await resolveMarket(btc)).config.duration, 60); // 60-s windows by default
  let progressed = false;
  await assert.rejects(
    runCompareMarkets({
      markets: ["default", btc],
      overrides: { duration: 300 }, // one 300-s window of the 346-s tape: nothing to tune on
      agents: ["touch"],
      episodes: 2,
      calibrationEpisodes: 2,
      workers: 0,
      onProgress: () => {
        progressed = true;
      },
    }),
    (e: unknown) => e instanceof ValidationError && e.field === "markets" && e.value === btc,
  );
  assert.equal(progressed, false, "no market ran");
});

Deno.test("compare across markets: each preset market's realism verdict goes with its results, the built-in market has none", async () => {
  const r = await runCompareMarkets({
    markets: ["default", "btcusdt-lump"],
    overrides: { duration: 5 },
    episodes: 2,
    calibrationEpisodes: 2,
    agents: ["touch", "avellaneda-stoikov"],
    rivals: ["avellaneda-stoikov"],
    workers: 0,
  });
  assert.equal(r.runs[0].report.realism, undefined);
  const lines = r.runs[1].report.realism!;
  assert.match(lines[0], /^realism: btcusdt-lump passes [\d.]+ of 15 judged facts/);
  assert.ok(lines.some((l) => /^orderSize fails on \d+ of \d+ seeds$/.test(l)), lines.join("\n"));
  assert.match(marketsMatrixText(r), /\nbtcusdt-lump:\nrealism: btcusdt-lump passes/);
});
