import assert from "node:assert/strict";
import { CSP, type Dashboard, startDashboard } from "../../lib/dashboard/server.ts";
import type { ServerMessage } from "../../lib/dashboard/protocol.ts";
import { DEFAULT_MARKET } from "../../lib/env/markets.ts";

const ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
const fields = {
  agent: "avellaneda-stoikov",
  market: "book",
  duration: "30",
  price: "100",
  volatility: "0.02",
  seed: "1",
  latency: "5",
  params: "defaults",
};

/** A WebSocket client of the dashboard that collects messages. */
class Client {
  readonly msgs: ServerMessage[] = [];
  readonly ws: WebSocket;
  readonly #open = Promise.withResolvers<void>();
  constructor(d: Dashboard, origin = d.url.replace(/\/$/, "")) {
    this.ws = new WebSocket(d.url.replace(/^http/, "ws") + "ws", {
      headers: { origin },
    } as unknown as string[]);
    this.ws.onopen = () => this.#open.resolve();
    this.ws.onerror = (e) => this.#open.reject(e);
    this.ws.onmessage = (e) => {
      const m = JSON.parse(e.data) as ServerMessage;
      this.msgs.push(m);
      if (m.type === "live.frame") this.send({ type: "live.ack", seq: m.seq });
    };
  }
  open(): Promise<void> {
    return this.#open.promise;
  }
  send(m: unknown): void {
    this.ws.send(JSON.stringify(m));
  }
  async until(pred: (m: ServerMessage) => boolean, ms = 60_000): Promise<ServerMessage> {
    const end = performance.now() + ms;
    while (performance.now() < end) {
      const m = this.msgs.find(pred);
      if (m) return m;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error("timed out waiting for a message");
  }
  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    const { promise, resolve } = Promise.withResolvers<void>();
    this.ws.onclose = () => resolve();
    this.ws.close();
    return promise;
  }
}

async function idle(d: Dashboard, ms = 30_000): Promise<void> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const s = d.status();
    if (s.sessions + s.liveWorkers + s.jobWorkers + s.queuedJobs === 0) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`still busy: ${JSON.stringify(d.status())}`);
}

const opts = { sanitizeResources: false, sanitizeOps: false };

Deno.test({
  name: "server: the app, plotly.js from the npm package, the API, with a strict CSP",
  ...opts,
  async fn() {
    const d = await startDashboard({ port: 0, root: ROOT, log: () => {} });
    try {
      const page = await fetch(d.url);
      assert.equal(page.headers.get("content-security-policy"), CSP);
      const html = await page.text();
      assert.ok(html.includes('<script src="/vendor/plotly.js"></script>'));
      assert.ok(!/https?:\/\/(?!127)/.test(html), "no external URL in the page");
      const js = await (await fetch(`${d.url}vendor/plotly.js`)).text();
      assert.ok(js.length > 1_000_000 && js.includes("Plotly"));
      for (const p of ["app.js", "app.css", "live_canvas.js", "sort.js", "report.css"]) {
        const r = await fetch(d.url + p);
        assert.equal(r.status, 200, p);
        await r.body?.cancel();
      }
      const meta = await (await fetch(`${d.url}api/meta`)).json();
      const markets = meta.markets.map((m: { id: string; available: boolean }) => m.id);
      assert.deepEqual(markets.slice(0, 2), ["book", "model"]);
      assert.ok(markets.includes("book+high-latency"));
      // the sidebar starts on the tools' default market (compare's), a shipped preset
      assert.equal(meta.defaults.market, DEFAULT_MARKET);
      assert.ok(markets.includes(DEFAULT_MARKET));
      assert.ok(markets.includes("replay:data/real/binance/spot_btcusdt_20240808.gz"));
      assert.equal(meta.realData.available, true);
      assert.equal(meta.realData.tapes.length, 2);
      assert.ok(meta.agents.some((a: { id: string }) => a.id === "ppo"));
      const missing = await fetch(`${d.url}nope`);
      assert.equal(missing.status, 404);
      await missing.body?.cancel();
    } finally {
      await d.shutdown();
    }
  },
});

Deno.test({
  name: "server: refuses a foreign Host (DNS rebinding) and a foreign WebSocket origin",
  ...opts,
  async fn() {
    const d = await startDashboard({ port: 0, root: ROOT, log: () => {} });
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: d.port });
      await conn.write(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n"));
      const buf = new Uint8Array(200);
      const n = await conn.read(buf);
      conn.close();
      assert.match(new TextDecoder().decode(buf.subarray(0, n ?? 0)), /^HTTP\/1\.1 403/);
      const c = new Client(d, "http://evil.example");
      await assert.rejects(() => c.open());
      assert.equal(d.status().sessions, 0);
    } finally {
      await d.shutdown();
    }
  },
});

