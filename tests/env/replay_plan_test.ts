/** The replay tier in the comparison and in training: disjoint windows, held-out checks, CLI. */
import assert from "node:assert/strict";
import { parseEnvConfig } from "../../lib/env/config.ts";
import { makeVecEnv } from "../../lib/env/make.ts";
import type { ReplayVecEnv } from "../../lib/env/replay_env.ts";
import { runCompare } from "../../lib/backtest/compare.ts";
import { replayHeldOut, replayPlan, replayTrainingConfig } from "../../lib/backtest/replay_plan.ts";
import { runScript } from "../scripts/_run.ts";

const BINANCE = "data/real/binance/spot_btcusdt_20240808.gz";
const LOBSTER = "data/real/lobster/AMZN_2012-06-21_34200000_57600000_message_1.csv";

Deno.test("replayPlan: evaluation windows later than and disjoint from calibration windows; seeds replay them", () => {
  const cfg = parseEnvConfig({ tier: "replay", duration: 300, replay: { data: [LOBSTER] } });
  for (const root of [0, 7]) {
    const plan = replayPlan(cfg, root, 20, 8);
    assert.equal(plan.total, 77);
    assert.equal(plan.evaluation.windows.length, 20);
    assert.equal(plan.calibration.windows.length, 8);
    const cal = new Set(plan.calibration.windows);
    assert.ok(plan.evaluation.windows.every((w) => !cal.has(w)));
    assert.ok(Math.max(...plan.calibration.windows) < Math.min(...plan.evaluation.windows));
    // spans do not overlap in time either
    for (const e of plan.evaluation.spans) {
      for (const c of plan.calibration.spans) assert.ok(c.end <= e.start || e.end <= c.start);
    }
    // an env reset with the plan's seeds replays exactly the planned windows
    const env = makeVecEnv(cfg, 4) as ReplayVecEnv;
    env.reset(plan.evaluation.seeds.slice(0, 4));
    for (let i = 0; i < 4; i++) assert.equal(env.window(i).id, plan.evaluation.ids[i]);
  }
  // the root seed changes latency draws, never the windows
  assert.deepEqual(
    replayPlan(cfg, 0, 20, 8).evaluation.ids,
    replayPlan(cfg, 7, 20, 8).evaluation.ids,
  );
  assert.notDeepEqual(
    replayPlan(cfg, 0, 20, 8).evaluation.seeds,
    replayPlan(cfg, 7, 20, 8).evaluation.seeds,
  );
  // too few windows to hold any out
  const one = parseEnvConfig({ tier: "replay", duration: 300, replay: { data: [BINANCE] } });
  assert.throws(() => replayPlan(one, 0, 5, 5), /duration: expected a window short enough/);
});

