/**
 * `deno task sim-tape`: a preset's market simulated and written as a recorded tape — an L2
 * feed in ALPE's CSV format (`lib/calibration/sim_tape.ts`) that `calibrate` and `realism`
 * read like a real recording. Calibrating a preset from its own simulation and comparing the
 * result with it tells what the calibration loses on a market it can represent
 * (docs/realism.md).
 *
 *     deno task sim-tape --preset P --out FILE.csv [--seconds SEC] [--seed S] [--levels N]
 *                        [--lots] [--force]
 *
 * The file is written atomically; an existing one is replaced only with `--force`.
 *
 * @module
 */
import { writeSimulatedTape } from "../lib/calibration/sim_tape.ts";
import { resolveMarket } from "../lib/env/markets.ts";
import { writeFileAtomic } from "../lib/output_dir.ts";
import { MAX_SEED } from "../lib/rng/rng.ts";
import { defineCli, FlagError, flags, runCli, type Values } from "./_cli.ts";
import { realismCli } from "./realism.ts";

/** The command line of `deno task sim-tape` (exported for the CLI tests). */
export const simTapeCli = defineCli({
  name: "sim-tape",
  summary: "Simulates a preset's market and writes it as a recorded L2 tape (CSV) that " +
    "calibrate and realism read like a real one.",
  flags: {
    // the same market flag as the realism report's, which reads the tapes this writes
    preset: realismCli.spec.flags.preset,
    out: flags.outFile({ help: "the CSV tape to write" }),
    seconds: flags.number({
      min: 1,
      max: 86_400,
      default: 3_600,
      help: "market seconds to record, one continuous run",
      meta: "SEC",
    }),
    seed: flags.int({ min: 0, max: MAX_SEED, default: 0, help: "seed of the run", meta: "S" }),
    levels: flags.int({
      min: 1,
      max: 10_000,
      default: 60,
      help: "price levels a side the feed shows",
      meta: "N",
    }),
    lots: flags.boolean({
      help: "quantities in the market's lots (calibrate with --lot 1) instead of instrument units",
    }),
    force: flags.boolean({ help: "replace an existing --out file" }),
  },
  preflight: async (v) => {
    if (v.preset === undefined) throw new FlagError("--preset", "", "a preset name or file");
    if (v.out === undefined) throw new FlagError("--out", "", "the CSV tape to write");
    await resolveMarket(v.preset, "--preset");
  },
});

type SimTapeFlags = Values<typeof simTapeCli.spec.flags>;

async function main(v: SimTapeFlags): Promise<void> {
  const market = await resolveMarket(v.preset!, "--preset");
  if (market.config.tier === "replay") {
    throw new FlagError("--preset", v.preset, "a simulated market (not a replay)");
  }
  const t0 = performance.now();
  const lines: string[] = [];
  let trades = 0;
  writeSimulatedTape(
    market.config,
    {
      seconds: v.seconds,
      seed: v.seed,
      levels: v.levels,
      quantities: v.lots ? "lots" : "instrument",
    },
    (l) => {
      lines.push(l);
      if (l.includes(",trade,")) trades++;
    },
  );
  await writeFileAtomic(v.out!, lines.join("\n") + "\n", {
    replace: v.force,
    field: "--out",
    replaceHint: "pass --force",
  });
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(
    `Wrote ${v.out}: ${v.seconds} s of ${market.name} (seed ${v.seed}), ${lines.length} lines, ` +
      `${trades} executions, in ${secs} s.`,
  );
}

if (import.meta.main) await runCli(simTapeCli, main);
