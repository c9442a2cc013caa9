/**
 * `deno task realism --seeds N` on one thread and on two, as a user runs it (`deno task bench
 * --only realism`).
 *
 * - `realism.seeds_per_s`: simulation seeds compared per second of the whole command on one
 *   thread (`--workers 1`): the shipped `amzn-shares` preset against the shipped AMZN day, 16
 *   seeds (`--seeds 16 --json`), each command a process of its own, so that its start, the
 *   tape's loading and the report are in the figure as a user pays them.
 * - `realism.speedup_2cores`: the same command with `--workers 2` (this thread and a Deno
 *   Worker, which loads and compiles the library anew: about a second) over `--workers 1`,
 *   the two run in alternation, 3 pairs, the median of the ratios; their JSON outputs are
 *   checked equal, byte for byte.
 *
 * @module
 */
import { AlpeError } from "../../lib/errors.ts";
import { V8_FLAGS } from "../_v8.ts";
import { type BenchCase, median } from "./_types.ts";

const SEEDS = 16;
const PAIRS = 3;
const TAPE = "data/real/lobster/AMZN_2012-06-21_34200000_57600000_message_1.csv";

/** Seeds per second on one thread and the two-thread speedup, measured in alternation. */
export interface RealismSpeed {
  /** Median seeds per second of the command on one thread. */
  seedsPerSecond: number;
  /** Median of the pairs' ratios of wall-clock times, one thread over two. */
  speedup: number;
}

let cached: RealismSpeed | null = null;

/** Runs the measurement (once per process). */
export async function measureRealismSpeed(): Promise<RealismSpeed> {
  if (cached !== null) return cached;
  const dir = await Deno.makeTempDir();
  const run = async (workers: number) => {
    const args = [
      "run",
      "-A",
      `--v8-flags=${V8_FLAGS}`,
      "scripts/realism.ts",
      ...["--preset", "amzn-shares", "--data", TAPE, "--seeds", String(SEEDS)],
      ...["--workers", String(workers), "--json", "--force", "--out", `${dir}/r${workers}`],
    ];
    const t0 = performance.now();
    const out = await new Deno.Command(Deno.execPath(), { args, stderr: "piped" }).output();
    const seconds = (performance.now() - t0) / 1000;
    if (!out.success) {
      throw new AlpeError(`realism --workers ${workers}: ${new TextDecoder().decode(out.stderr)}`);
    }
    return { seconds, json: new TextDecoder().decode(out.stdout) };
  };
  try {
    const one: number[] = [], ratios: number[] = [];
    for (let p = 0; p < PAIRS; p++) {
      const a = await run(1);
      const b = await run(2);
      if (a.json !== b.json) throw new AlpeError("realism: two threads wrote another report");
      one.push(SEEDS / a.seconds);
      ratios.push(a.seconds / b.seconds);
    }
    cached = { seedsPerSecond: median(one), speedup: median(ratios) };
    return cached;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The realism benchmark cases. */
export const cases: BenchCase[] = [
  {
    name: "realism.seeds_per_s",
    unit: "seeds/s",
    run: async () => (await measureRealismSpeed()).seedsPerSecond,
  },
  {
    name: "realism.speedup_2cores",
    unit: "ratio",
    target: "> 1 (the same bytes)",
    run: async () => (await measureRealismSpeed()).speedup,
  },
];
