/**
 * Result files of a backtest: per-episode metrics and the aggregate table as CSV
 * (`npm:csv-stringify`), per-step records as an Apache Arrow IPC file (`npm:apache-arrow`,
 * readable with `pyarrow.ipc.open_file`, `polars.read_ipc` or `pandas.read_feather`).
 *
 * @module
 */
import { stringify } from "npm:csv-stringify@6.9.0/sync";
import {
  Dictionary,
  Int32,
  makeVector,
  Table,
  tableToIPC,
  Utf8,
  vectorFromArray,
} from "npm:apache-arrow@21.2.0";
import { flattenMetrics, metricUnit } from "../analytics/mod.ts";
import {
  type EpisodeRecord,
  F64_STEP_COLUMNS,
  I32_STEP_COLUMNS,
  STEP_COLUMNS,
  type StepColumnName,
} from "../env/columns.ts";
import { roundNumber } from "./format.ts";
import type { AgentBacktest } from "./runner.ts";

/** CSV cell of a number: rounded like the JSON, empty when not finite. */
function cell(x: number): string | number {
  const r = roundNumber(x);
  return r === null ? "" : r;
}

/**
 * Per-episode metrics as CSV: one row per (agent, episode) with columns `agent`, `episode`,
 * `seed`, then every metric (nested ones flattened: `markouts.1s`) with its unit in the header
 * (`totalPnl [USD]`, see `METRIC_UNITS`). Non-finite values are empty cells.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { episodesCsv } from "./output.ts";
 * import { runBacktest } from "./runner.ts";
 * const result = await runBacktest({
 *   config: { tier: "model", duration: 10 },
 *   agents: [{ id: "static-spread" }],
 *   episodes: 2,
 *   seed: 1,
 *   workers: 0,
 * });
 * const lines = episodesCsv(result.agents, result.seeds).trimEnd().split("\n");
 * assert.equal(lines.length, 3); // the header, then one row per episode
 * assert.ok(lines[0].startsWith("agent,episode,seed,totalPnl [USD],"));
 * ```
 */
export function episodesCsv(agents: readonly AgentBacktest[], seeds: readonly number[]): string {
  const keys: string[] = [];
  const seen = new Set<string>();
  const flat = agents.map((a) => a.episodes.map((m) => flattenMetrics(m)));
  for (const rows of flat) {
    for (const row of rows) {
      for (const k of Object.keys(row)) {
        if (!seen.has(k)) {
          seen.add(k);
          keys.push(k);
        }
      }
    }
  }
  const header = keys.map((k) => (metricUnit(k) ? `${k} [${metricUnit(k)}]` : k));
  const rows: (string | number)[][] = [["agent", "episode", "seed", ...header]];
  agents.forEach((a, ai) => {
    flat[ai].forEach((row, e) => {
      rows.push([a.id, e, seeds[e], ...keys.map((k) => (k in row ? cell(row[k]) : ""))]);
    });
  });
  return stringify(rows);
}

/**
 * The aggregate table as CSV: one row per (agent, metric) with the metric's unit, the mean,
 * the 95 % CI, the standard deviation and the number of episodes.
 */
export function summaryCsv(agents: readonly AgentBacktest[]): string {
  const rows: (string | number)[][] = [[
    "agent",
    "metric",
    "unit",
    "mean",
    "ci95_lo",
    "ci95_hi",
    "std",
    "n",
  ]];
  for (const a of agents) {
    for (const [k, s] of Object.entries(a.aggregate)) {
      rows.push([
        a.id,
        k,
        metricUnit(k),
        cell(s.mean),
        cell(s.ci95[0]),
        cell(s.ci95[1]),
        cell(s.std),
        s.n,
      ]);
    }
  }
  return stringify(rows);
}

/** Float64 columns of an {@linkcode EpisodeRecord} exported to Arrow, in order. */
export const ARROW_F64_COLUMNS: readonly (StepColumnName | "time" | "reward")[] = [
  "time",
  ...F64_STEP_COLUMNS,
  "reward",
];

