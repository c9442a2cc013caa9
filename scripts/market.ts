/**
 * `deno task market`: what a book-tier market looks like, measured with no agent in it —
 * spread, depth at the touch in mean market orders, trade and mid-change rates, realised
 * volatility, informed share, book events per second, and the markouts of passive fills by
 * flow type (uninformed, informed) with 95 % CIs clustered by episode.
 *
 *     deno task market [--config FILE.json] [--episodes N] [--seed S] [--json]
 *
 * @module
 */
import { ValidationError } from "../lib/errors.ts";
import { type EnvConfigInput, parseEnvConfig } from "../lib/env/config.ts";
import { type BookReport, measureBookMarket } from "../lib/env/book_report.ts";
import type { MarkoutCurve } from "../lib/market/markouts.ts";
import { MAX_SEED } from "../lib/rng/rng.ts";
import { defineCli, FlagError, flags, readJsonObject, runCli, type Values } from "./_cli.ts";

/** The command line of `deno task market`. */
export const marketCli = defineCli({
  name: "market",
  summary: "Measures a book-tier market with no agent in it: regime facts (spread, depth, " +
    "rates, volatility, informed share) and markouts of passive fills by flow type.",
  flags: {
    config: flags.inFile({
      help: "market configuration, a JSON object as lib/env/config.ts (default: the " +
        "default market)",
    }),
    episodes: flags.int({ min: 1, max: 100_000, default: 16, help: "episodes to simulate" }),
    seed: flags.int({
      min: 0,
      max: MAX_SEED,
      default: 0,
      meta: "S",
      help: "root seed; episode e uses childSeed(S, e)",
    }),
    json: flags.boolean({ help: "print exactly one JSON object on stdout" }),
  },
});

type MarketFlags = Values<typeof marketCli.spec.flags>;

async function main(values: MarketFlags): Promise<void> {
  let input: EnvConfigInput = {};
  if (values.config !== undefined) {
    input = await readJsonObject("--config", values.config) as EnvConfigInput;
    try {
      parseEnvConfig(input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      throw new FlagError(
        "--config",
        values.config,
        "a valid market configuration",
        `--config: ${values.config}: ${err.message}`,
      );
    }
  }
  const t0 = performance.now();
  const r = measureBookMarket(input, { episodes: values.episodes, seed: values.seed });
  const secs = (performance.now() - t0) / 1000;
  if (values.json) {
    await Deno.stdout.write(new TextEncoder().encode(JSON.stringify(toJson(r)) + "\n"));
    return;
  }
  console.log(reportText(r));
  console.log(`\n${r.episodes} episodes of ${r.config.duration} s in ${secs.toFixed(1)} s.`);
}

function curveJson(c: MarkoutCurve) {
  return {
    horizons: c.horizons,
    mean: Array.from(c.mean),
    ci95Low: Array.from(c.ciLow),
    ci95High: Array.from(c.ciHigh),
    lots: Array.from(c.lots),
  };
}

function toJson(r: BookReport) {
  const m = (s: BookReport["markouts"]) => ({
    uninformed: curveJson(s.uninformed),
    informed: curveJson(s.informed),
    all: curveJson(s.all),
  });
  return {
    episodes: r.episodes,
    duration: r.config.duration,
    stats: r.stats,
    eventsPerSecond: r.eventsPerSecond,
    flowRates: r.flowRates,
    markouts: m(r.markouts),
    referenceMarkouts: m(r.referenceMarkouts),
    units: "ticks, lots, seconds; markouts in ticks per lot (positive: the maker gained)",
  };
}

/** The report as text tables. */
export function reportText(r: BookReport): string {
  const s = r.stats;
  const f = (x: number, d = 2) => Number.isFinite(x) ? x.toFixed(d) : "n/a";
  const lines = [
    `spread (ticks)                 ${f(s.meanSpread, 3)}  (one tick ${
      f(100 * s.oneTickShare, 1)
    } %, two ${f(100 * s.twoTickShare, 1)} %)`,
    `depth at the touch (lots)      ${f(s.touchDepth, 1)}  = ${
      f(s.touchDepthInOrders, 1)
    } mean market orders`,
    `market orders per second       ${f(s.marketOrdersPerSecond)}  (mean ${
      f(s.meanOrderSize)
    } lots)`,
    `mid changes per second         ${f(s.midChangesPerSecond)}`,
    `daily volatility (ticks)       ${f(s.dailyVolatilityTicks, 1)}  (10-s mid increments)`,
    `informed share of volume       ${f(100 * s.informedVolumeShare, 1)} %`,
    `book events per second         ${f(r.eventsPerSecond, 1)}`,
    "",
    "markouts of passive fills, ticks per lot, mean [95% CI] (against the mid; against the reference price):",
  ];
  const h = r.markouts.all.horizons;
  lines.push("flow          " + h.map((x) => `${x} s`.padStart(22)).join(""));
  for (const t of ["uninformed", "informed", "all"] as const) {
    const c = r.markouts[t];
    const rc = r.referenceMarkouts[t];
    lines.push(
      t.padEnd(14) +
        h.map((_, i) => `${f(c.mean[i])} [${f(c.ciLow[i])}, ${f(c.ciHigh[i])}]`.padStart(22))
          .join(""),
    );
    lines.push(
      "  vs ref".padEnd(14) +
        h.map((_, i) => `${f(rc.mean[i])} [${f(rc.ciLow[i])}, ${f(rc.ciHigh[i])}]`.padStart(22))
          .join(""),
    );
  }
  return lines.join("\n");
}

if (import.meta.main) await runCli(marketCli, main);
