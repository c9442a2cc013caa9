/**
 * One browser tab's session: its WebSocket, at most one live-simulation worker and at most
 * one job per mode. Everything a session started ends with it: closing the tab (or a silent
 * connection past the idle timeout) terminates its live worker and cancels its jobs, running
 * or queued.
 *
 * @module
 */
import { AlpeError, ValidationError } from "../errors.ts";
import { agentIds } from "../agents/registry.ts";
import { validateAgentIds } from "../backtest/compare.ts";
import type { AgentEntry } from "./agents.ts";
import { type TunedCache, tunedKey } from "./agent_params.ts";
import { type SidebarInput, type SidebarValues, validateSidebar } from "./fields.ts";
import type { JobHandle, JobScheduler } from "./jobs.ts";
import type { MarketEntry } from "./markets.ts";
import { portfolioBlocks, type PortfolioData } from "./portfolio_view.ts";
import type {
  ClientMessage,
  JobKind,
  JobParams,
  JobWorkerIn,
  LiveWorkerIn,
  LiveWorkerOut,
  ServerMessage,
} from "./protocol.ts";
import { SPEEDS } from "./protocol.ts";
import { claimRunDir, modelBlocks } from "./training.ts";
import { toWire } from "./wire.ts";

/** What a session needs from its server. */
export interface SessionContext {
  /** Repository root (models, output). */
  root: string;
  /** The agent list now. */
  agents(): Promise<AgentEntry[]>;
  /** The market list now. */
  markets(): Promise<MarketEntry[]>;
  /** The job scheduler. */
  jobs: JobScheduler;
  /** May this session start a live worker (the server's cap)? */
  liveSlotFree(session: Session): boolean;
  /** Live workers changed (for the status count). */
  liveChanged(): void;
  /** Cached tuned parameters, by `tunedKey`. */
  tuned: Map<string, TunedCache[string]>;
  /** The agent list changed (a training run finished): tell every session. */
  modelsChanged(): void;
  /** Log a line. */
  log(line: string): void;
}

const JOB_LIMITS = {
  compareEpisodes: [1, 1000],
  analysisEpisodes: [1, 500],
  portfolioEpisodes: [2, 1000],
  timesteps: [256, 2_000_000],
  envs: [1, 64],
} as const;

function intParam(field: string, v: unknown, fallback: number, [min, max]: readonly number[]) {
  if (v === undefined || v === null) return fallback;
  const n = typeof v === "string" && v.trim() === "" ? NaN : Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ValidationError(field, v, `an integer in [${min}, ${max}]`);
  }
  return n;
}

/** One tab. */
export class Session {
  /** Session id. */
  readonly id: number;
  /** Last time the browser said anything (ms, performance.now()). */
  lastSeen = performance.now();
  #ws: WebSocket;
  #ctx: SessionContext;
  #live: Worker | undefined;
  #jobs = new Map<JobKind, JobHandle>();
  #portfolio: { id: string; data: PortfolioData } | undefined;
  #closed = false;

  /** A session on `ws`. */
  constructor(id: number, ws: WebSocket, ctx: SessionContext) {
    this.id = id;
    this.#ws = ws;
    this.#ctx = ctx;
  }

  /** True while a live worker runs. */
  get hasLive(): boolean {
    return this.#live !== undefined;
  }

  /** Jobs of this session, running or queued. */
  get jobCount(): number {
    return this.#jobs.size;
  }

