/**
 * `deno task calibrate`: fits the book tier's models to recorded order books and writes a
 * preset — a validated market configuration with its provenance (source files and their
 * SHA-256, the data's dates, every estimate with its standard error and method, what the
 * data cannot identify, the fit quality and the warnings). See docs/calibration.md.
 *
 *     deno task calibrate --data FILE [--data FILE…] --out PRESET.json [--name NAME]
 *                         [--lot X] [--from SEC] [--to SEC] [--duration SEC]
 *                         [--refine-iterations N] [--refine-seconds SEC] [--simulation-ratio S] [--seed S] [--timing] [--spread-intensity] [--spread-baseline] [--touch [--fleeting | --touch-excitation] | --touch-deletions [--match-deletions]] [--improvement-takers] [--limit-response] [--liquidity-state]
 *                         [--regime-baseline] [--fixed-forecast] [--mle-kernel]
 *                         [--paired-moves] [--size-law lomax|lognormal|lognormal-mix|auto]
 *                         [--informed-sizes stale|drawn|dispersed|share] [--sniper-sizes stale|drawn|dispersed|share] [--share-moments]
 *                         [--fast-size-sigma S] [--size-exponent D] [--limit-sizes poisson|lognormal-mix]
 *                         [--size-lot X] [--impact-lump [--lump-match]] [--activity-placement] [--regime-time-scale]
 *                         [--placement-range D] [--touch-atom]
 *                         [--sizes-given-fast] [--starts K [--select information|realism] [--select-seeds N]]
 *                         [--force] [--json]
 *
 * The preset is written atomically (temporary file, fsync, rename); an existing file is
 * replaced only with `--force`. With `--starts K`, each finished start is saved in
 * `OUT.starts/` beside the preset as soon as it is done: the same command run again after an
 * interruption resumes there and writes the uninterrupted run's preset, byte for byte; the
 * directory is removed once the preset is written. Starts saved there by another command are
 * refused (one line, exit code 2) unless `--force`, which discards them. A tape too short to
 * fit a model is one line naming the fit and what it needs, exit code 2.
 *
 * @module
 */
import { calibrateFiles, MAX_STARTS, SIMULATION_RATIO } from "../lib/calibration/calibrate.ts";
import { removeProgress } from "../lib/progress_store.ts";
import { codeVersion } from "../lib/sweep/version.ts";
import { defaultWorkers, MAX_WORKERS } from "../lib/backtest/pool.ts";
import { FAST_TRADER_SIZES } from "../lib/market/informed.ts";
import { SIZE_LAWS } from "../lib/market/size_law.ts";
import { LIMIT_SIZE_LAWS } from "../lib/market/order_sizes.ts";
import { writeFileAtomic } from "../lib/output_dir.ts";
import { MAX_SEED } from "../lib/rng/rng.ts";
import {
  MAX_REALISM_SELECT_SEEDS,
  REALISM_SELECT_SEED,
  REALISM_SELECT_SEEDS,
  SELECT_MODES,
} from "../lib/calibration/select_starts.ts";
import { defineCli, FlagError, flags, runCli, type Values } from "./_cli.ts";
import { ValidationError } from "../lib/errors.ts";