Deno.test("replay training config: only the earlier windows; the checkpoint's config proves the hold-out", async () => {
  const input = { tier: "replay" as const, duration: 30, replay: { data: [BINANCE] } };
  const train = replayTrainingConfig(input);
  const plan = replayPlan(parseEnvConfig({ ...input }), 0, 50, 16);
  assert.deepEqual(train.replay?.windows, plan.calibration.windows);
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/checkpoint.json`, JSON.stringify({ config: { env: train } }));
    const held = await replayHeldOut(dir, plan.evaluation.spans);
    assert.deepEqual(held, {
      trainedOn: "replay",
      trainingWindows: plan.calibration.windows.length,
      evaluationWindowsSeenInTraining: 0,
    });
    // evaluated on 60 s windows, some overlap the 30 s training windows in time
    const longer = replayPlan(parseEnvConfig({ ...input, duration: 60 }), 0, 50, 16);
    assert.ok(
      (await replayHeldOut(dir, longer.evaluation.spans)).evaluationWindowsSeenInTraining > 0,
    );
    // trained on every window: every evaluation window was seen
    await Deno.writeTextFile(`${dir}/checkpoint.json`, JSON.stringify({ config: { env: input } }));
    assert.equal(
      (await replayHeldOut(dir, plan.evaluation.spans)).evaluationWindowsSeenInTraining,
      plan.evaluation.windows.length,
    );
    await Deno.writeTextFile(`${dir}/checkpoint.json`, JSON.stringify({ config: { env: {} } }));
    assert.equal((await replayHeldOut(dir, plan.evaluation.spans)).trainedOn, "simulation");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runCompare on recorded data: common evaluation windows, rivals tuned on earlier ones", async () => {
  const run = await runCompare({
    config: { tier: "replay", duration: 60, replay: { data: [BINANCE] } },
    agents: ["avellaneda-stoikov", "touch"],
    episodes: 10,
    calibrationEpisodes: 4,
    workers: 0,
  });
  const seeds = run.report.seeds as Record<string, unknown>;
  const w = seeds.replayWindows as { evaluation: string[]; calibration: string[]; total: number };
  assert.equal(w.total, 5);
  assert.deepEqual(w.evaluation, [
    "spot_btcusdt_20240808@86176",
    "spot_btcusdt_20240808@86236",
    "spot_btcusdt_20240808@86296",
  ]);
  assert.equal(w.calibration.length, 2);
  assert.equal(run.backtest!.seeds.length, 3);
  assert.deepEqual(run.fair!.seeds, [0, 1]);
  // the config reported is the tape's market
  const env = (run.report.config as { env: { tickSize: number; lotSize: number } }).env;
  assert.deepEqual([env.tickSize, env.lotSize], [0.01, 0.001]);
  assert.equal(run.paired.touch.totalPnl.n, 3);
  // same bits with Workers (each loads the tapes from the cache)
  const again = await runCompare({
    config: { tier: "replay", duration: 60, replay: { data: [BINANCE] } },
    agents: ["avellaneda-stoikov", "touch"],
    episodes: 10,
    calibrationEpisodes: 4,
    workers: 2,
  });
  assert.deepEqual(again.report.agents, run.report.agents);
  assert.deepEqual(again.report.calibration, run.report.calibration);
});

Deno.test("compare --tier replay: runs on a shipped tape; bad replay flags are one-line errors", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const ok = await runScript("compare", [
      "--tier",
      "replay",
      "--data",
      BINANCE,
      "--window",
      "60",
      "--agents",
      "static-spread,touch",
      "--calibration-episodes",
      "2",
      "--workers",
      "0",
      "--json",
      "--out",
      `${dir}/a`,
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    const report = JSON.parse(ok.stdout);
    assert.equal(report.config.tier, "replay");
    assert.equal(report.seeds.replayWindows.evaluation.length, 3);
    const bad = async (args: string[], pattern: RegExp) => {
      const r = await runScript("compare", [...args, "--out", `${dir}/b`]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, pattern);
      assert.ok(!r.stderr.includes("    at "), r.stderr);
    };
    await bad(["--tier", "replay"], /--data: expected at least one tape file/);
    await bad(["--data", BINANCE], /--data: expected only with --tier replay/);
    await bad(["--tier", "replay", "--data", "nope.gz"], /nope\.gz: no such file/);
    await bad(
      ["--tier", "replay", "--data", BINANCE, "--window", "400"],
      /too short for a window of 400 s/,
    );
    await bad(
      ["--tier", "replay", "--data", BINANCE, "--duration", "60"],
      /--duration: expected --window/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("data inspect: text and one JSON object with the reconstruction check; typed errors", async () => {
  const r = await runScript("data", ["inspect", LOBSTER, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.tapes.length, 1);
  assert.deepEqual(
    [out.tapes[0].reconstruction.checked, out.tapes[0].reconstruction.matched],
    [57_514, 57_514],
  );
  assert.equal(out.tapes[0].tickSize, 0.01);
  const text = await runScript("data", ["inspect", BINANCE]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /spread \(ticks\)/);
  assert.match(text.stdout, /reconstruction 28,031 \/ 28,031 matched/);
  const missing = await runScript("data", ["inspect", "no/such.csv"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^error: no\/such\.csv: no such file/m);
  const cmd = await runScript("data", ["look", LOBSTER]);
  assert.equal(cmd.code, 2);
  assert.match(cmd.stderr, /command: expected "inspect"/);
});
