/**
 * The messages of the dashboard: browser ↔ server over one WebSocket per tab, and server ↔
 * its Workers (one live-simulation worker per tab at most, one worker per job). Everything
 * is plain JSON (structured-clone safe); figures travel as Plotly JSON built by lib/viz on
 * the server, so the browser only draws.
 *
 * @module
 */
import type { AgentSpec } from "../backtest/types.ts";
import type { EnvConfig } from "../env/config.ts";
import type { TunedCache } from "./agent_params.ts";
import type { LiveFrame, LiveMetric } from "./live.ts";
import type { SidebarInput } from "./fields.ts";

/** A report block as it travels to the browser (tables already rendered to html). */
export type WireBlock =
  | { section: string }
  | { subsection: string }
  | { text: string; note?: boolean }
  | { html: string }
  | {
    figure: { data: unknown[]; layout: Record<string, unknown>; config: unknown };
    caption?: string;
  };

/** Live speeds: a multiple of real time, or 0 for "as fast as possible". */
export const SPEEDS: readonly number[] = [1, 2, 5, 10, 50, 0];

/** Kinds of jobs. */
export type JobKind = "compare" | "analysis" | "portfolio" | "train" | "realdata";

// ---------------------------------------------------------------------------------------
// browser → server

/** Browser → server messages. */
export type ClientMessage =
  | { type: "validate"; fields: SidebarInput }
  | { type: "live.start"; fields: SidebarInput; speed: number }
  | { type: "live.pause" }
  | { type: "live.resume" }
  | { type: "live.step"; fields?: SidebarInput }
  | { type: "live.reset"; fields: SidebarInput }
  | { type: "live.speed"; speed: number }
  | { type: "live.ack"; seq: number }
  | { type: "job.start"; id: string; kind: JobKind; fields: SidebarInput; params: JobParams }
  | { type: "job.cancel"; id: string }
  | { type: "portfolio.weights"; id: string; weights: number[] }
  | { type: "model.load"; dir: string }
  | { type: "ping" };

/** Parameters of a job, by kind (validated by the server). */
export interface JobParams {
  /** compare / portfolio: agent ids of the registry. */
  agents?: string[];
  /** compare / portfolio: the PPO model used for "ppo" (an agent entry id, "ppo" or "ppo:DIR"). */
  ppo?: string;
  /** Episodes (compare, analysis, portfolio) or windows (real data). */
  episodes?: number;
  /** train: total timesteps. */
  timesteps?: number;
  /** train: envs in lockstep. */
  envs?: number;
  /** realdata: "view" or "replay". */
  action?: "view" | "replay";
  /** realdata: tape id. */
  tape?: string;
}

// ---------------------------------------------------------------------------------------
// server → browser

/** Server → browser messages. */
export type ServerMessage =
  | { type: "hello"; session: number }
  | { type: "validation"; errors: Record<string, string> }
  | { type: "live.ready"; info: LiveInfo }
  | { type: "live.frame"; seq: number; frame: LiveFrame; metrics?: LiveMetric[]; ladder?: unknown }
  | { type: "live.state"; state: LiveState; message?: string }
  | { type: "live.error"; message: string; field?: string }
  | { type: "job.queued"; id: string; position: number }
  | { type: "job.progress"; id: string; done: number; total: number; label: string }
  | { type: "job.blocks"; id: string; blocks: WireBlock[]; final: boolean; extra?: unknown }
  | { type: "job.error"; id: string; message: string; field?: string }
  | { type: "job.done"; id: string; seconds: number }
  | { type: "models"; agents: unknown[] }
  | { type: "pong" };

/** States of the live simulation. */
export type LiveState = "idle" | "loading" | "running" | "paused" | "done";

/** What the browser needs to set up the live charts. */
export interface LiveInfo {
  /** Agent label. */
  agent: string;
  /** Agent colour. */
  color: string;
  /** Market label. */
  market: string;
  /** Tier. */
  tier: string;
  /** Steps in the episode. */
  steps: number;
  /** Step length, s. */
  dt: number;
  /** Episode length, s. */
  duration: number;
  /** Tick, $. */
  tickSize: number;
  /** Regime names. */
  regimes: string[];
  /** Tuned parameters the agent runs with (null: defaults or a model), for the caption. */
  params: Record<string, number> | null;
  /** Where they come from. */
  paramsNote: string;
  /** Initial figures (Plotly JSON): the episode chart and the ladder. */
  figures: { episode: unknown; ladder: unknown };
}

// ---------------------------------------------------------------------------------------
// server ↔ workers

/** Server → live worker. */
export type LiveWorkerIn =
  | {
    type: "start";
    config: EnvConfig;
    agent: AgentSpec;
    agentLabel: string;
    marketLabel: string;
    seed: number;
    speed: number;
    tune: boolean;
    tuned: TunedCache;
    autorun: boolean;
  }
  | { type: "pause" }
  | { type: "resume" }
  | { type: "step" }
  | { type: "reset" }
  | { type: "speed"; speed: number }
  | { type: "ack"; seq: number };

/** Live worker → server. */
export type LiveWorkerOut =
  | { type: "ready"; info: LiveInfo }
  | { type: "frame"; seq: number; frame: LiveFrame; metrics?: LiveMetric[]; ladder?: unknown }
  | { type: "state"; state: LiveState; message?: string }
  | { type: "error"; message: string; field?: string }
  | { type: "tuned"; tuned: TunedCache };

/** Server → job worker: one job. */
export interface JobWorkerIn {
  /** Job id. */
  id: string;
  /** Kind. */
  kind: JobKind;
  /** The resolved market config. */
  config: EnvConfig;
  /** Root seed. */
  seed: number;
  /** Agent of the sidebar. */
  agent: AgentSpec;
  /** Agent entry id (display). */
  agentId: string;
  /** Non-learned agents' parameters: "defaults" or "tuned" (as compare). */
  params: "defaults" | "tuned";
  /** Cached tuned parameters for this config and seed (by `tunedKey`). */
  tuned: TunedCache;
  /** Job parameters. */
  job: JobParams;
  /** Repository root (models, output folders). */
  root: string;
  /** Folder of a training run (train jobs). */
  outDir?: string;
  /** The market's realism caveats (its `MarketEntry.realism`), shown with comparisons. */
  realism?: string[];
}

/** Job worker → server. */
export type JobWorkerOut =
  | { type: "progress"; done: number; total: number; label: string }
  | { type: "blocks"; blocks: WireBlock[]; final: boolean; extra?: unknown }
  | { type: "tuned"; tuned: TunedCache }
  | { type: "error"; message: string; field?: string }
  | { type: "done" };
