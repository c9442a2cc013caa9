/**
 * A classic Jupyter Notebook server (Debian's `jupyter-notebook`, Notebook 6.4, found or
 * installed by `findNotebookServer` in `_jupyter.ts`) for the live notebook test, started on
 * 127.0.0.1 with a free port, a random token and private config/data/runtime directories (nothing in $HOME
 * is read or written), and stopped together with every kernel it started.
 *
 * @module
 */
import type { ServerCommand } from "./_jupyter.ts";
import { freePort } from "./_redis.ts";

/** Options of {@linkcode startNotebookServer}. */
export interface NotebookServerOptions {
  /** Directory the server serves notebooks from (`--notebook-dir`). */
  notebookDir: string;
  /** Extra environment (e.g. `JUPYTER_PATH` holding `kernels/deno`). */
  env?: Record<string, string>;
  /** How long to wait for the server to answer, ms (default 60 000). */
  startTimeoutMs?: number;
}

/** A running server; {@linkcode NotebookServer.stop} ends it and its kernels. */
export interface NotebookServer {
  /** `http://127.0.0.1:PORT`. */
  origin: string;
  /** The access token. */
  token: string;
  /** Lines the server printed so far (stdout and stderr). */
  log: string[];
  /** Calls the REST API (`path` starts with `/api/`); throws on a non-2xx answer. */
  api(method: string, path: string, body?: unknown): Promise<unknown>;
  /** Shuts down every running kernel (through the API). */
  shutdownKernels(): Promise<void>;
  /** Stops the server, its kernels and the temporary directories; idempotent. */
  stop(): Promise<void>;
}

/** A random hex token (128 bits). */
export function randomToken(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/**
 * The command line of the server (pure; exported for tests). `root`: we run as root (CI
 * containers), which the server refuses without `--allow-root`.
 */
export function notebookServerArgs(
  port: number,
  token: string,
  notebookDir: string,
  root = false,
): string[] {
  return [
    ...(root ? ["--allow-root"] : []),
    "--no-browser",
    "--ip=127.0.0.1",
    `--port=${port}`,
    "--port-retries=0",
    `--NotebookApp.token=${token}`,
    "--NotebookApp.password=",
    `--notebook-dir=${notebookDir}`,
  ];
}

/** Ids of processes whose command line contains `needle` (a unique path of ours). */
async function processesWith(needle: string): Promise<number[]> {
  const pids: number[] = [];
  try {
    for await (const e of Deno.readDir("/proc")) {
      if (!/^\d+$/.test(e.name)) continue;
      try {
        const cmd = await Deno.readTextFile(`/proc/${e.name}/cmdline`);
        if (cmd.includes(needle)) pids.push(Number(e.name));
      } catch {
        // gone
      }
    }
  } catch {
    // no /proc
  }
  return pids;
}

function kill(pid: number, signal: Deno.Signal): void {
  try {
    Deno.kill(pid, signal);
  } catch {
    // already gone
  }
}

async function pump(stream: ReadableStream<Uint8Array>, log: string[]): Promise<void> {
  const dec = new TextDecoder();
  let rest = "";
  try {
    for await (const chunk of stream) {
      const lines = (rest + dec.decode(chunk, { stream: true })).split("\n");
      rest = lines.pop() ?? "";
      log.push(...lines);
      if (log.length > 5000) log.splice(0, log.length - 5000);
    }
  } catch {
    // stream closed
  }
  if (rest) log.push(rest);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `server` (the classic Notebook server) on 127.0.0.1 with a free port and a token,
 * serving `opts.notebookDir`, in its own process group and with private Jupyter
 * config/data/runtime directories. Resolves once the API answers.
 */
export async function startNotebookServer(
  server: ServerCommand,
  opts: NotebookServerOptions,
): Promise<NotebookServer> {
  const home = await Deno.makeTempDir({ prefix: "alpe-nbserver-" });
  const runtime = `${home}/runtime`;
  for (const d of ["config", "data", "runtime"]) await Deno.mkdir(`${home}/${d}`);
  const port = freePort();
  const token = randomToken();
  const origin = `http://127.0.0.1:${port}`;
  const child = new Deno.Command("setsid", {
    args: [
      server.cmd,
      ...server.args,
      ...notebookServerArgs(port, token, opts.notebookDir, Deno.uid() === 0),
    ],
    env: {
      ...opts.env,
      JUPYTER_CONFIG_DIR: `${home}/config`,
      JUPYTER_DATA_DIR: `${home}/data`,
      JUPYTER_RUNTIME_DIR: runtime,
      JUPYTER_NO_CONFIG: "1",
      PYTHONUNBUFFERED: "1",
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const log: string[] = [];
  const pumps = Promise.all([pump(child.stdout, log), pump(child.stderr, log)]);
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });

  const api = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const r = await fetch(`${origin}${path}`, {
      method,
      headers: { Authorization: `token ${token}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: HTTP ${r.status} ${text.slice(0, 200)}`);
    return text ? JSON.parse(text) : undefined;
  };

  const shutdownKernels = async (): Promise<void> => {
    try {
      const kernels = await api("GET", "/api/kernels") as { id: string }[];
      await Promise.all(
        kernels.map((k) => api("DELETE", `/api/kernels/${k.id}`).catch(() => undefined)),
      );
    } catch {
      // server gone
    }
  };

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= stopNow());
  const stopNow = async (): Promise<void> => {
    if (!exited) {
      await shutdownKernels();
      await api("POST", "/api/shutdown").catch(() => undefined);
      for (let i = 0; i < 50 && !exited; i++) await sleep(100);
    }
    if (!exited) kill(-child.pid, "SIGTERM");
    for (let i = 0; i < 30 && !exited; i++) await sleep(100);
    if (!exited) kill(-child.pid, "SIGKILL");
    await status;
    // Kernels run in their own sessions; any left (server killed) carry our runtime dir.
    for (const pid of await processesWith(runtime)) kill(pid, "SIGKILL");
    await pumps;
    await Deno.remove(home, { recursive: true }).catch(() => undefined);
  };

  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  while (true) {
    if (exited) {
      await stop();
      throw new Error(`jupyter-notebook exited at start:\n${log.slice(-20).join("\n")}`);
    }
    try {
      await api("GET", "/api/status");
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(
          `jupyter-notebook did not answer on ${origin}:\n${log.slice(-20).join("\n")}`,
        );
      }
      await sleep(200);
    }
  }
  return { origin, token, log, api, shutdownKernels, stop };
}
