/**
 * Redis plumbing shared by the sweep coordinator and its workers: URL validation, a quick
 * reachability check with a clear error, the queue name (one queue per code version, so a
 * worker never sees jobs planned by other code) and the registry of live workers.
 *
 * Runs on Deno's Node compatibility: `npm:bullmq` and `npm:ioredis` work unchanged (the
 * optional native `msgpackr-extract` add-on is not built; its pure-JS fallback is used).
 *
 * @module
 */
import { redisClass } from "./_ioredis.ts";
import { AlpeError, ValidationError } from "../errors.ts";

/** Default name prefix of sweep queues. */
export const DEFAULT_QUEUE_PREFIX = "alpe-sweep";

/** Seconds a worker's registry entry lives without a heartbeat. */
export const WORKER_TTL_S = 30;

/** Redis could not be reached. */
export class RedisUnavailableError extends AlpeError {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "RedisUnavailableError";
  }
}

/**
 * Checks a Redis URL (`redis://[user:password@]host[:port][/db]` or `rediss://` for TLS)
 * and returns it; throws a `ValidationError` naming `field` otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseRedisUrl } from "./redis.ts";
 * assert.equal(parseRedisUrl("redis://127.0.0.1:6379"), "redis://127.0.0.1:6379");
 * assert.throws(() => parseRedisUrl("http://x"), /--redis/);
 * ```
 */
export function parseRedisUrl(url: string, field = "--redis"): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ValidationError(field, url, "a URL redis://host:port[/db] (or rediss:// for TLS)");
  }
  if ((u.protocol !== "redis:" && u.protocol !== "rediss:") || u.hostname === "") {
    throw new ValidationError(field, url, "a URL redis://host:port[/db] (or rediss:// for TLS)");
  }
  if (u.pathname && u.pathname !== "/" && !/^\/\d+$/.test(u.pathname)) {
    throw new ValidationError(field, url, "a database number after the port (redis://host:port/0)");
  }
  return url;
}

/** The URL without its password (for logs). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.href;
  } catch {
    return url;
  }
}

/** The Redis commands {@linkcode listWorkers} uses (an ioredis client has them). */
export interface RedisScanner {
  /** SCAN cursor MATCH pattern COUNT n. */
  scan(
    cursor: string,
    match: "MATCH",
    pattern: string,
    count: "COUNT",
    n: number,
  ): Promise<[cursor: string, elements: string[]]>;
  /** MGET keys. */
  mget(...keys: string[]): Promise<(string | null)[]>;
}

/**
 * Pings Redis at `url` once, within `timeoutMs`; throws a {@linkcode RedisUnavailableError}
 * saying why when it cannot.
 */
export async function checkRedis(url: string, timeoutMs = 5_000): Promise<string> {
  const RedisClient = await redisClass();
  const client = new RedisClient(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on("error", () => {}); // reported below
  try {
    await client.connect();
    const info = await client.info("server");
    return /redis_version:(\S+)/.exec(info)?.[1] ?? "unknown";
  } catch (err) {
    throw new RedisUnavailableError(
      `cannot reach Redis at ${redactUrl(url)} (${(err as Error).message || String(err)})`,
    );
  } finally {
    client.disconnect();
  }
}

/** The queue of jobs planned by code version `code`: `<prefix>-<first 16 hex digits>`. */
export function queueName(code: string, prefix = DEFAULT_QUEUE_PREFIX): string {
  if (!/^[A-Za-z0-9._-]+$/.test(prefix)) {
    throw new ValidationError("--queue", prefix, "letters, digits, '.', '_' or '-'");
  }
  return `${prefix}-${code.slice(0, 16)}`;
}

/** A live worker as registered in Redis. */
export interface WorkerInfo {
  /** Host name. */
  host: string;
  /** Process id. */
  pid: number;
  /** Code version of its checkout. */
  code: string;
  /** The queue it serves. */
  queue: string;
  /** Jobs it runs at once. */
  concurrency: number;
  /** When it started (ISO time). */
  started: string;
  /** Jobs it finished so far. */
  jobs: number;
}

/** Registry key of a worker. */
export function workerKey(prefix: string, host: string, pid: number): string {
  return `${prefix}:workers:${host}:${pid}`;
}

/** The workers registered under `prefix` (entries expire {@linkcode WORKER_TTL_S} after a worker's last heartbeat). */
export async function listWorkers(
  client: RedisScanner,
  prefix = DEFAULT_QUEUE_PREFIX,
): Promise<WorkerInfo[]> {
  const out: WorkerInfo[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}:workers:*`, "COUNT", 200);
    cursor = next;
    if (keys.length === 0) continue;
    const values = await client.mget(...keys);
    for (const v of values) {
      if (!v) continue;
      try {
        out.push(JSON.parse(v) as WorkerInfo);
      } catch { /* ignore a bad entry */ }
    }
  } while (cursor !== "0");
  return out.sort((a, b) => `${a.host}:${a.pid}`.localeCompare(`${b.host}:${b.pid}`));
}
