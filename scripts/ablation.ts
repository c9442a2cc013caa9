/**
 * `deno task ablation`: where the PPO agent's results come from. On the evaluation seeds of
 * `deno task compare` (same root seed, same episodes, common random numbers) it runs
 *
 * - `ppo`: the trained model (`--model`, default data/models/ppo);
 * - `ppo-base`: the analytic market maker the residual policy corrects (Avellaneda–Stoikov or
 *   GLFT), with the parameters stored in the model's checkpoint (what the policy would do
 *   with action 0);
 * - `ppo-scratch`: optionally (`--scratch DIR`) a model trained without the residual, e.g.
 *   `deno task train --seed 1 --config data/configs/ppo_scratch.json --out out/ppo_scratch`;
 *
 * and prints each one's mean and 95% CI of Sharpe, total P&L, max drawdown, average
 * |inventory| and fill ratio, and a paired test of PPO against its base.
 *
 * on the market `--market` (default: compare's default market, the btcusdt-lump preset).
 *
 * Usage: `deno task ablation [--episodes N] [--seed S] [--market NAME] [--model DIR]
 * [--scratch DIR] [-h]`
 *
 * @module
 */
import { ValidationError } from "../lib/errors.ts";
import { pairedComparison } from "../lib/analytics/mod.ts";
import { evaluationSeeds, ppoHeldOut, runBacktest } from "../lib/backtest/mod.ts";
import type { AgentBacktest, AgentSpec } from "../lib/backtest/mod.ts";
import { DEFAULT_MARKET, resolveMarket } from "../lib/env/markets.ts";
import type { EnvConfig } from "../lib/env/mod.ts";
import { MAX_SEED } from "../lib/rng/mod.ts";
import { defineCli, flags, runCli, type Values } from "./_cli.ts";

/** The command line of `deno task ablation`. */
export const ablationCli = defineCli({
  name: "ablation",
  summary: "Where the PPO agent's results come from: the trained model against the analytic " +
    "market maker it corrects (its residual base, with the parameters stored in the model), " +
    "and optionally a model trained without the residual, on deno task compare's evaluation " +
    "seeds (common random numbers), with a paired test of PPO against its base.",
  flags: {
    episodes: flags.int({ min: 1, max: 100_000, default: 50, help: "evaluation episodes" }),
    seed: flags.int({
      min: 0,
      max: MAX_SEED,
      default: 0,
      help: "root seed of the evaluation seeds (as deno task compare)",
    }),
    model: flags.inDir({ default: "data/models/ppo", help: "the residual PPO model" }),
    market: flags.string({
      default: DEFAULT_MARKET,
      meta: "NAME",
      expected: "a market name",
      help: "the simulated market (as deno task compare's --market: a preset name or file, " +
        "NAME+variant, default)",
    }),
    scratch: flags.inDir({
      help: "also evaluate a model trained with residual.enabled: false, e.g. deno task " +
        "train --seed 1 --config data/configs/ppo_scratch.json --out DIR",
    }),
  },
});

const METRICS = [
  ["sharpe", "Sharpe"],
  ["totalPnl", "Total P&L ($)"],
  ["maxDrawdown", "Max DD ($)"],
  ["avgAbsInventory", "Avg |Inv| (lots)"],
  ["filledLots", "Filled (lots)"],
  ["fillRatio", "Fill ratio"],
] as const;

function fmt(x: number): string {
  if (!Number.isFinite(x)) return "-";
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(1) : a >= 1 ? x.toFixed(2) : x.toPrecision(3);
}

async function evaluate(
  config: EnvConfig,
  spec: AgentSpec,
  episodes: number,
  seed: number,
): Promise<AgentBacktest> {
  const res = await runBacktest({ config, agents: [spec], episodes, seed });
  return res.agents[0];
}

async function baseSpec(dir: string): Promise<AgentSpec> {
  let rec;
  try {
    rec = JSON.parse(await Deno.readTextFile(`${dir}/checkpoint.json`));
  } catch (err) {
    throw new ValidationError("--model", dir, `a model directory (${(err as Error).message})`);
  }
  const p = rec?.config?.residual?.params;
  if (!rec?.config?.residual?.enabled || !p) {
    throw new ValidationError("--model", dir, "a residual PPO model (residual.enabled, params)");
  }
  const id = rec.config.residual.base === "glft" ? "glft" : "avellaneda-stoikov";
  return { id, params: p };
}

async function main(values: Values<typeof ablationCli.spec.flags>): Promise<void> {
  const { episodes, seed, model } = values;
  const market = await resolveMarket(values.market, "--market");
  if (market.config.tier === "replay") {
    throw new ValidationError("--market", values.market, "a simulated market (no replay)");
  }
  const config = market.config;
  const base = await baseSpec(model);
  const rows: [string, AgentBacktest][] = [];
  rows.push(["ppo", await evaluate(config, { id: "ppo", params: { dir: model } }, episodes, seed)]);
  rows.push([`ppo-base (${base.id})`, await evaluate(config, base, episodes, seed)]);
  if (values.scratch !== undefined) {
    const a = await evaluate(
      config,
      { id: "ppo", params: { dir: values.scratch } },
      episodes,
      seed,
    );
    rows.push(["ppo-scratch", a]);
  }
  const header = ["agent", ...METRICS.map(([, h]) => h)];
  const table = rows.map(([name, a]) => [
    name,
    ...METRICS.map(([k]) => {
      const s = a.aggregate[k];
      return `${fmt(s.mean)} [${fmt(s.ci95[0])}, ${fmt(s.ci95[1])}]`;
    }),
  ]);
  const widths = header.map((h, j) => Math.max(h.length, ...table.map((r) => r[j].length)));
  const line = (r: string[]) => r.map((c, j) => c.padEnd(widths[j])).join("  ").trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of table) console.log(line(r));
  const ppo = rows[0][1], asBase = rows[1][1];
  for (const key of ["sharpe", "totalPnl"] as const) {
    const c = pairedComparison(
      ppo.episodes.map((m) => m[key]),
      asBase.episodes.map((m) => m[key]),
      { seed: `${seed}:ablation:${key}` },
    );
    console.log(
      `ppo − ppo-base ${key}: ${fmt(c.meanDiff)} [${fmt(c.ci95[0])}, ${fmt(c.ci95[1])}], ` +
        `t-test p = ${c.tTestP.toPrecision(2)}, Wilcoxon p = ${c.wilcoxonP.toPrecision(2)}`,
    );
  }
  const held = await ppoHeldOut(model, evaluationSeeds(seed, episodes), config);
  console.log(
    `${episodes} episodes of market ${market.name} (${market.description}), root seed ${seed} ` +
      `(the seeds of deno task compare); ${held.evaluationSeedsSeenInTraining} of them among ` +
      `the model's ${held.trainingSeeds} training seeds; market ${
        held.marketSeenInTraining ? "seen" : "NOT seen"
      } in training (${held.trainingMarkets.join(", ")}).`,
  );
}

if (import.meta.main) await runCli(ablationCli, main);