/** The command line of `deno task calibrate` (exported for the CLI tests). */
export const calibrateCli = defineCli({
  name: "calibrate",
  summary: "Fits the book tier's models to recorded order books and writes a preset " +
    "(a validated market config with its provenance; see docs/calibration.md).",
  flags: {
    data: flags.multiple({
      help: "recorded tape of one instrument (LOBSTER message file, Binance raw feed, CSV " +
        "tape; see docs/data.md), FILE[,FILE…]",
      meta: "FILE",
    }),
    out: flags.outFile({ help: "the preset file to write (JSON)" }),
    name: flags.string({
      help: "preset name, lowercase letters, digits and dashes (default: from the instrument)",
      meta: "NAME",
    }),
    lot: flags.number({
      min: 1e-12,
      max: 1e9,
      help: "lot size in instrument units (default: the tape's natural lot)",
      meta: "X",
    }),
    "size-lot": flags.number({
      min: 1e-12,
      max: 1e9,
      help:
        "a finer lot for the order sizes: the market's models fitted in --lot, its size laws in this one, and the market simulated restated in this one by every stage that simulates it",
      meta: "X",
    }),
    from: flags.number({
      min: 0,
      max: 1e9,
      help: "window start, seconds since the tape's origin (default: the book start)",
      meta: "SEC",
    }),
    to: flags.number({
      min: 0,
      max: 1e9,
      help: "window end, seconds since the tape's origin (default: the tape's end)",
      meta: "SEC",
    }),
    duration: flags.number({
      min: 10,
      max: 86_400,
      default: 300,
      help: "episode duration of the preset, seconds",
      meta: "SEC",
    }),
    "refine-iterations": flags.int({
      min: 0,
      max: 50,
      default: 16,
      help: "moment-matching iterations (0: direct fits only)",
    }),
    "refine-seconds": flags.number({
      min: 60,
      max: 1e6,
      help: "simulated seconds per evaluation of the simulation-based stages",
      defaultText: "S × the data's length, in [3600, S × 23400]",
      meta: "SEC",
    }),
    "simulation-ratio": flags.number({
      min: 0.1,
      max: 100,
      default: SIMULATION_RATIO,
      help: "S: simulated / real length of each evaluation of the simulation-based stages",
      meta: "S",
    }),
    seed: flags.int({
      min: 0,
      max: MAX_SEED,
      default: 0,
      help: "seed of the simulations",
      meta: "S",
    }),
    touch: flags.boolean({
      help:
        "fit the touch-flow model (orders inside the spread, deletions at the touch) into the preset",
    }),
    "limit-response": flags.boolean({
      help:
        "scale the limit orders' response to market orders, matched to the spread the market orders meet (a wide-spread market)",
    }),
    "liquidity-state": flags.boolean({
      help:
        "fit the slow liquidity state (flow.liquidity: the providers' edge scaled by a slow log-OU factor) from the spread's persistence over minutes",
    }),
    "improvement-takers": flags.boolean({
      help:
        "fit the takers who answer an improvement of the quotes (flow.takers) where the tape has an order-level clock",
    }),
    "touch-deletions": flags.boolean({
      help:
        "fit only the touch's deletions (the tape's rates by spread and their impact; nothing placed inside the spread by it) into the preset",
    }),
    "match-deletions": flags.boolean({
      help:
        "with --touch-deletions: match one factor on their rates to the mid's noise (its realized variance every 0.1 s over every 10 s)",
    }),
    "touch-excitation": flags.boolean({
      help:
        "with --touch: fit the touch's self-excitation too (its events trigger each other within milliseconds; the table's rates become the baseline)",
    }),
    fleeting: flags.boolean({
      help:
        "with --touch: fit the fleeting orders too (a share of the orders inside the spread deleted within milliseconds, from their lifetimes)",
    }),
    timing: flags.boolean({
      help: "fit the market-order timing model (orders wait for narrow spreads) into the preset",
    }),
    "regime-baseline": flags.boolean({
      help:
        "fit the regimes with the flow's clustering (Hawkes kernel given the regimes, multipliers as the fundamental applies them, clustering moments)",
    }),
    "mle-kernel": flags.boolean({
      help:
        "keep the maximum-likelihood market-order kernel on a coarse clock (skip the clock stage, fit_clock.ts)",
    }),
    "paired-moves": flags.boolean({
      help:
        "move the information fit by a paired test of its objective on five seeds (not by a decrease beyond its noise)",
    }),
    pace: flags.boolean({
      help:
        "fit the pace of trading's effect on impact (orders soon after the previous one move the price more) into the preset",
    }),
    "rematch-news": flags.boolean({
      help:
        "match the public news rate to the 1-s kurtosis again after the last information fit (which moves the price's other heavy tails)",
    }),
    "fixed-forecast": flags.boolean({
      help: "keep the liquidity providers' forecast weight at 1 (skip its fit: a martingale price)",
    }),
    "spread-intensity": flags.boolean({
      help:
        "fit the market-order intensity by spread (orders the spread does not call for are dropped) into the preset",
    }),
    "spread-baseline": flags.boolean({
      help:
        "fit the market orders' baseline by spread (traders who come on their own wait for a narrow spread; the orders a trade excites do not) into the preset",
    }),
    "size-law": flags.choice([...SIZE_LAWS, "auto"], {
      default: "lomax",
      help:
        "law of the market orders' desired sizes (lognormal-mix: 2-4 components by AIC; auto: the law of smallest AIC; lib/market/size_law.ts)",
    }),
    "informed-sizes": flags.choice(FAST_TRADER_SIZES, {
      default: "stale",
      help:
        "snipers' and informed traders' order sizes: every stale lot up to a largest order, at most a size drawn from the market orders' law, at most a log-normal budget of mean that largest order (dispersed), or a log-normal share of the stale lots fitted on the tape's orders that came with a move (share)",
    }),
    "sniper-sizes": flags.choice(FAST_TRADER_SIZES, {
      help:
        "the snipers' order sizes where they differ from the informed traders' (default: --informed-sizes)",
    }),
    "share-moments": flags.boolean({
      help:
        "after the other stages, make the snipers' sizes shares of the stale lots, their median and log-sd fitted on a grid by simulated moments (the share of the tape's orders below its size quantiles and the information fit's moments)",
    }),
    "size-exponent": flags.number({
      min: 0,
      max: 1,
      help:
        "the exponent of the trades' impact in their size, (v / mean size)^D (default 0: sign only); given, every stage fitted given it",
      meta: "D",
    }),
    "fast-size-sigma": flags.number({
      min: 0,
      max: 5,
      help: "with --informed-sizes dispersed, the log-sd of the fast traders' budgets (default 1)",
      meta: "S",
    }),
    "limit-sizes": flags.choice(LIMIT_SIZE_LAWS, {
      default: "poisson",
      help:
        "law of the limit orders' sizes: 1 + Poisson, or a log-normal mixture of 2-4 components (by AIC) fitted to an order-level tape (round lots)",
    }),
    "regime-time-scale": flags.boolean({
      help:
        "fit the regimes' time scale (every transition rate times s) to the decay of the volatility clustering",
    }),
    "placement-range": flags.int({
      min: 2,
      max: 1_000,
      help:
        "the distances (ticks behind the touch) at which limit orders are placed, their power law fitted over them (default 40)",
      meta: "D",
    }),
    "touch-atom": flags.boolean({
      help:
        "fit the touch's share of the limit orders apart from the power law of the other distances (a book whose updates come at the touch and far behind it)",
    }),
    "activity-placement": flags.boolean({
      help:
        "fit the activity-dependent placement (limit orders' edges shrink while market orders arrive faster) into a wide-spread market's preset",
    }),
    "impact-lump": flags.boolean({
      help:
        "fit the lumpy impact (uninformed trades move the price only once their impacts add up to the tape's median move) into a one-tick market's preset",
    }),
    "lump-match": flags.boolean({
      help:
        "with --impact-lump: search the lump in simulation, after the other stages, so that the market's share of grid intervals without a move is the tape's (the median alone makes the price move too often)",
    }),
    "sizes-given-fast": flags.boolean({
      help:
        "fit the background's market-order sizes given the snipers' and informed traders' orders (a simulated mixture component; with --size-lot, in that lot)",
    }),
    starts: flags.int({
      min: 1,
      max: MAX_STARTS,
      default: 1,
      help:
        "calibrate K times (seeds S, S + 1, …) and keep the one whose information fit does best on fresh simulation seeds common to all",
      meta: "K",
    }),
    workers: flags.int({
      min: 1,
      max: MAX_WORKERS,
      help: "threads that run the starts of --starts; never changes the preset",
      defaultText: "min(cores, starts)",
      meta: "N",
    }),
    select: flags.choice(SELECT_MODES, {
      default: "information",
      help:
        `with --starts: information keeps the start whose information fit does best on fresh seeds; realism the one the realism report finds closest to the tapes (simulation seeds ${REALISM_SELECT_SEED} on, which no verdict uses)`,
    }),
    "select-seeds": flags.int({
      min: 1,
      max: MAX_REALISM_SELECT_SEEDS,
      default: REALISM_SELECT_SEEDS,
      help: "with --select realism: simulation seeds per start",
      meta: "N",
    }),
    force: flags.boolean({ help: "replace an existing preset file" }),
    json: flags.boolean({ help: "print the preset as JSON on stdout" }),
  },
  check: (v) => {
    if (v.starts === 1 && v.select === "realism") {
      throw new FlagError(
        "--select",
        v.select,
        "information without --starts K > 1 (one calibration: nothing to choose among)",
      );
    }
    if (v.starts > 1 && v["refine-iterations"] === 0 && v.select === "information") {
      throw new FlagError(
        "--starts",
        v.starts,
        "1 with --refine-iterations 0 (the starts are compared by the information fit's objective)",
      );
    }
    if (v["spread-baseline"] && (v["spread-intensity"] || v.timing)) {
      throw new FlagError(
        "--spread-baseline",
        true,
        "no --spread-intensity or --timing",
        `--spread-baseline: not with ${
          v["spread-intensity"] ? "--spread-intensity" : "--timing"
        } (one market-order timing)`,
      );
    }
    if (v["touch-excitation"] && (!v.touch || v.fleeting)) {
      throw new FlagError(
        "--touch-excitation",
        true,
        "--touch as well, no --fleeting",
        `--touch-excitation: ${
          v.touch ? "not with --fleeting (its deletions would count twice)" : "only with --touch"
        }`,
      );
    }
    if (v["touch-deletions"] && v.touch) {
      throw new FlagError(
        "--touch-deletions",
        true,
        "no --touch",
        "--touch-deletions: not with --touch (the touch flow has deletions of its own)",
      );
    }
    if (v["lump-match"] && !v["impact-lump"]) {
      throw new FlagError(
        "--lump-match",
        true,
        "--impact-lump as well",
        "--lump-match: only with --impact-lump (it matches the lump that flag fits)",
      );
    }
    if (v["lump-match"] && v["refine-iterations"] === 0) {
      throw new FlagError(
        "--lump-match",
        true,
        "no --refine-iterations 0",
        "--lump-match: not with --refine-iterations 0 (the lump is matched in simulation)",
      );
    }
    if (v["share-moments"] && v["refine-iterations"] === 0) {
      throw new FlagError(
        "--share-moments",
        true,
        "no --refine-iterations 0",
        "--share-moments: not with --refine-iterations 0 (the shares are fitted in simulation)",
      );
    }
    if (v["match-deletions"] && !v["touch-deletions"]) {
      throw new FlagError(
        "--match-deletions",
        true,
        "--touch-deletions as well",
        "--match-deletions: only with --touch-deletions (its factor is on their rates)",
      );
    }
    if (v.fleeting && !v.touch) {
      throw new FlagError(
        "--fleeting",
        true,
        "--touch as well",
        "--fleeting: only with --touch (the fleeting orders are the touch flow's)",
      );
    }
    if (v.from !== undefined && v.to !== undefined && !(v.to > v.from)) {
      throw new FlagError("--to", v.to, `a time after --from (${v.from})`);
    }
    if (v["size-lot"] !== undefined && v.lot !== undefined && !(v["size-lot"] <= v.lot)) {
      throw new FlagError("--size-lot", v["size-lot"], `a lot at most --lot (${v.lot})`);
    }
  },
  // required flags: checked before work (not in `check`, which only relates given flags)
  preflight: (v) => {
    if (v.data.length === 0) throw new FlagError("--data", "", "at least one recorded tape");
    if (v.out === undefined) throw new FlagError("--out", "", "the preset file to write");
    if (v.name !== undefined && !/^[a-z0-9][a-z0-9-]*$/.test(v.name)) {
      throw new FlagError("--name", v.name, "lowercase letters, digits and dashes");
    }
    return Promise.resolve();
  },
});