/** The unit of every exported per-step column (written into the Arrow schema's metadata). */
export const ARROW_UNITS: Readonly<Record<string, string>> = {
  agent: "id",
  episode: "index",
  seed: "seed",
  step: "index (0-based)",
  time: "s",
  reward: "USD",
  ...Object.fromEntries(
    (Object.keys(STEP_COLUMNS) as StepColumnName[]).map((k) => [k, STEP_COLUMNS[k].unit]),
  ),
};

/** Episodes of one agent for {@linkcode stepsArrow}. */
export interface AgentRecords {
  /** Agent id. */
  id: string;
  /** Its episodes, in evaluation order. */
  records: readonly EpisodeRecord[];
}

/**
 * Per-step records of every agent and episode as one Arrow IPC file (long format): columns
 * `agent` (dictionary-encoded string), `episode` (int32), `seed` (float64, an integer
 * < 2^32), `step` (int32, 0-based), the Float64 columns of {@linkcode ARROW_F64_COLUMNS}
 * and the Int32 step columns (`regime`); the schema's `units` metadata (JSON) gives every
 * column's unit ({@linkcode ARROW_UNITS}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tableFromIPC } from "npm:apache-arrow@21.2.0";
 * import { stepsArrow } from "./output.ts";
 * import { createAgent, rollout } from "../agents/mod.ts";
 * import { EpisodeRecorder, makeVecEnv } from "../env/mod.ts";
 * const env = makeVecEnv({ tier: "model", duration: 10 }, 2);
 * const recorder = new EpisodeRecorder(env);
 * rollout(env, createAgent("glft"), [1, 2], { onStep: (e) => recorder.record(e) });
 * const records = recorder.episodes([1, 2], "glft");
 * const bytes = stepsArrow([{ id: "glft", records }]); // python: polars.read_ipc(path)
 * const table = tableFromIPC(bytes);
 * assert.equal(table.numRows, 2 * 100); // 2 episodes of 100 steps, long format
 * assert.deepEqual(table.schema.names.slice(0, 5), ["agent", "episode", "seed", "step", "time"]);
 * ```
 */
export function stepsArrow(agents: readonly AgentRecords[]): Uint8Array {
  let rows = 0;
  for (const a of agents) for (const r of a.records) rows += r.steps;
  const agent = new Array<string>(rows);
  const episode = new Int32Array(rows);
  const seed = new Float64Array(rows);
  const step = new Int32Array(rows);
  const i32: Record<string, Int32Array> = {};
  for (const name of I32_STEP_COLUMNS) i32[name] = new Int32Array(rows);
  const f64: Record<string, Float64Array> = {};
  for (const name of ARROW_F64_COLUMNS) f64[name] = new Float64Array(rows);
  let o = 0;
  for (const a of agents) {
    a.records.forEach((r, e) => {
      const n = r.steps;
      for (let t = 0; t < n; t++) {
        agent[o + t] = a.id;
        step[o + t] = t;
      }
      episode.fill(e, o, o + n);
      seed.fill(r.seed, o, o + n);
      for (const name of I32_STEP_COLUMNS) i32[name].set(r[name].subarray(0, n), o);
      for (const name of ARROW_F64_COLUMNS) f64[name].set(r[name].subarray(0, n), o);
      o += n;
    });
  }
  const columns: Record<string, ReturnType<typeof makeVector>> = {
    agent: vectorFromArray(agent, new Dictionary(new Utf8(), new Int32())),
    episode: makeVector(episode),
    seed: makeVector(seed),
    step: makeVector(step),
  };
  for (const name of ARROW_F64_COLUMNS) columns[name] = makeVector(f64[name]);
  for (const name of I32_STEP_COLUMNS) columns[name] = makeVector(i32[name]);
  const table = new Table(columns);
  table.schema.metadata.set("units", JSON.stringify(ARROW_UNITS));
  return tableToIPC(table, "file");
}