  /** Sends a message (dropped once closed). */
  send(m: ServerMessage): void {
    if (this.#closed || this.#ws.readyState !== WebSocket.OPEN) return;
    this.#ws.send(JSON.stringify(m));
  }

  /** Ends the session: terminates its live worker, cancels its jobs. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopLive();
    for (const h of this.#jobs.values()) this.#ctx.jobs.cancel(h);
    this.#jobs.clear();
    this.#portfolio = undefined;
  }

  /** Handles one message of the browser. */
  async handle(raw: string): Promise<void> {
    this.lastSeen = performance.now();
    let m: ClientMessage;
    try {
      m = JSON.parse(raw);
    } catch {
      return;
    }
    try {
      await this.#dispatch(m);
    } catch (err) {
      const field = err instanceof ValidationError ? err.field : undefined;
      const message = err instanceof AlpeError
        ? err.message
        : `server error: ${err instanceof Error ? err.message : String(err)}`;
      if (!(err instanceof AlpeError)) this.#ctx.log(`session ${this.id}: ${message}`);
      if (m.type === "job.start") this.send({ type: "job.error", id: m.id, message, field });
      else if (m.type === "model.load") {
        this.send({ type: "job.error", id: "model", message, field });
      } else this.send({ type: "live.error", message, field });
    }
  }

  async #validate(fields: SidebarInput): Promise<SidebarValues | null> {
    const r = validateSidebar(fields, await this.#ctx.agents(), await this.#ctx.markets());
    this.send({ type: "validation", errors: r.ok ? {} : r.errors as Record<string, string> });
    return r.ok ? r.values : null;
  }

  async #dispatch(m: ClientMessage): Promise<void> {
    switch (m.type) {
      case "ping":
        return this.send({ type: "pong" });
      case "validate":
        await this.#validate(m.fields);
        return;
      case "live.step":
        // Paused or done: one more step of the episode on screen; idle: start one first.
        if (this.#live && !m.fields) return this.#toLive({ type: "step" });
        return await this.#liveStart(m);
      case "live.start":
      case "live.reset":
        return await this.#liveStart(m);
      case "live.pause":
        return this.#toLive({ type: "pause" });
      case "live.resume":
        return this.#toLive({ type: "resume" });
      case "live.speed":
        return this.#toLive({ type: "speed", speed: checkSpeed(m.speed) });
      case "live.ack":
        return this.#toLive({ type: "ack", seq: Number(m.seq) || 0 });
      case "job.start":
        return await this.#jobStart(m);
      case "job.cancel":
        for (const [kind, h] of this.#jobs) {
          if (h.id === m.id) {
            this.#ctx.jobs.cancel(h);
            this.#jobs.delete(kind);
          }
        }
        return;
      case "portfolio.weights":
        if (this.#portfolio && this.#portfolio.id === m.id) {
          const blocks = portfolioBlocks(this.#portfolio.data, m.weights.map(Number));
          this.send({ type: "job.blocks", id: m.id, blocks: toWire(blocks), final: true });
        }
        return;
      case "model.load": {
        const agents = await this.#ctx.agents();
        const entry = agents.find((a) => a.modelDir === m.dir);
        if (!entry) {
          throw new ValidationError(
            "model",
            m.dir,
            `a model folder among ${
              agents.filter((a) => a.modelDir).map((a) => a.modelDir).join(", ")
            }`,
          );
        }
        const blocks = await modelBlocks(this.#ctx.root, m.dir);
        this.send({ type: "job.blocks", id: "model", blocks: toWire(blocks), final: true });
        return;
      }
    }
  }

  // ---- live mode

  #toLive(m: LiveWorkerIn): void {
    this.#live?.postMessage(m);
  }

  #stopLive(): void {
    if (this.#live) {
      this.#live.terminate();
      this.#live = undefined;
      this.#ctx.liveChanged();
    }
  }

  async #liveStart(
    m: Extract<ClientMessage, { type: "live.start" | "live.step" | "live.reset" }>,
  ): Promise<void> {
    const v = await this.#validate(m.fields ?? {});
    if (!v) {
      this.send({ type: "live.state", state: this.#live ? "paused" : "idle" });
      return;
    }
    if (!this.#live && !this.#ctx.liveSlotFree(this)) {
      throw new AlpeError(
        "the server runs as many live simulations as it allows (other tabs); close one or " +
          "pause it and try again",
      );
    }
    const speed = m.type === "live.start" ? checkSpeed(m.speed) : 1;
    if (!this.#live) {
      const w = new Worker(new URL("./live_worker.ts", import.meta.url).href, { type: "module" });
      w.onmessage = (e: MessageEvent<LiveWorkerOut>) => this.#fromLive(w, e.data);
      w.onerror = (e: ErrorEvent) => {
        e.preventDefault();
        this.send({ type: "live.error", message: `live simulation failed: ${e.message}` });
        if (this.#live === w) this.#stopLive();
      };
      this.#live = w;
      this.#ctx.liveChanged();
    }
    const key = tunedKey(v.config, v.seed, v.agent.spec.id);
    const cached = this.#ctx.tuned.get(key);
    this.#live.postMessage(
      {
        type: "start",
        config: v.config,
        agent: v.agent.spec,
        agentLabel: v.agent.id,
        marketLabel: v.market.label,
        seed: v.seed,
        speed,
        tune: v.params === "tuned",
        tuned: cached ? { [key]: cached } : {},
        autorun: m.type === "live.start",
      } satisfies LiveWorkerIn,
    );
    if (m.type === "live.step") this.#live.postMessage({ type: "step" } satisfies LiveWorkerIn);
  }

  #fromLive(w: Worker, m: LiveWorkerOut): void {
    if (w !== this.#live) return;
    switch (m.type) {
      case "ready":
        return this.send({ type: "live.ready", info: m.info });
      case "frame":
        return this.send({
          type: "live.frame",
          seq: m.seq,
          frame: m.frame,
          metrics: m.metrics,
          ladder: m.ladder,
        });
      case "state":
        return this.send({ type: "live.state", state: m.state, message: m.message });
      case "error":
        return this.send({ type: "live.error", message: m.message, field: m.field });
      case "tuned":
        this.#remember(m.tuned);
        return;
    }
  }

  #remember(tuned: TunedCache): void {
    for (const [k, v] of Object.entries(tuned)) this.#ctx.tuned.set(k, v);
  }

  #cachedFor(v: SidebarValues, ids: readonly string[]): TunedCache {
    const out: TunedCache = {};
    for (const id of ids) {
      const key = tunedKey(v.config, v.seed, id);
      const t = this.#ctx.tuned.get(key);
      if (t) out[key] = t;
    }
    return out;
  }

  // ---- jobs

