/**
 * The live-simulation worker: runs one {@linkcode LiveSim} off the server's main thread,
 * paced at a multiple of real time (or as fast as possible), and posts a frame of new points
 * at most every {@linkcode FRAME_MS} ms, with the running metrics every
 * {@linkcode METRICS_MS} ms. Frames are coalesced, never queued without bound: while the
 * browser has {@linkcode MAX_UNACKED} frames it has not acknowledged, the points wait and go
 * out together in the next frame. An episode is at most 500 s of market time, so even at full
 * speed the work a tab can start is bounded; the server terminates this worker when the tab
 * goes away.
 *
 * @module
 */
import { AlpeError, ValidationError } from "../errors.ts";
import { figureToJson } from "../viz/display.ts";
import { depthLadderFigure, liveEpisodeFigure } from "../viz/live_figures.ts";
import { agentColor } from "../viz/colors.ts";
import { buildAgent, dashboardTune, isTunable, resolveSpec, tunedKey } from "./agent_params.ts";
import { LiveSim } from "./live.ts";
import type { LiveInfo, LiveState, LiveWorkerIn, LiveWorkerOut } from "./protocol.ts";

/** Minimum interval between frames, ms (25 frames a second at most). */
export const FRAME_MS = 40;
/** Interval between running-metric updates, ms. */
export const METRICS_MS = 250;
/** Frames the browser may hold unacknowledged before points are held back. */
export const MAX_UNACKED = 8;
/** Longest uninterrupted stepping slice, ms (messages are handled between slices). */
export const SLICE_MS = 12;

interface WorkerScope {
  postMessage(m: LiveWorkerOut): void;
  onmessage: ((e: MessageEvent<LiveWorkerIn>) => void) | null;
}
const scope = self as unknown as WorkerScope;

let sim: LiveSim | null = null;
let info: LiveInfo | null = null;
let state: LiveState = "idle";
let speed = 1;
let seq = 0;
let acked = 0;
let anchorWall = 0;
let anchorStep = 0;
let lastFrame = -Infinity;
let lastMetrics = -Infinity;
let timer: ReturnType<typeof setTimeout> | undefined;
let pendingDone = false;

function post(m: LiveWorkerOut): void {
  scope.postMessage(m);
}

function setState(s: LiveState, message?: string): void {
  state = s;
  post({ type: "state", state: s, message });
}

function reanchor(): void {
  anchorWall = performance.now();
  anchorStep = sim?.stepIndex ?? 0;
}

function sendFrame(now: number, withMetrics: boolean): void {
  if (!sim) return;
  const frame = sim.takeFrame();
  const metrics = withMetrics ? sim.metrics() : undefined;
  if (metrics) lastMetrics = now;
  lastFrame = now;
  const ladder = frame.ladder
    ? figureToJson(depthLadderFigure(frame.ladder, { tickSize: sim.config.tickSize }))
    : undefined;
  post({ type: "frame", seq: ++seq, frame, metrics, ladder });
}

function schedule(ms: number): void {
  if (timer === undefined) timer = setTimeout(tick, ms);
}

function tick(): void {
  timer = undefined;
  if (!sim) return;
  const now = performance.now();
  if (state === "running") {
    const dtMs = sim.config.dt * 1000;
    if (speed === 0) {
      const end = now + SLICE_MS;
      while (performance.now() < end && sim.step()) { /* step */ }
    } else {
      const target = Math.min(
        sim.steps,
        anchorStep + Math.floor(((now - anchorWall) * speed) / dtMs),
      );
      while (sim.stepIndex < target && sim.step()) {
        if (performance.now() - now > SLICE_MS) {
          // Cannot keep up with this speed: drop the backlog rather than burst later.
          reanchor();
          break;
        }
      }
    }
    if (sim.done) {
      state = "done";
      pendingDone = true;
    }
  }
  const due = now - lastFrame >= FRAME_MS && seq - acked < MAX_UNACKED;
  if (pendingDone) {
    sendFrame(now, true);
    pendingDone = false;
    setState("done");
    return;
  }
  if (due) sendFrame(now, now - lastMetrics >= METRICS_MS);
  if (state === "running") schedule(speed === 0 ? 0 : 5);
}

function errorOf(err: unknown): LiveWorkerOut {
  if (err instanceof ValidationError) {
    return { type: "error", message: err.message, field: err.field };
  }
  if (err instanceof AlpeError) return { type: "error", message: err.message };
  const msg = err instanceof Error ? err.message : String(err);
  return { type: "error", message: `live simulation failed: ${msg}` };
}

async function start(m: Extract<LiveWorkerIn, { type: "start" }>): Promise<void> {
  if (timer !== undefined) clearTimeout(timer);
  timer = undefined;
  sim = null;
  setState("loading", "loading the agent…");
  const key = tunedKey(m.config, m.seed, m.agent.id);
  let tuned = m.tuned[key] ?? null;
  if (m.tune && isTunable(m.agent.id) && !tuned) {
    setState("loading", "tuning the agent on 16 calibration seeds, as compare does…");
    const found = await dashboardTune(m.config, m.seed, [m.agent.id]);
    post({ type: "tuned", tuned: found });
    tuned = found[key] ?? null;
  }
  const resolved = resolveSpec(m.agent, m.tune ? tuned : null);
  const agent = await buildAgent(resolved);
  sim = new LiveSim(m.config, agent, m.seed);
  speed = m.speed;
  seq = 0;
  acked = 0;
  info = {
    agent: m.agentLabel,
    color: agentColor(m.agentLabel),
    market: m.marketLabel,
    tier: m.config.tier,
    steps: sim.steps,
    dt: m.config.dt,
    duration: m.config.duration,
    tickSize: m.config.tickSize,
    regimes: [...m.config.regimes.names],
    params: resolved.params,
    paramsNote: resolved.note,
    figures: {
      episode: figureToJson(
        liveEpisodeFigure({ agent: m.agentLabel, duration: m.config.duration }),
      ),
      ladder: figureToJson(depthLadderFigure(sim.ladder(), { tickSize: m.config.tickSize })),
    },
  };
  post({ type: "ready", info });
  sendFrame(performance.now(), true);
  if (m.autorun) {
    reanchor();
    setState("running");
    schedule(0);
  } else {
    setState("paused");
  }
}

async function handle(m: LiveWorkerIn): Promise<void> {
  switch (m.type) {
    case "start":
      return await start(m);
    case "ack":
      acked = Math.max(acked, m.seq);
      return;
    case "speed":
      speed = m.speed;
      reanchor();
      return;
  }
  if (!sim) return;
  switch (m.type) {
    case "pause":
      if (state === "running") {
        // Every step taken goes out before the state: the page sees all of them, then "paused".
        sendFrame(performance.now(), true);
        setState("paused");
      }
      return;
    case "resume":
      if (state === "done") {
        sim.reset();
        if (info) post({ type: "ready", info });
      }
      reanchor();
      setState("running");
      schedule(0);
      return;
    case "step":
      if (state === "running") setState("paused");
      if (sim.done) return;
      sim.step();
      if (sim.done) {
        sendFrame(performance.now(), true);
        setState("done");
      } else sendFrame(performance.now(), true);
      return;
    case "reset":
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      sim.reset();
      pendingDone = false;
      if (info) post({ type: "ready", info });
      sendFrame(performance.now(), true);
      setState("paused");
      return;
  }
}

scope.onmessage = (e: MessageEvent<LiveWorkerIn>) => {
  handle(e.data).catch((err) => {
    post(errorOf(err));
    setState(sim ? "paused" : "idle");
  });
};
