/**
 * The dashboard's server: Deno's own HTTP server (`Deno.serve`) serving the browser app,
 * plotly.js from the npm package (nothing is fetched from the network), a small JSON API and
 * one WebSocket per tab. Simulations and jobs run in Deno Workers, never on this thread;
 * each tab's work ends with its WebSocket.
 *
 * It listens on 127.0.0.1 by default and refuses requests whose `Host` is not its own (DNS
 * rebinding) and WebSockets from another origin, since a page on any site could otherwise
 * drive a local server that writes model folders.
 *
 * @module
 */
import type { TunedAgentParams } from "../backtest/fair_params.ts";
import { plotlySource } from "../viz/plotly_source.ts";
import { REPORT_CSS, SORT_SCRIPT } from "../viz/report_page.ts";
import { AGENT_COLORS } from "../viz/colors.ts";
import { type AgentEntry, listAgents } from "./agents.ts";
import { SIDEBAR_FIELDS } from "./fields.ts";
import { JobScheduler } from "./jobs.ts";
import { defaultMarketId, listMarkets, type MarketEntry } from "./markets.ts";
import { SPEEDS } from "./protocol.ts";
import { realDataApi } from "./real_data.ts";
import { Session, type SessionContext } from "./session.ts";
import { DEFAULT_TRAIN_TIMESTEPS } from "./training.ts";

/** Options of {@linkcode startDashboard}. */
export interface DashboardOptions {
  /** Port (default 8787; 0: any free port). */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Repository root: models under `data/models`, output under `out/` (default: cwd). */
  root?: string;
  /** Largest number of live simulations at once, all tabs together (default 8). */
  maxLiveSims?: number;
  /** Largest number of jobs running at once, all tabs together (default 2). */
  maxJobs?: number;
  /** A session silent this long is closed, ms (default 180 000; the page pings every 10 s). */
  idleTimeoutMs?: number;
  /** Log lines (default: console.error). */
  log?: (line: string) => void;
}

/** What the server is doing: the counts a leak test checks. */
export interface DashboardStatus {
  /** Open sessions (tabs). */
  sessions: number;
  /** Live-simulation workers. */
  liveWorkers: number;
  /** Job workers running. */
  jobWorkers: number;
  /** Jobs waiting for a worker. */
  queuedJobs: number;
}

/** A running dashboard. */
export interface Dashboard {
  /** The URL to open. */
  url: string;
  /** The port it listens on. */
  port: number;
  /** Current counts. */
  status(): DashboardStatus;
  /** Closes every session (terminating their workers) and stops the server. */
  shutdown(): Promise<void>;
  /** Resolves when the server has stopped. */
  finished: Promise<void>;
}

/** Default port. */
export const DEFAULT_PORT = 8787;

const STATIC: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "/app.css": { file: "app.css", type: "text/css; charset=utf-8" },
  "/live_canvas.js": { file: "live_canvas.js", type: "text/javascript; charset=utf-8" },
};

/** Content-Security-Policy of the app: only its own scripts, no network beyond itself. */
export const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

async function readStatic(name: string): Promise<string> {
  return await Deno.readTextFile(new URL(`./static/${name}`, import.meta.url));
}

/**
 * Starts the dashboard and returns once it listens.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startDashboard } from "./server.ts";
 * const d = await startDashboard({ port: 0 }); // any free port on 127.0.0.1
 * assert.equal(d.url, `http://127.0.0.1:${d.port}/`); // open it in a browser
 * const res = await fetch(new URL("/api/status", d.url));
 * assert.deepEqual(await res.json(), { sessions: 0, liveWorkers: 0, jobWorkers: 0, queuedJobs: 0 });
 * assert.ok(res.headers.get("content-security-policy")?.startsWith("default-src 'self'"));
 * await d.shutdown();
 * ```
 */
