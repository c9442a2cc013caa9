/**
 * The training mode: a small PPO run (the library's `PpoTrainer`, the same as `deno task
 * train`) in a job worker, its curves streamed to the browser after every update, and saved
 * models opened from their folder (config, training curves, held-out seeds). A run writes
 * into a fresh folder `out/dashboard/models/run-N` that it claims atomically, so it never
 * overwrites a model; the folder then appears in the agent list.
 *
 * @module
 */
import { CheckpointError } from "../errors.ts";
import type { EnvConfig } from "../env/config.ts";
import type { TrainConfigInput } from "../rl/config.ts";
import { type MetricsRow, parseMetricsJsonl } from "../viz/model_figures.ts";
import { trainingCurvesFigure } from "../viz/model_figures.ts";
import type { ReportBlock, TableCell } from "../viz/mod.ts";

/** Folder of the dashboard's training runs, relative to the root. */
export const RUNS_DIR = "out/dashboard/models";

/** Timesteps of the training mode's default run (5 updates of 16 envs × 256 steps). */
export const DEFAULT_TRAIN_TIMESTEPS = 20_480;

/** The metrics plotted, in panel order. */
export const TRAINING_SERIES: readonly string[] = [
  "episodePnl",
  "episodeReturn",
  "entropy",
  "approxKl",
  "explainedVariance",
  "fps",
];

/**
 * Claims the next free run folder `out/dashboard/models/run-N` under `root` (created with a
 * non-recursive mkdir, which fails if it exists: two runs never share a folder). Returns its
 * path relative to `root`.
 */
export async function claimRunDir(root: string): Promise<string> {
  await Deno.mkdir(`${root}/${RUNS_DIR}`, { recursive: true });
  for (let n = 1; n < 100_000; n++) {
    const rel = `${RUNS_DIR}/run-${n}`;
    try {
      await Deno.mkdir(`${root}/${rel}`);
      return rel;
    } catch (err) {
      if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
    }
  }
  throw new CheckpointError(`no free run folder under ${root}/${RUNS_DIR}`);
}

/** The training config of a dashboard run: the sidebar's market, `timesteps`, `envs`, `seed`. */
export function dashboardTrainConfig(
  config: EnvConfig,
  timesteps: number,
  envs: number,
  seed: number,
): TrainConfigInput {
  const nSteps = 256;
  const batch = envs * nSteps;
  // The largest minibatch ≤ 1,024 that divides the batch (PPO's requirement).
  let mb = Math.min(1024, batch);
  while (batch % mb !== 0) mb--;
  return {
    seed,
    totalTimesteps: timesteps,
    env: { ...config } as Record<string, unknown>,
    ppo: { numEnvs: envs, nSteps, minibatchSize: mb },
    checkpointEvery: 1,
  };
}

/** The training curves figure of `rows` (one panel per metric, x = timesteps). */
export function trainingBlocks(rows: readonly MetricsRow[], title: string): ReportBlock[] {
  const last = rows[rows.length - 1];
  const blocks: ReportBlock[] = [{
    figure: trainingCurvesFigure(rows, {
      x: "timesteps",
      series: TRAINING_SERIES,
      title,
      panelHeight: 130,
    }),
  }];
  if (last) {
    const num = (k: string) => (typeof last[k] === "number" ? last[k] as number : NaN);
    blocks.unshift({
      text: `update ${last.update} of ${last.totalUpdates}, ${num("timesteps")} timesteps, ` +
        `stage ${last.stage}; last episode batch: P&L ${num("episodePnl").toFixed(2)} $, ` +
        `return ${num("episodeReturn").toFixed(2)}; ${num("fps").toFixed(0)} timesteps/s.`,
    });
  }
  return blocks;
}

function row(label: string, value: unknown): (TableCell | string)[] {
  return [label, value === undefined || value === null ? "–" : String(value)];
}

/**
 * A saved model as blocks: what it was trained on (seed, timesteps, env, residual base,
 * reward weights), its training curves (`metrics.jsonl`) and where it came from.
 */
export async function modelBlocks(root: string, dir: string): Promise<ReportBlock[]> {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(await Deno.readTextFile(`${root}/${dir}/checkpoint.json`));
  } catch (err) {
    throw new CheckpointError(
      `model: cannot read ${dir}/checkpoint.json (${(err as Error).message})`,
    );
  }
  const cfg = (rec.config ?? {}) as Record<string, unknown>;
  const env = (cfg.env ?? {}) as Record<string, unknown>;
  const ppo = (cfg.ppo ?? {}) as Record<string, unknown>;
  const residual = (cfg.residual ?? {}) as Record<string, unknown>;
  const reward = (env.reward ?? {}) as Record<string, unknown>;
  let rows: MetricsRow[] = [];
  try {
    rows = parseMetricsJsonl(await Deno.readTextFile(`${root}/${dir}/metrics.jsonl`));
  } catch {
    rows = [];
  }
  const blocks: ReportBlock[] = [
    { section: `Model ${dir}` },
    {
      table: {
        columns: ["setting", "value"],
        rows: [
          row("training seed", cfg.seed),
          row("timesteps trained", rec.timesteps),
          row("updates", rec.update),
          row("saved at", rec.savedAt),
          row("tier", env.tier ?? "book (default)"),
          row("envs × steps per update", `${ppo.numEnvs} × ${ppo.nSteps}`),
          row("hidden layers", JSON.stringify(ppo.hiddenSizes)),
          row(
            "residual policy",
            residual.enabled ? `over ${residual.base} (±${residual.offsetTicks} ticks)` : "off",
          ),
          row("inventory penalty ($/lot²/step)", reward.inventory ?? "2e-5 (default)"),
        ],
      },
    },
  ];
  if (rows.length > 0) blocks.push(...trainingBlocks(rows, `Training curves of ${dir}`));
  else blocks.push({ text: "No metrics.jsonl: no training curves to show.", note: true });
  return blocks;
}