Deno.test({
  name: "session: validation messages, a live episode to its end, typed job errors",
  ...opts,
  async fn() {
    const d = await startDashboard({ port: 0, root: ROOT, log: () => {} });
    const c = new Client(d);
    try {
      await c.open();
      c.send({ type: "validate", fields: { ...fields, volatility: "2" } });
      const v = await c.until((m) => m.type === "validation");
      assert.ok(v.type === "validation" && v.errors.volatility?.startsWith("volatility:"));

      c.send({ type: "live.start", fields, speed: 0 });
      const ready = await c.until((m) => m.type === "live.ready");
      assert.ok(ready.type === "live.ready" && ready.info.steps === 300);
      await c.until((m) => m.type === "live.state" && m.state === "done");
      const frames = c.msgs.filter((m) => m.type === "live.frame");
      const steps = frames.reduce(
        (s, m) => s + (m.type === "live.frame" ? m.frame.t.length : 0),
        0,
      );
      assert.equal(steps, 300);
      assert.ok(frames.every((m) => m.type === "live.frame" && m.frame.ladder !== null));

      c.send({ type: "job.start", id: "j1", kind: "analysis", fields, params: { episodes: 0 } });
      const e = await c.until((m) => m.type === "job.error");
      assert.ok(e.type === "job.error" && e.field === "episodes");
      assert.equal(e.message, "episodes: expected an integer in [1, 500], got 0");

      c.send({ type: "job.start", id: "j2", kind: "realdata", fields, params: { tape: "x" } });
      const r = await c.until((m) => m.type === "job.error" && m.id === "j2");
      assert.ok(r.type === "job.error" && r.field === "tape", JSON.stringify(r));

      c.send({
        type: "job.start",
        id: "j3",
        kind: "analysis",
        fields: { ...fields, market: "model", duration: "10" },
        params: { episodes: 2 },
      });
      await c.until((m) => m.type === "job.done" && m.id === "j3");
      const blocks = c.msgs.find((m) => m.type === "job.blocks" && m.id === "j3");
      assert.ok(blocks && blocks.type === "job.blocks" && blocks.final);
    } finally {
      await c.close();
      await idle(d);
      await d.shutdown();
    }
  },
});

Deno.test({
  name: "sessions: many tabs are capped; a closed tab's live worker and job end with it",
  ...opts,
  async fn() {
    const d = await startDashboard({
      port: 0,
      root: ROOT,
      log: () => {},
      maxLiveSims: 2,
      maxJobs: 1,
    });
    const tabs = [new Client(d), new Client(d), new Client(d)];
    try {
      for (const t of tabs) await t.open();
      const long = { ...fields, duration: "500" };
      for (const t of tabs) t.send({ type: "live.start", fields: long, speed: 1 });
      // Whichever tab asks third (the sessions validate concurrently) is refused.
      const end0 = performance.now() + 60_000;
      const refusedOf = (t: Client) => t.msgs.find((m) => m.type === "live.error");
      const runningOf = (t: Client) =>
        t.msgs.some((m) => m.type === "live.state" && m.state === "running");
      while (
        performance.now() < end0 &&
        !(tabs.filter(refusedOf).length === 1 && tabs.filter(runningOf).length === 2)
      ) await new Promise((r) => setTimeout(r, 20));
      const refused = tabs.find(refusedOf);
      assert.ok(refused, "no tab was refused");
      const m = refusedOf(refused)!;
      assert.ok(m.type === "live.error" && /as many live simulations/.test(m.message));
      const [a, b] = tabs.filter(runningOf);
      assert.equal(d.status().liveWorkers, 2);
      a.send({
        type: "job.start",
        id: "a",
        kind: "compare",
        fields: long,
        params: { episodes: 1000 },
      });
      await a.until((m) => m.type === "job.progress" && m.id === "a");
      b.send({
        type: "job.start",
        id: "b",
        kind: "compare",
        fields: long,
        params: { episodes: 1000 },
      });
      await b.until((m) => m.type === "job.queued" && m.id === "b");
      assert.equal(d.status().jobWorkers, 1);
      assert.equal(d.status().queuedJobs, 1);
      await a.close();
      // Tab a's live worker and job are gone; tab b's queued job starts.
      const end = performance.now() + 10_000;
      while (performance.now() < end && d.status().liveWorkers !== 1) {
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.deepEqual(d.status(), { sessions: 2, liveWorkers: 1, jobWorkers: 1, queuedJobs: 0 });
    } finally {
      for (const t of tabs) await t.close();
      await idle(d);
      await d.shutdown();
    }
  },
});

Deno.test("deno task dashboard: --help, bad flags exit 2 with one line, and it prints its URL", async () => {
  const run = (args: string[]) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${ROOT}/scripts/dashboard.ts`, ...args],
      stdout: "piped",
      stderr: "piped",
    });
  const help = await run(["--help"]).output();
  assert.equal(help.code, 0);
  assert.ok(new TextDecoder().decode(help.stdout).includes("--port N"));
  const bad = await run(["--port", "70000"]).output();
  assert.equal(bad.code, 2);
  assert.equal(
    new TextDecoder().decode(bad.stderr).trim(),
    'error: --port: expected an integer in [0, 65535], got "70000"',
  );
  const child = run(["--port", "0"]).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!out.includes("\n")) out += (await reader.read()).value ?? "";
  assert.match(out, /^ALPE dashboard: http:\/\/127\.0\.0\.1:\d+\/\n/);
  const url = out.split(" ")[2].trim();
  const r = await fetch(url);
  assert.equal(r.status, 200);
  await r.body?.cancel();
  child.kill("SIGTERM");
  assert.equal((await child.status).code, 0);
  await reader.cancel();
  await child.stderr.cancel();
});
