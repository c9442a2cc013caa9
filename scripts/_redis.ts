/**
 * A private Redis for tests and benchmarks: finds Debian's `redis-server` (installing the
 * package as root on Debian when it is missing), starts it on 127.0.0.1 on a free port
 * without persistence, and stops it. `deno task setup` calls {@linkcode ensureRedis}.
 *
 * @module
 */
import { aptInstall } from "./_jupyter.ts";

const CANDIDATES = [
  "/usr/bin/redis-server",
  "/usr/sbin/redis-server",
  "/usr/local/bin/redis-server",
  "redis-server",
];

async function works(bin: string): Promise<boolean> {
  try {
    const r = await new Deno.Command(bin, { args: ["--version"], stdout: "null", stderr: "null" })
      .output();
    return r.success;
  } catch {
    return false;
  }
}

/** The first working `redis-server` (`$REDIS_SERVER` first), if any. */
export async function findRedisServer(): Promise<string | undefined> {
  const env = Deno.env.get("REDIS_SERVER");
  for (const c of env ? [env, ...CANDIDATES] : CANDIDATES) if (await works(c)) return c;
  return undefined;
}

/** Finds `redis-server`, installing Debian's package when it is missing and we can. */
export async function ensureRedis(): Promise<string | undefined> {
  const found = await findRedisServer();
  if (found) return found;
  if (await aptInstall(["redis-server"])) {
    const bin = await findRedisServer();
    if (bin) return bin;
  }
  console.error(
    "redis-server is not installed and could not be installed (needs root on Debian: " +
      "apt-get install redis-server); the distributed sweep tests will be skipped",
  );
  return undefined;
}

/** A running private Redis. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>`. */
  url: string;
  /** Its port. */
  port: number;
  /** Its process id. */
  pid: number;
  /** Stops it (SIGTERM, then SIGKILL after 3 s) and waits until it exited. */
  stop(): Promise<void>;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function ping(port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    try {
      await conn.write(new TextEncoder().encode("PING\r\n"));
      const buf = new Uint8Array(16);
      const n = await conn.read(buf);
      return n !== null && new TextDecoder().decode(buf.subarray(0, n)).startsWith("+PONG");
    } finally {
      conn.close();
    }
  } catch {
    return false;
  }
}

/** Starts `bin` on 127.0.0.1 on a free port, without persistence, and waits until it answers. */
export async function startRedisServer(bin: string): Promise<RedisServer> {
  for (let tries = 0; tries < 3; tries++) {
    const port = freePort();
    const child = new Deno.Command(bin, {
      args: [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--protected-mode",
        "yes",
      ],
      stdout: "null",
      stderr: "null",
      stdin: "null",
    }).spawn();
    let exited = false;
    const status = child.status.then((s) => {
      exited = true;
      return s;
    });
    for (let i = 0; i < 100 && !exited; i++) {
      if (await ping(port)) {
        let stopping: Promise<void> | undefined;
        return {
          url: `redis://127.0.0.1:${port}`,
          port,
          pid: child.pid,
          stop() {
            stopping ??= (async () => {
              if (exited) return;
              child.kill("SIGTERM");
              const timer = setTimeout(() => {
                try {
                  child.kill("SIGKILL");
                } catch { /* gone */ }
              }, 3_000);
              await status;
              clearTimeout(timer);
            })();
            return stopping;
          },
        };
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!exited) child.kill("SIGKILL");
    await status;
  }
  throw new Error(`${bin} did not start`);
}