  async #jobStart(m: Extract<ClientMessage, { type: "job.start" }>): Promise<void> {
    const kind = m.kind;
    if (!["compare", "analysis", "portfolio", "train", "realdata"].includes(kind)) {
      throw new ValidationError("kind", kind, "compare, analysis, portfolio, train or realdata");
    }
    const v = await this.#validate(m.fields);
    if (!v) {
      this.send({
        type: "job.error",
        id: m.id,
        message: "fix the sidebar's fields first (see the messages next to them)",
      });
      return;
    }
    const p: JobParams = m.params ?? {};
    const job: JobParams = {};
    const agents = await this.#ctx.agents();
    const ppoDir = (entryId: unknown) => {
      const id = typeof entryId === "string" && entryId !== "" ? entryId : "ppo";
      const e = agents.find((a) => a.kind === "ppo" && a.id === id && a.available);
      if (!e) {
        throw new ValidationError(
          "ppo",
          id,
          `a trained model among ${
            agents.filter((a) => a.kind === "ppo" && a.available).map((a) => a.id).join(", ") ||
            "(none: train one first)"
          }`,
        );
      }
      return `${this.#ctx.root}/${e.modelDir}`;
    };
    let outDir: string | undefined;
    if (kind === "compare" || kind === "portfolio") {
      const list = Array.isArray(p.agents) ? p.agents.map(String) : agentIds();
      job.agents = validateAgentIds(list, "agents");
      if (kind === "portfolio" && job.agents.length < 2) {
        throw new ValidationError("agents", list.join(","), "at least two agents");
      }
      if (job.agents.includes("ppo")) job.ppo = ppoDir(p.ppo);
      job.episodes = kind === "compare"
        ? intParam("episodes", p.episodes, 20, JOB_LIMITS.compareEpisodes)
        : intParam("episodes", p.episodes, 32, JOB_LIMITS.portfolioEpisodes);
    } else if (kind === "analysis") {
      job.episodes = intParam("episodes", p.episodes, 16, JOB_LIMITS.analysisEpisodes);
    } else if (kind === "train") {
      if (v.config.tier !== "book" && v.config.tier !== "model") {
        throw new ValidationError("market", v.market.id, "a simulator market (book or model)");
      }
      job.timesteps = intParam("timesteps", p.timesteps, 20_480, JOB_LIMITS.timesteps);
      job.envs = intParam("envs", p.envs, 16, JOB_LIMITS.envs);
      outDir = await claimRunDir(this.#ctx.root);
    } else if (kind === "realdata") {
      job.action = p.action === "replay" ? "replay" : "view";
      job.tape = typeof p.tape === "string" ? p.tape : "";
      if (job.action === "replay") {
        const list = Array.isArray(p.agents) ? p.agents.map(String) : agentIds();
        job.agents = validateAgentIds(list, "agents");
        if (job.agents.includes("ppo")) job.ppo = ppoDir(p.ppo);
        job.episodes = intParam("episodes", p.episodes, 4, JOB_LIMITS.compareEpisodes);
      }
    }
    const previous = this.#jobs.get(kind);
    if (previous) this.#ctx.jobs.cancel(previous);
    const input: JobWorkerIn = {
      id: String(m.id),
      kind,
      config: v.config,
      seed: v.seed,
      agent: v.agent.spec,
      agentId: v.agent.id,
      params: v.params,
      tuned: this.#cachedFor(v, [v.agent.spec.id, ...(job.agents ?? [])]),
      job,
      root: this.#ctx.root,
      outDir,
      ...(v.market.realism ? { realism: v.market.realism } : {}),
    };
    const t0 = performance.now();
    const handle = this.#ctx.jobs.submit(this.id, input, {
      onQueued: (position) => this.send({ type: "job.queued", id: input.id, position }),
      onMessage: (w) => {
        switch (w.type) {
          case "progress":
            return this.send({
              type: "job.progress",
              id: input.id,
              done: w.done,
              total: w.total,
              label: w.label,
            });
          case "blocks":
            if (kind === "portfolio" && w.final && w.extra) {
              this.#portfolio = { id: input.id, data: w.extra as PortfolioData };
            }
            return this.send({
              type: "job.blocks",
              id: input.id,
              blocks: w.blocks,
              final: w.final,
            });
          case "tuned":
            this.#remember(w.tuned);
            return;
          case "error":
            return this.send({
              type: "job.error",
              id: input.id,
              message: w.message,
              field: w.field,
            });
          case "done":
            this.send({ type: "job.done", id: input.id, seconds: (performance.now() - t0) / 1000 });
            if (kind === "train") this.#ctx.modelsChanged();
            return;
        }
      },
      onEnd: () => {
        if (this.#jobs.get(kind) === handle) this.#jobs.delete(kind);
      },
    });
    if (handle.state !== "ended") this.#jobs.set(kind, handle);
  }
}

function checkSpeed(s: unknown): number {
  const v = Number(s);
  if (!SPEEDS.includes(v)) {
    throw new ValidationError("speed", s, `one of ${SPEEDS.join(", ")} (0: as fast as possible)`);
  }
  return v;
}