type CalibrateFlags = Values<typeof calibrateCli.spec.flags>;

async function main(v: CalibrateFlags, given: ReadonlySet<string>): Promise<void> {
  const log = (line: string) => console.error(line);
  const t0 = performance.now();
  const paths = v.data.flatMap((d) => d.split(",")).filter((d) => d !== "");
  // each finished start of --starts K is kept here until the preset is written
  const startsDir = `${v.out!}.starts`;
  // a lot the tape decides (--size-lot above the tape's own lot) is named by its flag
  const cal = await calibrateFiles(paths, {
    name: v.name,
    lotSize: v.lot,
    from: v.from,
    to: v.to,
    duration: v.duration,
    refine: v["refine-iterations"] > 0,
    refineIterations: v["refine-iterations"],
    refineSeconds: v["refine-seconds"],
    simulationRatio: v["simulation-ratio"],
    seed: v.seed,
    timing: v.timing,
    spreadIntensity: v["spread-intensity"],
    spreadBaseline: v["spread-baseline"],
    touch: v.touch,
    fleeting: v.fleeting,
    touchExcitation: v["touch-excitation"],
    touchDeletions: v["touch-deletions"],
    improvementTakers: v["improvement-takers"],
    liquidityState: v["liquidity-state"],
    limitResponse: v["limit-response"],
    ...(v["match-deletions"] ? { matchDeletions: true } : {}),
    regimeBaseline: v["regime-baseline"],
    ...(v["fixed-forecast"] ? { forecast: false } : {}),
    pace: v.pace,
    ...(v["mle-kernel"] ? { clockKernel: false } : {}),
    ...(v["paired-moves"] ? { pairedMoves: true } : {}),
    ...(v["rematch-news"] ? { rematchNews: true } : {}),
    sizeLaw: v["size-law"],
    informedSizes: v["informed-sizes"],
    sniperSizes: v["sniper-sizes"],
    ...(v["share-moments"] ? { shareMoments: true } : {}),
    fastSizeSigma: v["fast-size-sigma"],
    sizeExponent: v["size-exponent"],
    limitSizes: v["limit-sizes"],
    sizeLot: v["size-lot"],
    impactLump: v["impact-lump"],
    ...(v["lump-match"] ? { lumpMatch: true } : {}),
    ...(v["placement-range"] === undefined ? {} : { placementRange: v["placement-range"] }),
    ...(v["touch-atom"] ? { touchAtom: true } : {}),
    activityPlacement: v["activity-placement"],
    regimeTimeScale: v["regime-time-scale"],
    sizesGivenFast: v["sizes-given-fast"],
    starts: v.starts,
    select: v.select,
    selectSeeds: v["select-seeds"],
    startsDir,
    discardStarts: v.force,
    workers: v.workers ?? defaultWorkers(v.starts),
    // starts saved before the library changed are not this code's: refused like other options'
    ...(v.starts > 1 ? { code: await codeVersion() } : {}),
    log,
  }).catch((e: unknown) => {
    if (e instanceof ValidationError && e.field === "sizeLot") {
      throw new FlagError("--size-lot", e.value, e.expected);
    }
    if (e instanceof ValidationError && e.field === "startsDir") {
      const expected = e.expected.replace("or discard it", "or pass --force to discard it");
      throw new FlagError("--out", v.out!, expected, `--out: ${startsDir}: expected ${expected}`);
    }
    throw e;
  });
  const text = JSON.stringify(cal.preset, null, 2) + "\n";
  await writeFileAtomic(v.out!, text, {
    replace: v.force,
    field: "--out",
    replaceHint: "pass --force",
  });
  // the saved starts were this command's (or discarded by --force): the preset now holds them
  if (v.starts > 1) removeProgress(startsDir);
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  if (v.json) {
    await Deno.stdout.write(new TextEncoder().encode(text));
  } else {
    console.log(summaryText(cal.estimates));
    for (const w of cal.warnings) console.log(`warning: ${w}`);
    console.log(`\nWrote ${v.out} in ${secs} s.`);
  }
  void given;
}

/** One line per estimate: path, value ± standard error, status. */
function summaryText(est: Record<string, { value: number; se: number; status: string }>): string {
  const f = (x: number) =>
    !Number.isFinite(x)
      ? "—"
      : Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0)
      ? x.toExponential(3)
      : Number(x.toPrecision(4)).toString();
  const rows = Object.entries(est).map(([k, e]) =>
    `${k.padEnd(36)} ${f(e.value).padStart(11)} ± ${f(e.se).padEnd(10)} ${e.status}`
  );
  return ["parameter                                  value   std. err.  status", ...rows].join(
    "\n",
  );
}

if (import.meta.main) await runCli(calibrateCli, main);