export async function startDashboard(opts: DashboardOptions = {}): Promise<Dashboard> {
  const host = opts.host ?? "127.0.0.1";
  const root = opts.root ?? Deno.cwd();
  const log = opts.log ?? ((line: string) => console.error(line));
  const maxLive = opts.maxLiveSims ?? 8;
  const idleMs = opts.idleTimeoutMs ?? 180_000;
  const jobs = new JobScheduler(opts.maxJobs ?? 2);
  const sessions = new Map<number, Session>();
  const tuned = new Map<string, TunedAgentParams>();
  let nextId = 1;
  let liveWorkers = 0;
  let markets: MarketEntry[] | undefined;
  const statics = new Map<string, string>();
  for (const [path, s] of Object.entries(STATIC)) statics.set(path, await readStatic(s.file));
  let plotly: Uint8Array | undefined;

  const ctx: SessionContext = {
    root,
    agents: () => listAgents(root),
    markets: async () => (markets ??= await listMarkets(root)),
    jobs,
    liveSlotFree: () => liveWorkers < maxLive,
    liveChanged: () => {
      liveWorkers = [...sessions.values()].filter((s) => s.hasLive).length;
    },
    tuned,
    modelsChanged: () => {
      listAgents(root).then((agents) => {
        for (const s of sessions.values()) s.send({ type: "models", agents });
      });
    },
    log,
  };

  const listening = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    hostname: host,
    port: opts.port ?? DEFAULT_PORT,
    onListen: (addr) => listening.resolve(addr as Deno.NetAddr),
    onError: (err) => {
      log(`dashboard: ${err instanceof Error ? err.message : String(err)}`);
      return new Response("internal error", { status: 500 });
    },
  }, (req) => handle(req));
  const addr = await listening.promise;
  const port = addr.port;
  const wildcard = host === "0.0.0.0" || host === "::";
  const allowedHosts = new Set(
    [host, "localhost", "127.0.0.1", "[::1]"].map((h) =>
      `${h.includes(":") && !h.startsWith("[") ? `[${h}]` : h}:${port}`
    ),
  );

  const sweep = setInterval(() => {
    const now = performance.now();
    for (const s of sessions.values()) {
      if (now - s.lastSeen > idleMs) {
        log(`dashboard: closing session ${s.id} (silent for ${(idleMs / 1000).toFixed(0)} s)`);
        s.close();
        sessions.delete(s.id);
        ctx.liveChanged();
      }
    }
  }, Math.min(10_000, idleMs));

  function status(): DashboardStatus {
    return {
      sessions: sessions.size,
      liveWorkers,
      jobWorkers: jobs.running,
      queuedJobs: jobs.queued,
    };
  }

  async function meta(): Promise<unknown> {
    const agents: AgentEntry[] = await ctx.agents();
    const api = realDataApi(root);
    const markets = await ctx.markets();
    return {
      agents,
      agentIds: agents.filter((a) => a.kind === "rule").map((a) => a.id).concat(["ppo"]),
      markets,
      fields: SIDEBAR_FIELDS,
      speeds: SPEEDS,
      colors: AGENT_COLORS,
      realData: { available: api.available, reason: api.reason, tapes: await api.listTapes() },
      defaults: { trainTimesteps: DEFAULT_TRAIN_TIMESTEPS, market: defaultMarketId(markets) },
    };
  }

  function headers(type: string, extra: Record<string, string> = {}): Headers {
    return new Headers({
      "content-type": type,
      "content-security-policy": CSP,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "cache-control": "no-store",
      ...extra,
    });
  }

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const hostHeader = req.headers.get("host") ?? "";
    if (!wildcard && !allowedHosts.has(hostHeader)) {
      return new Response("forbidden host", { status: 403 });
    }
    if (url.pathname === "/ws") {
      const origin = req.headers.get("origin");
      if (origin !== `http://${hostHeader}`) {
        return new Response("forbidden origin", { status: 403 });
      }
      if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
        return new Response("expected a WebSocket", { status: 426 });
      }
      const { socket, response } = Deno.upgradeWebSocket(req, { idleTimeout: 0 });
      const id = nextId++;
      const session = new Session(id, socket, ctx);
      socket.onopen = () => {
        sessions.set(id, session);
        session.send({ type: "hello", session: id });
      };
      socket.onmessage = (e) => {
        if (typeof e.data === "string") session.handle(e.data);
      };
      const end = () => {
        session.close();
        sessions.delete(id);
        ctx.liveChanged();
      };
      socket.onclose = end;
      socket.onerror = end;
      return response;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      return new Response("method not allowed", { status: 405 });
    }
    const s = STATIC[url.pathname];
    if (s) return new Response(statics.get(url.pathname), { headers: headers(s.type) });
    if (url.pathname === "/sort.js") {
      return new Response(SORT_SCRIPT, { headers: headers("text/javascript; charset=utf-8") });
    }
    if (url.pathname === "/report.css") {
      return new Response(REPORT_CSS, { headers: headers("text/css; charset=utf-8") });
    }
    if (url.pathname === "/vendor/plotly.js") {
      plotly ??= new TextEncoder().encode(plotlySource());
      return new Response(plotly.slice(), {
        headers: headers("text/javascript; charset=utf-8", { "cache-control": "max-age=86400" }),
      });
    }
    if (url.pathname === "/api/meta") {
      return new Response(JSON.stringify(await meta()), {
        headers: headers("application/json"),
      });
    }
    if (url.pathname === "/api/status") {
      return new Response(JSON.stringify(status()), { headers: headers("application/json") });
    }
    return new Response("not found", { status: 404, headers: headers("text/plain") });
  }

  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}/`;
  return {
    url,
    port,
    status,
    finished: server.finished,
    shutdown: async () => {
      clearInterval(sweep);
      for (const s of sessions.values()) s.close();
      sessions.clear();
      jobs.cancelAll();
      liveWorkers = 0;
      await server.shutdown();
    },
  };
}
